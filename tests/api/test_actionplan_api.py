"""The departmental action plan through the API: the five office plans of the consolidation
tests give the same hand-computed figures, gaps and overlaps; the Gender Unit decides on
overlaps, sets departmental objectives and maps activities to them, finalises and publishes
versions; bad input is refused at the field and changes nothing; everyone else reads only the
published versions."""

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from tests.actionplan.helpers import five_plans
from tests.api import API, bearer, is_error_body, token_for
from tests.factories import make_cycle, make_user
from workshop.actionplan.services import save_objective
from workshop.admin.models import Office, Strategy, ThematicArea
from workshop.auth.models import User
from workshop.extensions import db

PLAN = f"{API}/action-plan"


@pytest.fixture
def dept(app):
    """The five office plans of `five_plans` (four approved) and tokens of the Gender Unit's
    adviser, a viewer, a consultant, an administrator and OO's focal point."""
    with app.app_context():
        ids = five_plans()
        people = {"gender_unit": db.session.get(User, ids["adviser"]),
                  "consultant": db.session.get(User, ids["consultant"]),
                  "viewer": make_user("viewer"), "admin": make_user("admin"),
                  "focal_point": make_user("focal_point",
                                           office=db.session.get(Office, ids["offices"]["OO"]))}
        headers = {role: bearer(token_for(user)) for role, user in people.items()}
        db.session.commit()
    return SimpleNamespace(headers=headers, cycle=ids["cycle"], a=ids["activities"],
                           offices=ids["offices"], gaps=ids["gaps"])


def _get(client, dept, path, role="gender_unit"):
    response = client.get(f"{PLAN}{path}", headers=dept.headers[role])
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _field_errors(response) -> dict:
    assert response.status_code == 422 and is_error_body(response), response.get_json()
    return response.get_json()["errors"]["json"]


def _money(*amounts) -> tuple[str, ...]:
    return tuple(f"{amount:.2f}" for amount in amounts)


# -- figures, gaps and overlaps -------------------------------------------------------------------


def test_figures_match_the_hand_computed_values(client, dept):
    figures = _get(client, dept, f"/cycles/{dept.cycle}/figures")
    assert (figures["cycle_id"], figures["offices_total"], figures["offices_approved"]) == (
        dept.cycle, 5, 4)
    t = figures["totals"]
    assert (t["activities"], t["indicators"], t["offices"]) == (7, 8, 4)
    assert (t["core"], t["extra"], t["total"]) == _money(39000, 34000, 73000)
    assert (t["core_unknown"], t["extra_unknown"], t["unknown"]) == (1, 2, 3)
    by_area = {f["label"]: (f["activities"], f["indicators"], f["core"], f["extra"])
               for f in figures["by_thematic_area"]}
    assert by_area == {
        "Prevention": (0, 0, *_money(0, 0)),
        "Participation": (4, 4, *_money(21000, 33000)),
        "Protection": (1, 2, *_money(15000, 0)),
        "Relief and recovery": (0, 0, *_money(0, 0)),
        "Normative": (2, 2, *_money(3000, 1000)),
    }
    by_strategy = {f["label"]: (f["activities"], f["core"], f["extra"])
                   for f in figures["by_strategy"]}
    assert by_strategy == {
        "Policy development": (2, *_money(17000, 0)),
        "Advocacy": (2, *_money(4000, 1000)),
        "Capacity-building": (3, *_money(18000, 33000)),
        "Partnership and networking": (0, *_money(0, 0)),
        "Provision of goods and services": (0, *_money(0, 0)),
    }
    by_office = {f["label"]: (f["office_id"], f["activities"], f["indicators"], f["total"],
                              f["unknown"]) for f in figures["by_office"]}
    assert by_office == {
        "MILDIV": (dept.offices["MILDIV"], 2, 1, "19000.00", 1),
        "OMS": (dept.offices["OMS"], 1, 1, "2000.00", 0),
        "OO": (dept.offices["OO"], 2, 3, "17000.00", 1),
        "PD": (dept.offices["PD"], 2, 3, "35000.00", 1)}
    # No departmental objective yet: every activity is counted as not mapped.
    assert [(f["key"], f["objective_id"], f["activities"], f["total"])
            for f in figures["by_objective"]] == [("", None, 7, "73000.00")]


