"""The implementation review (PDF) and the workbook of measurements and progress (Excel).

Figures worked out by hand from the reports of tests/monitoring/test_carryover.py, as of the
end of Q4 2026 (31 Dec 2026; the straight line from 1 Jun 2026 to 30 Jun 2027 stands at
213/394 = 54.1 %):

    activity  status (latest accepted)   indicators
    OO a1     at risk (Q4)               measure 1 cumulative 0 -> 6 of 10: 60 %
                                         measure 2 per period 1 + 3 + 2 = 6: 5/9 = 55.6 %
    OO a2     completed (Q4)             not measured
    PD b1     cancelled (Q3)             not measured
    PD b2     at risk (Q3)               measure 1: 2 of 10 = 20 %, behind; measure 2 none
    MILDIV c1 not reported (submitted)   its measurement not accepted
    MILDIV c2 not reported               none
    OMS d1    not reported               not measured

    7 activities: 1 completed, 2 at risk, 1 cancelled, 3 not reported; 1 of 8 indicators
    behind. Reports accepted for Q4 2026: OO only, 1 of the 4 offices; MILDIV's Q3 report
    awaits review.
    By office: PD 2 activities (0 on track, 1 at risk, 0 off track, 0 completed, 0 not
    started, 1 cancelled, 0 not reported); 3 indicators, 1 behind; core 15,000, extra 20,000.
    By thematic area: Participation 4 activities (a1 at risk, b1 cancelled, c1 and c2 not
    reported), 4 indicators; core 21,000 and extra 33,000, 2 amounts not known.
    As of Q3 2026 (30 Sep, 121/394 = 30.7 %): a1 on track, reports accepted 2 of 4.
"""

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.actionplan.test_reports import layout_faults, pdf_text, rendered_pages
from tests.assessment.helpers import ref
from tests.factories import OfficeFactory
from tests.monitoring.test_carryover import CHALLENGE, GOOD_PRACTICE, reported_quarters
from tests.test_query_counts import assert_constant_queries
from workshop.admin.models import PlanCycle, ThematicArea
from workshop.extensions import db
from workshop.monitoring.models import ReportingPeriod


@pytest.fixture
def quarters(app):
    with app.app_context():
        return reported_quarters()


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _get(client, auth, ids, url):
    auth.login(ids["login"]["viewer"])
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response


# -- the review report ---------------------------------------------------------------------------


