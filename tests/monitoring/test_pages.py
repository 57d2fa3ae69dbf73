"""The reporting periods and the offices' progress reports, as the Gender Unit and the offices
use them.

The fixture is the five known plans (tests/actionplan/helpers.py) published as version 1, with
quarters laid out from 1 July 2026: the first, Q3 2026, ends on 30 September and is due 15 days
later, on 15 October 2026. OO reports on a1 (two indicators, baselines 0 and 1, targets 10)
and a2 (one indicator); PD on b1 and b2; MILDIV on c1 and c2; OMS on d1. PBPS's plan was never
approved, so it reports on nothing.
"""

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.factories import OfficeFactory, make_user
from tests.monitoring.helpers import reporting_office
from tests.test_query_counts import assert_constant_queries
from workshop.admin.models import Office, PlanCycle
from workshop.extensions import db
from workshop.monitoring.models import EvidenceFile, ProgressReport, ReportingPeriod
from workshop.workplans.models import Activity

PDF = b"%PDF-1.4 attendance sheets of the two sessions"


@pytest.fixture
def world(app):
    """The reporting office of the helpers, with a participant of OO and a focal point of PD;
    a1's second indicator is a per cent."""
    with app.app_context():
        ids, period, report = reporting_office()
        offices = {k: db.session.get(Office, v) for k, v in ids["offices"].items()}
        participant = make_user("participant", office=offices["OO"], name="OO Participant")
        other = make_user("focal_point", office=offices["PD"], name="PD Focal")
        a1 = db.session.get(Activity, ids["activities"]["a1"])
        people, share = a1.indicators
        people.sex_disaggregated = True
        share.unit = "percent"
        a2 = db.session.get(Activity, ids["activities"]["a2"])
        db.session.commit()
        return {**ids, "period": period.id, "report": report.id,
                "people": people.id, "share": share.id, "checklist": a2.indicators[0].id,
                "login": {**ids["login"], "participant": participant.get_id(),
                          "pd_focal": other.get_id()}}


def _report_url(w, office="OO"):
    return f"/monitoring/periods/{w['period']}/offices/{w['offices'][office]}"


def _token(html):
    return re.search(r'name="(?:[\w-]*-)?csrf_token"[^>]*value="([^"]+)"', html).group(1)


def _post(client, page, url, data, prefix=None, **kwargs):
    """POST `data` to `url` with a CSRF token from `page`; `prefix` names the form's prefix."""
    token = _token(client.get(page).text)
    fields = {f"{prefix}-{k}" if prefix else k: v for k, v in data.items()}
    fields["csrf_token"] = token
    if prefix:
        fields[f"{prefix}-csrf_token"] = token
    return client.post(url, data=fields, **kwargs)


def _version(app, w) -> int:
    with app.app_context():
        return db.session.get(ProgressReport, w["report"]).lock_version


def _save_activity(client, app, w, activity="a1", who=None, **values):
    data = {"status": "on_track", "percent_complete": "40",
            "narrative": "Two of five sessions held.", "lock_version": _version(app, w),
            **values}
    activity_id = w["activities"][activity]
    return _post(client, _report_url(w), f"/monitoring/reports/{w['report']}/activities/"
                 f"{activity_id}", data, prefix=f"a{activity_id}")


def _save_measurement(client, app, w, indicator="people", file=None, **values):
    data = {"value": "", "source": "", "lock_version": _version(app, w), **values}
    if file is not None:
        data["file"] = file
    indicator_id = w[indicator]
    return _post(client, _report_url(w), f"/monitoring/reports/{w['report']}/indicators/"
                 f"{indicator_id}", data, prefix=f"i{indicator_id}",
                 content_type="multipart/form-data")


def _file(name, data):
    from io import BytesIO

    return (BytesIO(data), name)


def _state(app, w):
    """What is saved of OO's report: its lines, measurements and evidence."""
    with app.app_context():
        report = db.session.get(ProgressReport, w["report"])
        return {
            "status": report.status,
            "lines": sorted((a.activity_id, a.status, a.percent_complete, a.narrative)
                            for a in report.activities),
            "measurements": sorted((m.indicator_id, m.value_number, m.value_text, m.female,
                                    m.male, m.source) for m in report.measurements),
            "evidence": sorted(e.filename for e in db.session.scalars(select(EvidenceFile))),
        }


