"""The needs-assessment lists and summaries run as many queries for 5 offices as for 50."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from tests.assessment.helpers import finding, level, nominate, record
from tests.factories import OfficeFactory, make_user
from tests.test_query_counts import assert_constant_queries
from workshop.admin.models import PlanCycle
from workshop.auth.models import User
from workshop.extensions import db


def _populate(n_offices: int) -> None:
    """Offices with nominations, a session each and findings, some grouped into shared gaps."""
    cycle = db.session.scalars(select(PlanCycle)).first()
    consultant = db.session.scalar(select(User).where(User.email == "recorder@example.org"))
    if consultant is None:
        consultant = make_user("consultant", email="recorder@example.org")
    for n in range(n_offices):
        office = OfficeFactory()
        people = [nominate(cycle, office, f"Person {n}-{i}", ("female", "male")[i % 2],
                           ("Senior management", "Professional")[i % 2]) for i in range(3)]
        make_user("focal_point", office=office)
        record(cycle, office, consultant, when=datetime(2026, 2, 16, 9) + timedelta(hours=n),
               participants=people[:2], headcounts={level("General service").id: (2, 1)},
               findings=[finding(f"Gap of office {n}", "Tools", "high",
                                 resources=["training"]),
                         finding(f"Other gap {n}", "Knowledge", "low", quote="Said once.")],
               notes="Notes.", topics="Topics.")


PAGES = ["/assessment/", "/assessment/sessions", "/assessment/findings", "/assessment/gaps",
         "/assessment/nominations", "/assessment/summary", "/assessment/offices/1",
         "/assessment/offices/1/gaps", "/assessment/offices/1/summary", "/assessment/gaps/1",
         "/assessment/sessions/1", "/assessment/sessions/1/edit", "/"]


@pytest.mark.parametrize("path", PAGES)
def test_assessment_pages_do_not_grow_with_offices(app, client, auth, query_counter, path):
    assert_constant_queries(app, client, auth, query_counter, path, _populate,
                            role="gender_unit")


@pytest.mark.parametrize("path", ["/assessment/summary.pdf", "/assessment/summary.xlsx"])
def test_summary_files_do_not_grow_with_offices(app, client, auth, query_counter, path):
    assert_constant_queries(app, client, auth, query_counter, path, _populate,
                            role="gender_unit")
