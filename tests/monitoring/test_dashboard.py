"""The Gender Unit's dashboard: its figures worked out by hand, its pages and drill-downs.

The world (`monitored`): the five known plans (tests/actionplan/helpers.py), published as
version 1 after four indicators were changed, quarters from July 2026. Every indicator's
baseline date is 1 Jun 2026 and target date 30 Jun 2027 (394 days), so the straight line
stands at 121/394 = 30.7 % at the end of Q3 2026 (30 Sep) and at 213/394 = 54.1 % at the end
of Q4 2026 (31 Dec).

    indicator  activity  kind                               baseline  target
    people     OO a1     cumulative, split by sex           0         10
    sessions   OO a1     per period                         1         10
    checklist  OO a2     cumulative                         0         10
    cases      PD b1     cumulative, should fall            20        4
    officers   PD b2     per period, split by sex           0         10
    protocol   PD b2     cumulative (never measured)        1         10
    courses    MILDIV c1 cumulative                         0         10
    d1's       OMS d1    cumulative (OMS never reports)     0         10

Reports (Q3 2026 due 15 Oct 2026, Q4 2026 due 15 Jan 2027; both open):

    OO     Q3 accepted: a1 on track 40 %, a2 untouched; people 4 (2 women, 2 men), sessions 2
           Q4 accepted: a1 completed, a2 at risk 10 %; people 7 (4 women, 3 men), sessions 3,
           checklist 2
    PD     Q3 accepted: b1 off track 10 %, b2 on track 30 %; cases 18, officers 5 (2 w, 3 m)
           Q4 submitted, not accepted: b1 on track 50 %, b2 completed; cases 8,
           officers 4 (2 w, 2 m)
    MILDIV Q3 accepted: c1 at risk 20 %, c2 cancelled; courses 2
           Q4 draft: c1 on track (not counted)
    OMS    no report

Workshops: OO's workshop (Ana present, Ben present then left early, Cleo absent) and the
pilot (Ana again, Dan present): 3 people trained (Ana counted once), 1 woman (33 %); three
evaluations, very useful, useful and not useful: 2 of 3 (67 %) found it useful.
"""

import re
from datetime import date
from decimal import Decimal

import pytest

from tests.actionplan.helpers import five_plans
from tests.assessment.helpers import nominate
from tests.factories import make_user
from workshop.extensions import db

ON = date(2027, 1, 25)


def _world() -> dict:
    from workshop.actionplan.services import finalise, publish
    from workshop.admin.models import Office, PlanCycle
    from workshop.monitoring.services import (
        accept_report,
        report_for,
        save_measurement,
        save_progress,
        set_periods,
        submit_report,
    )
    from workshop.workplans.models import Activity

    ids = five_plans()
    act = {key: db.session.get(Activity, value) for key, value in ids["activities"].items()}
    people, sessions = act["a1"].indicators
    people.sex_disaggregated = True
    sessions.cumulative = False
    cases = act["b1"].indicators[0]
    cases.baseline_value, cases.target_value, cases.direction = "20", "4", "decrease"
    officers, _protocol = act["b2"].indicators
    officers.sex_disaggregated, officers.cumulative = True, False
    checklist, courses = act["a2"].indicators[0], act["c1"].indicators[0]
    cycle = db.session.get(PlanCycle, ids["cycle"])
    publish(finalise(cycle, None), None)
    q3, q4 = set_periods(cycle, "quarterly", starts_on=date(2026, 7, 1))[:2]
    office = {o.acronym: o for o in db.session.query(Office)}

    def report(period, acronym, progress, measures, submit=True, accept=True):
        record = report_for(period, office[acronym].id)
        for key, status, percent in progress:
            save_progress(record, act[key].id, status=status, percent_complete=percent,
                          narrative=f"{key} in {period.label}")
        for indicator, value, female, male in measures:
            save_measurement(record, indicator, value=value, female=female, male=male)
        if submit:
            submit_report(record, None)
        if accept:
            accept_report(record, None)
        return record

    report(q3, "OO", [("a1", "on_track", 40)], [(people, "4", "2", "2"),
                                                  (sessions, "2", None, None)])
    report(q4, "OO", [("a1", "completed", 100), ("a2", "at_risk", 10)],
           [(people, "7", "4", "3"), (sessions, "3", None, None), (checklist, "2", None, None)])
    report(q3, "PD", [("b1", "off_track", 10), ("b2", "on_track", 30)],
           [(cases, "18", None, None), (officers, "5", "2", "3")])
    waiting = report(q4, "PD", [("b1", "on_track", 50), ("b2", "completed", 100)],
                     [(cases, "8", None, None), (officers, "4", "2", "2")], accept=False)
    report(q3, "MILDIV", [("c1", "at_risk", 20), ("c2", "cancelled", None)],
           [(courses, "2", None, None)])
    report(q4, "MILDIV", [("c1", "on_track", 60)], [], submit=False, accept=False)
    _workshops(cycle, office["OO"])
    db.session.commit()
    return {**ids, "q3": q3.id, "q4": q4.id, "waiting": waiting.id,
            "indicators": {"people": people.id, "sessions": sessions.id,
                           "checklist": checklist.id, "cases": cases.id,
                           "officers": officers.id, "courses": courses.id},
            "office": {k: v.id for k, v in office.items()}}