def test_the_review_report_holds_the_periods_figures_and_all_three_parts(client, auth,
                                                                           quarters, tmp_path):
    response = _get(client, auth, quarters,
                    f"/monitoring/review-report.pdf?cycle={quarters['cycle']}")
    assert response.mimetype == "application/pdf"
    assert 'filename="implementation-review-2026-2027-Q4-2026.pdf"' in (
        response.headers["Content-Disposition"])
    text = pdf_text(response.data, tmp_path)
    pages = text.rstrip("\f").split("\f")
    cover, contents = _flat(pages[0]), pages[1]
    assert "Implementation review of the departmental gender action plan" in cover
    assert "Plan cycle 2026-2027" in cover and "Q4 2026 (1 Oct 2026 – 31 Dec 2026)" in cover
    for heading in ("Part 1. Progress on the plan to Q4 2026", "Key figures",
                    "By thematic area", "By office", "Charts", "Indicators behind target",
                    "Part 2. The updated plan for the next cycle", "Activities that do not "
                    "carry over", "Part 3. Good practices and lessons learned",
                    "Good practices", "Challenges reported"):
        assert re.search(rf"{re.escape(heading)} [ .]+\d+", contents), heading
    for number, page in enumerate(pages[1:], start=2):
        assert f"Page {number} of {len(pages)}" in page
        assert "Plan cycle 2026-2027 · Progress to Q4 2026" in page

    text = "\f".join(pages[2:])  # past the cover and the contents
    part1 = text[text.index("Part 1. Progress"):text.index("Part 2. The updated")]
    # Activities by status: 7; 1 completed, 0 on track, 2 at risk, 0 off track, 0 not
    # started, 1 cancelled, 3 not reported.
    assert re.search(r"\b7\s+1\s+0\s+2\b", part1) and re.search(r"\b0\s+0\s+1\s+3\b", part1)
    assert re.search(r"1 of 8\s+0\s+0\s+1 of 4", part1)  # behind, women, men, accepted
    raw = _flat(pdf_text(response.data, tmp_path, "-raw"))  # a cell's lines together
    assert "Reports accepted for Q4 2026" in raw
    assert re.search(r"PD\s+2\s+0\s+1\s+0\s+0\s+0\s+1\s+0\b", part1)
    assert re.search(r"PD\s+3\s+1\s+15,000\s+20,000\s+1\b", part1)
    assert re.search(r"Participation\s+4\s+0\s+1\s+0\s+0\s+0\s+1\s+2\b", part1)
    assert re.search(r"Participation\s+4\s+0\s+21,000\s+33,000\s+2\b", part1)
    assert re.search(r"Department\s+7\s+0\s+2\s+0\s+1\s+0\s+1\s+3\b", part1)
    assert re.search(r"Department\s+8\s+1\s+39,000\s+34,000\s+3\b", part1)
    behind = _flat(part1[part1.index("Indicators behind target\n"):])
    assert "Protocol for police response to sexual violence: measure 1" in behind
    assert re.search(r"0\s+10\s+2\s+20 %\s+54 %", behind)
    assert "Train senior managers on gender mainstreaming: measure 1" not in behind

    # Carried over: activities, offices, indicators, new baselines; and those finished.
    assert re.search(r"\b5\s+4\s+6\s+3\s+2\n", text[text.index("Part 2. The updated"):])
    part2 = raw[raw.rindex("Part 2. The updated"):raw.rindex("Part 3. Good")]
    for office, count in (("MILDIV", "2 activities"), ("OMS", "1 activity"),
                          ("OO", "1 activity"), ("PD", "1 activity")):
        assert f"{office} ({count})" in part2
    assert "At risk, 50 % complete (Q4 2026)" in part2
    assert "6 (31 Dec 2026)" in part2 and "2 (30 Sep 2026)" in part2
    assert "unchanged, not measured" in part2
    finished = part2[part2.index("Activities that do not carry over"):]
    assert "Gender checklist for mission planning Completed Q4 2026" in finished
    assert "Cancelled Q3 2026" in finished

    part3 = raw[raw.rindex("Part 3. Good"):]
    assert GOOD_PRACTICE in part3 and "Two of five sessions held." in part3
    assert CHALLENGE in part3


def test_the_review_report_of_an_earlier_period(app, client, auth, quarters, tmp_path):
    with app.app_context():
        other = db.session.scalar(select(ReportingPeriod.id).where(
            ReportingPeriod.cycle_id == quarters["cycle"], ReportingPeriod.number == 3))
    response = _get(client, auth, quarters, f"/monitoring/review-report.pdf?cycle="
                    f"{quarters['cycle']}&period={quarters['q3']}")
    assert 'filename="implementation-review-2026-2027-Q3-2026.pdf"' in (
        response.headers["Content-Disposition"])
    text = _flat(pdf_text(response.data, tmp_path))
    raw = _flat(pdf_text(response.data, tmp_path, "-raw"))
    assert "Part 1. Progress on the plan to Q3 2026" in text
    assert re.search(r"1 of 8 0 0 2 of 4", text)
    assert "On track, 40 % complete (Q3 2026)" in raw
    # Up to Q3 only: a1's measures stood at 4 and 1 + 3 = 4.
    assert "4 (30 Sep 2026)" in raw and "6 (31 Dec 2026)" not in raw
    # Q1 2027 has no report at all: what stood at the end of Q4 still stands.
    later = _get(client, auth, quarters, f"/monitoring/review-report.pdf?cycle="
                 f"{quarters['cycle']}&period={other}")
    raw = _flat(pdf_text(later.data, tmp_path, "-raw"))
    assert "Part 1. Progress on the plan to Q1 2027" in raw
    assert "At risk, 50 % complete (Q4 2026)" in raw