# -- periods -------------------------------------------------------------------------------------


@pytest.fixture
def published(app):
    """The five plans published as version 1, no reporting period yet."""
    from tests.actionplan.helpers import five_plans
    from workshop.actionplan.services import finalise, publish

    with app.app_context():
        ids = five_plans()
        publish(finalise(db.session.get(PlanCycle, ids["cycle"]), None), None)
        db.session.commit()
        return ids


def _periods(app):
    with app.app_context():
        return [(p.label, p.due_on) for p in db.session.scalars(
            select(ReportingPeriod).order_by(ReportingPeriod.number))]


def test_the_gender_unit_lays_out_the_periods(app, client, auth, published):
    auth.login(published["login"]["adviser"])
    page = client.get("/monitoring/")
    assert "Lay out the reporting periods" in page.text
    assert "No reporting period has been set" in page.text
    url = f"/monitoring/periods?cycle={published['cycle']}"
    response = _post(client, "/monitoring/", url, {"frequency": "half_yearly",
                                                   "starts_on": "2026-07-01",
                                                   "due_days": "30"})
    assert response.status_code == 302
    # Half-years from July 2026 to the end of the cycle (December 2027), each due 30 days
    # after it ends.
    laid_out = [("H2 2026", date(2027, 1, 30)), ("H1 2027", date(2027, 7, 30)),
                ("H2 2027", date(2028, 1, 30))]
    assert _periods(app) == laid_out
    page = client.get(response.headers["Location"])
    assert "3 reporting periods laid out: H2 2026 to H2 2027." in page.text
    assert "30 Jan 2027" in page.text and "Lay the periods out again" in page.text

    refused = _post(client, "/monitoring/", url, {"frequency": "quarterly",
                                                  "starts_on": "2026-07-01",
                                                  "due_days": "many"})
    assert refused.status_code == 422
    assert re.search(r'id="due_days-error"[^>]*>Give a whole number of days between 0 and 90',
                     refused.text)
    assert _periods(app) == laid_out

    # Once an office has started a report the periods stay as they are.
    auth.login(published["login"]["focal"])
    first = _first_period(app)
    started = _post(client, "/monitoring/", f"/monitoring/periods/{first}/offices/"
                    f"{published['offices']['OO']}/start", {})
    assert started.status_code == 302
    auth.login(published["login"]["adviser"])
    refused = _post(client, "/monitoring/", url, {"frequency": "quarterly",
                                                  "starts_on": "2026-07-01", "due_days": "15"})
    assert refused.status_code == 422
    assert re.search(r'id="frequency-error"[^>]*>Offices have started reporting', refused.text)
    assert _periods(app) == laid_out


def _first_period(app):
    with app.app_context():
        return db.session.scalar(select(ReportingPeriod.id).order_by(ReportingPeriod.number))


def test_office_staff_cannot_lay_out_or_close_periods(client, auth, world):
    auth.login(world["login"]["focal"])
    assert "Lay out the periods" not in client.get("/monitoring/").text
    assert _post(client, "/monitoring/", f"/monitoring/periods?cycle={world['cycle']}",
                 {"frequency": "quarterly"}).status_code == 403
    assert _post(client, "/monitoring/", f"/monitoring/periods/{world['period']}/close",
                 {}).status_code == 403


def test_the_index_counts_reports_for_the_gender_unit_and_shows_an_office_its_own(
        app, client, auth, world, monkeypatch):
    from workshop.monitoring.services import report_for, save_progress, submit_report

    with app.app_context():
        period = db.session.get(ReportingPeriod, world["period"])
        report = db.session.get(ProgressReport, world["report"])
        save_progress(report, world["activities"]["a1"], status="on_track")
        submit_report(report, None)
        report_for(period, world["offices"]["PD"])  # a draft
        db.session.commit()
    monkeypatch.setattr("workshop.core.models.today", lambda: date(2026, 10, 20))
    auth.login(world["login"]["adviser"])
    page = client.get("/monitoring/").text
    row = re.search(rf'<tr id="period-{world["period"]}">(.*?)</tr>', page, re.S).group(1)
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>",
                                                                       row, re.S)]
    # Due 15 Oct 2026, open; 1 draft (PD), 1 submitted (OO), none returned or accepted; of
    # the four offices expected, three have not reported (MILDIV, OMS and PD).
    assert cells[:7] == ["15 Oct 2026", "Open", "1", "1", "0", "0", "3"]

    auth.login(world["login"]["pd_focal"])
    page = client.get("/monitoring/").text
    assert "Your office's reports · PD" in page and "Reporting periods" not in page
    mine = re.search(r"<tbody>(.*?)</tr>", page, re.S).group(1)
    assert "Q3 2026" in mine and "Draft" in mine and "5 days" in mine  # 20 Oct - 15 Oct