def test_every_cell_of_the_coverage_matrix(client, dept):
    figures = _get(client, dept, f"/cycles/{dept.cycle}/figures")
    areas = [f["label"] for f in figures["by_thematic_area"]]
    matrix = {(c["office"], c["thematic_area"]): (c["activities"], c["total"])
              for c in figures["matrix"]}
    assert len(figures["matrix"]) == len(matrix) == 4 * len(areas)
    expected = {(o, a): (0, "0.00") for o in ("MILDIV", "OMS", "OO", "PD") for a in areas}
    expected.update({("OO", "Participation"): (1, "15000.00"),
                     ("OO", "Normative"): (1, "2000.00"),
                     ("PD", "Participation"): (1, "20000.00"),
                     ("PD", "Protection"): (1, "15000.00"),
                     ("MILDIV", "Participation"): (2, "19000.00"),
                     ("OMS", "Normative"): (1, "2000.00")})
    assert matrix == expected
    # PD's training has no known core amount: counted as not known, not as zero.
    (cell,) = [c for c in figures["matrix"]
               if (c["office"], c["thematic_area"]) == ("PD", "Participation")]
    assert cell == {"office_id": dept.offices["PD"], "office": "PD",
                    "thematic_area": "Participation", "activities": 1, "indicators": 1,
                    "core": "0.00", "extra": "20000.00", "total": "20000.00",
                    "core_unknown": 1, "extra_unknown": 0}


def test_gaps_name_what_no_approved_activity_covers(client, dept):
    gaps = _get(client, dept, f"/cycles/{dept.cycle}/gaps")
    assert gaps["thematic_areas_without"] == ["Prevention", "Relief and recovery"]
    assert gaps["strategies_without"] == ["Partnership and networking",
                                          "Provision of goods and services"]
    assert {o["office"]: o["thematic_areas"] for o in gaps["office_thematic_areas_without"]} == {
        "MILDIV": ["Prevention", "Protection", "Relief and recovery", "Normative"],
        "OMS": ["Prevention", "Participation", "Protection", "Relief and recovery"],
        "OO": ["Prevention", "Protection", "Relief and recovery"],
        "PD": ["Prevention", "Relief and recovery", "Normative"]}
    assert {o["office"]: o["strategies"] for o in gaps["office_strategies_without"]}["OMS"] == [
        "Policy development", "Capacity-building", "Partnership and networking",
        "Provision of goods and services"]
    assert [g["code"] for g in gaps["unanswered_gaps"]] == [dept.gaps["g2"], dept.gaps["g4"]]
    assert gaps["unanswered_gaps"][0]["offices"] == ["OO"]
    assert [(o["office"], o["plan_status"]) for o in gaps["offices_without_plan"]] == [
        ("PBPS", "submitted")]
    assert gaps["count"] == (
        len(gaps["thematic_areas_without"]) + len(gaps["strategies_without"])
        + sum(len(o["thematic_areas"]) for o in gaps["office_thematic_areas_without"])
        + sum(len(o["strategies"]) for o in gaps["office_strategies_without"])
        + len(gaps["unanswered_gaps"]) + len(gaps["offices_without_plan"]))


def test_areas_and_strategies_taken_off_their_lists_still_count(client, dept, app):
    with app.app_context():
        for model, name in ((ThematicArea, "Protection"), (Strategy, "Policy development")):
            db.session.scalar(select(model).where(model.name == name)).is_active = False
        db.session.commit()
    figures = _get(client, dept, f"/cycles/{dept.cycle}/figures")
    assert [(f["label"], f["activities"], f["total"]) for f in figures["by_thematic_area"]] == [
        ("Prevention", 0, "0.00"), ("Participation", 4, "54000.00"),
        ("Relief and recovery", 0, "0.00"), ("Normative", 2, "4000.00"),
        ("Protection", 1, "15000.00")]
    assert [(f["label"], f["activities"]) for f in figures["by_strategy"]][-1] == (
        "Policy development", 2)
    assert figures["totals"]["total"] == "73000.00"
    # Offices are no longer asked for what the lists no longer hold.
    gaps = _get(client, dept, f"/cycles/{dept.cycle}/gaps")
    assert {o["office"]: o["thematic_areas"] for o in gaps["office_thematic_areas_without"]} == {
        "MILDIV": ["Prevention", "Relief and recovery", "Normative"],
        "OMS": ["Prevention", "Participation", "Relief and recovery"],
        "OO": ["Prevention", "Relief and recovery"],
        "PD": ["Prevention", "Relief and recovery", "Normative"]}
    assert "Policy development" not in {
        s for o in gaps["office_strategies_without"] for s in o["strategies"]}


