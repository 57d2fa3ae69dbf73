"""The departmental plan's pages, and a published version with its PDF and workbook, run as
many queries for 5 offices as for 50."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete, select

from tests.assessment.helpers import finding, level, record
from tests.factories import OfficeFactory, make_user
from tests.test_query_counts import assert_constant_queries
from workshop.actionplan.models import ActionPlanVersion, DepartmentalObjective
from workshop.actionplan.services import (
    decide_overlaps,
    finalise,
    map_activities,
    publish,
    save_objective,
)
from workshop.admin.models import PlanCycle, Strategy, ThematicArea
from workshop.auth.models import User
from workshop.extensions import db
from workshop.workplans import services as work

AREAS = ["Prevention", "Participation", "Protection", "Relief and recovery", "Normative"]
STRATEGIES = ["Policy development", "Advocacy", "Capacity-building"]


def _populate(n_offices: int) -> None:
    """Offices with a need from the assessment and a plan of three activities each (one alike
    in every office, so overlaps grow with the offices), every fourth plan only submitted;
    the departmental objectives count the activities, one pair is decided, and version 1 is
    made again from everything there is and published."""
    cycle = db.session.scalars(select(PlanCycle)).first()
    consultant = db.session.scalar(select(User).where(User.email == "runner@example.org"))
    if consultant is None:
        consultant = make_user("consultant", email="runner@example.org")
    areas = [db.session.scalar(select(ThematicArea).where(ThematicArea.name == n))
             for n in AREAS]
    strategies = [db.session.scalar(select(Strategy).where(Strategy.name == n))
                  for n in STRATEGIES]
    objectives = db.session.scalars(select(DepartmentalObjective)
                                    .order_by(DepartmentalObjective.number)).all()
    if not objectives:
        objectives = [save_objective(None, cycle, title=f"Departmental objective {n}",
                                     thematic_area_id=areas[n].id) for n in range(3)]
    activities = []
    for n in range(n_offices):
        office = OfficeFactory()
        session = record(cycle, office, consultant,
                         when=datetime(2026, 2, 16, 9) + timedelta(hours=n),
                         headcounts={level("Professional").id: (1, 1)},
                         findings=[finding(f"Need of {office.acronym}", "Tools", "high"),
                                   finding(f"Other need of {office.acronym}", "Skills",
                                           "high")])
        plan = work.plan_for(cycle.id, office.id)
        aim = work.save_objective(None, plan, title=f"Gender in the work of {office.acronym}")
        rows = [
            ("Train all staff on resolution 1325 and the policy statement", 1, 2),
            (f"Checklist {office.acronym} for mission planning", office.id % 5, 0),
            (f"Campaign {office.acronym} on women in peace operations", 4, 1),
        ]
        for k, (title, area, strategy) in enumerate(rows):
            activity = work.save_activity(None, aim, work.ActivityInput(
                title=title, thematic_area_id=areas[area].id,
                strategy_id=strategies[strategy].id, responsible="Focal point",
                starts_on=date(2026, 7, 1), ends_on=date(2027, 6, 30),
                cost_core=Decimal(1000 * (k + 1)), cost_extra=None if k else Decimal(500),
                gap_ids=(session.findings[0].gap_id,) if k == 0 else ()))
            work.save_indicator(None, activity, work.IndicatorInput(
                statement=f"{title}: measure", baseline_value="0", target_value="10",
                baseline_date=date(2026, 7, 1), target_date=date(2027, 6, 30)))
            activities.append(activity)
        work.submit_plan(plan, None)
        if n % 4:
            work.approve_plan(plan, None)
    for k, objective in enumerate(objectives):
        map_activities(cycle, [a.id for a in activities[k::3]], objective)
    # The alike activities of the second and third offices (both plans approved).
    first, second = activities[3], activities[6]
    decide_overlaps(cycle, [(first.id, second.id)], "coordinate", None, "One course")
    db.session.execute(delete(ActionPlanVersion))
    publish(finalise(cycle, None, "For the test"), None)


PAGES = ["/action-plan/1/", "/action-plan/1/activities", "/action-plan/1/gaps",
         "/action-plan/1/overlaps", "/action-plan/1/objectives", "/action-plan/1/versions/1",
         "/action-plan/1/versions/1/plan.pdf", "/action-plan/1/versions/1/plan.xlsx"]


@pytest.mark.parametrize("path", PAGES)
def test_action_plan_pages_do_not_grow(app, client, auth, query_counter, path):
    assert_constant_queries(app, client, auth, query_counter, path, _populate,
                            role="gender_unit")