def test_close_and_reopen_a_period_and_a_locked_one_stays_closed(app, client, auth, world):
    from workshop.monitoring.services import accept_report, save_progress, submit_report

    auth.login(world["login"]["adviser"])
    period = world["period"]
    response = _post(client, "/monitoring/", f"/monitoring/periods/{period}/close", {})
    assert response.status_code == 302
    assert "Q3 2026 is closed." in client.get(response.headers["Location"]).text
    response = _post(client, "/monitoring/", f"/monitoring/periods/{period}/reopen", {})
    assert response.status_code == 302
    with app.app_context():
        report = db.session.get(ProgressReport, world["report"])
        save_progress(report, world["activities"]["a1"], status="on_track")
        submit_report(report, None)
        accept_report(report, None)
        db.session.commit()
    _post(client, "/monitoring/", f"/monitoring/periods/{period}/close", {})
    refused = _post(client, "/monitoring/", f"/monitoring/periods/{period}/reopen", {})
    assert refused.status_code == 422
    assert re.search(rf'id="refused-{period}"[^>]*>Q3 2026 is closed and every report in it '
                     r"is accepted; it is locked.", refused.text)
    with app.app_context():
        assert db.session.get(ReportingPeriod, period).status == "closed"


# -- an office's report ----------------------------------------------------------------------


def test_an_office_fills_its_report_and_the_focal_point_submits_it(app, client, auth, world):
    auth.login(world["login"]["participant"])
    page = client.get(_report_url(world))
    assert page.status_code == 200
    assert "Train senior managers on gender mainstreaming" in page.text
    assert "Indicator: Train senior managers on gender mainstreaming: measure 1" in page.text
    response = _save_activity(client, app, world, status="at_risk", percent_complete="20",
                              narrative="The trainer is not recruited yet.",
                              challenges="No roster of trainers.")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        f"#activity-{world['activities']['a1']}")
    response = _save_measurement(client, app, world, value="12", female="7", male="5",
                                 source="Attendance sheets",
                                 file=_file("attendance.pdf", PDF))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#indicator-{world['people']}")
    page = client.get(response.headers["Location"]).text
    assert "The measurement has been saved with its evidence file." in page
    assert "attendance.pdf" in page
    # measure 1: baseline 0, target 10, 12 reached so far: 120 % of the way.
    assert "Progress so far, with this period: <strong>12</strong>, 120 % of the way" in page
    state = _state(app, world)
    assert (world["activities"]["a1"], "at_risk", 20, "The trainer is not recruited yet.") \
        in state["lines"]
    assert state["measurements"] == [(world["people"], Decimal(12), "", Decimal(7),
                                      Decimal(5), "Attendance sheets")]
    assert state["evidence"] == ["attendance.pdf"]

    # A participant drafts; only the focal point submits.
    assert "Submit to the Gender Unit" not in page
    submit = f"/monitoring/reports/{world['report']}/submit"
    assert _post(client, _report_url(world), submit,
                 {"lock_version": _version(app, world)}).status_code == 403
    assert _state(app, world)["status"] == "draft"
    auth.login(world["login"]["focal"])
    response = _post(client, _report_url(world), submit,
                     {"lock_version": _version(app, world)})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert "has been submitted to the Gender Unit" in page
    assert "waiting for the Gender Unit's review" in page
    assert 'action="/monitoring/reports/' not in page.split("Submission and review")[0]
    assert _state(app, world)["status"] == "submitted"

    # The evidence comes back as it went in, to the office and to the Gender Unit.
    with app.app_context():
        evidence_id = db.session.scalar(select(EvidenceFile.id))
    download = client.get(f"/monitoring/evidence/{evidence_id}")
    assert download.data == PDF and download.mimetype == "application/pdf"
    assert 'attachment; filename="attendance.pdf"' in download.headers["Content-Disposition"]
    auth.login(world["login"]["adviser"])
    assert client.get(f"/monitoring/evidence/{evidence_id}").data == PDF
    auth.login(world["login"]["pd_focal"])
    assert client.get(f"/monitoring/evidence/{evidence_id}").status_code == 403