def _workshops(cycle, office) -> None:
    from tests.workshops.test_services import _curriculum
    from workshop.workshops.services import (
        invite,
        open_evaluation,
        record_attendance,
        save_workshop,
        submit_evaluation,
    )

    _curriculum()
    trainer = make_user("consultant", email="trainer@example.org")
    pilot = save_workshop(None, cycle_id=cycle.id, kind="pilot", title="Pilot",
                          start_date=date(2026, 3, 2), facilitator_ids=[trainer.id])
    ours = save_workshop(None, cycle_id=cycle.id, kind="office", office_id=office.id,
                         title="OO workshop", start_date=date(2026, 4, 14),
                         facilitator_ids=[trainer.id])
    ana, ben, cleo, dan = (nominate(cycle, office, name, sex, "Professional") for name, sex in
                           [("Ana", "female"), ("Ben", "male"), ("Cleo", "female"),
                            ("Dan", "male")])
    at_ours = {i.nomination_id: i.id for i in invite(ours, [ana.id, ben.id, cleo.id])}
    record_attendance(ours, {at_ours[ana.id]: {1: "present", 2: "present"},
                             at_ours[ben.id]: {1: "present", 2: "left_early"},
                             at_ours[cleo.id]: {1: "absent", 2: "absent"}})
    at_pilot = {i.nomination_id: i.id for i in invite(pilot, [ana.id, dan.id])}
    record_attendance(pilot, {at_pilot[ana.id]: {1: "present", 2: "present"},
                              at_pilot[dan.id]: {1: "present", 2: "present"}})
    for workshop, answers in ((ours, ["very_useful", "not_useful"]), (pilot, ["useful"])):
        open_evaluation(workshop)
        for n, answer in enumerate(answers):
            submit_evaluation(workshop, f"device-{n}", usefulness=answer, ratings={})


@pytest.fixture
def monitored(app):
    """The ids of the world above (set up in an application context of its own, so that page
    requests get theirs)."""
    with app.app_context():
        ids = _world()
        db.session.remove()
    return ids


def _figures(ids, period=None, on=ON):
    from workshop.monitoring.dashboard import figures

    return figures(ids["cycle"], ids[period] if period else None, on=on)


def _by_label(rows):
    return {r.label: r for r in rows}


def _indicator(f, ids, name):
    return next(i for i in f.indicators if i.indicator_id == ids["indicators"][name])


def _accept_waiting(ids):
    from workshop.monitoring.models import ProgressReport
    from workshop.monitoring.services import accept_report

    accept_report(db.session.get(ProgressReport, ids["waiting"]), None)
    db.session.commit()


# -- the figures ---------------------------------------------------------------------------------


