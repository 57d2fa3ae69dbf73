"""Demo data for the foundation: the department's offices, its people and the current cycle."""

from datetime import date, timedelta

from ..auth.services import create_user
from ..core.hooks import demo_step
from ..extensions import db
from .models import PlanCycle
from .services import save_cycle, save_office

# Demo accounts only exist in demo databases; the password is printed by the command and
# listed in the README so that a newcomer can sign in as every role.
DEMO_PASSWORD = "workshop-demo-1325"  # noqa: S105 # nosec B105

OFFICES = [
    ("Office of Operations", "OO", "Political direction and integrated operational planning "
     "of peacekeeping missions."),
    ("Office of Mission Support", "OMS", "Personnel, logistics, finance and communications "
     "for missions in the field."),
    ("Military Division", "MILDIV", "Military planning, force generation and advice to "
     "military components."),
    ("Police Division", "PD", "Planning and support of the police components of missions."),
    ("Peacekeeping Best Practices Section", "PBPS", "Lessons learned, guidance, policy and "
     "training for the department."),
]

# (email, name, roles, office acronym or None)
PEOPLE = [
    ("admin@example.org", "Amina Diallo", {"admin"}, None),
    ("gender.adviser@example.org", "Comfort Lamptey", {"gender_unit"}, None),
    ("gender.officer@example.org", "Tomás Herrera", {"gender_unit", "admin"}, None),
    ("consultant@example.org", "Ingrid Sørensen", {"consultant"}, None),
    ("consultant2@example.org", "Rahul Menon", {"consultant"}, None),
    ("consultant3@example.org", "Nadia Haddad", {"consultant"}, None),
    ("viewer@example.org", "Jean-Marc Dubois", {"viewer"}, None),
]
OFFICE_PEOPLE = [
    ("focal", "focal_point", ["Grace Mwangi", "Pedro Alves", "Li Wei", "Fatima Zahra",
                              "Olga Petrova"]),
    ("participant", "participant", ["Samuel Okafor", "Maria Rossi", "Kenji Sato",
                                    "Aisha Bello", "Henrik Larsen"]),
]


def cycle_dates(on: date) -> tuple[date, date]:
    """A two-year cycle that started in January a year or more before `on`: far enough into
    monitoring that at least two quarters have been reported on (`on` may fall in the first
    half of the January after it ended, while its last reports are due)."""
    start = date((on - timedelta(days=380)).year, 1, 1)
    return start, date(start.year + 1, 12, 31)


def _walk_timeline(cycle: PlanCycle, on: date) -> None:
    """Mark the milestones before `on` done (a few a little late), the current one started."""
    for index, milestone in enumerate(cycle.milestones):
        if milestone.planned_end < on:
            milestone.status = "done"
            milestone.actual_start = milestone.planned_start
            slip = timedelta(days=(3 if index % 3 == 1 else 0))
            milestone.actual_end = min(milestone.planned_end + slip, on)
        elif milestone.planned_start <= on:
            milestone.status = "in_progress"
            milestone.actual_start = milestone.planned_start


@demo_step(10)
def demo_department(scale: int, on: date) -> str:
    """Five offices (times `scale`), a user for each role, and the current cycle."""
    offices = []
    for copy in range(1, scale + 1):
        suffix = "" if copy == 1 else f" {copy}"
        for name, acronym, description in OFFICES:
            offices.append(save_office(None, name=name + suffix,
                                       acronym=acronym + ("" if copy == 1 else str(copy)),
                                       description=description))
    shared_hash = None
    for email, name, roles, _office in PEOPLE:
        user = create_user(email=email, name=name, password=DEMO_PASSWORD, roles=roles,
                           check_strength=False, password_hash=shared_hash)
        shared_hash = user.password_hash
    for index, office in enumerate(offices):
        for prefix, role, names in OFFICE_PEOPLE:
            name = names[index % len(names)]
            email = f"{prefix}.{office.acronym.lower()}@example.org"
            create_user(email=email, name=name, password=DEMO_PASSWORD, roles={role},
                        office_id=office.id, check_strength=False, password_hash=shared_hash)
    start, end = cycle_dates(on)
    previous = save_cycle(None, name=f"{start.year - 2}-{start.year - 1}",
                          start_date=date(start.year - 2, 1, 1),
                          end_date=date(start.year - 1, 12, 31), status="closed",
                          description="The department's first action-plan cycle.")
    _walk_timeline(previous, on)
    cycle = save_cycle(None, name=f"{start.year}-{end.year}", start_date=start, end_date=end,
                       status="active", previous_id=previous.id,
                       description="Action plan for the implementation of resolution 1325 "
                       "across the department's offices.")
    _walk_timeline(cycle, on)
    db.session.flush()
    lines = [
        f"Demo department: {len(offices)} offices, cycles {previous.name} and {cycle.name}.",
        f"Sign in with any of these accounts; the password is {DEMO_PASSWORD}",
    ]
    lines += [f"  {email:<32} {', '.join(sorted(roles))}" for email, _, roles, _ in PEOPLE]
    for office in offices[:5]:
        a = office.acronym.lower()
        lines.append(f"  focal.{a}@example.org / participant.{a}@example.org  ({office.acronym})")
    return "\n".join(lines)