def test_the_gender_unit_returns_the_report_then_accepts_it_corrected(app, client, auth,
                                                                       world):
    a1, a2 = world["activities"]["a1"], world["activities"]["a2"]
    auth.login(world["login"]["focal"])
    _save_activity(client, app, world, status="at_risk", percent_complete="20",
                   narrative="Trainer not recruited yet.")
    _post(client, _report_url(world), f"/monitoring/reports/{world['report']}/submit",
          {"lock_version": _version(app, world)})

    auth.login(world["login"]["adviser"])
    page = client.get(_report_url(world)).text
    assert "Accept the report" in page and "Return to the office" in page
    assert f'id="a{a1}-status"' not in page  # the Gender Unit does not edit figures
    assert _save_activity(client, app, world, status="completed").status_code == 403
    returned = f"/monitoring/reports/{world['report']}/return"
    refused = _post(client, _report_url(world), returned, {"body": "  ", "activity_id": ""})
    assert refused.status_code == 422
    assert re.search(r'id="body-error"[^>]*>Say what the office should correct', refused.text)
    assert _state(app, world)["status"] == "submitted"
    response = _post(client, _report_url(world), returned,
                     {"body": "Give the date the trainer starts.", "activity_id": str(a1)})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"#activity-{a1}")
    assert _state(app, world)["status"] == "returned"

    # The office sees the comment beside the activity it is about, not beside the other.
    auth.login(world["login"]["focal"])
    page = client.get(_report_url(world)).text
    first = page.split(f'id="activity-{a1}"')[1].split(f'id="activity-{a2}"')[0]
    assert "Give the date the trainer starts." in first
    assert "Give the date the trainer starts." not in page.split(f'id="activity-{a2}"')[1]
    assert "Returned by the Gender Unit" in page
    _save_activity(client, app, world, status="at_risk", percent_complete="20",
                   narrative="The trainer starts on 1 October.")
    response = _post(client, _report_url(world), f"/monitoring/reports/{world['report']}/submit",
                     {"lock_version": _version(app, world)})
    assert response.status_code == 302

    auth.login(world["login"]["adviser"])
    response = _post(client, _report_url(world),
                     f"/monitoring/reports/{world['report']}/accept", {})
    assert response.status_code == 302
    assert "is accepted" in client.get(response.headers["Location"]).text
    assert _state(app, world)["status"] == "accepted"
    # A viewer reads the report and changes nothing.
    auth.login(world["login"]["viewer"])
    page = client.get(_report_url(world))
    assert page.status_code == 200 and "The trainer starts on 1 October." in page.text
    assert "<form" not in page.text.split("<main")[1]


REFUSALS = [
    ("a file of the wrong type", "people",
     {"value": "9", "file": ("photo.exe", b"MZ\x90\x00")}, "file",
     "Attach a file of one of these types"),
    ("a file too large", "people",
     {"value": "9", "file": ("scan.png", b"\x89PNG\r\n\x1a\n" + b"0" * 5000)}, "file",
     "The file is 5 KB; attach files of at most 2 KB."),
    ("a word for a number", "people", {"value": "many"}, "value",
     "The value must be a number, such as 12 or 12.5."),
    ("above 100 per cent", "share", {"value": "120"}, "value", "A per cent is at most 100."),
]


@pytest.mark.parametrize(("case", "indicator", "values", "field", "message"), REFUSALS,
                         ids=[r[0] for r in REFUSALS])
