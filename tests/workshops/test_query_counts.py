"""Workshop lists and pages run as many queries for 5 offices as for 50."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.assessment.helpers import finding, level, nominate, record
from tests.factories import OfficeFactory, make_user
from tests.test_query_counts import assert_constant_queries
from tests.workshops.test_services import _curriculum
from workshop.admin.models import PlanCycle
from workshop.auth.models import User
from workshop.extensions import db
from workshop.workshops.models import CurriculumVersion, Workshop
from workshop.workshops.services import (
    invite,
    open_evaluation,
    record_attendance,
    save_workshop,
    submit_evaluation,
)


def _populate(n_offices: int) -> None:
    """Offices with gaps, a workshop each with invitations, attendance and evaluations; the
    pilot (workshop 1) gets the people of every office."""
    cycle = db.session.scalars(select(PlanCycle)).first()
    consultant = db.session.scalar(select(User).where(User.email == "runner@example.org"))
    if consultant is None:
        consultant = make_user("consultant", email="runner@example.org")
    if not db.session.scalar(select(func.count(CurriculumVersion.id))):
        _curriculum()
        save_workshop(None, cycle_id=cycle.id, kind="pilot", title="Pilot",
                      start_date=date(2026, 3, 2), facilitator_ids=[consultant.id])
    pilot = db.session.get(Workshop, 1)
    for n in range(n_offices):
        office = OfficeFactory()
        people = [nominate(cycle, office, f"Person {office.id}-{i}", ("female", "male")[i % 2],
                           "Professional") for i in range(3)]
        record(cycle, office, consultant, when=datetime(2026, 2, 16, 9) + timedelta(hours=n),
               headcounts={level("Professional").id: (1, 1)},
               findings=[finding(f"Gap {office.id}", "Tools", "high")])
        workshop = save_workshop(None, cycle_id=cycle.id, kind="office", office_id=office.id,
                                 title=f"Workshop {office.id}", start_date=date(2026, 4, 14),
                                 facilitator_ids=[consultant.id])
        for target in (workshop, pilot):
            invitations = invite(target, [p.id for p in people])
            record_attendance(target, {i.id: {1: "present", 2: "present"}
                                       for i in invitations})
            open_evaluation(target)
            submit_evaluation(target, f"device-{office.id}", usefulness="useful",
                              ratings={target.agenda[0].id: 3}, keep="Keep it")


PAGES = ["/workshops/", "/workshops/1", "/workshops/2", "/workshops/1/attendance",
         "/workshops/1/evaluation", "/workshops/curriculum", "/workshops/curriculum/1",
         "/workshops/evaluations.xlsx", "/workshops/evaluations.pdf", "/workshops/1/agenda.pdf"]


@pytest.mark.parametrize("path", PAGES)
def test_workshop_pages_do_not_grow_with_offices(app, client, auth, query_counter, path):
    assert_constant_queries(app, client, auth, query_counter, path, _populate,
                            role="gender_unit")