def test_a_decision_takes_the_pair_out_of_the_overlaps_until_undone(client, dept):
    a, adviser = dept.a, dept.headers["gender_unit"]
    overlaps = _get(client, dept, f"/cycles/{dept.cycle}/overlaps")
    assert [(p["first"]["id"], p["second"]["id"], p["score"], p["group"]) for p in overlaps] == [
        (a["a1"], a["c1"], 94, 1), (a["b1"], a["c1"], 90, 1), (a["a1"], a["b1"], 89, 1)]
    assert overlaps[0]["first"] == {
        "id": a["a1"], "office_id": dept.offices["OO"], "office": "OO",
        "title": "Train senior managers on gender mainstreaming",
        "thematic_area": "Participation", "strategy": "Capacity-building"}
    assert overlaps[0]["second"]["office"] == "MILDIV"

    # The pair in either order; its score is kept with the decision.
    decided = client.post(f"{PLAN}/cycles/{dept.cycle}/decisions", headers=adviser, json={
        "pairs": [[a["c1"], a["a1"]]], "decision": "merge",
        "note": "One training for both offices."})
    assert decided.status_code == 201, decided.get_json()
    (decision,) = decided.get_json()
    assert (decision["first_id"], decision["second_id"], decision["decision"],
            decision["score"], decision["note"], decision["decided_by"]) == (
        a["a1"], a["c1"], "merge", 94, "One training for both offices.", "Gender Adviser")
    left = _get(client, dept, f"/cycles/{dept.cycle}/overlaps")
    assert [(p["first"]["id"], p["second"]["id"]) for p in left] == [
        (a["b1"], a["c1"]), (a["a1"], a["b1"])]
    assert [d["id"] for d in _get(client, dept, f"/cycles/{dept.cycle}/decisions")] == [
        decision["id"]]

    # Deciding again changes the decision on the pair, never adds a second one.
    again = client.post(f"{PLAN}/cycles/{dept.cycle}/decisions", headers=adviser, json={
        "pairs": [[a["a1"], a["c1"]], [a["a1"], a["b1"]]], "decision": "coordinate"})
    assert again.status_code == 201, again.get_json()
    listed = _get(client, dept, f"/cycles/{dept.cycle}/decisions")
    assert [(d["first_id"], d["second_id"], d["decision"], d["score"]) for d in listed] == [
        (a["a1"], a["b1"], "coordinate", 89), (a["a1"], a["c1"], "coordinate", 94)]
    assert decision["id"] in {d["id"] for d in listed}
    assert [(p["first"]["id"], p["second"]["id"]) for p in _get(
        client, dept, f"/cycles/{dept.cycle}/overlaps")] == [(a["b1"], a["c1"])]

    undone = client.delete(f"{PLAN}/decisions/{decision['id']}", headers=adviser)
    assert undone.status_code == 204
    assert len(_get(client, dept, f"/cycles/{dept.cycle}/overlaps")) == 2
    gone = client.delete(f"{PLAN}/decisions/{decision['id']}", headers=adviser)
    assert gone.status_code == 404 and is_error_body(gone)


# -- departmental objectives ------------------------------------------------------------------