def test_a_refused_measurement_changes_nothing(app, client, auth, world, monkeypatch, case,
                                               indicator, values, field, message):
    monkeypatch.setitem(app.config, "EVIDENCE_MAX_BYTES", 2048)
    auth.login(world["login"]["participant"])
    _save_measurement(client, app, world, value="6", female="4", male="2",
                      source="Attendance sheets", file=_file("attendance.pdf", PDF))
    _save_measurement(client, app, world, indicator="share", value="30")
    before = _state(app, world)
    version = _version(app, world)
    values = dict(values)
    if "file" in values:
        values["file"] = _file(*values["file"])
    response = _save_measurement(client, app, world, indicator=indicator,
                                 source="Typed but refused", **values)
    assert response.status_code == 422
    prefix = f"i{world[indicator]}"
    assert re.search(rf'id="{prefix}-{field}-error"[^>]*>{re.escape(message)}', response.text)
    # What was typed is still in the form; nothing was saved, not even the value.
    assert re.search(rf'id="{prefix}-source"[^>]*value="Typed but refused"', response.text)
    assert _state(app, world) == before
    assert _version(app, world) == version


def test_nothing_is_saved_to_a_closed_period(app, client, auth, world):
    from workshop.monitoring.services import close_period

    auth.login(world["login"]["participant"])
    _save_activity(client, app, world, narrative="Saved before the period closed.")
    page = _report_url(world)
    token = _token(client.get(page).text)
    version = _version(app, world)
    with app.app_context():
        close_period(db.session.get(ReportingPeriod, world["period"]))
        db.session.commit()
    before = _state(app, world)
    a1 = world["activities"]["a1"]
    response = client.post(f"/monitoring/reports/{world['report']}/activities/{a1}", data={
        "csrf_token": token, f"a{a1}-csrf_token": token, f"a{a1}-status": "completed",
        f"a{a1}-narrative": "Typed after the period closed.", f"a{a1}-lock_version": version})
    assert response.status_code == 422
    assert "Q3 2026 is closed; its reports no longer change." in response.text
    assert "Typed after the period closed." in response.text
    people = world["people"]
    response = client.post(f"/monitoring/reports/{world['report']}/indicators/{people}", data={
        "csrf_token": token, f"i{people}-csrf_token": token, f"i{people}-value": "3",
        f"i{people}-lock_version": version})
    assert response.status_code == 422
    assert "Q3 2026 is closed" in response.text
    assert _state(app, world) == before
    # No button asks for what the closed period refuses.
    page = client.get(page).text
    assert "Save progress" not in page and "Save the measurement" not in page


def test_a_stale_save_is_refused_and_what_was_typed_is_kept(app, client, auth, world):
    auth.login(world["login"]["participant"])
    seen = _version(app, world)
    # Meanwhile the focal point saves the activity.
    auth.login(world["login"]["focal"])
    _save_activity(client, app, world, narrative="Account given by the focal point.")
    auth.login(world["login"]["participant"])
    before = _state(app, world)
    response = _save_activity(client, app, world, narrative="Account given by the participant.",
                              lock_version=seen)
    assert response.status_code == 409
    assert "Someone else changed this report since you opened it" in response.text
    assert "Account given by the participant." in response.text  # kept in the form
    assert "Account given by the focal point." in response.text  # shown as what is saved now
    assert _state(app, world) == before
    # Saving again from the page shown replaces it.
    again = re.search(r'name="a\d+-lock_version" type="hidden" value="(\d+)"', response.text)
    response = _save_activity(client, app, world, narrative="Account given by the participant.",
                              lock_version=again.group(1))
    assert response.status_code == 302


def test_the_percent_complete_must_be_a_whole_number(app, client, auth, world):
    auth.login(world["login"]["participant"])
    before = _state(app, world)
    response = _save_activity(client, app, world, percent_complete="about half")
    assert response.status_code == 422
    a1 = world["activities"]["a1"]
    assert re.search(rf'id="a{a1}-percent_complete-error"[^>]*>Give the per cent complete as '
                     "a whole number from 0 to 100.", response.text)
    assert _state(app, world) == before


def test_an_office_cannot_open_or_change_another_offices_report(app, client, auth, world):
    auth.login(world["login"]["pd_focal"])
    assert client.get(_report_url(world)).status_code == 403
    assert _save_activity(client, app, world).status_code == 403
    assert _post(client, "/monitoring/", f"/monitoring/periods/{world['period']}/offices/"
                 f"{world['offices']['OO']}/start", {}).status_code == 403
    assert client.get(_report_url(world, "PD")).status_code == 200


