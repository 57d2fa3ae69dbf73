"""Reference lists seeded on first run; seeding again adds only what is missing."""

from sqlalchemy import select

from ..extensions import db
from .models import FunctionalArea, GapCategory, StaffLevel, Strategy, ThematicArea

THEMATIC_AREAS = [
    ("Prevention", "Bring a gender perspective into conflict prevention and early warning, and "
     "strengthen the prevention of violence against women, gender-based violence included."),
    ("Participation", "Support women's full and meaningful part in peace processes and in "
     "decision-making at every level, work with women's organisations, and appoint more women "
     "to senior posts and to military, police and civilian components."),
    ("Protection", "Secure the safety, health, economic security and dignity of women and "
     "girls, uphold their human rights, and bring a gender perspective into legal and "
     "institutional reform."),
    ("Relief and recovery", "Give women equal access to aid and services, meeting the "
     "particular needs of women and girls in relief and recovery."),
    ("Normative", "Build the policy frameworks, coordination and awareness that carry "
     "resolution 1325 into the department's work."),
]

STRATEGIES = [
    ("Policy development", "Directives, norms and standards, including for project design, "
     "reporting, monitoring and evaluation."),
    ("Advocacy", "Raising awareness with partners through training, media, outreach and "
     "information campaigns."),
    ("Capacity-building", "Training, guidance and technical support that build individual and "
     "institutional capacity."),
    ("Partnership and networking", "Working with governments, civil society and regional and "
     "international organisations."),
    ("Provision of goods and services", "Making sure that women and their organisations have "
     "equal access to goods and services."),
]

STAFF_LEVELS = [
    ("Senior management", "Directors and above, heads of office."),
    ("Professional", "Professional staff at headquarters."),
    ("General service", "General service and related categories."),
    ("Field and national staff", "Staff serving in missions, national staff included."),
]

FUNCTIONAL_AREAS = [
    ("Political affairs", ""),
    ("Military", ""),
    ("Police", ""),
    ("Rule of law and judicial affairs", ""),
    ("Disarmament, demobilisation and reintegration", ""),
    ("Mine action", ""),
    ("Logistics and field support", ""),
    ("Personnel and administration", ""),
    ("Public information", ""),
    ("Policy, evaluation and training", ""),
]

GAP_CATEGORIES = [
    ("Knowledge", "Understanding of gender concepts and of resolution 1325 in the staff "
     "member's own work."),
    ("Skills", "Practical ability to carry out gender analysis and mainstreaming."),
    ("Tools", "Checklists, templates and data that the work needs."),
    ("Guidance", "Policies, directives and standard procedures."),
    ("Institutional", "Structures, accountability, resources and leadership support."),
]

SEED = [
    (ThematicArea, THEMATIC_AREAS),
    (Strategy, STRATEGIES),
    (StaffLevel, STAFF_LEVELS),
    (FunctionalArea, FUNCTIONAL_AREAS),
    (GapCategory, GAP_CATEGORIES),
]


def seed_reference_lists() -> int:
    """Add the reference entries that are missing; return how many were added."""
    added = 0
    for model, entries in SEED:
        existing = set(db.session.scalars(select(model.name)))
        for position, (name, description) in enumerate(entries, start=1):
            if name not in existing:
                db.session.add(model(name=name, description=description, position=position))
                added += 1
    db.session.flush()
    return added
