"""Work plans through the API: an office drafts its plan with consultants' help, its focal
point submits it, the Gender Unit returns it with comments or approves it, and a version is
kept at each submission; two people editing at once never overwrite each other, and nobody
outside the office, the consultants and the Gender Unit reads a plan."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from tests.api import API, bearer, is_error_body, token_for
from tests.assessment.helpers import finding, level, record, thematic, world
from tests.factories import make_user
from workshop.admin.models import Strategy
from workshop.extensions import db
from workshop.workplans.services import (
    ActivityInput,
    IndicatorInput,
    plan_for,
    save_activity,
    save_indicator,
    save_objective,
)

PLANS = f"{API}/work-plans"


@pytest.fixture
def dept(app):
    """A cycle with offices OO and PD, OO's needs assessment with two high-priority gaps, OO's
    draft plan (an objective, an activity answering the first gap, an indicator) and tokens of
    OO's participant and focal point, PD's participant and focal point, a consultant, the
    Gender Unit, a viewer and an administrator."""
    with app.app_context():
        cycle, office, other, consultant = world()
        session = record(cycle, office, consultant,
                         headcounts={level("Professional").id: (2, 2)},
                         findings=[finding("No checklist", "Tools", "high"),
                                   finding("Budget is not tracked", "Institutional", "high")])
        checklist, budget = (f.gap_id for f in session.findings)
        plan = plan_for(cycle.id, office.id)
        objective = save_objective(None, plan, title="Gender is part of mission planning")
        strategy = db.session.scalars(select(Strategy).order_by(Strategy.position)).first()
        activity = save_activity(None, objective, ActivityInput(
            title="Write a gender checklist for planners", thematic_area_id=thematic().id,
            strategy_id=strategy.id, starts_on=date(2026, 5, 1), ends_on=date(2026, 9, 30),
            cost_core=Decimal("12000"), responsible="Planning unit", gap_ids=(checklist,)))
        indicator = save_indicator(None, activity, IndicatorInput(
            statement="Checklist issued", unit="yes_no", baseline_value="no",
            target_value="yes", baseline_date=date(2026, 4, 1), target_date=date(2026, 9, 30)))
        people = {"participant": make_user("participant", office=office),
                  "focal_point": make_user("focal_point", office=office),
                  "other_participant": make_user("participant", office=other),
                  "other_focal_point": make_user("focal_point", office=other),
                  "consultant": consultant, "gender_unit": make_user("gender_unit"),
                  "viewer": make_user("viewer"), "admin": make_user("admin")}
        headers = {role: bearer(token_for(user)) for role, user in people.items()}
        ids = {"cycle": cycle.id, "office": office.id, "other": other.id, "plan": plan.id,
               "objective": objective.id, "activity": activity.id,
               "indicator": indicator.id, "checklist": checklist, "budget": budget,
               "thematic": thematic().id, "strategy": strategy.id,
               "focal_id": people["focal_point"].id, "focal_name": people["focal_point"].name}
        db.session.commit()
    return SimpleNamespace(headers=headers, **ids)


def _get(client, dept, role="participant") -> dict:
    response = client.get(f"{PLANS}/plans/{dept.plan}", headers=dept.headers[role])
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _activity(plan: dict) -> dict:
    return plan["objectives"][0]["activities"][0]


def _field_errors(response) -> dict:
    assert response.status_code == 422 and is_error_body(response), response.get_json()
    return response.get_json()["errors"]["json"]


# -- the review cycle -------------------------------------------------------------------------


def test_a_plan_goes_from_draft_through_return_to_approval(client, dept):
    participant, focal = dept.headers["participant"], dept.headers["focal_point"]
    adviser = dept.headers["gender_unit"]

    started = client.post(f"{PLANS}/plans", headers=participant,
                          json={"office_id": dept.office})
    assert started.status_code == 201, started.get_json()
    plan = started.get_json()
    assert (plan["id"], plan["status"], plan["editable"]) == (dept.plan, "draft", True)
    assert plan["unanswered_gap_ids"] == [dept.budget]

    objective = client.post(f"{PLANS}/plans/{dept.plan}/objectives", headers=participant,
                            json={"title": "Budgets show what goes to gender"})
    assert objective.status_code == 201, objective.get_json()
    objective = objective.get_json()
    assert (objective["position"], objective["lock_version"], objective["activities"]) == (
        1, 1, [])
    activity = client.post(f"{PLANS}/objectives/{objective['id']}/activities",
                           headers=participant, json={
                               "title": "Tag budget lines", "thematic_area_id": dept.thematic,
                               "strategy_id": dept.strategy, "starts_on": "2026-06-01",
                               "ends_on": "2026-12-31", "cost_core": None, "cost_extra": 4500,
                               "gap_ids": [dept.budget], "responsible": "Finance"})
    assert activity.status_code == 201, activity.get_json()
    activity = activity.get_json()
    assert (activity["cost_core"], activity["cost_extra"]) == (None, "4500.00")
    assert activity["gap_ids"] == [dept.budget] and activity["indicators"] == []
    indicator = client.post(f"{PLANS}/activities/{activity['id']}/indicators",
                            headers=participant, json={
                                "statement": "Share of budget lines tagged", "unit": "percent",
                                "baseline_value": "0", "target_value": "80",
                                "baseline_date": "2026-06-01", "target_date": "2026-12-31",
                                "sex_disaggregated": False})
    assert indicator.status_code == 201, indicator.get_json()
    plan = _get(client, dept)
    assert plan["checks"] == [] and plan["unanswered_gap_ids"] == []

    # Only the focal point submits, with the plan's version as read.
    refused = client.post(f"{PLANS}/plans/{dept.plan}/submit", headers=participant,
                          json={"lock_version": plan["lock_version"]})
    assert refused.status_code == 403 and is_error_body(refused)
    submitted = client.post(f"{PLANS}/plans/{dept.plan}/submit", headers=focal,
                            json={"lock_version": plan["lock_version"]})
    assert submitted.status_code == 200, submitted.get_json()
    assert submitted.get_json()["status"] == "submitted"
    assert submitted.get_json()["editable"] is False
    late = client.patch(f"{PLANS}/activities/{activity['id']}", headers=participant,
                        json={"responsible": "Budget office", "lock_version": 1})
    assert "_schema" in _field_errors(late)

    # The Gender Unit comments on an activity and returns the plan without more to say.
    comment = client.post(f"{PLANS}/plans/{dept.plan}/comments", headers=adviser, json={
        "body": "Give the checklist a baseline survey first.", "activity_id": dept.activity})
    assert comment.status_code == 201, comment.get_json()
    assert (comment.get_json()["activity_id"], comment.get_json()["version_number"]) == (
        dept.activity, 1)
    returned = client.post(f"{PLANS}/plans/{dept.plan}/return", headers=adviser, json={})
    assert returned.status_code == 200, returned.get_json()
    assert returned.get_json()["status"] == "returned"

    comments = client.get(f"{PLANS}/plans/{dept.plan}/comments", headers=participant)
    assert comments.status_code == 200
    assert [(c["body"], c["activity_id"]) for c in comments.get_json()] == [
        ("Give the checklist a baseline survey first.", dept.activity)]

    # The office fixes the activity and the focal point submits again.
    seen = _activity(_get(client, dept))
    fixed = client.patch(f"{PLANS}/activities/{dept.activity}", headers=participant, json={
        "title": "Survey planners, then write a gender checklist",
        "lock_version": seen["lock_version"]})
    assert fixed.status_code == 200, fixed.get_json()
    assert fixed.get_json()["lock_version"] == seen["lock_version"] + 1
    assert fixed.get_json()["cost_core"] == "12000.00"  # what was not sent stays
    plan = _get(client, dept, "focal_point")
    again = client.post(f"{PLANS}/plans/{dept.plan}/submit", headers=focal,
                        json={"lock_version": plan["lock_version"]})
    assert again.status_code == 200, again.get_json()
    approved = client.post(f"{PLANS}/plans/{dept.plan}/approve", headers=adviser, json={})
    assert approved.status_code == 200, approved.get_json()
    assert approved.get_json()["status"] == "approved"

    versions = client.get(f"{PLANS}/plans/{dept.plan}/versions", headers=participant)
    assert versions.status_code == 200
    assert [(v["number"], v["outcome"]) for v in versions.get_json()] == [
        (1, "returned"), (2, "approved")]
    assert {(v["submitted_by_id"], v["submitted_by"]) for v in versions.get_json()} == {
        (dept.focal_id, dept.focal_name)}
    first = client.get(f"{PLANS}/plans/{dept.plan}/versions/1", headers=adviser).get_json()
    second = client.get(f"{PLANS}/plans/{dept.plan}/versions/2", headers=adviser).get_json()
    assert first["content"]["objectives"][0]["activities"][0]["title"] == (
        "Write a gender checklist for planners")
    assert second["content"]["objectives"][0]["activities"][0]["title"] == (
        "Survey planners, then write a gender checklist")
    assert second["content"]["objectives"][0]["activities"][0]["cost_core"] == "12000.00"
    missing = client.get(f"{PLANS}/plans/{dept.plan}/versions/3", headers=adviser)
    assert missing.status_code == 404 and is_error_body(missing)

    # An approved plan does not change until the Gender Unit reopens it.
    for response in (
            client.post(f"{PLANS}/plans/{dept.plan}/objectives", headers=participant,
                        json={"title": "Late addition"}),
            client.patch(f"{PLANS}/objectives/{dept.objective}", headers=participant,
                         json={"title": "Changed late", "lock_version": 1}),
            client.delete(f"{PLANS}/indicators/{dept.indicator}", headers=participant),
            client.post(f"{PLANS}/plans/{dept.plan}/submit", headers=focal,
                        json={"lock_version": approved.get_json()["lock_version"]})):
        assert "_schema" in _field_errors(response)
    reopened = client.post(f"{PLANS}/plans/{dept.plan}/reopen", headers=adviser, json={})
    assert reopened.status_code == 200 and reopened.get_json()["status"] == "draft"
    removed = client.delete(f"{PLANS}/indicators/{dept.indicator}", headers=participant)
    assert removed.status_code == 204


def test_returning_needs_something_to_change(client, dept, app):
    adviser = dept.headers["gender_unit"]
    plan = _get(client, dept, "focal_point")
    client.post(f"{PLANS}/plans/{dept.plan}/submit", headers=dept.headers["focal_point"],
                json={"lock_version": plan["lock_version"]})
    bare = client.post(f"{PLANS}/plans/{dept.plan}/return", headers=adviser,
                       json={"comment": "  "})
    assert list(_field_errors(bare)) == ["comment"]
    returned = client.post(f"{PLANS}/plans/{dept.plan}/return", headers=adviser,
                           json={"comment": "State the budget line of each activity."})
    assert returned.status_code == 200, returned.get_json()
    comments = client.get(f"{PLANS}/plans/{dept.plan}/comments", headers=adviser).get_json()
    assert [(c["body"], c["version_number"], c["activity_id"]) for c in comments] == [
        ("State the budget line of each activity.", 1, None)]
    twice = client.post(f"{PLANS}/plans/{dept.plan}/return", headers=adviser,
                        json={"comment": "Again"})
    assert "_schema" in _field_errors(twice)


# -- two people at once -------------------------------------------------------------------------


def test_a_stale_change_gets_409_and_the_newer_value_survives(client, dept):
    seen = _get(client, dept)
    activity, objective = _activity(seen), seen["objectives"][0]
    first = client.patch(f"{PLANS}/activities/{dept.activity}",
                         headers=dept.headers["participant"],
                         json={"title": "Checklist, first editor",
                               "lock_version": activity["lock_version"]})
    assert first.status_code == 200, first.get_json()
    second = client.patch(f"{PLANS}/activities/{dept.activity}",
                          headers=dept.headers["consultant"],
                          json={"title": "Checklist, second editor",
                                "lock_version": activity["lock_version"]})
    assert second.status_code == 409 and is_error_body(second)
    assert "Someone else changed this activity" in second.get_json()["message"]
    assert _activity(_get(client, dept))["title"] == "Checklist, first editor"

    client.patch(f"{PLANS}/objectives/{dept.objective}", headers=dept.headers["consultant"],
                 json={"title": "Newer objective", "lock_version": objective["lock_version"]})
    stale = client.patch(f"{PLANS}/objectives/{dept.objective}",
                         headers=dept.headers["participant"],
                         json={"title": "Older objective",
                               "lock_version": objective["lock_version"]})
    assert stale.status_code == 409 and is_error_body(stale)
    indicator = activity["indicators"][0]
    client.patch(f"{PLANS}/indicators/{dept.indicator}", headers=dept.headers["consultant"],
                 json={"target_value": "yes", "verification": "Newer",
                       "lock_version": indicator["lock_version"]})
    stale = client.patch(f"{PLANS}/indicators/{dept.indicator}",
                         headers=dept.headers["participant"],
                         json={"verification": "Older", "lock_version": indicator["lock_version"]})
    assert stale.status_code == 409 and is_error_body(stale)
    plan = _get(client, dept)
    assert plan["objectives"][0]["title"] == "Newer objective"
    assert _activity(plan)["indicators"][0]["verification"] == "Newer"

    # Submitting what was read before someone else submitted it.
    focal = dept.headers["focal_point"]
    assert client.post(f"{PLANS}/plans/{dept.plan}/submit", headers=focal,
                       json={"lock_version": seen["lock_version"]}).status_code == 200
    again = client.post(f"{PLANS}/plans/{dept.plan}/submit", headers=focal,
                        json={"lock_version": seen["lock_version"]})
    assert again.status_code == 409 and is_error_body(again)


def test_an_activity_moves_within_its_plan_only(client, dept, app):
    participant = dept.headers["participant"]
    second = client.post(f"{PLANS}/plans/{dept.plan}/objectives", headers=participant,
                         json={"title": "Staff know the policy"}).get_json()
    moved = client.patch(f"{PLANS}/activities/{dept.activity}", headers=participant,
                         json={"objective_id": second["id"], "lock_version": 1})
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["objective_id"] == second["id"]
    plan = _get(client, dept)
    assert [len(o["activities"]) for o in plan["objectives"]] == [0, 1]

    with app.app_context():
        from workshop.admin.models import PlanCycle

        other_plan = plan_for(db.session.get(PlanCycle, dept.cycle).id, dept.other)
        elsewhere = save_objective(None, other_plan, title="PD's objective").id
        db.session.commit()
    refused = client.patch(f"{PLANS}/activities/{dept.activity}",
                           headers=dept.headers["consultant"],
                           json={"objective_id": elsewhere, "lock_version": 2})
    assert list(_field_errors(refused)) == ["objective_id"]


# -- who may do what ----------------------------------------------------------------------------


def test_office_staff_of_another_office_get_403(client, dept):
    body = {"title": "Not theirs", "lock_version": 1}
    for role in ("other_participant", "other_focal_point"):
        headers = dept.headers[role]
        for response in (
                client.get(f"{PLANS}/plans/{dept.plan}", headers=headers),
                client.get(f"{PLANS}/plans/{dept.plan}/comments", headers=headers),
                client.get(f"{PLANS}/plans/{dept.plan}/versions", headers=headers),
                client.get(f"{PLANS}/plans", headers=headers,
                           query_string={"office_id": dept.office}),
                client.post(f"{PLANS}/plans", headers=headers,
                            json={"office_id": dept.office}),
                client.post(f"{PLANS}/plans/{dept.plan}/objectives", headers=headers,
                            json={"title": "Not theirs"}),
                client.patch(f"{PLANS}/objectives/{dept.objective}", headers=headers,
                             json=body),
                client.patch(f"{PLANS}/activities/{dept.activity}", headers=headers,
                             json=body),
                client.delete(f"{PLANS}/indicators/{dept.indicator}", headers=headers),
                client.post(f"{PLANS}/plans/{dept.plan}/comments", headers=headers,
                            json={"body": "Not theirs"}),
                client.post(f"{PLANS}/plans/{dept.plan}/submit", headers=headers,
                            json={"lock_version": 1})):
            assert response.status_code == 403 and is_error_body(response), (
                role, response.request.method, response.request.path)
        # Their own list holds their own office's plans only: none yet.
        own = client.get(f"{PLANS}/plans", headers=headers)
        assert own.status_code == 200 and own.get_json() == []
    assert _activity(_get(client, dept))["title"] == "Write a gender checklist for planners"


@pytest.mark.parametrize("role", ["viewer", "admin"])
def test_viewers_and_administrators_get_403(client, dept, role):
    headers = dept.headers[role]
    for response in (
            client.get(f"{PLANS}/plans", headers=headers),
            client.get(f"{PLANS}/plans/{dept.plan}", headers=headers),
            client.post(f"{PLANS}/plans", headers=headers, json={"office_id": dept.office}),
            client.patch(f"{PLANS}/activities/{dept.activity}", headers=headers,
                         json={"title": "Not theirs", "lock_version": 1}),
            client.post(f"{PLANS}/plans/{dept.plan}/approve", headers=headers, json={})):
        assert response.status_code == 403 and is_error_body(response)


def test_consultants_draft_for_any_office_and_the_gender_unit_reviews_only(client, dept):
    started = client.post(f"{PLANS}/plans", headers=dept.headers["consultant"],
                          json={"office_id": dept.other, "cycle_id": dept.cycle})
    assert started.status_code == 201, started.get_json()
    pd_plan = started.get_json()
    assert (pd_plan["office_id"], pd_plan["objectives"]) == (dept.other, [])
    again = client.post(f"{PLANS}/plans", headers=dept.headers["other_participant"],
                        json={"office_id": dept.other})
    assert again.status_code == 201 and again.get_json()["id"] == pd_plan["id"]

    adviser = dept.headers["gender_unit"]
    listed = client.get(f"{PLANS}/plans", headers=adviser)
    assert listed.status_code == 200 and len(listed.get_json()) == 2
    assert "X-Pagination" in listed.headers
    drafts = client.get(f"{PLANS}/plans", headers=adviser,
                        query_string={"office_id": dept.other, "status": "draft"})
    assert [p["id"] for p in drafts.get_json()] == [pd_plan["id"]]
    own = client.get(f"{PLANS}/plans", headers=dept.headers["participant"])
    assert [p["id"] for p in own.get_json()] == [dept.plan]
    for response in (
            client.post(f"{PLANS}/plans", headers=adviser, json={"office_id": dept.office}),
            client.post(f"{PLANS}/plans/{dept.plan}/objectives", headers=adviser,
                        json={"title": "Not theirs"}),
            client.post(f"{PLANS}/plans/{dept.plan}/submit", headers=adviser,
                        json={"lock_version": 1}),
            client.post(f"{PLANS}/plans/{dept.plan}/approve",
                        headers=dept.headers["consultant"], json={})):
        assert response.status_code == 403 and is_error_body(response)
    assert client.post(f"{PLANS}/plans/{dept.plan}/comments", headers=adviser,
                       json={"body": "Looks promising."}).status_code == 201


# -- what is refused, and where ------------------------------------------------------------------


def test_bad_input_is_refused_at_the_field(client, dept):
    participant = dept.headers["participant"]
    new = f"{PLANS}/objectives/{dept.objective}/activities"
    base = {"title": "Train planners", "starts_on": "2026-05-01", "ends_on": "2026-06-30"}
    cases = [({"cost_core": -5}, "cost_core"), ({"cost_extra": "-12.50"}, "cost_extra"),
             ({"cost_core": "lots"}, "cost_core"), ({"cost_core": True}, "cost_core"),
             ({"cost_core": "1e20"}, "cost_core"),
             ({"thematic_area_id": 999_999}, "thematic_area_id"),
             ({"strategy_id": 999_999}, "strategy_id"),
             ({"ends_on": "2026-04-30"}, "ends_on"), ({"gap_ids": [999_999]}, "gap_ids"),
             ({"title": "   "}, "title"), ({"status": "someday"}, "status")]
    for change, field in cases:
        response = client.post(new, headers=participant, json={**base, **change})
        assert list(_field_errors(response)) == [field], change
    stale_dates = client.patch(f"{PLANS}/activities/{dept.activity}", headers=participant,
                               json={"starts_on": "2026-10-01", "lock_version": 1})
    assert list(_field_errors(stale_dates)) == ["ends_on"]
    no_version = client.patch(f"{PLANS}/activities/{dept.activity}", headers=participant,
                              json={"title": "No version"})
    assert list(_field_errors(no_version)) == ["lock_version"]
    indicator = client.post(f"{PLANS}/activities/{dept.activity}/indicators",
                            headers=participant,
                            json={"statement": "Share trained", "unit": "percent",
                                  "target_value": "150"})
    assert list(_field_errors(indicator)) == ["target_value"]
    comment = client.post(f"{PLANS}/plans/{dept.plan}/comments", headers=participant,
                          json={"body": "On what?", "indicator_id": 999_999})
    assert list(_field_errors(comment)) == ["indicator_id"]
    nowhere = client.post(f"{PLANS}/plans", headers=dept.headers["consultant"],
                          json={"office_id": dept.office, "cycle_id": 999_999})
    assert list(_field_errors(nowhere)) == ["cycle_id"]
    # Nothing of it was saved.
    activities = _get(client, dept)["objectives"][0]["activities"]
    assert [a["title"] for a in activities] == ["Write a gender checklist for planners"]
    assert activities[0]["starts_on"] == "2026-05-01"


def test_costs_are_decimal_strings_numbers_or_unknown(client, dept):
    participant = dept.headers["participant"]
    new = f"{PLANS}/objectives/{dept.objective}/activities"
    for sent, kept in [("12,500.5", "12500.50"), (800, "800.00"), (0.1, "0.10"),
                       ("0", "0.00"), (None, None), ("", None)]:
        response = client.post(new, headers=participant,
                               json={"title": f"Cost {sent!r}", "cost_core": sent})
        assert response.status_code == 201, response.get_json()
        assert response.get_json()["cost_core"] == kept, sent
    changed = client.patch(f"{PLANS}/activities/{dept.activity}", headers=participant,
                           json={"cost_core": None, "lock_version": 1})
    assert changed.status_code == 200 and changed.get_json()["cost_core"] is None
    checks = [c["message"] for c in _get(client, dept)["checks"]]
    assert "Activity “Write a gender checklist for planners” has no estimate of resources." \
        in checks


def test_the_plan_shows_its_checks_and_the_gaps_no_activity_answers(client, dept):
    plan = _get(client, dept, "consultant")
    assert plan["checks"] == [] and plan["unanswered_gap_ids"] == [dept.budget]
    activity = _activity(plan)
    assert (activity["cost_core"], activity["starts_on"], activity["gap_ids"]) == (
        "12000.00", "2026-05-01", [dept.checklist])
    assert activity["indicators"][0]["statement"] == "Checklist issued"
    added = client.post(f"{PLANS}/objectives/{dept.objective}/activities",
                        headers=dept.headers["participant"],
                        json={"title": "Train planners"}).get_json()
    checks = _get(client, dept)["checks"]
    assert {c["activity_id"] for c in checks} == {added["id"]}
    assert "Activity “Train planners” has no indicator." in [c["message"] for c in checks]


def test_deleting_rows_of_a_draft(client, dept):
    participant = dept.headers["participant"]
    assert client.delete(f"{PLANS}/activities/{dept.activity}",
                         headers=participant).status_code == 204
    assert client.delete(f"{PLANS}/objectives/{dept.objective}",
                         headers=participant).status_code == 204
    plan = _get(client, dept)
    assert plan["objectives"] == []
    assert plan["checks"] == [{"message": "The plan has no objective yet.",
                               "activity_id": None, "indicator_id": None}]
    gone = client.delete(f"{PLANS}/indicators/{dept.indicator}", headers=participant)
    assert gone.status_code == 404 and is_error_body(gone)