def test_the_report_is_started_from_its_page_and_a_get_writes_nothing(app, client, auth,
                                                                       world):
    auth.login(world["login"]["pd_focal"])
    page = client.get(_report_url(world, "PD")).text
    assert "Start the report" in page
    assert "Protocol for police response to sexual violence" in page
    with app.app_context():
        assert db.session.scalar(select(ProgressReport).where(
            ProgressReport.office_id == world["offices"]["PD"])) is None
    response = _post(client, _report_url(world, "PD"), f"/monitoring/periods/{world['period']}"
                     f"/offices/{world['offices']['PD']}/start", {})
    assert response.status_code == 302
    with app.app_context():
        report = db.session.scalar(select(ProgressReport).where(
            ProgressReport.office_id == world["offices"]["PD"]))
        assert sorted(a.activity_id for a in report.activities) == sorted(
            [world["activities"]["b1"], world["activities"]["b2"]])


def test_evidence_is_removed_while_the_report_can_change(app, client, auth, world):
    auth.login(world["login"]["participant"])
    _save_measurement(client, app, world, value="6", file=_file("attendance.pdf", PDF))
    with app.app_context():
        evidence_id = db.session.scalar(select(EvidenceFile.id))
    response = _post(client, _report_url(world), f"/monitoring/evidence/{evidence_id}/remove",
                     {})
    assert response.status_code == 302
    assert "attendance.pdf has been removed." in client.get(response.headers["Location"]).text
    assert _state(app, world)["evidence"] == []
    assert _state(app, world)["measurements"][0][1] == Decimal(6)


def test_progress_so_far_adds_up_accepted_periods_of_a_per_period_indicator(app, client, auth,
                                                                            world):
    from workshop.monitoring.services import (
        accept_report,
        report_for,
        save_measurement,
        save_progress,
        submit_report,
    )
    from workshop.workplans.models import Indicator

    with app.app_context():
        indicator = db.session.get(Indicator, world["checklist"])  # baseline 0, target 10
        indicator.cumulative = False
        report = db.session.get(ProgressReport, world["report"])
        save_progress(report, world["activities"]["a2"], status="on_track")
        save_measurement(report, indicator, value="3")
        submit_report(report, None)
        accept_report(report, None)
        second = db.session.scalars(select(ReportingPeriod).order_by(
            ReportingPeriod.number)).all()[1]
        later = report_for(second, world["offices"]["OO"])
        save_measurement(later, indicator, value="2")
        db.session.commit()
        url = f"/monitoring/periods/{second.id}/offices/{world['offices']['OO']}"
    auth.login(world["login"]["focal"])
    page = client.get(url).text
    section = page.split(f'id="indicator-{world["checklist"]}"')[1]
    # 3 in Q3 2026 (accepted) and 2 in Q4 2026: 5 of the 10, half the way.
    assert "Progress so far, with this period: <strong>5</strong>, 50 % of the way" in section


# -- who has not reported --------------------------------------------------------------------


def _reports_in(app, w):
    """OO submits; MILDIV has a draft; PD and OMS have not started."""
    from workshop.monitoring.services import report_for, save_progress, submit_report

    with app.app_context():
        period = db.session.get(ReportingPeriod, w["period"])
        report = db.session.get(ProgressReport, w["report"])
        save_progress(report, w["activities"]["a1"], status="on_track")
        submit_report(report, None)
        report_for(period, w["offices"]["MILDIV"])
        db.session.commit()


def test_who_has_not_reported(app, world):
    from workshop.monitoring.services import who_has_not_reported

    _reports_in(app, world)
    with app.app_context():
        period = db.session.get(ReportingPeriod, world["period"])
        late = who_has_not_reported(period, date(2026, 10, 27))  # 12 days after 15 October
        assert [(s.office.acronym, s.report.status if s.report else None,
                 [a["id"] for a in s.activities], s.days_overdue) for s in late] == [
            ("MILDIV", "draft", [world["activities"]["c1"], world["activities"]["c2"]], 12),
            ("OMS", None, [world["activities"]["d1"]], 12),
            ("PD", None, [world["activities"]["b1"], world["activities"]["b2"]], 12)]
        assert [s.days_overdue for s in who_has_not_reported(period, date(2026, 10, 15))] == \
            [0, 0, 0]