def test_statuses_count_the_latest_accepted_report_of_each_office(monitored, ctx):
    f = _figures(monitored)
    # By default the figures stand at the latest period with an accepted report: Q4 2026 (OO).
    assert f.period.label == "Q4 2026"
    # a1 completed, a2 at risk (OO Q4); b1 off track, b2 on track (PD Q3, its Q4 waits);
    # c1 at risk, c2 cancelled (MILDIV Q3, its Q4 is a draft); d1 not reported (OMS).
    assert f.status_totals == {"not_started": 0, "on_track": 1, "at_risk": 2, "off_track": 1,
                               "completed": 1, "cancelled": 1, "not_reported": 1}
    offices = _by_label(f.by_office)
    assert list(offices) == ["MILDIV", "OMS", "OO", "PD"]
    assert {k: v for k, v in offices["OO"].statuses.items() if v} == {"completed": 1,
                                                                     "at_risk": 1}
    assert {k: v for k, v in offices["PD"].statuses.items() if v} == {"off_track": 1,
                                                                     "on_track": 1}
    assert {k: v for k, v in offices["MILDIV"].statuses.items() if v} == {"at_risk": 1,
                                                                         "cancelled": 1}
    assert {k: v for k, v in offices["OMS"].statuses.items() if v} == {"not_reported": 1}
    areas = _by_label(f.by_area)
    # Participation: a1, b1, c1, c2; Protection: b2; Normative: a2, d1; the other two areas
    # have no activity.
    assert {k: v for k, v in areas["Participation"].statuses.items() if v} == {
        "completed": 1, "off_track": 1, "at_risk": 1, "cancelled": 1}
    assert {k: v for k, v in areas["Protection"].statuses.items() if v} == {"on_track": 1}
    assert {k: v for k, v in areas["Normative"].statuses.items() if v} == {
        "at_risk": 1, "not_reported": 1}
    assert areas["Prevention"].activities == 0 == areas["Relief and recovery"].activities
    lines = {(a.office.acronym, a.title[:20]): (a.status, a.percent_complete,
                                                a.period.label if a.period else None)
             for a in f.activities}
    assert lines[("OO", "Gender checklist for")] == ("at_risk", 10, "Q4 2026")
    assert lines[("PD", "Gender mainstreaming")] == ("off_track", 10, "Q3 2026")
    assert lines[("OMS", "Gender checklist for")] == ("not_reported", None, None)


def test_indicators_progress_toward_their_targets_cumulative_or_per_period(monitored, ctx):
    f = _figures(monitored)
    line = {name: _indicator(f, monitored, name)
            for name in ("people", "sessions", "checklist", "cases", "officers", "courses")}
    # The straight line at the end of Q4 2026: 213 of 394 days, 54.1 %.
    assert {i.expected_percent for i in line.values()} == {Decimal("54.1")}
    # people, cumulative: the latest value, 7 of 10 = 70 %, ahead.
    assert (line["people"].achieved, line["people"].percent, line["people"].behind) == (
        7, Decimal("70.0"), False)
    # sessions, per period: baseline 1 + 2 + 3 = 6; (6 - 1) / (10 - 1) = 55.6 %, ahead.
    assert (line["sessions"].achieved, line["sessions"].percent, line["sessions"].behind) == (
        6, Decimal("55.6"), False)
    # checklist: 2 of 10 = 20 %, behind.
    assert (line["checklist"].percent, line["checklist"].behind) == (Decimal("20.0"), True)
    # cases should fall from 20 to 4: 18 is (18 - 20) / (4 - 20) = 12.5 % of the way, behind
    # (PD's Q4 figure of 8 is not accepted yet).
    assert (line["cases"].achieved, line["cases"].percent, line["cases"].behind) == (
        18, Decimal("12.5"), True)
    # officers, per period: only Q3's 5 is accepted: 50 % against 54.1 %, behind.
    assert (line["officers"].achieved, line["officers"].percent) == (5, Decimal("50.0"))
    assert line["officers"].behind
    # courses: 2 of 10 = 20 %, behind.
    assert (line["courses"].percent, line["courses"].behind) == (Decimal("20.0"), True)
    unmeasured = [i for i in f.indicators if not i.measured]
    assert {(i.office.acronym, i.percent, i.behind) for i in unmeasured} == {
        ("PD", None, False), ("OMS", None, False)}
    assert f.behind == 4 and len(f.indicators) == 8
    assert {r.label: r.behind for r in f.by_office} == {"OO": 1, "PD": 2, "MILDIV": 1,
                                                        "OMS": 0}
    assert {r.label: r.behind for r in f.by_area if r.indicators} == {
        "Participation": 2, "Protection": 1, "Normative": 1}


