"""The office work plans that `flask demo-data` tells: one per office, each approved by its own
road, complete enough to consolidate; the Best Practices Section's reopened after the
departmental plan was published."""

from collections import Counter

from sqlalchemy import select

from tests.conftest import _empty_tables
from tests.demo import active_cycle, run_demo
from workshop.admin.seed import seed_reference_lists
from workshop.assessment.queries import register
from workshop.core.models import today
from workshop.extensions import db
from workshop.workplans.models import WorkPlan
from workshop.workplans.services import quality_checks

ADVISER = "gender.adviser@example.org"
STATES = {"OO": "approved", "OMS": "approved", "MILDIV": "approved", "PD": "approved",
          "PBPS": "draft"}
# The versions each plan went through: PBPS's was approved, then reopened by the Gender Unit.
OUTCOMES = {"OO": ["returned", "approved"], "OMS": ["approved"], "MILDIV": ["approved"],
            "PD": ["returned", "approved"], "PBPS": ["approved"]}


def _plans() -> dict[str, WorkPlan]:
    plans = db.session.scalars(select(WorkPlan).order_by(WorkPlan.id)).all()
    return {p.office.acronym: p for p in plans}


def _activities(plan: WorkPlan) -> list:
    return [a for o in plan.objectives for a in o.activities]


def test_each_office_plan_stands_at_its_point_of_the_review(app, runner):
    output = run_demo(runner)
    assert "Work plans" in output and "5 plans" in output
    with app.app_context():
        cycle = active_cycle()
        plans = _plans()
        assert {acronym: p.status for acronym, p in plans.items()} == STATES
        milestone = next(m for m in cycle.milestones if m.stage == "work_plans")
        opened = milestone.actual_start or milestone.planned_start
        for acronym, plan in plans.items():
            assert plan.cycle_id == cycle.id
            focal = f"focal.{acronym.lower()}@example.org"
            assert all(v.submitted_by.email == focal for v in plan.versions), acronym
            for comment in plan.comments:
                assert comment.author.email in (ADVISER, focal)
            if plan.versions:  # on the days of the milestone, before today
                assert opened <= plan.submitted_at.date() < today()
                assert all(opened <= v.created_at.date() < today() for v in plan.versions)
            if plan.decided_at:
                assert plan.submitted_at <= plan.decided_at

        oo = plans["OO"]
        assert [(v.number, v.outcome) for v in oo.versions] == [(1, "returned"),
                                                                (2, "approved")]
        on_activity = [c for c in oo.comments if c.activity_id is not None]
        assert [c.author.email for c in on_activity] == [ADVISER, "focal.oo@example.org"]
        commented = on_activity[0].activity
        assert on_activity[0].version_number == 1
        # The activity the Gender Unit commented on changed between the versions.
        first, second = ({a["id"]: a for o in v.content["objectives"] for a in o["activities"]}
                         for v in oo.versions)
        assert first.keys() == second.keys()
        changed = [i for i in first if first[i] != second[i]]
        assert changed == [commented.id]
        assert len(second[commented.id]["indicators"]) > len(first[commented.id]["indicators"])
        assert oo.submitted_at < oo.decided_at

        oms = plans["OMS"]
        assert [(v.number, v.outcome) for v in oms.versions] == [(1, "approved")]
        mildiv = plans["MILDIV"]
        assert [(v.number, v.outcome) for v in mildiv.versions] == [(1, "approved")]
        assert mildiv.submitted_at < mildiv.decided_at

        # The Police Division's plan came back with comments on activities, on an indicator
        # and on the plan as a whole; the focal point answered each point on its activity and
        # the second version was approved.
        pd = plans["PD"]
        assert [(v.number, v.outcome) for v in pd.versions] == [(1, "returned"),
                                                                (2, "approved")]
        review = [c for c in pd.comments if c.author.email == ADVISER and c.version_number == 1]
        assert len(review) == 4
        assert any(c.activity_id for c in review) and any(
            c.indicator_id for c in review) and any(c.activity_id is None for c in review)
        replies = [c for c in pd.comments if c.author.email == "focal.pd@example.org"]
        assert len(replies) == 4 and all(c.activity_id for c in replies)
        first, second = ({a["id"]: a for o in v.content["objectives"] for a in o["activities"]}
                         for v in pd.versions)
        assert sorted(i for i in first if first[i] != second[i]) == sorted(
            c.activity_id for c in replies)

        # The Best Practices Section's plan was approved as sent, then reopened by the Gender
        # Unit, who said why; the activity added is still to be completed.
        pbps = plans["PBPS"]
        assert [(v.number, v.outcome) for v in pbps.versions] == [(1, "approved")]
        assert pbps.editable and pbps.decided_at
        reopening = pbps.comments[-1]
        assert reopening.author.email == ADVISER and "Reopened" in reopening.body
        assert pbps.decided_at < reopening.created_at and reopening.created_at.date() < today()
        added = {a.title for a in _activities(pbps)} - {
            a["title"] for o in pbps.versions[0].content["objectives"] for a in o["activities"]}
        assert len(added) == 1
        assert 1 <= len(quality_checks(pbps)) <= 3
        assert {c.activity_id for c in quality_checks(pbps)} == {
            a.id for a in _activities(pbps) if a.title in added}
        for acronym in ("OO", "OMS", "MILDIV", "PD"):
            assert quality_checks(plans[acronym]) == [], acronym


