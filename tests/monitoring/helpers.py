"""A cycle being monitored: the five known plans published as version 1 of the action plan."""

from datetime import date

from tests.actionplan.helpers import five_plans
from workshop.extensions import db


def reporting_office():
    """The five known plans, version 1 published, quarters laid out from July 2026; the
    first quarter's report of OO (activities a1 and a2) started. Returns (ids, period, report)."""
    from workshop.actionplan.services import finalise, publish
    from workshop.admin.models import PlanCycle
    from workshop.monitoring.services import report_for, set_periods

    ids = five_plans()
    cycle = db.session.get(PlanCycle, ids["cycle"])
    publish(finalise(cycle, None), None)
    period = set_periods(cycle, "quarterly", starts_on=date(2026, 7, 1))[0]
    return ids, period, report_for(period, ids["offices"]["OO"])