def test_women_and_men_are_summed_over_the_departments_split_indicators(monitored, ctx):
    f = _figures(monitored)
    # people (cumulative): the latest split, 4 women and 3 men; officers (per period): the
    # accepted periods added up, Q3 only: 2 women and 3 men.
    assert (_indicator(f, monitored, "people").female,
            _indicator(f, monitored, "people").male) == (4, 3)
    assert f.sex == (Decimal(6), Decimal(6))


def test_resources_count_amounts_not_known_apart(monitored, ctx):
    f = _figures(monitored)
    assert f.resources == {"core": Decimal(39000), "extra": Decimal(34000),
                           "total": Decimal(73000), "core_unknown": 1, "extra_unknown": 2}
    oo = _by_label(f.by_office)["OO"]
    # a1 10,000 + 5,000; a2 2,000 + not known.
    assert (oo.core, oo.extra, oo.core_unknown, oo.extra_unknown) == (12000, 5000, 0, 1)


def test_overdue_reports_and_reports_awaiting_review(monitored, ctx):
    f = _figures(monitored)
    # On 25 Jan 2027: OMS never reported for Q3 (due 15 Oct 2026, 102 days ago); MILDIV's Q4
    # report is a draft and OMS has none (due 15 Jan 2027, 10 days ago). PD submitted Q4.
    assert [(str(o.office), o.period.label, o.days) for o in f.overdue] == [
        ("OMS", "Q3 2026", 102), ("MILDIV", "Q4 2026", 10), ("OMS", "Q4 2026", 10)]
    assert [(str(a.office), a.period.label) for a in f.awaiting] == [("PD", "Q4 2026")]
    assert f.reports == {"not_started": 1, "draft": 1, "returned": 0, "submitted": 1,
                         "accepted": 1}
    # As of Q3 only that period's reports count.
    q3 = _figures(monitored, "q3")
    assert [(str(o.office), o.days) for o in q3.overdue] == [("OMS", 102)]
    assert q3.awaiting == [] and q3.reports["accepted"] == 3
    # Before Q3's due date nothing is late.
    assert _figures(monitored, on=date(2026, 10, 15)).overdue == []


def test_trends_and_participation(monitored, ctx):
    f = _figures(monitored, "q4")
    # Q3: 3 reports accepted; a1 and b2 on track; behind against 30.7 %: sessions (1 + 2 = 3,
    # 2/9 = 22.2 %), cases (12.5 %), courses (20 %); people 40 % and officers 50 % are ahead.
    # Q4: OO accepted, PD waiting; a1 completed and b2 on track; 4 behind (see above).
    assert [(t.label, t.offices, t.accepted, t.awaiting, t.going_well, t.behind)
            for t in f.trends] == [("Q3 2026", 4, 3, 0, 2, 3), ("Q4 2026", 4, 1, 1, 2, 4)]
    # By default the trend runs to the latest period started: Q1 2027 began on 1 Jan.
    assert [t.label for t in _figures(monitored).trends] == ["Q3 2026", "Q4 2026", "Q1 2027"]
    p = f.participation
    assert (p.trained, p.women, p.female_share, p.responses, p.useful_share) == (3, 1, 33, 3,
                                                                                  67)


def test_accepting_the_waiting_report_changes_the_figures(monitored, ctx):
    _accept_waiting(monitored)
    f = _figures(monitored)
    # b1 on track, b2 completed now.
    assert f.status_totals == {"not_started": 0, "on_track": 1, "at_risk": 2, "off_track": 0,
                               "completed": 2, "cancelled": 1, "not_reported": 1}
    # cases 8: (8 - 20) / (4 - 20) = 75 %; officers 5 + 4 = 9: 90 %. Both ahead now.
    cases, officers = (_indicator(f, monitored, n) for n in ("cases", "officers"))
    assert (cases.percent, cases.behind, officers.percent, officers.behind) == (
        Decimal("75.0"), False, Decimal("90.0"), False)
    assert f.behind == 2
    # officers' splits add up: 2 + 2 women, 3 + 2 men; with people's 4 and 3.
    assert f.sex == (Decimal(8), Decimal(8))
    assert f.awaiting == [] and f.reports["accepted"] == 2
    assert [(t.accepted, t.awaiting, t.going_well) for t in f.trends[:2]] == [(3, 0, 2),
                                                                                (2, 0, 3)]


