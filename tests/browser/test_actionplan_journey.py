"""The Gender Unit consolidates five office plans: decides on a group of alike activities,
finalises and publishes version 1; a viewer then reads the published plan, and a change to an
office plan afterwards leaves that version as it was."""

import pytest
from playwright.sync_api import expect

from tests.actionplan.helpers import five_plans
from tests.browser.conftest import SignIn
from tests.factories import PASSWORD
from workshop.extensions import db
from workshop.workplans.models import WorkPlan
from workshop.workplans.services import reopen_plan


@pytest.fixture
def plans(app):
    with app.app_context():
        ids = five_plans()
        db.session.remove()
    return ids


def _person(new_context, email):
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    SignIn(page)(email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome,")
    return page


def test_decide_finalise_publish_and_read(app, plans, new_context):
    adviser = _person(new_context, "adviser@example.org")
    adviser.get_by_role("navigation", name="Main").get_by_role("link", name="Action plan").click()
    expect(adviser.get_by_role("heading", level=1)).to_have_text("Departmental action plan")
    expect(adviser.get_by_role("list", name="Key figures")).to_contain_text("4 of 5")
    expect(adviser.get_by_role("img", name="Activities by thematic area")).to_be_visible()

    adviser.get_by_role("link", name="Overlaps").click()
    group = adviser.get_by_role("region", name="Group 1: 3 activities in 3 offices")
    expect(group.get_by_role("checkbox")).to_have_count(3)
    group.get_by_label("Coordinate").check()
    group.get_by_label("Note (optional)").fill("One course for all three offices")
    group.get_by_role("button", name="Record decision").click()
    expect(adviser.get_by_role("status").first).to_contain_text(
        "Recorded “coordinate” for 3 pairs of alike activities.")
    expect(adviser.get_by_text("Nothing to decide")).to_be_visible()
    expect(adviser.get_by_role("table", name="Decisions on alike activities")
           ).to_contain_text("One course for all three offices")

    adviser.get_by_role("link", name="Consolidated plan").click()
    adviser.get_by_label("What this version is for (optional)").fill("For the management board")
    adviser.get_by_role("button", name="Finalise version 1").click()
    expect(adviser.get_by_role("heading", level=1)).to_have_text(
        "Departmental gender action plan 2026-2027")
    expect(adviser.get_by_text("Not published")).to_be_visible()
    adviser.get_by_role("button", name="Publish this version").click()
    expect(adviser.get_by_role("status").first).to_contain_text("Version 1 is published.")

    with app.app_context():  # OO's plan is reopened after publication
        reopen_plan(db.session.get(WorkPlan, plans["plans"]["OO"]), None)
        db.session.commit()
        db.session.remove()

    viewer = _person(new_context, "viewer@example.org")
    viewer.get_by_role("navigation", name="Main").get_by_role("link", name="Action plan").click()
    expect(viewer.get_by_role("heading", level=1)).to_have_text(
        "Departmental gender action plan 2026-2027")
    expect(viewer.get_by_role("list", name="Key figures")).to_contain_text("4 of 5")
    expect(viewer.get_by_role("table", name="Activities and resources by office and thematic "
                                            "area")).to_contain_text("OO")
    expect(viewer.get_by_role("button", name="Publish this version")).to_have_count(0)
    expect(viewer.get_by_text("For the management board")).to_be_visible()