def test_a_period_of_another_cycle_is_not_found(app, client, auth, quarters):
    auth.login(quarters["login"]["viewer"])
    assert client.get(f"/monitoring/review-report.pdf?cycle={quarters['cycle']}"
                      "&period=999").status_code == 404


def test_overdue_reports_are_listed_as_of_the_day(app, quarters, tmp_path):
    from workshop.monitoring.carryover import plan_for_next_cycle
    from workshop.monitoring.dashboard import figures
    from workshop.monitoring.reports import lessons, review_pdf

    with app.app_context():
        # On 25 Jan 2027 OMS's Q3 report (due 15 Oct 2026) is 102 days late, and PD's,
        # MILDIV's and OMS's Q4 reports (due 15 Jan 2027) 10 days.
        standing = figures(quarters["cycle"], on=date(2027, 1, 25))
        cycle = db.session.get(PlanCycle, quarters["cycle"])
        data = review_pdf(cycle, standing, plan_for_next_cycle(cycle.id, standing=standing),
                          lessons(cycle.id, standing.period), "Department")
    text = _flat(pdf_text(data, tmp_path))
    overdue = text[text.index("Reports not submitted by their due date"):]
    assert "as of 25 January 2027" in overdue
    assert re.search(r"OMS Q3 2026 15 Oct 2026 102 MILDIV Q4 2026 15 Jan 2027 10 OMS Q4 2026 "
                     r"15 Jan 2027 10 PD Q4 2026 15 Jan 2027 10", overdue)


def test_the_review_report_renders_without_overlaps(client, auth, quarters, tmp_path):
    data = _get(client, auth, quarters,
                f"/monitoring/review-report.pdf?cycle={quarters['cycle']}").data
    assert layout_faults(data, tmp_path) == []
    pages = rendered_pages(data, tmp_path)
    assert len(pages) >= 6 and all(p.stat().st_size > 2000 for p in pages)


def test_before_any_report_the_review_says_so(app, client, auth, tmp_path):
    from tests.monitoring.helpers import reporting_office

    with app.app_context():
        ids, _, _ = reporting_office()
        db.session.commit()
    text = _flat(pdf_text(_get(client, auth, ids, "/monitoring/review-report.pdf").data,
                          tmp_path))
    assert "No progress report has been accepted yet" in text
    # Every activity carries over with its old baseline.
    assert re.search(r"\b7 4 8 0 0 Offices with activities", text)


# -- the workbook --------------------------------------------------------------------------------


def test_the_workbook_has_every_measurement_and_every_line_of_progress(client, auth, quarters):
    response = _get(client, auth, quarters,
                    f"/monitoring/measurements.xlsx?cycle={quarters['cycle']}")
    assert 'filename="measurements-2026-2027.xlsx"' in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Measurements", "Activity progress"]
    rows = list(book["Measurements"].values)
    assert rows[0][:10] == ("Period", "Office", "Thematic area", "Activity", "Indicator",
                            "Unit", "Counted", "Baseline", "Target", "Value")
    assert [(r[0], r[1], r[9], r[14]) for r in rows[1:]] == [
        ("Q3 2026", "MILDIV", 5, "Submitted"), ("Q3 2026", "OO", 4, "Accepted"),
        ("Q3 2026", "OO", 3, "Accepted"), ("Q3 2026", "PD", 2, "Accepted"),
        ("Q4 2026", "OO", 6, "Accepted"), ("Q4 2026", "OO", 2, "Accepted")]
    assert rows[3] == ("Q3 2026", "OO", "Participation",
                       "Train senior managers on gender mainstreaming",
                       "Train senior managers on gender mainstreaming: measure 2", "Number",
                       "Per period", 1, 10, 3, None, None, None, None, "Accepted")
    assert rows[4][12:14] == ("Police academy records", "roster.csv")
    progress = list(book["Activity progress"].values)
    assert len(progress) == 1 + 8  # MILDIV 2, OO 2, PD 2 in Q3; OO 2 in Q4
    assert progress[3] == ("Q3 2026", "OO", "Train senior managers on gender mainstreaming",
                           "On track", 40, "Two of five sessions held.", None, None, "Yes",
                           GOOD_PRACTICE, "Accepted")
    assert any(r[6] == CHALLENGE and r[1] == "PD" for r in progress[1:])


