"""Starting the next cycle from this one: unfinished activities carry over with the latest
measured values as their indicators' baselines; finished ones stay behind.

The reports below, on the five known plans (see tests/actionplan/helpers.py), worked by hand:

    Q3 2026 (ends 30 Sep 2026)
      OO      a1 on track 40 %: measure 1 (cumulative, baseline 0) = 4,
                                measure 2 (per period, baseline 1) = 3;
              a2 completed                                                     accepted
      PD      b1 cancelled; b2 at risk 10 %: measure 1 (baseline 0) = 2;
              b2 measure 2 (baseline 1) not measured                           accepted
      MILDIV  c1 on track: measure 1 = 5                          submitted, not accepted
      OMS     no report
    Q4 2026 (ends 31 Dec 2026)
      OO      a1 at risk 50 %: measure 1 = 6, measure 2 = 2; a2 completed      accepted

    Carried over: a1 (at risk: ongoing), b2 (at risk: ongoing), c1 and c2 (never accepted:
    planned), d1 (never reported: planned): 5 activities of 4 offices, 6 indicators.
    New baselines: a1 measure 1 = 6 (its latest reading, 31 Dec 2026); a1 measure 2 =
    1 + 3 + 2 = 6 (31 Dec 2026); b2 measure 1 = 2 (30 Sep 2026). The others keep baseline
    "0" or "1" of 1 Jun 2026. a2 (completed) and b1 (cancelled) stay behind.
"""

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.actionplan.helpers import five_plans
from tests.factories import make_cycle
from tests.monitoring.helpers import reporting_office
from workshop.actionplan.services import finalise, publish
from workshop.admin.models import PlanCycle
from workshop.core.validation import FieldError
from workshop.extensions import db
from workshop.monitoring.carryover import plan_for_next_cycle, start_next_cycle
from workshop.monitoring.models import ReportingPeriod
from workshop.monitoring.services import (
    accept_report,
    add_evidence,
    report_for,
    save_measurement,
    save_progress,
    set_periods,
    submit_report,
)
from workshop.workplans.models import Activity, Indicator, Objective, PlanComment, WorkPlan
from workshop.workplans.services import plan_for

GOOD_PRACTICE = "Pairing each senior manager with a gender mentor kept them coming back."
CHALLENGE = "The police academy postponed the drafting workshop twice."


def reported_quarters() -> dict:
    """The reports of the module's notes; returns the fixture's ids and the two periods."""
    ids = five_plans()
    a = {key: db.session.get(Activity, value) for key, value in ids["activities"].items()}
    a["a1"].indicators[1].cumulative = False
    cycle = db.session.get(PlanCycle, ids["cycle"])
    publish(finalise(cycle, None), None)
    q3, q4 = set_periods(cycle, "quarterly", starts_on=date(2026, 7, 1))[:2]
    offices = ids["offices"]
    oo = report_for(q3, offices["OO"])

    def accepted(report):
        submit_report(report, None)
        accept_report(report, None)

    save_progress(oo, a["a1"].id, status="on_track", percent_complete=40,
                  narrative="Two of five sessions held.", good_practice=True,
                  lesson=GOOD_PRACTICE)
    save_measurement(oo, a["a1"].indicators[0], value="4")
    save_measurement(oo, a["a1"].indicators[1], value="3")
    save_progress(oo, a["a2"].id, status="completed", narrative="Checklist issued.")
    accepted(oo)
    pd = report_for(q3, offices["PD"])
    save_progress(pd, a["b1"].id, status="cancelled", narrative="Merged into OO's training.")
    save_progress(pd, a["b2"].id, status="at_risk", percent_complete=10,
                  challenges=CHALLENGE)
    officers = save_measurement(pd, a["b2"].indicators[0], value="2",
                                source="Police academy records")
    add_evidence(officers, "roster.csv", b"name,course\nA,1\n", None)
    accepted(pd)
    mildiv = report_for(q3, offices["MILDIV"])
    save_progress(mildiv, a["c1"].id, status="on_track", narrative="Course designed.")
    save_measurement(mildiv, a["c1"].indicators[0], value="5")
    submit_report(mildiv, None)

    oo4 = report_for(q4, offices["OO"])
    save_progress(oo4, a["a1"].id, status="at_risk", percent_complete=50,
                  narrative="Trainer left.")
    save_progress(oo4, a["a2"].id, status="completed")
    save_measurement(oo4, a["a1"].indicators[0], value="6")
    save_measurement(oo4, a["a1"].indicators[1], value="2")
    accepted(oo4)
    db.session.commit()
    return {**ids, "q3": q3.id, "q4": q4.id}


