"""The departmental plan's pages as the Gender Unit and its readers use them."""

import re

import pytest

from tests.actionplan.helpers import five_plans
from workshop.actionplan.models import ActionPlanVersion, ActivityMapping, OverlapDecision
from workshop.extensions import db
from workshop.workplans.models import Activity, WorkPlan
from workshop.workplans.services import (
    ActivityInput,
    approve_plan,
    reopen_plan,
    save_activity,
    submit_plan,
)


@pytest.fixture
def plans(app):
    with app.app_context():
        return five_plans()


def _token(html):
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def _post(client, page_url, url, data):
    token = _token(client.get(page_url).text)
    return client.post(url, data={"csrf_token": token, **data})


def test_the_gender_unit_sees_the_consolidated_plan(client, auth, plans):
    auth.login(plans["login"]["adviser"])
    page = client.get(f"/action-plan/{plans['cycle']}/")
    assert page.status_code == 200
    text = page.text
    assert "4 of 5" in text and "offices with an approved plan" in text
    assert "$39,000" in text and "$34,000" in text and "$73,000" in text
    assert "Resources are not known for 3 activities (core for 1, extra-budgetary for 2)" in text
    assert "PBPS" in text  # named as without an approved plan
    assert text.count('class="bar-chart"') == 4
    # The charts are drawn from the same figures as the tables.
    assert "Participation: 4" in text


