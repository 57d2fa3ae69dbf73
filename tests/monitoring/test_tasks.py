"""What the home page asks of office staff and of the Gender Unit while the plan is monitored.

The fixture's first period, Q3 2026, ends on 30 September 2026 and is due on 15 October; the
next, Q4 2026, ends on 31 December. OO has started its Q3 report (a draft); PD has not.
"""

import re
from datetime import date
from html import unescape

import pytest
from sqlalchemy import select

from tests.factories import OfficeFactory, make_user
from tests.monitoring.helpers import reporting_office
from workshop.admin.models import Office, PlanCycle
from workshop.extensions import db
from workshop.monitoring.models import ProgressReport, ReportingPeriod


@pytest.fixture
def world(app):
    with app.app_context():
        ids, period, report = reporting_office()
        offices = {k: db.session.get(Office, v) for k, v in ids["offices"].items()}
        pd_participant = make_user("participant", office=offices["PD"])
        pbps_focal = make_user("focal_point", office=offices["PBPS"])
        db.session.commit()
        return {**ids, "period": period.id, "report": report.id,
                "login": {**ids["login"], "pd_participant": pd_participant.get_id(),
                          "pbps_focal": pbps_focal.get_id()}}


def _tasks(client, on, monkeypatch):
    """The home page's tasks on `on`: {title: (level, detail)}."""
    monkeypatch.setattr("workshop.core.models.today", lambda: on)
    page = client.get("/").text
    found = re.findall(r'<li class="list-group-item task-(\w+)">\s*(?:<a [^>]*>|<span[^>]*>)'
                       r'([^<]+)<.*?(?:<div class="small">([^<]*)</div>)?\s*</li>', page, re.S)
    return {unescape(title): (level, unescape(detail)) for level, title, detail in found}


def test_an_office_is_asked_for_its_report_as_the_due_date_nears(client, auth, world,
                                                                 monkeypatch):
    auth.login(world["login"]["focal"])
    # Before the last two weeks of the quarter nothing is asked yet.
    assert "Report progress for Q3 2026" not in _tasks(client, date(2026, 9, 10), monkeypatch)
    tasks = _tasks(client, date(2026, 9, 20), monkeypatch)
    assert tasks["Report progress for Q3 2026"] == (
        "info", "Due on 15 Oct 2026 (in 25 days); your office's report is a draft.")
    tasks = _tasks(client, date(2026, 10, 10), monkeypatch)
    assert tasks["Report progress for Q3 2026"] == (
        "warning", "Due on 15 Oct 2026 (in 5 days); your office's report is a draft.")
    assert not any("Q4 2026" in title for title in tasks)  # ends 31 December
    tasks = _tasks(client, date(2026, 10, 27), monkeypatch)
    assert tasks["Report progress for Q3 2026"] == (
        "danger", "It was due on 15 Oct 2026, 12 days ago; your office's report is a draft.")

    # A participant of an office that has not started is told who submits.
    auth.login(world["login"]["pd_participant"])
    tasks = _tasks(client, date(2026, 10, 27), monkeypatch)
    assert tasks["Report progress for Q3 2026"] == (
        "danger", "It was due on 15 Oct 2026, 12 days ago; your office's report is not "
                  "started. The focal point submits it.")
    # An office with nothing in the published plan is asked for nothing.
    auth.login(world["login"]["pbps_focal"])
    assert not any("Q3 2026" in t for t in _tasks(client, date(2026, 10, 27), monkeypatch))


def test_a_submitted_report_goes_to_the_gender_unit_and_a_returned_one_back(app, client, auth,
                                                                          world, monkeypatch):
    from workshop.monitoring.services import return_report, save_progress, submit_report

    with app.app_context():
        report = db.session.get(ProgressReport, world["report"])
        save_progress(report, world["activities"]["a1"], status="on_track")
        submit_report(report, None)
        db.session.commit()
    auth.login(world["login"]["focal"])
    assert "Report progress for Q3 2026" not in _tasks(client, date(2026, 10, 10), monkeypatch)
    auth.login(world["login"]["adviser"])
    tasks = _tasks(client, date(2026, 10, 10), monkeypatch)
    assert tasks["Review 1 submitted progress report"] == (
        "info", "OO (Q3 2026): accept each or return it to the office with what to correct.")

    with app.app_context():
        report = db.session.get(ProgressReport, world["report"])
        return_report(report, None, "Say when the trainer starts.")
        report.decided_at = report.decided_at.replace(2026, 10, 12)
        db.session.commit()
    assert not any(t.startswith("Review") for t in _tasks(client, date(2026, 10, 13),
                                                          monkeypatch))
    auth.login(world["login"]["focal"])
    tasks = _tasks(client, date(2026, 10, 13), monkeypatch)
    assert tasks["Correct the returned report for Q3 2026"] == (
        "warning", "The Gender Unit returned it on 12 Oct 2026 with comments. Correct it and "
                   "submit it again.")
    assert "Report progress for Q3 2026" not in tasks
    level, detail = _tasks(client, date(2026, 10, 20), monkeypatch)[
        "Correct the returned report for Q3 2026"]
    assert level == "danger" and detail.endswith("It is 5 days overdue.")


def test_the_gender_unit_is_asked_to_lay_out_periods_once_the_plan_is_published(
        app, client, auth, monkeypatch):
    from tests.actionplan.helpers import five_plans
    from workshop.actionplan.services import finalise, publish
    from workshop.monitoring.services import set_periods

    with app.app_context():
        ids = five_plans()
        cycle = db.session.get(PlanCycle, ids["cycle"])
        db.session.commit()
    auth.login(ids["login"]["adviser"])
    assert "Lay out the reporting periods" not in _tasks(client, date(2026, 7, 1), monkeypatch)
    with app.app_context():
        cycle = db.session.get(PlanCycle, ids["cycle"])
        publish(finalise(cycle, None), None)
        db.session.commit()
    assert _tasks(client, date(2026, 7, 1), monkeypatch)["Lay out the reporting periods"] == (
        "warning", "Version 1 of the action plan is published; set the cycle's reporting "
                   "periods and their due dates so that offices can report on it.")
    with app.app_context():
        set_periods(db.session.get(PlanCycle, ids["cycle"]), "quarterly")
        db.session.commit()
    assert "Lay out the reporting periods" not in _tasks(client, date(2026, 7, 1), monkeypatch)


def _more_offices(n: int) -> None:
    """`n` more offices, each with its focal point and its report for the first period
    waiting for review."""
    period = db.session.scalar(select(ReportingPeriod).order_by(ReportingPeriod.number))
    for _ in range(n):
        office = OfficeFactory()
        make_user("focal_point", office=office)
        db.session.add(ProgressReport(period=period, office=office, status="submitted"))


@pytest.mark.parametrize("who", ["focal", "adviser"])
def test_home_tasks_take_as_many_queries_for_5_offices_as_for_50(app, client, auth, world,
                                                                 query_counter, monkeypatch,
                                                                 who):
    monkeypatch.setattr("workshop.core.models.today", lambda: date(2026, 10, 10))
    auth.login(world["login"][who])
    counts = []
    for n in (5, 45):
        with app.app_context():
            _more_offices(n)
            db.session.commit()
        client.get("/")
        with query_counter() as counter:
            assert client.get("/").status_code == 200
        counts.append(counter["n"])
    assert counts[0] == counts[1]
