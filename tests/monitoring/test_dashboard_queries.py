"""The dashboard and its drill-down pages run as many queries for 5 offices as for 50."""

from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select

from tests.factories import OfficeFactory
from tests.test_query_counts import assert_constant_queries
from workshop.actionplan.models import ActionPlanVersion
from workshop.actionplan.services import finalise, publish
from workshop.admin.models import PlanCycle, ThematicArea
from workshop.extensions import db
from workshop.monitoring.models import (
    ActivityProgress,
    Measurement,
    ProgressReport,
    ReportingPeriod,
)
from workshop.monitoring.services import set_periods
from workshop.workplans.models import Activity, Indicator, Objective, WorkPlan

STATUSES = ["on_track", "at_risk", "off_track", "completed"]


def _office_plan(cycle: PlanCycle, areas: list[ThematicArea], n: int) -> list[Indicator]:
    """An approved plan of two activities, each with a cumulative indicator split by sex and
    one counted period by period."""
    office = OfficeFactory()
    plan = WorkPlan(cycle_id=cycle.id, office_id=office.id, status="approved")
    objective = Objective(plan=plan, title=f"Gender in the work of {office.acronym}")
    indicators = []
    for k in range(2):
        activity = Activity(objective=objective, position=k, title=f"Activity {k} of "
                            f"{office.acronym}", thematic_area_id=areas[(n + k) % 5].id,
                            cost_core=Decimal(1000), cost_extra=None if k else Decimal(500))
        indicators += [
            Indicator(activity=activity, statement="People trained", baseline_value="0",
                      target_value="40", baseline_date=cycle.start_date,
                      target_date=cycle.end_date, sex_disaggregated=True),
            Indicator(activity=activity, statement="Sessions held", position=1,
                      baseline_value="0", target_value="8", baseline_date=cycle.start_date,
                      target_date=cycle.end_date, cumulative=False)]
    db.session.add(plan)
    db.session.flush()
    return indicators


def _report(period: ReportingPeriod, office_id: int, status: str, indicators, n: int) -> None:
    activities = {i.activity_id for i in indicators}
    report = ProgressReport(period=period, office_id=office_id, status=status, activities=[
        ActivityProgress(activity_id=a, status=STATUSES[(n + a) % 4], percent_complete=50)
        for a in sorted(activities)])
    report.measurements = [
        Measurement(indicator_id=i.id, value_number=Decimal(5 * period.number + n % 7),
                    female=Decimal(2), male=Decimal(5 * period.number + n % 7 - 2))
        if i.sex_disaggregated else Measurement(indicator_id=i.id, value_number=Decimal(1))
        for i in indicators]
    db.session.add(report)


def _populate(n_offices: int) -> None:
    """Offices with approved plans, published again as version 1 with every office; the
    cycle's quarters, the first two reported by every office (the first accepted, the second
    accepted, submitted, drafted or missing in turn)."""
    cycle = db.session.scalars(select(PlanCycle)).first()
    areas = list(db.session.scalars(select(ThematicArea).order_by(ThematicArea.position)))
    periods = list(db.session.scalars(select(ReportingPeriod).order_by(ReportingPeriod.number)))
    if not periods:
        periods = set_periods(cycle, "quarterly")
    start = db.session.scalar(select(func.count(WorkPlan.id))) or 0
    for n in range(start, start + n_offices):
        indicators = _office_plan(cycle, areas, n)
        office_id = indicators[0].activity.objective.plan.office_id
        _report(periods[0], office_id, "accepted", indicators, n)
        second = ("accepted", "submitted", "draft", None)[n % 4]
        if second:
            _report(periods[1], office_id, second, indicators, n)
    db.session.execute(delete(ActionPlanVersion))
    publish(finalise(cycle, None), None)


PAGES = ["/monitoring/dashboard", "/monitoring/dashboard/activities?status=on_track",
         "/monitoring/dashboard/activities?page=2", "/monitoring/dashboard/indicators?behind=1",
         "/monitoring/dashboard/indicators?sex=1&export=xlsx"]


@pytest.mark.parametrize("path", PAGES)
def test_dashboard_pages_do_not_grow_with_offices(app, client, auth, query_counter, path):
    assert_constant_queries(app, client, auth, query_counter, path, _populate,
                            role="gender_unit")


def test_the_counted_pages_show_every_office(app, client, auth, query_counter):
    assert_constant_queries(app, client, auth, query_counter, "/monitoring/dashboard",
                            _populate, role="gender_unit")
    # 50 offices of two activities each. The second quarter's reports are accepted,
    # submitted, drafted or missing in turn: offices 1, 5, 9, ..., 49 wait for review.
    html = client.get("/monitoring/dashboard/activities").get_data(as_text=True)
    assert "100 activities found, page 1 of 2" in html
    html = client.get("/monitoring/dashboard").get_data(as_text=True)
    assert html.count("report</a></td>") == 13
