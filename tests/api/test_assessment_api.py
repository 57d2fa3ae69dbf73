"""The needs assessment through the API: consultants record sessions and findings and shape the
gap register; office staff read their own office's register and summary and nothing else."""

import json
from datetime import datetime
from types import SimpleNamespace

import pytest

from tests.api import API, bearer, is_error_body, token_for
from tests.assessment.helpers import category, finding, level, nominate, record, world
from tests.factories import make_user
from workshop.extensions import db

ASSESSMENT = f"{API}/assessment"
SECRET = "The director blocks every gender question"


@pytest.fixture
def dept(app):
    """A cycle with offices OO and PD; tokens of a consultant, OO's focal point and participant,
    a viewer, an administrator and the Gender Unit."""
    with app.app_context():
        cycle, office, other, consultant = world()
        people = {"consultant": consultant,
                  "focal_point": make_user("focal_point", office=office),
                  "participant": make_user("participant", office=office),
                  "viewer": make_user("viewer"), "admin": make_user("admin"),
                  "gender_unit": make_user("gender_unit")}
        headers = {role: bearer(token_for(user)) for role, user in people.items()}
        ids = {"cycle": cycle.id, "office": office.id, "other": other.id,
               "consultant_id": consultant.id, "professional": level("Professional").id,
               "general": level("General service").id, "tools": category("Tools").id}
        db.session.commit()
    return SimpleNamespace(headers=headers, **ids)


def _record(app, office_id, titles, when=datetime(2026, 2, 16, 9, 30), **kwargs) -> dict:
    """Record a session in the office with a finding per title; its id and its gaps' ids."""
    from workshop.admin.models import Office, PlanCycle
    from workshop.auth.services import find_user_by_email

    with app.app_context():
        cycle = db.session.scalars(db.select(PlanCycle)).first()
        session = record(cycle, db.session.get(Office, office_id),
                         find_user_by_email("consultant@example.org"), when=when,
                         headcounts={level("Professional").id: (2, 1)},
                         findings=[finding(t, "Tools") for t in titles], **kwargs)
        db.session.commit()
        return {"session": session.id, "findings": [f.id for f in session.findings],
                "gaps": [f.gap_id for f in session.findings]}


def _session_body(dept, **changes) -> dict:
    body = {
        "office_id": dept.office, "held_at": "2026-02-16T09:30:00", "format": "group",
        "consultant_ids": [dept.consultant_id],
        "headcounts": [{"level_id": dept.professional, "women": 3, "men": 2},
                       {"level_id": dept.general, "women": 1}],
        "topics": "Mission planning", "notes": "Planners asked for a checklist.",
        "findings": [
            {"category_id": dept.tools, "title": "No gender checklist for mission plans",
             "priority": "high", "resources": ["checklists", "guidance"],
             "quote": "We never ask about women when we plan."},
            {"category_id": dept.tools, "title": "Data not disaggregated by sex"},
        ],
    }
    return {**body, **changes}


# -- sessions and findings ----------------------------------------------------------------------


def test_consultant_records_a_session_with_headcounts_and_findings(client, dept):
    consultant = dept.headers["consultant"]
    created = client.post(f"{ASSESSMENT}/sessions", headers=consultant, json=_session_body(dept))
    assert created.status_code == 201, created.get_json()
    session = created.get_json()
    assert session["cycle_id"] == dept.cycle  # the current cycle when none is named
    assert session["held_at"] == "2026-02-16T09:30:00+00:00"
    assert session["people_count"] == 6
    assert session["headcounts"] == sorted([
        {"level_id": dept.professional, "women": 3, "men": 2},
        {"level_id": dept.general, "women": 1, "men": 0}], key=lambda h: h["level_id"])
    assert session["notes"] == "Planners asked for a checklist."
    findings = session["findings"]
    assert [(f["title"], f["gap_code"]) for f in findings] == [
        ("No gender checklist for mission plans", "G-01"),
        ("Data not disaggregated by sex", "G-02")]
    assert findings[0]["resources"] == ["guidance", "checklists"]
    assert findings[1]["priority"] == "medium"

    url = f"{ASSESSMENT}/sessions/{session['id']}"
    assert client.get(url, headers=consultant).get_json() == session
    listed = client.get(f"{ASSESSMENT}/sessions/{session['id']}/findings", headers=consultant)
    assert [f["id"] for f in listed.get_json()] == [f["id"] for f in findings]
    register = client.get(f"{ASSESSMENT}/gaps", headers=consultant).get_json()
    assert [(g["code"], g["priority"], g["frequency"]) for g in register] == [
        ("G-01", "high", 1), ("G-02", "medium", 1)]


