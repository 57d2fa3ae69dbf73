"""Records of a needs assessment for tests. Call inside an application context."""

from datetime import datetime

from sqlalchemy import select

from tests.factories import OfficeFactory, make_cycle, make_user
from workshop.admin.models import FunctionalArea, GapCategory, StaffLevel, ThematicArea
from workshop.assessment.services import FindingInput, save_nomination, save_session
from workshop.extensions import db


def ref(model, name: str | None = None):
    """The reference entry called `name` (the first entry when none is named)."""
    query = select(model).order_by(model.position, model.id)
    if name:
        query = select(model).where(model.name == name)
    return db.session.scalars(query).first()


def level(name: str):
    return ref(StaffLevel, name)


def category(name: str | None = None):
    return ref(GapCategory, name)


def thematic(name: str | None = None):
    return ref(ThematicArea, name)


def function(name: str | None = None):
    return ref(FunctionalArea, name)


def nominate(cycle, office, name, sex="female", level_name="Professional", **kwargs):
    return save_nomination(None, cycle_id=cycle.id, office_id=office.id, name=name, sex=sex,
                           level_id=level(level_name).id, **kwargs)


def finding(title, category_name=None, priority="medium", **kwargs) -> FindingInput:
    return FindingInput(category_id=category(category_name).id, title=title, priority=priority,
                        **kwargs)


def record(cycle, office, consultant, *, when=datetime(2026, 2, 16, 9, 30), format="group",
           participants=(), headcounts=None, findings=(), **kwargs):
    return save_session(None, cycle_id=cycle.id, office_id=office.id, held_at=when,
                        format=format, consultant_ids=[consultant.id],
                        participant_ids=[p.id for p in participants], headcounts=headcounts,
                        findings=list(findings), **kwargs)


def world():
    """A cycle, two offices, a consultant: the start of an assessment week."""
    cycle = make_cycle()
    office, other = OfficeFactory(acronym="OO"), OfficeFactory(acronym="PD")
    consultant = make_user("consultant", email="consultant@example.org", name="Ingrid S")
    return cycle, office, other, consultant