def _next(name="2028-2029", start=date(2028, 1, 1), end=date(2029, 12, 31),
          status="planning") -> PlanCycle:
    return make_cycle(name=name, start=start, end=end, status=status)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_unfinished_activities_carry_over_with_their_latest_measured_values(ctx):
    ids = reported_quarters()
    a = ids["activities"]
    # c2 runs into the next cycle: its dates are kept; the others end in June 2027.
    c2 = db.session.get(Activity, a["c2"])
    c2.starts_on, c2.ends_on = date(2028, 1, 1), date(2028, 6, 30)
    cycle, following = db.session.get(PlanCycle, ids["cycle"]), _next()

    counts = start_next_cycle(cycle, following, None)

    assert counts == {"plans": 4, "objectives": 4, "activities": 5, "indicators": 6,
                      "new_baselines": 3, "finished": 2}
    assert following.previous_id == cycle.id
    plans = db.session.scalars(select(WorkPlan).where(WorkPlan.cycle_id == following.id)
                               ).all()
    assert sorted(p.office.acronym for p in plans) == ["MILDIV", "OMS", "OO", "PD"]
    assert {p.status for p in plans} == {"draft"}
    carried = {act.carried_from_id: act for p in plans for o in p.objectives
               for act in o.activities}
    assert set(carried) == {a["a1"], a["b2"], a["c1"], a["c2"], a["d1"]}
    assert {k: v.status for k, v in carried.items()} == {
        a["a1"]: "ongoing", a["b2"]: "ongoing", a["c1"]: "planned", a["c2"]: "planned",
        a["d1"]: "planned"}
    first = carried[a["a1"]]
    assert first.title == "Train senior managers on gender mainstreaming"
    assert first.objective.title == "Gender in the work of OO"
    assert (first.cost_core, first.cost_extra) == (10000, 5000)
    assert first.thematic_area.name == "Participation"
    assert (first.starts_on, first.ends_on) == (None, None)
    assert (carried[a["c2"]].starts_on, carried[a["c2"]].ends_on) == (date(2028, 1, 1),
                                                                       date(2028, 6, 30))

    def baselines(key):
        return [(i.baseline_value, i.baseline_date, i.target_value, i.target_date,
                 i.cumulative) for i in carried[a[key]].indicators]

    assert baselines("a1") == [("6", date(2026, 12, 31), "10", date(2027, 6, 30), True),
                               ("6", date(2026, 12, 31), "10", date(2027, 6, 30), False)]
    assert baselines("b2") == [("2", date(2026, 9, 30), "10", date(2027, 6, 30), True),
                               ("1", date(2026, 6, 1), "10", date(2027, 6, 30), True)]
    assert baselines("c1") == [("0", date(2026, 6, 1), "10", date(2027, 6, 30), True)]
    assert baselines("d1") == [("0", date(2026, 6, 1), "10", date(2027, 6, 30), True)]
    old = {i.id for i in db.session.get(Activity, a["a1"]).indicators}
    assert {i.carried_from_id for i in carried[a["a1"]].indicators} == old
    oo = next(p for p in plans if p.office.acronym == "OO")
    assert [c.body for c in oo.comments] == [
        "This draft starts from the 2026-2027 plan: 1 unfinished activity carried over with 2 "
        "indicators starting from the value of the latest accepted report. Check the targets, "
        "set the start and end of each activity within this cycle and link the needs it "
        "answers."]
    # The plan of this cycle is untouched.
    assert db.session.get(Activity, a["a1"]).indicators[0].baseline_value == "0"


def test_the_plan_for_the_next_cycle_as_of_an_earlier_period(ctx):
    ids = reported_quarters()
    q3 = db.session.get(ReportingPeriod, ids["q3"])
    plan = plan_for_next_cycle(ids["cycle"], q3)
    by_id = {act.activity_id: act for o in plan.offices for act in o.activities}
    a1 = by_id[ids["activities"]["a1"]]
    assert (a1.status, a1.percent_complete, a1.reported_in) == ("on_track", 40, "Q3 2026")
    # Up to Q3 only: measure 1 read 4 and measure 2 added 3 to its baseline of 1.
    assert [(i.baseline_value, i.baseline_date, i.measured) for i in a1.indicators] == [
        ("4", date(2026, 9, 30), True), ("4", date(2026, 9, 30), True)]
    assert sorted(f["title"] for f in plan.finished) == [
        "Gender checklist for mission planning",
        "Gender mainstreaming training for senior managers"]
    assert [o.acronym for o in plan.offices] == ["MILDIV", "OMS", "OO", "PD"]