def test_objectives_count_the_activities_mapped_to_them(client, dept):
    a, adviser = dept.a, dept.headers["gender_unit"]
    objectives = f"{PLAN}/cycles/{dept.cycle}/objectives"
    first = client.post(objectives, headers=adviser, json={
        "title": "Senior managers lead on gender", "description": "Training and coaching."})
    assert first.status_code == 201, first.get_json()
    first = first.get_json()
    assert (first["number"], first["code"], first["activity_ids"]) == (1, "D1", [])
    second = client.post(objectives, headers=adviser,
                         json={"title": "Planning takes gender into account"}).get_json()
    assert second["code"] == "D2"

    mapped = client.post(f"{PLAN}/cycles/{dept.cycle}/mappings", headers=adviser, json={
        "activity_ids": [a["c1"], a["a1"], a["b1"], a["a1"]], "objective_id": first["id"]})
    assert mapped.status_code == 200, mapped.get_json()
    assert mapped.get_json() == {"objective_id": first["id"], "changed": 3,
                                 "activity_ids": sorted([a["a1"], a["b1"], a["c1"]])}
    to_second = client.post(f"{PLAN}/cycles/{dept.cycle}/mappings", headers=adviser, json={
        "activity_ids": [a["a2"], a["d1"], a["b1"]], "objective_id": second["id"]})
    assert to_second.get_json()["changed"] == 3
    unmapped = client.post(f"{PLAN}/cycles/{dept.cycle}/mappings", headers=adviser,
                           json={"activity_ids": [a["d1"]], "objective_id": None})
    assert unmapped.get_json() == {"objective_id": None, "activity_ids": [a["d1"]],
                                   "changed": 1}

    by_objective = {f["key"]: (f["objective_id"], f["label"], f["activities"], f["core"],
                               f["extra"], f["core_unknown"])
                    for f in _get(client, dept, f"/cycles/{dept.cycle}/figures")["by_objective"]}
    assert by_objective == {
        "D1": (first["id"], "D1 Senior managers lead on gender", 2, *_money(18000, 13000), 0),
        "D2": (second["id"], "D2 Planning takes gender into account", 2,
               *_money(2000, 20000), 1),
        "": (None, "Not mapped to a departmental objective", 3, *_money(19000, 1000), 0)}

    changed = client.patch(f"{PLAN}/objectives/{first['id']}", headers=adviser,
                           json={"title": "Senior managers lead on gender equality"})
    assert changed.status_code == 200, changed.get_json()
    assert (changed.get_json()["title"], changed.get_json()["description"]) == (
        "Senior managers lead on gender equality", "Training and coaching.")
    assert changed.get_json()["activity_ids"] == sorted([a["a1"], a["c1"]])
    listed = _get(client, dept, f"/cycles/{dept.cycle}/objectives")
    assert [(o["code"], o["activity_ids"]) for o in listed] == [
        ("D1", sorted([a["a1"], a["c1"]])), ("D2", sorted([a["a2"], a["b1"]]))]

    removed = client.delete(f"{PLAN}/objectives/{first['id']}", headers=adviser)
    assert removed.status_code == 204
    gone = client.get(f"{PLAN}/objectives/{first['id']}", headers=adviser)
    assert gone.status_code == 404 and is_error_body(gone)
    not_mapped = [f for f in _get(client, dept, f"/cycles/{dept.cycle}/figures")["by_objective"]
                  if f["key"] == ""]
    assert not_mapped[0]["activities"] == 5


# -- what is refused, and where ------------------------------------------------------------------


def test_bad_input_is_refused_at_the_field_and_changes_nothing(client, dept, app):
    a, adviser = dept.a, dept.headers["gender_unit"]
    with app.app_context():
        elsewhere = save_objective(None, make_cycle(name="Another cycle", status="planning"),
                                   title="Of another cycle").id
        db.session.commit()
    decisions = f"{PLAN}/cycles/{dept.cycle}/decisions"
    pair = [a["a1"], a["b1"]]
    for body, field in [
            ({"pairs": [pair], "decision": "postpone"}, "decision"),
            ({"pairs": [pair]}, "decision"),
            ({"pairs": [[a["a1"], a["a2"]]], "decision": "merge"}, "pairs"),  # both OO's
            ({"pairs": [[a["a1"], 999_999]], "decision": "merge"}, "pairs"),
            ({"pairs": [[a["a1"]]], "decision": "merge"}, "pairs"),
            ({"pairs": [], "decision": "merge"}, "pairs"),
            ({"pairs": [pair], "decision": "merge", "note": "x" * 2001}, "note")]:
        assert list(_field_errors(client.post(decisions, headers=adviser, json=body))) == [
            field], body
    objectives = f"{PLAN}/cycles/{dept.cycle}/objectives"
    for body, field in [({"title": ""}, "title"), ({"title": "   "}, "title"),
                        ({"description": "No title"}, "title"),
                        ({"title": "Fine", "thematic_area_id": 999_999}, "thematic_area_id")]:
        assert list(_field_errors(client.post(objectives, headers=adviser, json=body))) == [
            field], body
    mappings = f"{PLAN}/cycles/{dept.cycle}/mappings"
    for body, field in [({"activity_ids": [999_999], "objective_id": None}, "activity_ids"),
                        ({"activity_ids": [], "objective_id": None}, "activity_ids"),
                        ({"activity_ids": [a["a1"]]}, "objective_id"),
                        ({"activity_ids": [a["a1"]], "objective_id": 999_999}, "objective_id"),
                        ({"activity_ids": [a["a1"]], "objective_id": elsewhere},
                         "objective_id")]:
        assert list(_field_errors(client.post(mappings, headers=adviser, json=body))) == [
            field], body
    too_long = client.post(f"{PLAN}/cycles/{dept.cycle}/versions", headers=adviser,
                           json={"note": "x" * 2001})
    assert list(_field_errors(too_long)) == ["note"]

    # Nothing of it was saved.
    assert _get(client, dept, f"/cycles/{dept.cycle}/decisions") == []
    assert len(_get(client, dept, f"/cycles/{dept.cycle}/overlaps")) == 3
    assert _get(client, dept, f"/cycles/{dept.cycle}/objectives") == []
    assert _get(client, dept, f"/cycles/{dept.cycle}/versions") == []
    figures = _get(client, dept, f"/cycles/{dept.cycle}/figures")
    assert [f["key"] for f in figures["by_objective"]] == [""]


