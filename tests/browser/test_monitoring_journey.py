"""An office reports a quarter with an evidence file; the Gender Unit returns the report, the
office corrects it, the Gender Unit accepts it, and the dashboard's figures change."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.actionplan.helpers import five_plans
from tests.browser.conftest import SignIn
from tests.factories import PASSWORD
from workshop.actionplan.services import finalise, publish
from workshop.admin.models import PlanCycle
from workshop.extensions import db
from workshop.monitoring.models import EvidenceFile, ProgressReport
from workshop.monitoring.services import set_periods
from workshop.workplans.models import Activity

ACTIVITY = "Train senior managers on gender mainstreaming"
EVIDENCE = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def quarter(app):
    """The five known plans published as version 1, quarters laid out from July 2026."""
    with app.app_context():
        ids = five_plans()
        cycle = db.session.get(PlanCycle, ids["cycle"])
        publish(finalise(cycle, None), None)
        period = set_periods(cycle, "quarterly", starts_on=date(2026, 7, 1))[0]
        db.session.commit()
        indicator = db.session.get(Activity, ids["activities"]["a1"]).indicators[0].statement
        result = {"period": period.id, "office": ids["offices"]["OO"], "indicator": indicator}
        db.session.remove()
    return result


def _person(new_context, email):
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    SignIn(page)(email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome,")
    page.on("dialog", lambda dialog: dialog.accept())  # "Submit the report …?"
    return page


def _on_track(page):
    """The dashboard's count of activities on track."""
    page.goto("/monitoring/dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text("Monitoring dashboard")
    box = page.get_by_role("link", name=re.compile(r"^\d+\s*on track$"))
    return box.inner_text().split()[0]


def test_report_return_correct_accept_and_the_dashboard_follows(app, quarter, new_context):
    report_url = f"/monitoring/periods/{quarter['period']}/offices/{quarter['office']}"
    focal = _person(new_context, "focal@example.org")
    menu = focal.get_by_role("navigation", name="Main")
    menu.get_by_role("button", name="Monitoring").click()
    expect(menu.get_by_role("link", name="Progress reports")).to_be_visible()
    menu.get_by_role("link", name="Progress reports").click()
    expect(focal.get_by_role("heading", level=1)).to_contain_text("Progress reports")
    focal.goto(report_url)
    focal.get_by_role("button", name="Start the report").click()

    activity = focal.get_by_role("region", name=ACTIVITY)
    activity.get_by_label("Status").select_option(label="On track")
    activity.get_by_label("Per cent complete").fill("40")
    activity.get_by_label("What was done").fill("Two of five sessions held.")
    activity.get_by_role("button", name=re.compile("^Save progress")).click()
    expect(focal.get_by_role("status").first).to_contain_text("saved")

    activity = focal.get_by_role("region", name=ACTIVITY)
    measurement = activity.get_by_role("group", name=f"This period's measurement of "
                                                     f"“{quarter['indicator']}”")
    measurement.get_by_label(re.compile("^Value")).fill("12")
    measurement.get_by_label("Source").fill("Attendance lists")
    measurement.get_by_label("Evidence file (optional)").set_input_files(files=[{
        "name": "attendance.pdf", "mimeType": "application/pdf", "buffer": EVIDENCE}])
    activity.get_by_role("button", name=f"Save the measurement of {quarter['indicator']}"
                         ).click()
    expect(focal.get_by_role("link", name="attendance.pdf")).to_be_visible()
    focal.get_by_role("button", name="Submit to the Gender Unit").click()
    expect(focal.get_by_role("status").first).to_contain_text("submitted")

    adviser = _person(new_context, "adviser@example.org")
    assert _on_track(adviser) == "0"  # a submitted report does not count yet
    adviser.goto(report_url)
    adviser.get_by_label("What the office should correct").fill(
        "Say where the sessions were held.")
    adviser.get_by_role("button", name="Return to the office").click()
    expect(adviser.get_by_role("status").first).to_contain_text("returned")

    focal.goto(report_url)
    expect(focal.get_by_text("Say where the sessions were held.").first).to_be_visible()
    activity = focal.get_by_role("region", name=ACTIVITY)
    activity.get_by_label("What was done").fill("Two of five sessions held, in Goma and Bunia.")
    activity.get_by_role("button", name=re.compile("^Save progress")).click()
    focal.get_by_role("button", name="Submit to the Gender Unit").click()
    expect(focal.get_by_role("status").first).to_contain_text("submitted")

    adviser.goto(report_url)
    expect(adviser.get_by_text("in Goma and Bunia")).to_be_visible()
    adviser.get_by_role("button", name="Accept the report").click()
    expect(adviser.get_by_role("status").first).to_contain_text("accepted")
    assert _on_track(adviser) == "1"

    with app.app_context():
        report = db.session.scalar(db.select(ProgressReport))
        assert report.status == "accepted"
        kept = db.session.scalar(db.select(EvidenceFile))
        assert (kept.filename, kept.data) == ("attendance.pdf", EVIDENCE)