def test_negative_counts_are_refused_at_the_count(client, dept):
    body = _session_body(dept, headcounts=[{"level_id": dept.professional, "women": -2,
                                            "men": 1}])
    response = client.post(f"{ASSESSMENT}/sessions", headers=dept.headers["consultant"],
                           json=body)
    assert response.status_code == 422 and is_error_body(response)
    assert response.get_json()["errors"] == {"json": {"headcounts": {"0": {"women": [
        "Must be greater than or equal to 0 and less than or equal to 10000."]}}}}
    assert client.get(f"{ASSESSMENT}/sessions",
                      headers=dept.headers["consultant"]).get_json() == []


def test_a_date_outside_the_cycle_is_refused(client, dept):
    response = client.post(f"{ASSESSMENT}/sessions", headers=dept.headers["consultant"],
                           json=_session_body(dept, held_at="2031-05-04T10:00:00"))
    assert response.status_code == 422 and is_error_body(response)
    (message,) = response.get_json()["errors"]["json"]["held_at"]
    assert message.startswith("Pick a date within the cycle 2026-2027")


def test_a_finding_without_category_is_refused_at_that_finding(client, dept):
    body = _session_body(dept)
    del body["findings"][1]["category_id"]
    response = client.post(f"{ASSESSMENT}/sessions", headers=dept.headers["consultant"],
                           json=body)
    assert response.status_code == 422 and is_error_body(response)
    assert response.get_json()["errors"] == {"json": {"findings": {"1": {"category_id": [
        "Missing data for required field."]}}}}


def test_a_blank_finding_title_is_refused_at_that_finding(client, dept):
    body = _session_body(dept)
    body["findings"][0]["title"] = "   "
    response = client.post(f"{ASSESSMENT}/sessions", headers=dept.headers["consultant"],
                           json=body)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"json": {"findings": {"0": {"title": [
        "Give the finding a short title."]}}}}


def test_changing_a_session_keeps_its_findings_unless_they_are_sent(client, dept):
    consultant = dept.headers["consultant"]
    session = client.post(f"{ASSESSMENT}/sessions", headers=consultant,
                          json=_session_body(dept)).get_json()
    url = f"{ASSESSMENT}/sessions/{session['id']}"
    changed = client.patch(url, headers=consultant, json={"topics": "Planning and data"})
    assert changed.status_code == 200
    assert changed.get_json() == {**session, "topics": "Planning and data"}

    first = session["findings"][0]
    replaced = client.patch(url, headers=consultant, json={"findings": [
        {"id": first["id"], "category_id": dept.tools, "title": "No checklist for plans",
         "priority": "high"},
        {"category_id": dept.tools, "title": "No training on resolution 1325"}]})
    assert replaced.status_code == 200
    assert [(f["id"] == first["id"], f["title"], f["gap_code"])
            for f in replaced.get_json()["findings"]] == [
        (True, "No checklist for plans", "G-01"), (False, "No training on resolution 1325",
                                                   "G-03")]
    # The removed finding's gap stays in the register, now without findings.
    register = client.get(f"{ASSESSMENT}/gaps", headers=consultant).get_json()
    assert {g["code"]: g["frequency"] for g in register}["G-02"] == 0


def test_findings_are_added_changed_and_removed_one_by_one(client, dept):
    consultant = dept.headers["consultant"]
    session = client.post(f"{ASSESSMENT}/sessions", headers=consultant,
                          json=_session_body(dept)).get_json()
    added = client.post(f"{ASSESSMENT}/sessions/{session['id']}/findings", headers=consultant,
                        json={"category_id": dept.tools, "title": "No focal point in the unit",
                              "gap_id": session["findings"][0]["gap_id"]})
    assert added.status_code == 201
    finding_ = added.get_json()
    assert finding_["gap_code"] == "G-01" and finding_["session_id"] == session["id"]

    url = f"{ASSESSMENT}/findings/{finding_['id']}"
    moved = client.patch(url, headers=consultant, json={
        "gap_id": session["findings"][1]["gap_id"], "priority": "low"})
    assert moved.status_code == 200
    assert (moved.get_json()["gap_code"], moved.get_json()["priority"]) == ("G-02", "low")
    assert moved.get_json()["title"] == "No focal point in the unit"

    assert client.delete(url, headers=consultant).status_code == 204
    gone = client.get(url, headers=consultant)
    assert gone.status_code == 404 and is_error_body(gone)
    assert len(client.get(f"{ASSESSMENT}/sessions/{session['id']}",
                          headers=consultant).get_json()["findings"]) == 2