def test_a_cycle_without_an_approved_plan_cannot_be_finalised(client, dept, app):
    with app.app_context():
        empty = make_cycle(name="Nothing approved", status="planning").id
        db.session.commit()
    refused = client.post(f"{PLAN}/cycles/{empty}/versions", headers=dept.headers["gender_unit"],
                          json={})
    assert list(_field_errors(refused)) == ["_schema"]
    assert "No office plan of this cycle is approved" in refused.get_json()["errors"]["json"][
        "_schema"][0]
    missing = client.get(f"{PLAN}/cycles/999999/figures", headers=dept.headers["gender_unit"])
    assert missing.status_code == 404 and is_error_body(missing)


# -- versions -----------------------------------------------------------------------------------


def test_versions_are_frozen_and_readers_see_only_published_ones(client, dept):
    a, adviser, viewer = dept.a, dept.headers["gender_unit"], dept.headers["viewer"]
    versions = f"{PLAN}/cycles/{dept.cycle}/versions"
    finalised = client.post(versions, headers=adviser, json={"note": "For the steering group."})
    assert finalised.status_code == 201, finalised.get_json()
    version = finalised.get_json()
    assert (version["number"], version["note"], version["published"], version["finalised_by"],
            version["published_at"]) == (1, "For the steering group.", False, "Gender Adviser",
                                         None)

    # Until published, version 1 is the Gender Unit's working copy.
    assert _get(client, dept, f"/cycles/{dept.cycle}/versions", "viewer") == []
    for path in (f"{versions}/1", f"{PLAN}/cycles/{dept.cycle}/figures"):
        refused = client.get(path, headers=viewer)
        assert refused.status_code == 403 and is_error_body(refused), path
    draft = _get(client, dept, f"/cycles/{dept.cycle}/versions/1")
    assert draft["figures"] == _get(client, dept, f"/cycles/{dept.cycle}/figures")

    published = client.post(f"{versions}/1/publish", headers=adviser, json={})
    assert published.status_code == 200, published.get_json()
    assert (published.get_json()["published"], published.get_json()["published_by"]) == (
        True, "Gender Adviser")
    twice = client.post(f"{versions}/1/publish", headers=adviser, json={})
    assert list(_field_errors(twice)) == ["_schema"]

    # Later decisions and mappings change the live plan, not the version.
    client.post(f"{PLAN}/cycles/{dept.cycle}/decisions", headers=adviser,
                json={"pairs": [[a["a1"], a["c1"]]], "decision": "coordinate"})
    objective = client.post(f"{PLAN}/cycles/{dept.cycle}/objectives", headers=adviser,
                            json={"title": "Senior managers lead on gender"}).get_json()
    client.post(f"{PLAN}/cycles/{dept.cycle}/mappings", headers=adviser,
                json={"activity_ids": [a["a1"]], "objective_id": objective["id"]})
    read = _get(client, dept, f"/cycles/{dept.cycle}/versions/1", "viewer")
    assert (read["number"], read["published"]) == (1, True)
    t = read["figures"]["totals"]
    assert (t["activities"], t["core"], t["extra"], t["unknown"]) == (
        7, *_money(39000, 34000), 3)
    assert [f["key"] for f in read["figures"]["by_objective"]] == [""]
    assert len(read["overlaps"]) == 3
    assert read["gaps"]["thematic_areas_without"] == ["Prevention", "Relief and recovery"]
    assert len(_get(client, dept, f"/cycles/{dept.cycle}/overlaps")) == 2

    second = client.post(versions, headers=adviser, json={})
    assert second.status_code == 201 and second.get_json()["number"] == 2
    frozen = _get(client, dept, f"/cycles/{dept.cycle}/versions/2")
    assert len(frozen["overlaps"]) == 2
    assert [f["key"] for f in frozen["figures"]["by_objective"]] == ["D1", ""]
    assert [v["number"] for v in _get(client, dept, f"/cycles/{dept.cycle}/versions")] == [2, 1]
    assert [v["number"] for v in _get(client, dept, f"/cycles/{dept.cycle}/versions",
                                      "viewer")] == [1]
    refused = client.get(f"{versions}/2", headers=viewer)
    assert refused.status_code == 403 and is_error_body(refused)
    missing = client.get(f"{versions}/3", headers=adviser)
    assert missing.status_code == 404 and is_error_body(missing)