# -- the page ------------------------------------------------------------------------------------


def test_the_review_page_links_the_report_and_the_workbook(client, auth, quarters):
    page = _get(client, auth, quarters, f"/monitoring/review?cycle={quarters['cycle']}").text
    assert 'action="/monitoring/review-report.pdf"' in page
    assert f'href="/monitoring/measurements.xlsx?cycle={quarters["cycle"]}"' in page
    # The period picker offers every quarter and starts at the latest reviewed one.
    assert re.search(rf'<option value="{quarters["q4"]}" selected>Q4 2026', page)
    assert page.count("<option") == 6
    assert re.search(r"Department</th><td[^>]*>5</td><td[^>]*>6</td><td[^>]*>3</td>", page)


def _monitored_offices(n_offices: int) -> None:
    """Offices with one approved activity each, a new published version of the plan, and
    each office's accepted report for the first quarter with a measured indicator."""
    from workshop.actionplan.services import finalise, publish
    from workshop.monitoring.services import (
        accept_report,
        add_evidence,
        report_for,
        save_measurement,
        save_progress,
        set_periods,
        submit_report,
    )
    from workshop.workplans import services as work

    cycle = db.session.scalars(select(PlanCycle)).first()
    offices = []
    for _ in range(n_offices):
        office = OfficeFactory()
        plan = work.plan_for(cycle.id, office.id)
        aim = work.save_objective(None, plan, title=f"Gender in {office.acronym}")
        activity = work.save_activity(None, aim, work.ActivityInput(
            title=f"Training in {office.acronym}", thematic_area_id=ref(ThematicArea).id,
            cost_core=1000))
        work.save_indicator(None, activity, work.IndicatorInput(
            statement="People trained", baseline_value="0", target_value="10"))
        work.submit_plan(plan, None)
        work.approve_plan(plan, None)
        offices.append((office, activity))
    publish(finalise(cycle, None), None)
    period = db.session.scalar(select(ReportingPeriod).where(
        ReportingPeriod.cycle_id == cycle.id, ReportingPeriod.number == 1))
    if period is None:
        period = set_periods(cycle, "quarterly")[0]
    for office, activity in offices:
        report = report_for(period, office.id)
        save_progress(report, activity.id, status="at_risk", challenges="Late start.",
                      good_practice=True, lesson="Start early.")
        measured = save_measurement(report, activity.indicators[0], value="3")
        add_evidence(measured, "list.csv", b"a,b\n", None)
        submit_report(report, None)
        accept_report(report, None)


@pytest.mark.parametrize("path", ["/monitoring/review", "/monitoring/measurements.xlsx",
                                  "/monitoring/review-report.pdf"])
def test_the_review_pages_do_not_grow_with_offices(app, client, auth, query_counter, path):
    assert_constant_queries(app, client, auth, query_counter, path, _monitored_offices,
                            small=3, large=12, role="gender_unit")


def test_a_cycle_without_a_published_plan_still_has_its_pages(app, client, auth, tmp_path):
    from tests.factories import make_cycle, make_user

    with app.app_context():
        cycle = make_cycle(status="planning")
        viewer = make_user("viewer", email="reader@example.org")
        db.session.commit()
        ids = {"login": {"viewer": viewer.get_id()}, "cycle": cycle.id}
    page = _get(client, auth, ids, f"/monitoring/review?cycle={ids['cycle']}").text
    assert "The plan of this cycle is not published yet, so nothing carries over." in page
    assert "The cycle has no reporting periods yet." in page
    text = _flat(pdf_text(_get(client, auth, ids, "/monitoring/review-report.pdf").data,
                          tmp_path))
    assert "The plan of this cycle is not published, so there is no progress to report." in text
    assert "nothing to carry over yet" in text
    book = load_workbook(io.BytesIO(_get(client, auth, ids, "/monitoring/measurements.xlsx")
                                    .data))
    assert [len(list(sheet.values)) for sheet in book] == [1, 1]  # the headers only