@pytest.mark.parametrize(("case", "message"), [
    ("same", "other than 2026-2027"),
    ("closed", "is closed; choose a cycle that is still being planned"),
    ("overlapping", "starts on 1 Jul 2027, before 2026-2027 ends on 31 Dec 2027"),
    ("follows another", "already follows 2024-2025"),
    ("office has a plan", "PD already has a plan in 2028-2029"),
])
def test_refusals_change_nothing(ctx, case, message):
    ids = reported_quarters()
    cycle = db.session.get(PlanCycle, ids["cycle"])
    if case == "same":
        target = cycle
    elif case == "closed":
        target = _next(status="closed")
    elif case == "overlapping":
        target = _next(name="2027-2028", start=date(2027, 7, 1), end=date(2028, 12, 31))
    elif case == "follows another":
        target = _next()
        target.previous_id = _next(name="2024-2025", start=date(2024, 1, 1),
                                   end=date(2025, 12, 31), status="closed").id
    else:
        target = _next()
        plan_for(target.id, ids["offices"]["PD"])
    db.session.commit()
    before = [_count(m) for m in (WorkPlan, Objective, Activity, Indicator)]
    with pytest.raises(FieldError, match=message) as refused:
        start_next_cycle(cycle, target, None)
    assert refused.value.field == "next_cycle_id"
    db.session.rollback()
    assert [_count(m) for m in (WorkPlan, Objective, Activity, Indicator)] == before


def test_starting_twice_is_refused(ctx):
    ids = reported_quarters()
    cycle, following = db.session.get(PlanCycle, ids["cycle"]), _next()
    start_next_cycle(cycle, following, None)
    with pytest.raises(FieldError, match="MILDIV, OMS, OO and PD already have a plan"):
        start_next_cycle(cycle, following, None)


def test_nothing_left_to_carry_over(ctx):
    ids, period, report = reporting_office()
    cycle = db.session.get(PlanCycle, ids["cycle"])
    for office in ("OO", "PD", "MILDIV", "OMS"):
        office_report = report if office == "OO" else report_for(period, ids["offices"][office])
        for line in office_report.activities:
            save_progress(office_report, line.activity_id, status="completed")
        submit_report(office_report, None)
        accept_report(office_report, None)
    with pytest.raises(FieldError, match="nothing carries over"):
        start_next_cycle(cycle, _next(), None)


# -- the page -------------------------------------------------------------------------------------


@pytest.fixture
def quarters(app):
    with app.app_context():
        ids = reported_quarters()
        following = _next()
        _next(name="2027-2028", start=date(2027, 7, 1), end=date(2028, 12, 31))
        db.session.commit()
        return {**ids, "next": following.id}


def _token(html: str) -> str:
    import re

    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def test_the_gender_unit_starts_the_next_cycle_from_the_review_page(app, client, auth,
                                                                     quarters):
    auth.login(quarters["login"]["adviser"])
    page = client.get(f"/monitoring/review?cycle={quarters['cycle']}")
    assert page.status_code == 200
    assert "What carries over to the next cycle" in page.text
    assert "2028-2029" in page.text
    token = _token(page.text)

    refused = client.post("/monitoring/next-cycle", data={
        "csrf_token": token, "cycle_id": quarters["cycle"], "next_cycle_id": ""})
    assert refused.status_code == 422
    assert 'id="next_cycle_id-error"' in refused.text
    assert "Choose the cycle to start." in refused.text
    overlapping = db_cycle_id(app, "2027-2028")
    refused = client.post("/monitoring/next-cycle", data={
        "csrf_token": token, "cycle_id": quarters["cycle"], "next_cycle_id": overlapping})
    assert refused.status_code == 422
    assert "before 2026-2027 ends" in refused.text
    with app.app_context():
        assert _count(WorkPlan) == 5  # the five office plans of this cycle only

    done = client.post("/monitoring/next-cycle", data={
        "csrf_token": token, "cycle_id": quarters["cycle"], "next_cycle_id": quarters["next"]},
        follow_redirects=True)
    assert done.status_code == 200
    assert ("2028-2029 has started: 4 draft office plans with 5 activities carried over and "
            "6 indicators, 3 of them with a new baseline from the latest measurement. 2 "
            "activities completed or cancelled stayed behind.") in done.text
    with app.app_context():
        assert _count(WorkPlan) == 9
        notes = db.session.scalars(select(PlanComment)).all()
        assert len(notes) == 4 and {n.author.name for n in notes} == {"Gender Adviser"}


def db_cycle_id(app, name: str) -> int:
    with app.app_context():
        return db.session.scalar(select(PlanCycle.id).where(PlanCycle.name == name))


def test_only_the_gender_unit_starts_a_cycle(app, client, auth, quarters):
    auth.login(quarters["login"]["viewer"])
    page = client.get(f"/monitoring/review?cycle={quarters['cycle']}")
    assert page.status_code == 200
    assert "Start the next cycle" not in page.text
    app.config["WTF_CSRF_ENABLED"] = False  # the refusal must not depend on the token
    try:
        refused = client.post("/monitoring/next-cycle", data={
            "cycle_id": quarters["cycle"], "next_cycle_id": quarters["next"]})
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
    assert refused.status_code == 403
    with app.app_context():
        assert _count(WorkPlan) == 5
    auth.login(quarters["login"]["focal"])
    assert client.get("/monitoring/review").status_code == 403