def test_deleting_a_session_leaves_its_gaps_in_the_register(app, client, dept):
    recorded = _record(app, dept.office, ["Alone"])
    consultant = dept.headers["consultant"]
    url = f"{ASSESSMENT}/sessions/{recorded['session']}"
    assert client.delete(url, headers=consultant).status_code == 204
    assert client.get(url, headers=consultant).status_code == 404
    gap = client.get(f"{ASSESSMENT}/gaps/{recorded['gaps'][0]}", headers=consultant)
    assert gap.status_code == 200 and gap.get_json()["frequency"] == 0


# -- the gap register ---------------------------------------------------------------------------


def test_grouping_two_findings_into_one_gap_counts_them_together(app, client, dept):
    oo = _record(app, dept.office, ["No gender checklist"])
    pd = _record(app, dept.other, ["Planning lacks a checklist"],
                 when=datetime(2026, 2, 17, 14, 0))
    consultant = dept.headers["consultant"]
    grouped = client.post(f"{ASSESSMENT}/gaps/group", headers=consultant,
                          json={"finding_ids": [pd["findings"][0], oo["findings"][0]]})
    assert grouped.status_code == 200, grouped.get_json()
    gap = grouped.get_json()
    assert (gap["code"], gap["frequency"], gap["offices"]) == ("G-01", 2, 2)

    register = client.get(f"{ASSESSMENT}/gaps", headers=consultant)
    assert [(g["code"], g["frequency"], g["levels"], g["offices"])
            for g in register.get_json()] == [("G-01", 2, 1, 2)]
    assert json.loads(register.headers["X-Pagination"])["total"] == 1
    emptied = client.get(f"{ASSESSMENT}/gaps/{pd['gaps'][0]}", headers=consultant).get_json()
    assert emptied["merged_into_id"] == gap["id"] and emptied["frequency"] == 0


def test_grouping_needs_findings_that_exist(app, client, dept):
    oo = _record(app, dept.office, ["One"])
    response = client.post(f"{ASSESSMENT}/gaps/group", headers=dept.headers["consultant"],
                           json={"finding_ids": [oo["findings"][0], 999]})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"json": {"finding_ids": [
        "No finding has the id 999."]}}


def test_merging_gaps_and_changing_the_merged_one(app, client, dept):
    oo = _record(app, dept.office, ["Checklist", "Data", "Training"])
    consultant = dept.headers["consultant"]
    first, second, third = oo["gaps"]
    merged = client.post(f"{ASSESSMENT}/gaps/{first}/merge", headers=consultant,
                         json={"gap_ids": [second, third]})
    assert merged.status_code == 200
    assert (merged.get_json()["code"], merged.get_json()["frequency"]) == ("G-01", 3)
    assert [g["code"] for g in client.get(f"{ASSESSMENT}/gaps",
                                          headers=consultant).get_json()] == ["G-01"]

    renamed = client.patch(f"{ASSESSMENT}/gaps/{first}", headers=consultant,
                           json={"title": "No gender checklist for planning",
                                 "priority": "high"})
    assert renamed.status_code == 200
    assert renamed.get_json()["title"] == "No gender checklist for planning"
    refused = client.patch(f"{ASSESSMENT}/gaps/{second}", headers=consultant,
                           json={"title": "Too late"})
    assert refused.status_code == 422
    assert refused.get_json()["errors"]["json"]["_schema"] == [
        "G-02 was merged into G-01; change that gap instead."]


def test_the_register_can_be_filtered(app, client, dept):
    _record(app, dept.office, ["Checklist", "Data"])
    consultant = dept.headers["consultant"]
    changed = client.patch(f"{ASSESSMENT}/gaps/2", headers=consultant, json={"priority": "low"})
    assert changed.status_code == 200
    low = client.get(f"{ASSESSMENT}/gaps", headers=consultant, query_string={"priority": "low"})
    assert [g["title"] for g in low.get_json()] == ["Data"]
    other = client.get(f"{ASSESSMENT}/gaps", headers=consultant,
                       query_string={"office_id": dept.other})
    assert other.get_json() == []


# -- nominations --------------------------------------------------------------------------------