# -- who may do what ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["viewer", "consultant", "focal_point", "admin"])
def test_everyone_but_the_gender_unit_reads_published_versions_only(client, dept, role):
    adviser, headers = dept.headers["gender_unit"], dept.headers[role]
    versions = f"{PLAN}/cycles/{dept.cycle}/versions"
    client.post(versions, headers=adviser, json={})
    client.post(f"{versions}/1/publish", headers=adviser, json={})
    client.post(versions, headers=adviser, json={})  # version 2, not published
    objective = client.post(f"{PLAN}/cycles/{dept.cycle}/objectives", headers=adviser,
                            json={"title": "Senior managers lead on gender"}).get_json()
    decision = client.post(f"{PLAN}/cycles/{dept.cycle}/decisions", headers=adviser, json={
        "pairs": [[dept.a["a1"], dept.a["b1"]]], "decision": "distinct"}).get_json()[0]

    cycle = f"/cycles/{dept.cycle}"
    for response in (
            client.get(f"{PLAN}{cycle}/figures", headers=headers),
            client.get(f"{PLAN}{cycle}/gaps", headers=headers),
            client.get(f"{PLAN}{cycle}/overlaps", headers=headers),
            client.get(f"{PLAN}{cycle}/decisions", headers=headers),
            client.post(f"{PLAN}{cycle}/decisions", headers=headers,
                        json={"pairs": [[dept.a["a1"], dept.a["c1"]]], "decision": "merge"}),
            client.delete(f"{PLAN}/decisions/{decision['id']}", headers=headers),
            client.get(f"{PLAN}{cycle}/objectives", headers=headers),
            client.post(f"{PLAN}{cycle}/objectives", headers=headers,
                        json={"title": "Not theirs"}),
            client.get(f"{PLAN}/objectives/{objective['id']}", headers=headers),
            client.patch(f"{PLAN}/objectives/{objective['id']}", headers=headers,
                         json={"title": "Not theirs"}),
            client.delete(f"{PLAN}/objectives/{objective['id']}", headers=headers),
            client.post(f"{PLAN}{cycle}/mappings", headers=headers,
                        json={"activity_ids": [dept.a["a1"]], "objective_id": None}),
            client.post(versions, headers=headers, json={}),
            client.get(f"{versions}/2", headers=headers),
            client.post(f"{versions}/2/publish", headers=headers, json={})):
        assert response.status_code == 403 and is_error_body(response), (
            role, response.request.method, response.request.path)
    listed = client.get(versions, headers=headers)
    assert listed.status_code == 200 and [v["number"] for v in listed.get_json()] == [1]
    read = client.get(f"{versions}/1", headers=headers)
    assert read.status_code == 200 and read.get_json()["figures"]["totals"]["activities"] == 7
    # Nothing they sent was saved.
    assert [d["decision"] for d in _get(client, dept, f"{cycle}/decisions")] == ["distinct"]
    assert [o["title"] for o in _get(client, dept, f"{cycle}/objectives")] == [
        "Senior managers lead on gender"]
    assert [v["published"] for v in _get(client, dept, f"{cycle}/versions")] == [False, True]


def test_requests_without_a_token_get_401(client, dept):
    for response in (client.get(f"{PLAN}/cycles/{dept.cycle}/versions"),
                     client.get(f"{PLAN}/cycles/{dept.cycle}/figures"),
                     client.post(f"{PLAN}/cycles/{dept.cycle}/versions", json={})):
        assert response.status_code == 401 and is_error_body(response)