def test_a_line_left_as_it_was_started_leaves_the_earlier_status_standing(monitored, ctx):
    from workshop.monitoring.models import ReportingPeriod
    from workshop.monitoring.services import (
        accept_report,
        report_for,
        save_progress,
        submit_report,
    )

    # In Q3 OO left a2 untouched: it has said nothing about a2 yet.
    assert next(a for a in _figures(monitored, "q3").activities
                if a.activity_id == monitored["activities"]["a2"]).status == "not_reported"
    # In Q1 2027 OO reports on a2 only; a1, completed in Q4, keeps its status.
    q1 = db.session.scalar(db.select(ReportingPeriod).where(
        ReportingPeriod.cycle_id == monitored["cycle"], ReportingPeriod.label == "Q1 2027"))
    record = report_for(q1, monitored["office"]["OO"])
    save_progress(record, monitored["activities"]["a2"], status="on_track",
                  percent_complete=50)
    submit_report(record, None)
    accept_report(record, None)
    db.session.commit()
    f = _figures(monitored, on=date(2027, 4, 20))
    assert f.period.label == "Q1 2027"
    status = {a.activity_id: (a.status, a.period.label) for a in f.activities
              if a.office.acronym == "OO"}
    assert status == {monitored["activities"]["a1"]: ("completed", "Q4 2026"),
                      monitored["activities"]["a2"]: ("on_track", "Q1 2027")}


def test_without_a_published_plan_or_periods_the_figures_are_empty(app):
    from workshop.admin.models import PlanCycle
    from workshop.monitoring.dashboard import figures

    with app.app_context():
        ids = five_plans()
        f = figures(ids["cycle"], on=ON)
        assert (f.version, f.period, f.periods, f.activities, f.overdue) == (None, None, [],
                                                                           [], [])
        from workshop.actionplan.services import finalise, publish

        publish(finalise(db.session.get(PlanCycle, ids["cycle"]), None), None)
        f = figures(ids["cycle"], on=ON)
        assert f.status_totals["not_reported"] == 7 and f.periods == [] and f.trends == []
        with pytest.raises(LookupError):
            figures(ids["cycle"], 999)