def test_nomination_lifecycle(client, dept):
    consultant = dept.headers["consultant"]
    created = client.post(f"{ASSESSMENT}/nominations", headers=consultant, json={
        "office_id": dept.office, "name": "Ana Costa", "sex": "female",
        "level_id": dept.professional, "email": "Ana.Costa@Example.org",
        "job_title": "Planning officer"})
    assert created.status_code == 201
    nomination = created.get_json()
    assert nomination["email"] == "ana.costa@example.org"
    assert nomination["cycle_id"] == dept.cycle
    url = f"{ASSESSMENT}/nominations/{nomination['id']}"
    assert client.get(url, headers=consultant).get_json() == nomination

    changed = client.patch(url, headers=consultant, json={"email": None, "sex": "male"})
    assert changed.status_code == 200
    assert changed.get_json() == {**nomination, "email": None, "sex": "male"}

    twice = client.post(f"{ASSESSMENT}/nominations", headers=consultant, json={
        "office_id": dept.office, "name": "Ana Costa", "sex": "female",
        "level_id": 999})
    assert twice.status_code == 422
    assert list(twice.get_json()["errors"]["json"]) == ["level_id"]

    assert client.delete(url, headers=consultant).status_code == 204
    assert client.get(url, headers=consultant).status_code == 404


def test_someone_who_took_part_cannot_be_withdrawn(app, client, dept):
    from workshop.admin.models import Office, PlanCycle
    from workshop.auth.services import find_user_by_email

    with app.app_context():
        cycle, office = db.session.get(PlanCycle, dept.cycle), db.session.get(Office, dept.office)
        ana = nominate(cycle, office, "Ana Costa")
        record(cycle, office, find_user_by_email("consultant@example.org"),
               format="individual", participants=[ana])
        db.session.commit()
        ana_id = ana.id
    response = client.delete(f"{ASSESSMENT}/nominations/{ana_id}",
                             headers=dept.headers["consultant"])
    assert response.status_code == 409 and is_error_body(response)
    assert "Ana Costa took part" in response.get_json()["message"]
    assert client.get(f"{ASSESSMENT}/nominations/{ana_id}",
                      headers=dept.headers["consultant"]).status_code == 200


# -- who may read what --------------------------------------------------------------------------


@pytest.fixture
def both_offices(app, dept):
    """Sessions in OO and PD, OO's confidential; a nomination in each office."""
    from workshop.admin.models import Office, PlanCycle

    oo = _record(app, dept.office, ["No gender checklist"], notes=SECRET,
                 notes_confidential=True)
    pd = _record(app, dept.other, ["Police data not disaggregated"],
                 when=datetime(2026, 2, 17, 10, 0), notes="Open notes of PD.")
    with app.app_context():
        cycle = db.session.get(PlanCycle, dept.cycle)
        own = nominate(cycle, db.session.get(Office, dept.office), "Ana Costa")
        theirs = nominate(cycle, db.session.get(Office, dept.other), "Paul Dubois")
        db.session.commit()
        return SimpleNamespace(oo=oo, pd=pd, own_nomination=own.id, their_nomination=theirs.id)


@pytest.mark.parametrize("role", ["focal_point", "participant"])
def test_office_staff_read_their_own_office_only(client, dept, both_offices, role):
    headers = dept.headers[role]
    oo, pd = both_offices.oo, both_offices.pd

    def get(path, **query):
        return client.get(f"{ASSESSMENT}{path}", headers=headers, query_string=query)

    assert get("/gaps", office_id=dept.other).status_code == 403
    register = get("/gaps")
    assert register.status_code == 200
    assert [g["title"] for g in register.get_json()] == ["No gender checklist"]
    assert get("/gaps", office_id=dept.office).get_json() == register.get_json()
    assert get(f"/gaps/{oo['gaps'][0]}").status_code == 200
    assert get(f"/gaps/{pd['gaps'][0]}").status_code == 403

    assert [n["name"] for n in get("/nominations").get_json()] == ["Ana Costa"]
    assert get("/nominations", office_id=dept.other).status_code == 403
    assert get(f"/nominations/{both_offices.their_nomination}").status_code == 403
    assert get(f"/nominations/{both_offices.own_nomination}").status_code == 200

    for path in ["/sessions", f"/sessions/{oo['session']}", f"/sessions/{pd['session']}",
                 f"/sessions/{oo['session']}/findings", f"/findings/{oo['findings'][0]}"]:
        refused = get(path)
        assert refused.status_code == 403 and is_error_body(refused), path
        assert SECRET not in refused.text and "Open notes" not in refused.text

    assert get(f"/offices/{dept.other}/summary").status_code == 403
    own = get(f"/offices/{dept.office}/summary")
    assert own.status_code == 200
    figures = own.get_json()
    assert (figures["office_id"], figures["sessions_total"], figures["findings"]) == (
        dept.office, 1, 1)
    assert [g["title"] for g in figures["top_gaps"]] == ["No gender checklist"]
    assert figures["offices"] == []
    assert get("/summary").status_code == 403
    assert client.post(f"{ASSESSMENT}/gaps/group", headers=headers,
                       json={"finding_ids": oo["findings"]}).status_code == 403


