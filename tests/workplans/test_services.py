"""Work plans as services: drafting with locking, quality checks, review and versions."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.assessment.helpers import finding, level, record, thematic, world
from tests.factories import make_user
from workshop.admin.models import Strategy
from workshop.core.validation import FieldError
from workshop.extensions import db
from workshop.workplans.services import (
    ActivityInput,
    ConflictError,
    IndicatorInput,
    add_comment,
    approve_plan,
    money,
    move,
    parse_period,
    plan_for,
    quality_checks,
    reopen_plan,
    return_plan,
    save_activity,
    save_indicator,
    save_objective,
    submit_plan,
    unanswered_gaps,
)


def _strategy():
    return db.session.scalars(select(Strategy).order_by(Strategy.position)).first()


def _draft():
    cycle, office, _, consultant = world()
    session = record(cycle, office, consultant, headcounts={level("Professional").id: (1, 1)},
                     findings=[finding("No checklist", "Tools", "high"),
                               finding("No budget line", "Institutional", "high")])
    plan = plan_for(cycle.id, office.id)
    objective = save_objective(None, plan, title="Gender is part of mission planning")
    activity = save_activity(None, objective, ActivityInput(
        title="Write a gender checklist for planners", thematic_area_id=thematic().id,
        strategy_id=_strategy().id, starts_on=date(2026, 5, 1), ends_on=date(2026, 9, 30),
        cost_core=Decimal("12000"), cost_extra=None, responsible="Planning unit",
        gap_ids=(session.findings[0].gap_id,)))
    save_indicator(None, activity, IndicatorInput(
        statement="Checklist issued", unit="yes_no", baseline_value="no",
        target_value="yes", baseline_date=date(2026, 4, 1), target_date=date(2026, 9, 30)))
    return plan, objective, activity


def test_a_stale_save_is_refused_and_the_newer_change_survives(ctx):
    plan, objective, activity = _draft()
    seen = activity.lock_version
    data = ActivityInput(title="Checklist, first editor", thematic_area_id=thematic().id,
                         strategy_id=_strategy().id)
    save_activity(activity, objective, data, expected_version=seen)
    with pytest.raises(ConflictError):
        save_activity(activity, objective, ActivityInput(title="Second editor"),
                      expected_version=seen)
    assert activity.title == "Checklist, first editor"


def test_quality_checks_name_what_a_reviewer_would_send_back(ctx):
    plan, objective, activity = _draft()
    assert quality_checks(plan) == []
    save_activity(None, objective, ActivityInput(title="Train focal points",
                                                 starts_on=date(2028, 1, 1),
                                                 ends_on=date(2028, 3, 31)))
    save_indicator(None, activity, IndicatorInput(
        statement="Planners trained", baseline_date=date(2026, 6, 1),
        target_date=date(2026, 1, 1)))
    assert [c.message for c in quality_checks(plan)] == [
        "Indicator “Planners trained” has no baseline.",
        "Indicator “Planners trained” has no target.",
        "Indicator “Planners trained” has its target date before its baseline date.",
        "Activity “Train focal points” has no indicator.",
        "Activity “Train focal points” needs a thematic area and a strategy.",
        "Activity “Train focal points” runs outside the cycle 2026-2027.",
        "Activity “Train focal points” has no estimate of resources.",
    ]


def test_review_from_submission_to_approval_keeps_versions(ctx):
    plan, objective, activity = _draft()
    focal = make_user("focal_point", office=plan.office)
    adviser = make_user("gender_unit")
    first = submit_plan(plan, focal)
    with pytest.raises(FieldError):  # submitted plans do not change
        save_objective(None, plan, title="Late addition")
    with pytest.raises(FieldError) as error:
        return_plan(plan, adviser, "")
    assert error.value.field == "body"
    add_comment(plan, adviser, "Give the checklist a baseline survey.",
                activity_id=activity.id)
    return_plan(plan, adviser, "")
    assert plan.status == "returned" and first.outcome == "returned"
    save_activity(activity, objective, ActivityInput(
        title="Survey planners, then write a gender checklist", thematic_area_id=thematic().id,
        strategy_id=_strategy().id, starts_on=date(2026, 5, 1), ends_on=date(2026, 9, 30),
        cost_core=Decimal("12000")))
    second = submit_plan(plan, focal)
    approve_plan(plan, adviser)
    assert (second.number, second.outcome, plan.status) == (2, "approved", "approved")
    titles = [v.content["objectives"][0]["activities"][0]["title"] for v in plan.versions]
    assert titles == ["Write a gender checklist for planners",
                      "Survey planners, then write a gender checklist"]
    with pytest.raises(FieldError):
        move(objective, 1)
    reopen_plan(plan, adviser)
    assert plan.status == "draft"


def test_periods_and_money_are_read_as_people_type_them():
    assert parse_period("2026-Q2") == date(2026, 4, 1)
    assert parse_period("2026-q2", end=True) == date(2026, 6, 30)
    assert parse_period("2026-02", end=True) == date(2026, 2, 28)
    assert parse_period("") is None
    for bad in ("2026-Q5", "2026-13", "soon"):
        with pytest.raises(ValueError):  # noqa: PT011
            parse_period(bad)
    assert money("12,500.5") == Decimal("12500.50") and money("") is None
    assert money("0") == Decimal("0.00")
    for bad in ("-5", "lots", "1e20"):
        with pytest.raises(ValueError):  # noqa: PT011
            money(bad)


def test_high_priority_gaps_no_activity_answers(ctx):
    plan, _, _ = _draft()
    assert [g.title for g in unanswered_gaps(plan)] == ["No budget line"]


def test_activities_and_indicators_move_within_the_plan(ctx):
    plan, objective, activity = _draft()
    other = save_objective(None, plan, title="Second objective")
    second = save_activity(None, other, ActivityInput(title="Another activity"))
    moved = save_activity(activity, other, ActivityInput(
        title=activity.title, thematic_area_id=activity.thematic_area_id,
        strategy_id=activity.strategy_id), expected_version=activity.lock_version)
    assert moved.objective is other and objective.activities == []
    indicator = moved.indicators[0]
    save_indicator(indicator, second, IndicatorInput(statement="Checklist issued"),
                   expected_version=indicator.lock_version)
    db.session.flush()
    assert [i.statement for i in second.indicators] == ["Checklist issued"]
    assert moved.indicators == []


def test_only_a_number_can_add_up_period_by_period(ctx):
    plan, objective, activity = _draft()
    people = save_indicator(None, activity, IndicatorInput(
        statement="Planners trained", unit="number", baseline_value="0", target_value="40",
        cumulative=False))
    assert people.cumulative is False
    with pytest.raises(FieldError, match="Only a number can add up") as refused:
        save_indicator(None, activity, IndicatorInput(
            statement="Share of plans checked", unit="percent", cumulative=False))
    assert refused.value.field == "cumulative"
    assert [i.statement for i in activity.indicators] == ["Checklist issued",
                                                           "Planners trained"]