def test_finalise_publish_and_a_frozen_version_does_not_change(app, client, auth, plans):
    cycle = plans["cycle"]
    auth.login(plans["login"]["adviser"])
    response = _post(client, f"/action-plan/{cycle}/", f"/action-plan/{cycle}/finalise",
                     {"note": "For the senior management meeting"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/action-plan/{cycle}/versions/1")
    # A viewer cannot read it until it is published.
    auth.login(plans["login"]["viewer"])
    assert client.get(f"/action-plan/{cycle}/versions/1").status_code == 403
    assert "not been published yet" in client.get(f"/action-plan/?cycle={cycle}",
                                                  follow_redirects=True).text
    auth.login(plans["login"]["adviser"])
    _post(client, f"/action-plan/{cycle}/versions/1",
          f"/action-plan/{cycle}/versions/1/publish", {})
    # OO's plan is reopened and changed after publication.
    with app.app_context():
        plan = db.session.get(WorkPlan, plans["plans"]["OO"])
        reopen_plan(plan, None)
        activity = db.session.get(Activity, plans["activities"]["a1"])
        save_activity(activity, activity.objective, ActivityInput(
            title="Coach senior managers one to one", cost_core=None, cost_extra=None))
        db.session.commit()
    live = client.get(f"/action-plan/{cycle}/").text
    assert "3 of 5" in live and "Coach senior managers" not in live
    auth.login(plans["login"]["viewer"])
    published = client.get(f"/action-plan/?cycle={cycle}", follow_redirects=True)
    assert "Version 1, finalised" in published.text
    assert "4 of 5" in published.text and "$73,000" in published.text
    assert "Train senior managers on gender mainstreaming" in published.text
    assert "Coach senior managers" not in published.text
    # A second version after the office's plan is approved again differs exactly there.
    with app.app_context():
        plan = db.session.get(WorkPlan, plans["plans"]["OO"])
        submit_plan(plan, None)
        approve_plan(plan, None)
        db.session.commit()
    auth.login(plans["login"]["adviser"])
    _post(client, f"/action-plan/{cycle}/", f"/action-plan/{cycle}/finalise", {})
    compared = client.get(f"/action-plan/{cycle}/compare?a=1&b=2")
    assert "0 added, 0 removed, 1 changed." in compared.text
    assert "<del>Train senior managers on gender mainstreaming</del>" in compared.text
    assert "<ins>Coach senior managers one to one</ins>" in compared.text
    with app.app_context():
        first = db.session.get(ActionPlanVersion, 1)
        assert first.published and [a["title"] for a in first.content["activities"]][0] == (
            "Train senior managers on gender mainstreaming")


def test_a_decision_is_kept_and_the_pair_not_flagged_again(app, client, auth, plans):
    cycle, a = plans["cycle"], plans["activities"]
    auth.login(plans["login"]["adviser"])
    page = client.get(f"/action-plan/{cycle}/overlaps")
    assert "Group 1: 3 activities in 3 offices" in page.text
    # The decision covers the pairs among the ticked activities: a1 and c1 only.
    response = _post(client, f"/action-plan/{cycle}/overlaps",
                     f"/action-plan/{cycle}/overlaps/decide",
                     {"activities": [a["a1"], a["c1"]], "decision": "distinct",
                      "note": "Different audiences", "group": "1"})
    assert response.status_code == 302
    page = client.get(f"/action-plan/{cycle}/overlaps").text
    assert "Group 1: 3 activities in 3 offices" in page  # a1-b1 and b1-c1 still alike
    assert "similarity up to 90" in page
    assert "Different audiences" in page
    # No decision chosen, or a single activity ticked: refused, nothing recorded.
    _post(client, f"/action-plan/{cycle}/overlaps", f"/action-plan/{cycle}/overlaps/decide",
          {"activities": [a["a1"], a["b1"]]})
    refused = _post(client, f"/action-plan/{cycle}/overlaps",
                    f"/action-plan/{cycle}/overlaps/decide",
                    {"activities": [a["b1"]], "decision": "merge"})
    assert "Tick at least two alike activities" in client.get(
        refused.headers["Location"]).text
    # Two activities of the same office are never a pair to decide.
    _post(client, f"/action-plan/{cycle}/overlaps", f"/action-plan/{cycle}/overlaps/decide",
          {"activities": [a["a1"], a["a2"]], "decision": "merge"})
    with app.app_context():
        decisions = db.session.scalars(db.select(OverlapDecision)).all()
        assert [(d.first_id, d.second_id, d.decision, d.score) for d in decisions] == [
            (a["a1"], a["c1"], "distinct", 94)]


def test_objectives_and_mapping(app, client, auth, plans):
    cycle, a = plans["cycle"], plans["activities"]
    auth.login(plans["login"]["adviser"])
    url = f"/action-plan/{cycle}/objectives"
    refused = _post(client, url, url, {"title": "  "})
    assert refused.status_code == 200 and "State the objective." in refused.text
    _post(client, url, url, {"title": "Senior managers lead on gender"})
    _post(client, f"/action-plan/{cycle}/activities", f"/action-plan/{cycle}/activities/map",
          {"objective_id": "1", "activity_ids": [a["a1"], a["b1"], a["c1"]]})
    page = client.get(url).text
    assert re.search(r"D1</span> Senior managers lead on gender.*?>3</a>", page, re.S)
    overview = client.get(f"/action-plan/{cycle}/").text
    assert "D1 Senior managers lead on gender" in overview
    # An activity of another cycle's plan, or no activity, is refused.
    _post(client, f"/action-plan/{cycle}/activities", f"/action-plan/{cycle}/activities/map",
          {"objective_id": "1", "activity_ids": ["99999"]})
    with app.app_context():
        assert db.session.query(ActivityMapping).count() == 3
    filtered = client.get(f"/action-plan/{cycle}/activities?objective=D1").text
    assert "3 activities found" in filtered


def test_the_home_page_asks_the_gender_unit_to_finalise_and_publish(client, auth, plans):
    cycle = plans["cycle"]
    auth.login(plans["login"]["adviser"])
    home = client.get("/").text
    assert "Review the consolidated action plan" in home
    assert "4 office plans are approved; no version has been finalised yet." in home
    _post(client, f"/action-plan/{cycle}/", f"/action-plan/{cycle}/finalise", {})
    home = client.get("/").text
    assert "Publish version 1 of the action plan" in home
    assert "Review the consolidated action plan" not in home
    auth.login(plans["login"]["viewer"])
    assert "Publish version 1" not in client.get("/").text