def _missing_rows(html):
    section = html.split('id="not-reported"')[1]
    rows = re.findall(r'<tr>\s*<th scope="row">(\w+)</th>(.*?)</tr>', section, re.S)
    return {office: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cells)).strip()
            for office, cells in rows}


def test_the_period_page_shows_who_has_not_reported(app, client, auth, world, monkeypatch):
    _reports_in(app, world)
    monkeypatch.setattr("workshop.core.models.today", lambda: date(2026, 10, 27))
    auth.login(world["login"]["viewer"])
    page = client.get(f"/monitoring/periods/{world['period']}").text
    missing = _missing_rows(page)
    assert sorted(missing) == ["MILDIV", "OMS", "PD"]
    assert missing["MILDIV"] == ("Draft Training of senior managers on gender mainstreaming "
                                 "Advocacy campaign on women in peace operations 12 days")
    assert missing["PD"].startswith("Not started Gender mainstreaming training for senior "
                                    "managers Protocol for police response")
    assert missing["PD"].endswith("12 days")
    assert "PBPS" not in page  # its plan was never approved: it has nothing to report on
    export = client.get(f"/monitoring/periods/{world['period']}?export=csv").text
    assert "OMS," in export and ",12,Gender checklist for mission planning" in export

    # Before the due date nobody is overdue yet.
    monkeypatch.setattr("workshop.core.models.today", lambda: date(2026, 10, 10))
    missing = _missing_rows(client.get(f"/monitoring/periods/{world['period']}").text)
    assert all(row.endswith("—") for row in missing.values())

    # An office sees only itself.
    auth.login(world["login"]["pd_focal"])
    page = client.get(f"/monitoring/periods/{world['period']}").text
    assert sorted(_missing_rows(page)) == ["PD"] and "MILDIV" not in page


def _populate(n_offices: int) -> None:
    """Offices with an approved plan of one activity and one indicator, version 1 published
    again from all of them; quarters from July 2026; every other office starts its report for
    the first quarter and every fourth submits it."""
    from workshop.actionplan.models import ActionPlanVersion
    from workshop.actionplan.services import finalise, publish
    from workshop.monitoring.services import report_for, save_progress, set_periods, submit_report
    from workshop.workplans import services as work

    cycle = db.session.scalars(select(PlanCycle)).first()
    offices = []
    for _ in range(n_offices):
        office = OfficeFactory()
        plan = work.plan_for(cycle.id, office.id)
        aim = work.save_objective(None, plan, title=f"Gender in the work of {office.acronym}")
        activity = work.save_activity(None, aim, work.ActivityInput(
            title=f"Train the staff of {office.acronym}"))
        work.save_indicator(None, activity, work.IndicatorInput(
            statement="Staff trained", baseline_value="0", target_value="10"))
        work.submit_plan(plan, None)
        work.approve_plan(plan, None)
        make_user("focal_point", office=office)
        offices.append(office)
    db.session.execute(db.delete(ActionPlanVersion))
    publish(finalise(cycle, None), None)
    period = db.session.scalar(select(ReportingPeriod).order_by(ReportingPeriod.number))
    if period is None:
        period = set_periods(cycle, "quarterly", starts_on=date(2026, 7, 1))[0]
    for n, office in enumerate(offices):
        if n % 2:
            report = report_for(period, office.id)
            if n % 4 == 3:
                save_progress(report, report.activities[0].activity_id, status="on_track")
                submit_report(report, None)


@pytest.mark.parametrize("role", ["gender_unit", "viewer"])
def test_the_period_page_does_not_grow_with_offices(app, client, auth, query_counter, role):
    assert_constant_queries(app, client, auth, query_counter, "/monitoring/periods/1",
                            _populate, role=role)


def test_the_index_does_not_grow_with_offices(app, client, auth, query_counter):
    assert_constant_queries(app, client, auth, query_counter, "/monitoring/", _populate,
                            role="gender_unit")

