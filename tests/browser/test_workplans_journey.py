"""Two participants of an office edit the same work plan at once and the later, stale save is
refused without losing what was typed; the focal point submits, the Gender Unit comments on an
activity and returns the plan, the office fixes the activity and resubmits, the Gender Unit
approves, and the comparison of the two versions shows exactly the fix."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import SignIn
from tests.factories import PASSWORD, make_user
from tests.workplans.test_services import _draft
from workshop.admin.models import Office
from workshop.extensions import db

SHOTS = Path("/tmp/shots")

TITLE = "Write a gender checklist for planners"  # as _draft() leaves it
TITLE_A = "Write a gender checklist for mission planners"  # participant A's save
TITLE_B = "Draft a checklist with the planning unit"  # participant B's stale save
COST_B = "15000"
TITLE_FIX = "Survey planners, then write a gender checklist"
RESULT_FIX = "Planners use the checklist in every mission plan."
COMMENT = ("Start with a survey of planners, and say what result the checklist should "
           "bring.")


@pytest.fixture
def plan(app):
    """OO's draft plan (one objective, one activity with an indicator) and the people:
    two participants and the focal point of OO, a Gender Unit adviser, a participant of PD."""
    with app.app_context():
        draft, _, activity = _draft()
        office = draft.office
        other = db.session.scalars(select(Office).where(Office.acronym == "PD")).one()
        make_user("participant", office=office, email="amal@example.org", name="Amal Haddad")
        make_user("participant", office=office, email="bruno@example.org", name="Bruno Costa")
        make_user("focal_point", office=office, email="focal@example.org", name="Grace Mwangi")
        make_user("gender_unit", email="adviser@example.org", name="Comfort Lamptey")
        make_user("participant", office=other, email="hugo@example.org", name="Hugo Martin")
        ids = {"plan": draft.id, "activity": activity.id}
        db.session.commit()
        db.session.remove()
    SHOTS.mkdir(exist_ok=True)
    return ids


def _person(new_context, email):
    """A browser of its own for `email`, signed in through the form."""
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    SignIn(page)(email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome,")
    return page


def _flash(page):
    return expect(page.get_by_role("status").first)


def _status(page, label):
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Work plan · OO {label}")


def test_two_editors_then_review_to_approval_and_the_versions_show_the_fix(plan, new_context):
    plan_url = f"/work-plans/{plan['plan']}"
    edit_url = f"/work-plans/activities/{plan['activity']}"
    row = f"#activity-{plan['activity']}"

    # -- two participants open the same activity ---------------------------------------------
    amal = _person(new_context, "amal@example.org")
    amal.get_by_role("navigation", name="Main").get_by_role("link", name="Work plans").click()
    _status(amal, "Draft")
    expect(amal.get_by_role("heading", name="Before submitting: 0 points to check")
           ).to_be_visible()
    expect(amal.locator(row)).to_contain_text(TITLE)
    amal.screenshot(path=SHOTS / "workplan_participant.png", full_page=True)
    amal.get_by_role("link", name="Projector view").click()
    expect(amal.locator(".projector")).to_be_visible()
    amal.screenshot(path=SHOTS / "workplan_projector.png", full_page=True)
    amal.get_by_role("link", name="Normal view").click()

    bruno = _person(new_context, "bruno@example.org")
    bruno.goto(plan_url)
    bruno.get_by_role("link", name=TITLE, exact=True).click()
    expect(bruno.get_by_role("heading", level=1)).to_have_text("Edit activity")
    expect(bruno.get_by_label("Activity", exact=True)).to_have_value(TITLE)

    amal.get_by_role("link", name=TITLE, exact=True).click()
    expect(amal).to_have_url(re.compile(re.escape(edit_url) + "$"))
    amal.get_by_label("Activity", exact=True).fill(TITLE_A)
    amal.get_by_role("button", name="Save activity").click()
    _flash(amal).to_have_text("The activity has been saved.")
    expect(amal.locator(row)).to_contain_text(TITLE_A)

    # -- B's page was loaded before A's save: B's save is refused, nothing B typed is lost ----
    bruno.get_by_label("Activity", exact=True).fill(TITLE_B)
    bruno.get_by_label("Core resources (USD)").fill(COST_B)
    bruno.get_by_role("button", name="Save activity").click()
    refused = bruno.get_by_role("alert").filter(has_text="Your change was not saved")
    expect(refused).to_be_visible()
    expect(refused).to_contain_text(re.compile(
        r"Someone else saved this activity at \d+ \w+ \d{4} \d\d:\d\d UTC while you were "
        r"editing it; their version is below and has been kept\."))
    theirs = refused.locator("dl")
    expect(theirs.locator("dt", has_text=re.compile("^Activity$")).locator("+ dd")
           ).to_have_text(TITLE_A)
    expect(theirs.locator("dt", has_text="Core (USD)").locator("+ dd")).to_have_text(
        "12,000")
    expect(bruno.get_by_label("Activity", exact=True)).to_have_value(TITLE_B)
    expect(bruno.get_by_label("Core resources (USD)")).to_have_value(COST_B)
    bruno.screenshot(path=SHOTS / "workplan_stale_save.png", full_page=True)

    bruno.goto(plan_url)
    expect(bruno.locator(row)).to_contain_text(TITLE_A)
    expect(bruno.locator(row)).to_contain_text("12,000")
    expect(bruno.locator("main")).not_to_contain_text(TITLE_B)
    bruno.context.close()

    # -- the focal point submits -----------------------------------------------------------------
    focal = _person(new_context, "focal@example.org")
    focal.goto(plan_url)
    expect(focal.get_by_role("heading", name="Before submitting: 0 points to check")
           ).to_be_visible()
    submit = focal.get_by_role("button", name="Submit to the Gender Unit")
    assert submit.get_attribute("data-confirm") is None  # nothing to check: no confirm dialog
    submit.click()
    _flash(focal).to_have_text("Version 1 has been submitted to the Gender Unit.")
    _status(focal, "Submitted")
    expect(focal.get_by_text("waiting for the Gender Unit's review")).to_be_visible()
    expect(focal.get_by_role("button", name="Submit to the Gender Unit")).to_have_count(0)

    # -- the Gender Unit comments on the activity and returns the plan ---------------------------
    adviser = _person(new_context, "adviser@example.org")
    adviser.get_by_role("navigation", name="Main").get_by_role("link", name="Work plans").click()
    adviser.get_by_role("row", name=re.compile("^OO")).get_by_role(
        "link", name="Open and review").click()
    _status(adviser, "Submitted")
    adviser.get_by_label("On", exact=True).select_option(label=TITLE_A)
    adviser.get_by_label("Comment", exact=True).fill(COMMENT)
    adviser.get_by_role("button", name="Add comment").click()
    _flash(adviser).to_have_text("The comment has been added.")
    expect(adviser.locator(f"{row} + tr .comment")).to_contain_text(COMMENT)
    adviser.get_by_role("button", name="Return to the office").click()
    _flash(adviser).to_have_text("The plan has been returned to the office with your comments.")
    _status(adviser, "Returned")

    # -- a participant sees the comment beside the activity and fixes it -------------------------
    amal.goto(plan_url)
    _status(amal, "Returned")
    expect(amal.get_by_text("Returned by the Gender Unit", exact=False)).to_contain_text(
        "Fix the plan and submit it again.")
    comment = amal.locator(f"{row} + tr .comment")
    expect(comment).to_have_count(1)
    expect(comment).to_contain_text("Comfort Lamptey (")
    expect(comment).to_contain_text(f", on version 1): {COMMENT}")
    amal.screenshot(path=SHOTS / "workplan_returned.png", full_page=True)
    amal.get_by_role("link", name=TITLE_A, exact=True).click()
    amal.get_by_label("Activity", exact=True).fill(TITLE_FIX)
    amal.get_by_label("Expected result").fill(RESULT_FIX)
    amal.get_by_role("button", name="Save activity").click()
    _flash(amal).to_have_text("The activity has been saved.")
    expect(amal.locator(row)).to_contain_text(TITLE_FIX)
    expect(amal.locator(row)).to_contain_text(f"Result: {RESULT_FIX}")

    focal.reload()
    _status(focal, "Returned")
    focal.get_by_role("button", name="Submit to the Gender Unit").click()
    _flash(focal).to_have_text("Version 2 has been submitted to the Gender Unit.")

    # -- the Gender Unit approves; nobody can edit any more --------------------------------------
    adviser.reload()
    _status(adviser, "Submitted")
    adviser.get_by_role("button", name="Approve").click()
    _flash(adviser).to_have_text("The plan is approved.")
    _status(adviser, "Approved")

    for page in (amal, focal):
        page.goto(plan_url)
        _status(page, "Approved")
        expect(page.get_by_text("It is read-only until the Gender Unit reopens it.")
               ).to_be_visible()
        main = page.locator("main")
        expect(main.get_by_role("link", name=TITLE_FIX)).to_have_count(0)
        expect(main.get_by_role("link", name=re.compile("^(Edit|Add an)"))).to_have_count(0)
        expect(main.get_by_role("button", name=re.compile("^(Move|Delete)"))).to_have_count(0)
        expect(main.get_by_role("link", name="Upload a filled workbook")).to_have_count(0)
        expect(main.get_by_role("button", name="Submit to the Gender Unit")).to_have_count(0)

    # -- version 1 against version 2: exactly the fix ---------------------------------------------
    amal.get_by_role("link", name="Versions (2)").click()
    expect(amal.get_by_role("heading", level=1)).to_have_text("Versions of the OO work plan")
    expect(amal.get_by_label("Compare")).to_have_value("1")
    expect(amal.get_by_label("with")).to_have_value("2")
    expect(amal.get_by_text(re.compile(r"differences? between"))).to_have_text(
        "1 difference between version 1 and version 2; unchanged rows are greyed.")
    changes = amal.get_by_role("table", name=f"Changes to {TITLE_FIX}")
    expect(changes.locator("tbody tr")).to_have_count(2)
    expect(changes.get_by_role("row", name=re.compile("^Title"))).to_have_text(
        re.compile(rf"^Title\s*{re.escape(TITLE_A)}\s*{re.escape(TITLE_FIX)}$"))
    expect(changes.get_by_role("row", name=re.compile("^Expected result"))).to_have_text(
        re.compile(rf"^Expected result\s*—\s*{re.escape(RESULT_FIX)}$"))
    expect(amal.locator("main .card")).to_have_count(1)
    expect(amal.locator("main .card .badge")).to_have_text("changed")
    amal.screenshot(path=SHOTS / "workplan_versions.png", full_page=True)


def test_a_participant_of_another_office_is_refused_the_plan(plan, new_context):
    hugo = _person(new_context, "hugo@example.org")
    response = hugo.goto(f"/work-plans/{plan['plan']}")
    assert response.status == 403
    expect(hugo.get_by_role("heading", level=1)).to_have_text("Not allowed")
    expect(hugo.locator("main")).to_contain_text(
        "Your account does not give you access to this page.")
    expect(hugo.locator("main")).not_to_contain_text(TITLE)