def test_every_plan_is_complete_enough_to_consolidate(app, runner):
    run_demo(runner)
    with app.app_context():
        cycle = active_cycle()
        costs = Counter()
        for acronym, plan in _plans().items():
            assert 2 <= len(plan.objectives) <= 4, acronym
            activities = _activities(plan)
            assert 8 <= len(activities) <= 15, acronym
            assert len({a.title for a in activities}) == len(activities)
            own = {row.gap.id for row in register(cycle.id, plan.office_id)}
            linked = [a for a in activities if a.gaps]
            assert len(linked) >= 0.75 * len(activities), acronym
            assert {g.id for a in linked for g in a.gaps} <= own, acronym
            areas = {a.thematic_area.name for a in activities if a.thematic_area}
            assert len(areas) >= 3, acronym
            for activity in activities:
                assert activity.description and activity.expected_result
                assert activity.responsible
                assert 1 <= len(activity.indicators) <= 2, activity.title
                assert activity.thematic_area is not None and activity.strategy is not None
                assert cycle.start_date <= activity.starts_on <= activity.ends_on \
                    <= cycle.end_date
                for indicator in activity.indicators:
                    assert indicator.statement and indicator.verification
                    assert indicator.baseline_value and indicator.baseline_date
                    assert indicator.target_date >= indicator.baseline_date
                for amount in (activity.cost_core, activity.cost_extra):
                    costs["unknown" if amount is None else "zero" if amount == 0
                          else "known"] += 1
        # Some amounts not known yet, some nil (staff time only), most estimated.
        assert costs["unknown"] >= 5 and costs["zero"] >= 10
        assert costs["known"] > costs["unknown"]


def _fingerprint() -> list:
    rows = []
    for acronym, plan in _plans().items():
        rows.append((acronym, plan.status, plan.submitted_at, plan.decided_at,
                     [(v.number, v.outcome, v.created_at, v.submitted_by.email)
                      for v in plan.versions],
                     [(c.author.email, c.body, c.created_at, c.version_number,
                       c.activity.title if c.activity else None,
                       c.indicator.statement if c.indicator else None)
                      for c in plan.comments],
                     [(o.position, o.title, [
                         (a.position, a.title, a.thematic_area.name, a.strategy.name
                          if a.strategy else None, a.starts_on, a.ends_on, a.cost_core,
                          a.cost_extra, [g.number for g in a.gaps],
                          [(i.statement, i.unit, i.baseline_value, i.target_value,
                            i.baseline_date, i.target_date, i.sex_disaggregated)
                           for i in a.indicators])
                         for a in o.activities]) for o in plan.objectives]))
    return rows


def test_the_demo_is_the_same_every_time(app, runner):
    run_demo(runner)
    with app.app_context():
        first = _fingerprint()
        db.session.remove()
        _empty_tables()
        seed_reference_lists()
        db.session.commit()
    run_demo(runner)
    with app.app_context():
        assert _fingerprint() == first


def test_each_copy_of_an_office_tells_the_same_story(app, runner):
    output = run_demo(runner, "--scale", "2")
    assert "10 plans (10 approved)" in output
    with app.app_context():
        plans = _plans()
        assert len(plans) == 10
        for acronym, state in STATES.items():
            original, copy = plans[acronym], plans[f"{acronym}2"]
            assert original.status == copy.status == state
            assert [v.outcome for v in copy.versions] == \
                [v.outcome for v in original.versions] == OUTCOMES[acronym]
            assert [a.title for a in _activities(copy)] == \
                [a.title for a in _activities(original)]
            assert all(v.submitted_by.email == f"focal.{acronym.lower()}2@example.org"
                       for v in copy.versions)
        assert all(p.submitted_at is None or p.submitted_at.date() < today()
                   for p in plans.values())