# -- the pages -----------------------------------------------------------------------------------


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _rows(html: str, caption: str) -> list[list[str]]:
    """The body rows of the table with `caption`, each as its cells' text."""
    table = re.search(r"<caption[^>]*>\s*" + re.escape(caption) + r".*?</table>", html, re.S)
    assert table, f"no table {caption!r}"
    body = re.search(r"<tbody>(.*?)</tbody>", table.group(0), re.S).group(1)
    return [[_text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


@pytest.fixture
def page(monitored, client, auth, monkeypatch):
    """Signed in as the Gender Adviser on 25 Jan 2027; `page(path)` answers the page's HTML."""
    monkeypatch.setattr("workshop.monitoring.dashboard.today", lambda: ON)
    auth.login(monitored["login"]["adviser"])

    def get(path, status=200):
        response = client.get(path)
        assert response.status_code == status, response.status_code
        return response.get_data(as_text=True)

    return get


def test_the_dashboard_shows_the_figures_and_links_each_to_its_records(monitored, page):
    ids = monitored
    html = page(f"/monitoring/dashboard?cycle={ids['cycle']}")
    text = _text(html)
    assert "Figures as of the end of Q4 2026 (31 Dec 2026)" in text
    assert "4 of 8 indicators behind their targets (6 measured)" in text
    assert "6 women · 6 men reached, over 2 indicators split by sex" in text
    assert "$39,000 core resources; not known for 1 activity" in text
    assert "$34,000 extra-budgetary resources; not known for 2 activities" in text
    assert "3 people trained in the workshops; 33 % women; 67 % of 3 evaluations" in text
    assert _rows(html, "Reports not submitted") == [["OMS", "Q3 2026", "15 Oct 2026", "102"],
                                                    ["MILDIV", "Q4 2026", "15 Jan 2027", "10"],
                                                    ["OMS", "Q4 2026", "15 Jan 2027", "10"]]
    assert f'href="/monitoring/periods/{ids["q3"]}"' in html
    assert f'href="/monitoring/periods/{ids["q4"]}/offices/{ids["offices"]["PD"]}"' in html
    # Columns: office, activities, the seven statuses, indicators, behind.
    offices = {row[0]: row[1:] for row in _rows(html, "Activities of each office")}
    assert offices["OO"] == ["2", "0", "0", "1", "0", "1", "0", "0", "3", "1"]
    assert offices["OMS"] == ["1", "0", "0", "0", "0", "0", "0", "1", "1", "0"]
    areas = {row[0]: row[1:] for row in _rows(html, "Activities of each thematic area")}
    assert areas["Participation"] == ["4", "0", "0", "1", "1", "1", "1", "0", "4", "2"]
    assert [row[0] for row in _rows(html, "The figures at the end of each period")] == [
        "Q3 2026", "Q4 2026", "Q1 2027"]
    assert html.count('<svg class="bar-chart"') == 4
    # The at-risk count of OO opens exactly OO's at-risk activities.
    link = (f'/monitoring/dashboard/activities?status=at_risk&amp;cycle={ids["cycle"]}'
            f'&amp;period={ids["q4"]}&amp;office={ids["office"]["OO"]}')
    assert link in html


def test_the_activities_behind_a_status_are_listed_with_their_report(monitored, page):
    ids = monitored
    base = f"/monitoring/dashboard/activities?cycle={ids['cycle']}"
    html = page(base + "&status=at_risk")
    rows = _rows(html, "Activities of the published plan")
    assert [(r[0], r[1], r[3], r[4], r[5]) for r in rows] == [
        ("OO", "Gender checklist for mission planning", "At risk", "10 %", "OO Q4 2026"),
        ("MILDIV", "Training of senior managers on gender mainstreaming", "At risk", "20 %",
         "MILDIV Q3 2026")]
    assert f'href="/monitoring/periods/{ids["q4"]}/offices/{ids["office"]["OO"]}"' in html
    rows = _rows(page(base + "&status=not_reported"), "Activities of the published plan")
    assert [(r[0], r[5]) for r in rows] == [("OMS", "No accepted report")]
    rows = _rows(page(base + f"&office={ids['office']['PD']}&area=Participation"),
                 "Activities of the published plan")
    assert [(r[1], r[3]) for r in rows] == [
        ("Gender mainstreaming training for senior managers", "Off track")]
    # A filter value that is not one of the choices is left out rather than refused.
    assert len(_rows(page(base + "&status=lost&office=abc"),
                     "Activities of the published plan")) == 7
    export = page(base + "&status=at_risk&export=csv")
    assert [line.split(",")[0] for line in export.strip().splitlines()[1:]] == ["OO", "MILDIV"]


def test_the_indicators_behind_target_are_listed(monitored, page):
    ids = monitored
    base = f"/monitoring/dashboard/indicators?cycle={ids['cycle']}"
    rows = _rows(page(base + "&behind=1"), "Indicators of the published plan")
    # Columns: office, indicator, area, baseline, target, achieved, per cent, expected.
    assert [(r[0], r[1].split(":")[0], r[3], r[4], r[5], r[6], r[7]) for r in rows] == [
        ("OO", "Gender checklist for mission planning", "0", "10", "2", "20 %", "54.1 %"),
        ("PD", "Gender mainstreaming training for senior managers", "20", "4", "18", "12.5 %",
         "54.1 %"),
        ("PD", "Protocol for police response to sexual violence", "0", "10", "5", "50 %",
         "54.1 %"),
        ("MILDIV", "Training of senior managers on gender mainstreaming", "0", "10", "2",
         "20 %", "54.1 %")]
    rows = _rows(page(base + "&sex=1"), "Indicators of the published plan")
    # Women and men of people (OO) and officers (PD).
    assert [(r[0], r[9], r[10]) for r in rows] == [("OO", "4", "3"), ("PD", "2", "3")]
    rows = _rows(page(base + f"&office={ids['office']['OMS']}"),
                 "Indicators of the published plan")
    assert [(r[0], r[8], r[11]) for r in rows] == [("OMS", "Not measured", "None accepted")]


def test_accepting_a_report_shows_on_the_dashboard(monitored, app, page):
    with app.app_context():
        _accept_waiting(monitored)
    text = _text(page(f"/monitoring/dashboard?cycle={monitored['cycle']}"))
    assert "2 of 8 indicators behind their targets" in text
    assert "8 women · 8 men reached" in text
    assert "No report is waiting for review." in text


def test_a_period_can_be_chosen(monitored, page):
    ids = monitored
    html = page(f"/monitoring/dashboard?cycle={ids['cycle']}&period={ids['q3']}")
    text = _text(html)
    assert "Figures as of the end of Q3 2026 (30 Sep 2026)" in text
    # As of Q3: sessions, cases and courses behind against 30.7 %; a2 not started yet.
    assert "3 of 8 indicators behind their targets" in text
    assert [row[0] for row in _rows(html, "The figures at the end of each period")] == [
        "Q3 2026"]
    # A period of no cycle: the latest reported period, and a word on why.
    text = _text(page(f"/monitoring/dashboard?cycle={ids['cycle']}&period=9999"))
    assert "The period chosen is not one of cycle 2026-2027" in text
    assert "Figures as of the end of Q4 2026" in text
    page("/monitoring/dashboard?cycle=9999", status=404)


def test_office_staff_cannot_open_the_dashboard(monitored, app, client, auth):
    with app.app_context():
        from workshop.admin.models import Office

        participant = make_user("participant", office=db.session.get(
            Office, monitored["office"]["OO"])).get_id()
        db.session.commit()
    paths = ["/monitoring/dashboard", "/monitoring/dashboard/activities",
             "/monitoring/dashboard/indicators?behind=1"]
    for login in (monitored["login"]["focal"], participant):
        auth.login(login)
        assert [client.get(path).status_code for path in paths] == [403, 403, 403]
    auth.login(monitored["login"]["viewer"])
    assert [client.get(path).status_code for path in paths] == [200, 200, 200]


def test_empty_states_say_what_comes_next(app, client, auth):
    from workshop.admin.models import PlanCycle

    with app.app_context():
        adviser = make_user("gender_unit").get_id()
        db.session.commit()
    auth.login(adviser)
    assert "There is no plan cycle yet." in _text(client.get("/monitoring/dashboard").get_data(
        as_text=True))
    with app.app_context():
        ids = five_plans()
    text = _text(client.get("/monitoring/dashboard").get_data(as_text=True))
    assert "has not been published yet, so there is nothing to monitor" in text
    with app.app_context():
        from workshop.actionplan.services import finalise, publish

        publish(finalise(db.session.get(PlanCycle, ids["cycle"]), None), None)
        db.session.commit()
    text = _text(client.get("/monitoring/dashboard").get_data(as_text=True))
    assert "No reporting periods are laid out for cycle 2026-2027 yet" in text
    text = _text(client.get("/monitoring/dashboard/activities").get_data(as_text=True))
    assert "No reporting periods are laid out" in text and "7 activities found" in text


def test_charts_keep_fifteen_offices_and_group_the_rest():
    from types import SimpleNamespace

    from workshop.monitoring.charts import status_by_office
    from workshop.monitoring.dashboard import STATUSES, Row

    def row(n):
        # Office n has n activities: n - 1 on track and one at risk.
        statuses = {**dict.fromkeys(STATUSES, 0), "on_track": n - 1, "at_risk": 1}
        return Row(n, f"O{n:02}", n, statuses, 0, 0, Decimal(0), Decimal(0), 0, 0)

    chart = status_by_office(SimpleNamespace(by_office=[row(n) for n in range(1, 21)]))
    # The fifteen largest (O20 down to O06) one by one; O01 to O05 share a bar: 1 + 2 + 3 + 4
    # + 5 = 15 activities, of which 5 at risk and 10 on track.
    assert chart.labels[:2] == ["O20", "O19"] and chart.labels[14] == "O06"
    assert chart.labels[15] == "5 other offices" and len(chart.labels) == 16
    assert chart.values[15] == [10.0, 0.0, 5.0, 0.0]
    few = status_by_office(SimpleNamespace(by_office=[row(n) for n in (3, 1, 2)]))
    assert few.labels == ["O03", "O01", "O02"]
