"""The work-plan list and a plan's page run as many queries for 5 offices as for 50."""

import pytest
from sqlalchemy import select

from tests.factories import OfficeFactory
from tests.test_query_counts import assert_constant_queries
from workshop.admin.models import PlanCycle
from workshop.workplans.services import (
    ActivityInput,
    IndicatorInput,
    plan_for,
    save_activity,
    save_indicator,
    save_objective,
    submit_plan,
)


def _populate(n_offices: int) -> None:
    """A plan per office; the first office's plan grows with every call (more activities)."""
    cycle = db_cycle()
    for n in range(n_offices):
        office = OfficeFactory()
        plan = plan_for(cycle.id, office.id)
        objective = save_objective(None, plan, title=f"Objective {office.id}")
        for k in range(2):
            activity = save_activity(None, objective, ActivityInput(title=f"Activity {k}"))
            save_indicator(None, activity, IndicatorInput(statement=f"Indicator {k}"))
        if n % 2:
            submit_plan(plan, None)
        first = plan_for(cycle.id, 1, create=False)
        if first is not None:
            save_activity(None, first.objectives[0], ActivityInput(title=f"More {n}"))


def db_cycle():
    from workshop.extensions import db

    return db.session.scalars(select(PlanCycle)).first()


@pytest.mark.parametrize("path", ["/work-plans/", "/work-plans/1", "/work-plans/1/versions"])
def test_work_plan_pages_do_not_grow(app, client, auth, query_counter, path):
    assert_constant_queries(app, client, auth, query_counter, path, _populate,
                            role="gender_unit")