def test_the_viewer_reads_the_department_summary_only(client, dept, both_offices):
    viewer = dept.headers["viewer"]
    summary = client.get(f"{ASSESSMENT}/summary", headers=viewer)
    assert summary.status_code == 200
    figures = summary.get_json()
    assert figures["office_id"] is None and figures["scope"] == "All offices"
    assert (figures["sessions"], figures["findings"], figures["gaps"]) == (
        {"individual": 0, "group": 2}, 2, 2)
    assert (figures["female"], figures["male"], figures["female_share"]) == (4, 2, 67)
    assert {o["acronym"]: o["findings"] for o in figures["offices"]} == {"OO": 1, "PD": 1}
    for path in ["/gaps", "/nominations", "/sessions", f"/offices/{dept.office}/summary",
                 f"/gaps/{both_offices.oo['gaps'][0]}"]:
        response = client.get(f"{ASSESSMENT}{path}", headers=viewer)
        assert response.status_code == 403 and is_error_body(response), path


def test_administrators_without_an_assessment_role_are_refused(client, dept, both_offices):
    admin = dept.headers["admin"]
    for path in ["/gaps", "/nominations", "/sessions", "/summary",
                 f"/offices/{dept.office}/summary"]:
        assert client.get(f"{ASSESSMENT}{path}", headers=admin).status_code == 403, path


def test_confidential_notes_reach_no_one_but_consultants_and_the_gender_unit(
        client, dept, both_offices):
    oo = both_offices.oo
    paths = ["/sessions", f"/sessions/{oo['session']}", f"/sessions/{oo['session']}/findings",
             f"/findings/{oo['findings'][0]}", "/gaps", f"/gaps/{oo['gaps'][0]}",
             "/nominations", f"/nominations/{both_offices.own_nomination}", "/summary",
             f"/offices/{dept.office}/summary", f"/offices/{dept.other}/summary"]
    for role in ("focal_point", "participant", "viewer", "admin"):
        for path in paths:
            response = client.get(f"{ASSESSMENT}{path}", headers=dept.headers[role])
            assert SECRET not in response.text, (role, path)
    for role in ("consultant", "gender_unit"):
        session = client.get(f"{ASSESSMENT}/sessions/{oo['session']}",
                             headers=dept.headers[role]).get_json()
        assert session["notes"] == SECRET and session["notes_confidential"] is True


# -- before any cycle ---------------------------------------------------------------------------


def test_without_a_cycle_lists_are_empty_and_summaries_not_found(app, client):
    with app.app_context():
        headers = bearer(token_for(make_user("gender_unit")))
        db.session.commit()
    for path in ["/nominations", "/sessions", "/gaps"]:
        response = client.get(f"{ASSESSMENT}{path}", headers=headers)
        assert response.status_code == 200 and response.get_json() == [], path
        assert json.loads(response.headers["X-Pagination"])["total"] == 0
    response = client.get(f"{ASSESSMENT}/summary", headers=headers)
    assert response.status_code == 404 and is_error_body(response)
    assert response.get_json()["message"] == "There is no plan cycle yet."
    created = client.post(f"{ASSESSMENT}/nominations", headers=headers, json={
        "office_id": 1, "name": "Someone", "sex": "male", "level_id": 1})
    assert created.status_code == 422
    assert "cycle_id" in created.get_json()["errors"]["json"]


# -- queries ------------------------------------------------------------------------------------


def test_lists_and_summaries_take_as_many_queries_for_many_sessions_as_for_few(
        app, client, dept, query_counter):
    from workshop.admin.models import Office, PlanCycle
    from workshop.auth.services import find_user_by_email

    paths = ["/sessions", "/gaps", "/nominations", "/summary", f"/offices/{dept.office}/summary"]
    counts = {path: [] for path in paths}
    for batch in range(2):
        with app.app_context():
            cycle = db.session.get(PlanCycle, dept.cycle)
            consultant = find_user_by_email("consultant@example.org")
            for office_id in (dept.office, dept.other) * (1 + 3 * batch):
                person = nominate(cycle, db.session.get(Office, office_id), "Someone")
                record(cycle, person.office, consultant, format="individual",
                       participants=[person], findings=[finding("One"), finding("Two")])
            db.session.commit()
        for path in paths:
            url = f"{ASSESSMENT}{path}"
            client.get(url, headers=dept.headers["consultant"])  # warm-up, as in test_query_counts
            with query_counter() as counter:
                response = client.get(url, headers=dept.headers["consultant"])
            assert response.status_code == 200, path
            counts[path].append(counter["n"])
    assert all(small == large for small, large in counts.values()), counts
