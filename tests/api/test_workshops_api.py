"""The workshops stage through the API: consultants revise the curriculum, plan workshops from
it, shape the agenda and mark attendance; everyone signed in reads the workshops and the
figures; names of the people invited stay with those who run workshops and the workshop's own
office, and what participants wrote in their evaluations reaches no one through the API."""

import json
from datetime import date, datetime
from types import SimpleNamespace

import pytest

from tests.api import API, bearer, is_error_body, token_for
from tests.assessment.helpers import (
    category,
    finding,
    level,
    nominate,
    record,
    thematic,
    world,
)
from tests.factories import make_user
from tests.workshops.test_services import _curriculum
from workshop.extensions import db

WORKSHOPS = f"{API}/workshops"
KEEP = "Keep the role plays with the police commander"
CHANGE = "Fewer slides about the resolution history"


@pytest.fixture
def dept(app):
    """A cycle with offices OO and PD, the needs assessment of both, curriculum version 1, and
    tokens of a consultant, the focal points of OO and PD, OO's participant, a viewer, an
    administrator and the Gender Unit."""
    with app.app_context():
        cycle, office, other, consultant = world()
        record(cycle, office, consultant, headcounts={level("Professional").id: (2, 2)},
               findings=[finding("No checklist", "Tools", "high"),
                         finding("Police unsure on SGBV", "Guidance", "high",
                                 thematic_area_id=thematic("Protection").id),
                         finding("Budget is not tracked", "Institutional", "high")])
        record(cycle, other, consultant, when=datetime(2026, 2, 17, 9),
               headcounts={level("Professional").id: (1, 1)},
               findings=[finding("Little knowledge", "Knowledge", "low")])
        version = _curriculum()
        people = {"consultant": consultant,
                  "focal_point": make_user("focal_point", office=office),
                  "participant": make_user("participant", office=office),
                  "other_focal_point": make_user("focal_point", office=other),
                  "viewer": make_user("viewer"), "admin": make_user("admin"),
                  "gender_unit": make_user("gender_unit")}
        headers = {role: bearer(token_for(user)) for role, user in people.items()}
        guests = [nominate(cycle, office, "Ana Costa", "female", "Senior management"),
                  nominate(cycle, office, "Ben Okafor", "male", "Professional"),
                  nominate(cycle, office, "Cleo Haddad", "female", "Professional")]
        ids = {"cycle": cycle.id, "office": office.id, "other": other.id,
               "consultant_id": consultant.id, "version": version.id,
               "tools": category("Tools").id, "guests": [g.id for g in guests]}
        db.session.commit()
    return SimpleNamespace(headers=headers, **ids)


def _plan(client, dept, **changes) -> dict:
    """Plan OO's two-day workshop through the API; the workshop as answered."""
    body = {"kind": "office", "office_id": dept.office, "title": "OO workshop",
            "start_date": "2026-04-14", "venue": "Conference room",
            "facilitator_ids": [dept.consultant_id], **changes}
    response = client.post(f"{WORKSHOPS}/workshops", headers=dept.headers["consultant"],
                           json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _gap_ids(app, *titles) -> list[int]:
    from workshop.assessment.models import Gap

    with app.app_context():
        return [db.session.scalar(db.select(Gap.id).where(Gap.title == t)) for t in titles]


# -- the curriculum -----------------------------------------------------------------------------


def test_a_revision_is_drafted_recorded_and_published(client, dept):
    consultant = dept.headers["consultant"]
    versions = f"{WORKSHOPS}/curriculum/versions"
    started = client.post(versions, headers=consultant, json={})
    assert started.status_code == 201, started.get_json()
    draft = started.get_json()
    assert (draft["number"], draft["status"], draft["based_on_id"]) == (2, "draft",
                                                                         dept.version)
    assert [m["code"] for m in draft["modules"]] == ["M1", "M2", "M3", "M4"]
    assert draft["revisions"] == []

    again = client.post(versions, headers=consultant, json={})
    assert again.status_code == 422 and is_error_body(again)
    assert again.get_json()["errors"]["json"]["_schema"] == [
        "A revision is already under way; publish it first."]

    added = client.post(f"{versions}/{draft['id']}/modules", headers=consultant, json={
        "code": "m5", "title": "Budgeting for gender", "duration_minutes": 60,
        "category_ids": [dept.tools], "objectives": "Tag budget lines."})
    assert added.status_code == 201, added.get_json()
    module = added.get_json()
    assert (module["code"], module["version_id"], module["position"]) == ("M5", draft["id"], 4)
    assert module["category_ids"] == [dept.tools] and module["optional"] is False

    refused = client.post(f"{versions}/{draft['id']}/publish", headers=consultant,
                          json={"summary": "Budgeting added."})
    assert refused.status_code == 422 and is_error_body(refused)
    assert refused.get_json()["errors"]["json"]["_schema"] == [
        "Record at least one revision, what changed and why, before publishing."]

    blank = client.post(f"{versions}/{draft['id']}/revisions", headers=consultant,
                        json={"change": "Added M5", "reason": "   "})
    assert blank.status_code == 422
    assert list(blank.get_json()["errors"]["json"]) == ["reason"]
    revision = client.post(f"{versions}/{draft['id']}/revisions", headers=consultant, json={
        "module_code": "m5", "change": "Added M5 on budgeting",
        "reason": "Offices could not say what their plans cost."})
    assert revision.status_code == 201
    assert revision.get_json()["module_code"] == "M5"
    assert revision.get_json()["recorded_by_id"] == dept.consultant_id

    published = client.post(f"{versions}/{draft['id']}/publish", headers=consultant,
                            json={"summary": "Budgeting added."})
    assert published.status_code == 200, published.get_json()
    version = published.get_json()
    assert (version["status"], version["summary"]) == ("published", "Budgeting added.")
    assert version["published_at"].endswith("+00:00")
    assert [r["change"] for r in version["revisions"]] == ["Added M5 on budgeting"]
    assert client.get(f"{versions}/{draft['id']}", headers=consultant).get_json() == version

    listed = client.get(versions, headers=dept.headers["viewer"])
    assert [(v["number"], v["status"]) for v in listed.get_json()] == [
        (2, "published"), (1, "published")]
    assert json.loads(listed.headers["X-Pagination"])["total"] == 2
    assert "revisions" not in listed.get_json()[0]


def test_a_published_version_no_longer_changes(client, dept):
    consultant = dept.headers["consultant"]
    version = client.get(f"{WORKSHOPS}/curriculum/versions/{dept.version}",
                         headers=consultant).get_json()
    module_url = f"{WORKSHOPS}/curriculum/modules/{version['modules'][0]['id']}"
    for response in [
        client.patch(module_url, headers=consultant, json={"title": "Changed"}),
        client.delete(module_url, headers=consultant),
        client.post(f"{WORKSHOPS}/curriculum/versions/{dept.version}/modules",
                    headers=consultant, json={"code": "M9", "title": "Late",
                                              "duration_minutes": 30}),
        client.post(f"{WORKSHOPS}/curriculum/versions/{dept.version}/revisions",
                    headers=consultant, json={"change": "Late", "reason": "Too late"}),
    ]:
        assert response.status_code == 422 and is_error_body(response)
        (message,) = response.get_json()["errors"]["json"]["_schema"]
        assert message.startswith("Version 1 is published and no longer changes")
    assert client.get(f"{WORKSHOPS}/curriculum/versions/{dept.version}",
                      headers=consultant).get_json() == version


def test_modules_of_a_draft_are_changed_and_removed(client, dept):
    consultant = dept.headers["consultant"]
    draft = client.post(f"{WORKSHOPS}/curriculum/versions", headers=consultant,
                        json={}).get_json()
    first, second = draft["modules"][:2]
    url = f"{WORKSHOPS}/curriculum/modules/{first['id']}"
    changed = client.patch(url, headers=consultant, json={"duration_minutes": 120})
    assert changed.status_code == 200
    assert changed.get_json() == {**first, "duration_minutes": 120}
    clash = client.patch(url, headers=consultant, json={"code": second["code"]})
    assert clash.status_code == 422
    assert clash.get_json()["errors"]["json"] == {"code": ["Version 2 already has a module M2."]}
    too_long = client.patch(url, headers=consultant, json={"duration_minutes": 481})
    assert too_long.status_code == 422
    assert list(too_long.get_json()["errors"]["json"]) == ["duration_minutes"]
    assert client.delete(url, headers=consultant).status_code == 204
    assert client.patch(url, headers=consultant, json={"title": "Gone"}).status_code == 404
    after = client.get(f"{WORKSHOPS}/curriculum/versions/{draft['id']}", headers=consultant)
    assert [m["code"] for m in after.get_json()["modules"]] == ["M2", "M3", "M4"]


# -- workshops and their agenda -----------------------------------------------------------------


def test_an_office_workshop_gets_an_agenda_linked_to_the_office_gaps(app, client, dept):
    workshop = _plan(client, dept)
    checklist, sgbv, budget = _gap_ids(app, "No checklist", "Police unsure on SGBV",
                                       "Budget is not tracked")
    assert (workshop["cycle_id"], workshop["end_date"], workshop["days"]) == (
        dept.cycle, "2026-04-15", 2)
    assert workshop["curriculum_version_id"] == dept.version
    assert workshop["facilitator_ids"] == [dept.consultant_id]
    assert [(i["day"], i["starts_at"], i["ends_at"], i["module_code"], i["gap_codes"])
            for i in workshop["agenda"]] == [
        (1, "09:00:00", "10:30:00", "M1", []),  # PD's knowledge gap is not OO's
        (1, "10:30:00", "14:30:00", "M2", ["G-01"]),
        (2, "09:00:00", "14:00:00", "M3", []),
        (2, "14:00:00", "16:00:00", "M4", ["G-02"]),  # optional, for OO's protection gap
    ]
    assert [i["gap_ids"] for i in workshop["agenda"]][1::2] == [[checklist], [sgbv]]
    assert workshop["uncovered_gap_ids"] == [budget]
    assert all(i["facilitator"] == "Ingrid S" for i in workshop["agenda"])

    url = f"{WORKSHOPS}/workshops/{workshop['id']}"
    assert client.get(url, headers=dept.headers["viewer"]).get_json() == workshop
    agenda = client.get(f"{url}/agenda", headers=dept.headers["participant"])
    assert agenda.get_json() == workshop["agenda"]

    # A session on the budget gap leaves no high-priority gap uncovered.
    added = client.post(f"{url}/agenda", headers=dept.headers["consultant"], json={
        "day": 2, "starts_at": "16:00", "ends_at": "17:00", "title": "Costing the plan",
        "gap_ids": [budget]})
    assert added.status_code == 201, added.get_json()
    assert added.get_json()["gap_codes"] == ["G-03"] and added.get_json()["module_id"] is None
    assert client.get(url, headers=dept.headers["viewer"]).get_json()["uncovered_gap_ids"] == []

    listed = client.get(f"{WORKSHOPS}/workshops", headers=dept.headers["focal_point"],
                        query_string={"office_id": dept.office, "kind": "office"})
    assert [w["id"] for w in listed.get_json()] == [workshop["id"]]
    assert "agenda" not in listed.get_json()[0]
    assert client.get(f"{WORKSHOPS}/workshops", headers=dept.headers["viewer"],
                      query_string={"status": "held"}).get_json() == []


def test_agenda_times_are_checked_at_the_field(client, dept):
    workshop = _plan(client, dept)
    url = f"{WORKSHOPS}/workshops/{workshop['id']}/agenda"
    consultant = dept.headers["consultant"]
    body = {"day": 1, "starts_at": "16:00", "ends_at": "17:00", "title": "Closing"}
    for field, value in [("starts_at", "-09:00"), ("ends_at", "25:00"),
                         ("starts_at", "9 o'clock"), ("ends_at", "17:00+02:00"),
                         ("day", -1), ("day", 0)]:
        response = client.post(url, headers=consultant, json={**body, field: value})
        assert response.status_code == 422 and is_error_body(response), (field, value)
        assert list(response.get_json()["errors"]["json"]) == [field], (field, value)
    for change, field in [({"ends_at": "15:00"}, "ends_at"), ({"day": 3}, "day"),
                          ({"gap_ids": [999]}, "gap_ids"), ({"module_id": 999}, "module_id")]:
        response = client.post(url, headers=consultant, json={**body, **change})
        assert response.status_code == 422, change
        assert list(response.get_json()["errors"]["json"]) == [field], change
    assert len(client.get(url, headers=consultant).get_json()) == 4

    item = workshop["agenda"][0]
    item_url = f"{WORKSHOPS}/agenda/{item['id']}"
    refused = client.patch(item_url, headers=consultant, json={"ends_at": "08:00"})
    assert refused.status_code == 422
    assert refused.get_json()["errors"]["json"] == {"ends_at": [
        "The session must end after it starts."]}
    moved = client.patch(item_url, headers=consultant, json={"starts_at": "08:30"})
    assert moved.status_code == 200
    assert moved.get_json() == {**item, "starts_at": "08:30:00"}
    assert client.delete(item_url, headers=consultant).status_code == 204
    assert len(client.get(url, headers=consultant).get_json()) == 3


def test_workshop_details_are_changed_and_checked(client, dept):
    workshop = _plan(client, dept)
    url = f"{WORKSHOPS}/workshops/{workshop['id']}"
    consultant = dept.headers["consultant"]
    changed = client.patch(url, headers=consultant, json={
        "status": "held", "observations": "Lively discussion on planning."})
    assert changed.status_code == 200
    assert changed.get_json() == {**workshop, "status": "held",
                                  "observations": "Lively discussion on planning."}
    shorter = client.patch(url, headers=consultant, json={"end_date": "2026-04-14"})
    assert shorter.status_code == 422
    assert shorter.get_json()["errors"]["json"] == {"end_date": [
        "The agenda has sessions on later days; move them first."]}
    moved = client.patch(url, headers=consultant, json={"cycle_id": 99})
    assert moved.status_code == 422
    assert moved.get_json()["errors"]["json"] == {"cycle_id": ["Unknown field."]}
    outside = client.post(f"{WORKSHOPS}/workshops", headers=consultant, json={
        "kind": "office", "office_id": dept.office, "title": "Too late",
        "start_date": "2031-01-05"})
    assert outside.status_code == 422
    assert list(outside.get_json()["errors"]["json"]) == ["start_date"]


def test_a_workshop_is_deleted_until_someone_attended(app, client, dept):
    consultant = dept.headers["consultant"]
    spare = _plan(client, dept, title="Spare")
    url = f"{WORKSHOPS}/workshops/{spare['id']}"
    client.post(f"{url}/invitations", headers=consultant,
                json={"nomination_ids": dept.guests[:1]})
    assert client.delete(url, headers=consultant).status_code == 204
    assert client.get(url, headers=consultant).status_code == 404

    held = _plan(client, dept, title="Held")
    url = f"{WORKSHOPS}/workshops/{held['id']}"
    invitations = client.post(f"{url}/invitations", headers=consultant,
                              json={"nomination_ids": dept.guests[:1]}).get_json()
    client.put(f"{url}/attendance", headers=consultant,
               json=[{"invitation_id": invitations[0]["id"], "day": 1, "status": "present"}])
    refused = client.delete(url, headers=consultant)
    assert refused.status_code == 409 and is_error_body(refused)
    assert refused.get_json()["message"] == (
        "“Held” has attendance recorded; it can no longer be deleted.")
    assert client.get(url, headers=consultant).status_code == 200


# -- invitations, attendance and participation --------------------------------------------------


def test_attendance_marked_gives_the_participation_figures(client, dept):
    workshop = _plan(client, dept)
    url = f"{WORKSHOPS}/workshops/{workshop['id']}"
    consultant = dept.headers["consultant"]
    invited = client.post(f"{url}/invitations", headers=consultant,
                          json={"nomination_ids": dept.guests})
    assert invited.status_code == 201, invited.get_json()
    invitations = {i["name"]: i["id"] for i in invited.get_json()}
    assert list(invitations) == ["Ana Costa", "Ben Okafor", "Cleo Haddad"]
    again = client.post(f"{url}/invitations", headers=consultant,
                        json={"nomination_ids": dept.guests[:1]})
    assert again.get_json() == invited.get_json()  # invited once

    marks = [{"invitation_id": invitations["Ana Costa"], "day": 1, "status": "present"},
             {"invitation_id": invitations["Ana Costa"], "day": 2, "status": "present"},
             {"invitation_id": invitations["Ben Okafor"], "day": 1, "status": "present"},
             {"invitation_id": invitations["Ben Okafor"], "day": 2, "status": "left_early"},
             {"invitation_id": invitations["Cleo Haddad"], "day": 1, "status": "absent"}]
    marked = client.put(f"{url}/attendance", headers=consultant, json=marks)
    assert marked.status_code == 200, marked.get_json()
    assert [(p["name"], [d["status"] for d in p["days"]]) for p in marked.get_json()] == [
        ("Ana Costa", ["present", "present"]), ("Ben Okafor", ["present", "left_early"]),
        ("Cleo Haddad", ["absent", None])]
    assert client.get(f"{url}/attendance", headers=dept.headers["focal_point"]).get_json() == (
        marked.get_json())

    figures = client.get(f"{url}/participation", headers=dept.headers["viewer"])
    assert figures.status_code == 200
    people = figures.get_json()
    assert (people["invited"], people["attended"], people["all_days"],
            people["all_days_share"]) == (3, 2, 2, 67)
    assert (people["female"], people["male"], people["female_share"]) == (1, 1, 50)
    assert people["days"] == [
        {"day": 1, "present": 2, "female": 1, "male": 1, "left_early": 0},
        {"day": 2, "present": 2, "female": 1, "male": 1, "left_early": 1}]
    levels = {row["level"]: (row["female"], row["male"]) for row in people["by_level"]}
    assert levels["Senior management"] == (1, 0) and levels["Professional"] == (0, 1)
    assert "Ana Costa" not in figures.text

    # Clearing a mark, and marks the workshop cannot have.
    cleared = client.put(f"{url}/attendance", headers=consultant, json=[
        {"invitation_id": invitations["Cleo Haddad"], "day": 1, "status": None}])
    assert cleared.get_json()[2]["days"] == [{"day": 1, "status": None},
                                             {"day": 2, "status": None}]
    for body, errors in [
        ([{"invitation_id": invitations["Ana Costa"], "day": 3, "status": "present"}],
         {"attendance": ["Day 3 is not a day of the workshop."]}),
        ([{"invitation_id": 999, "day": 1, "status": "present"}],
         {"attendance": ["Mark attendance for invited people only."]}),
        ([{"invitation_id": invitations["Ana Costa"], "day": 1, "status": "late"}],
         {"0": {"status": ["Must be one of: present, absent, left_early."]}}),
        ([marks[0], marks[0]], {"_schema": ["Mark each invited person's day once."]}),
        (marks[0], {"_schema": ["Invalid input type."]}),
    ]:
        response = client.put(f"{url}/attendance", headers=consultant, json=body)
        assert response.status_code == 422 and is_error_body(response), body
        assert response.get_json()["errors"]["json"] == errors, body


def test_invitations_are_for_the_workshop_office_nominees(app, client, dept):
    with app.app_context():
        from workshop.admin.models import Office, PlanCycle

        stranger = nominate(db.session.get(PlanCycle, dept.cycle),
                            db.session.get(Office, dept.other), "Paul Dubois").id
        db.session.commit()
    workshop = _plan(client, dept)
    response = client.post(f"{WORKSHOPS}/workshops/{workshop['id']}/invitations",
                           headers=dept.headers["consultant"],
                           json={"nomination_ids": [stranger]})
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"] == {"nomination_ids": [
        "Invite people nominated for this cycle by the workshop's office."]}


# -- evaluations --------------------------------------------------------------------------------


def _evaluate(app, workshop_id: int) -> None:
    """Six anonymous responses to the workshop's evaluation, each with comments."""
    from workshop.workshops.models import Workshop
    from workshop.workshops.services import open_evaluation, submit_evaluation

    with app.app_context():
        workshop = db.session.get(Workshop, workshop_id)
        first, second = workshop.agenda[0].id, workshop.agenda[1].id
        open_evaluation(workshop)
        answers = [("very_useful", {first: 4, second: 3}), ("very_useful", {first: 4}),
                   ("useful", {first: 3, second: 2}), ("useful", {second: 1}),
                   ("somewhat_useful", {}), ("not_useful", {first: 1})]
        for n, (usefulness, ratings) in enumerate(answers):
            submit_evaluation(workshop, f"device-{n}", usefulness=usefulness, ratings=ratings,
                              keep=KEEP, change=CHANGE)
        db.session.commit()


def test_evaluation_figures_match_the_responses_and_never_show_comments(app, client, dept):
    workshop = _plan(client, dept)
    pilot = _plan(client, dept, kind="pilot", office_id=None, title="Pilot",
                  start_date="2026-03-02")
    _evaluate(app, workshop["id"])
    url = f"{WORKSHOPS}/workshops/{workshop['id']}/evaluation"
    response = client.get(url, headers=dept.headers["viewer"])
    assert response.status_code == 200
    figures = response.get_json()
    assert (figures["responses"], figures["useful_share"], figures["evaluation_open"]) == (
        6, 67, True)
    assert figures["usefulness"] == {"very_useful": 2, "useful": 2, "somewhat_useful": 1,
                                     "not_useful": 1}
    first, second = workshop["agenda"][:2]
    sessions = {s["agenda_item_id"]: s for s in figures["sessions"]}
    assert (sessions[first["id"]]["responses"], sessions[first["id"]]["average"],
            sessions[first["id"]]["useful_share"]) == (4, 3.0, 75)
    assert (sessions[second["id"]]["average"], sessions[second["id"]]["useful_share"]) == (
        2.0, 33)
    assert sessions[workshop["agenda"][2]["id"]]["average"] is None

    cycle = client.get(f"{WORKSHOPS}/evaluation/figures", headers=dept.headers["viewer"])
    assert cycle.status_code == 200
    summary = cycle.get_json()
    assert (summary["cycle_id"], summary["responses"], summary["useful_share"]) == (
        dept.cycle, 6, 67)
    assert [(w["title"], w["responses"], w["useful_share"]) for w in summary["workshops"]] == [
        ("Pilot", 0, None), ("OO workshop", 6, 67)]
    assert summary["workshops"][1]["usefulness"] == figures["usefulness"]
    unknown = client.get(f"{WORKSHOPS}/evaluation/figures", headers=dept.headers["viewer"],
                         query_string={"cycle_id": 999})
    assert unknown.status_code == 404 and is_error_body(unknown)

    # What participants wrote appears in no answer of the API, to anyone.
    paths = ["/workshops", f"/workshops/{workshop['id']}", f"/workshops/{pilot['id']}",
             f"/workshops/{workshop['id']}/agenda", f"/workshops/{workshop['id']}/attendance",
             f"/workshops/{workshop['id']}/invitations",
             f"/workshops/{workshop['id']}/participation",
             f"/workshops/{workshop['id']}/evaluation", "/evaluation/figures",
             "/curriculum/versions", f"/curriculum/versions/{dept.version}"]
    for role, headers in dept.headers.items():
        for path in paths:
            answer = client.get(f"{WORKSHOPS}{path}", headers=headers)
            assert KEEP not in answer.text and CHANGE not in answer.text, (role, path)
            assert "role plays" not in answer.text.lower(), (role, path)


# -- who may do what ----------------------------------------------------------------------------


def test_the_viewer_reads_figures_but_changes_nothing(app, client, dept):
    workshop = _plan(client, dept)
    _evaluate(app, workshop["id"])
    viewer = dept.headers["viewer"]
    url = f"{WORKSHOPS}/workshops/{workshop['id']}"
    for path in [url, f"{url}/agenda", f"{url}/participation", f"{url}/evaluation",
                 f"{WORKSHOPS}/evaluation/figures", f"{WORKSHOPS}/workshops",
                 f"{WORKSHOPS}/curriculum/versions"]:
        assert client.get(path, headers=viewer).status_code == 200, path
    item = workshop["agenda"][0]["id"]
    version = f"{WORKSHOPS}/curriculum/versions/{dept.version}"
    for method, path, body in [
        ("post", f"{WORKSHOPS}/workshops", {"kind": "pilot", "title": "Mine",
                                            "start_date": "2026-05-04"}),
        ("patch", url, {"title": "Renamed"}), ("delete", url, None),
        ("post", f"{url}/agenda", {"day": 1, "starts_at": "16:00", "ends_at": "17:00",
                                   "title": "Mine"}),
        ("patch", f"{WORKSHOPS}/agenda/{item}", {"title": "Renamed"}),
        ("delete", f"{WORKSHOPS}/agenda/{item}", None),
        ("put", f"{url}/attendance", []), ("get", f"{url}/attendance", None),
        ("get", f"{url}/invitations", None),
        ("post", f"{url}/invitations", {"nomination_ids": dept.guests}),
        ("post", f"{WORKSHOPS}/curriculum/versions", {}),
        ("post", f"{version}/modules", {"code": "M9", "title": "Mine",
                                        "duration_minutes": 30}),
        ("post", f"{version}/revisions", {"change": "Mine", "reason": "Mine"}),
        ("post", f"{version}/publish", {}),
    ]:
        response = client.open(path, method=method, headers=viewer, json=body)
        assert response.status_code == 403 and is_error_body(response), (method, path)
    assert client.get(url, headers=viewer).get_json()["title"] == "OO workshop"


def test_attendance_names_stay_with_the_workshop_office(client, dept):
    workshop = _plan(client, dept)
    pilot = _plan(client, dept, kind="pilot", office_id=None, title="Pilot",
                  start_date="2026-03-02")
    url = f"{WORKSHOPS}/workshops/{workshop['id']}"
    client.post(f"{url}/invitations", headers=dept.headers["consultant"],
                json={"nomination_ids": dept.guests})
    for role in ("focal_point", "participant", "consultant", "gender_unit"):
        own = client.get(f"{url}/attendance", headers=dept.headers[role])
        assert own.status_code == 200, role
        assert [p["name"] for p in own.get_json()][0] == "Ana Costa"
    for role in ("other_focal_point", "viewer", "admin"):
        refused = client.get(f"{url}/attendance", headers=dept.headers[role])
        assert refused.status_code == 403 and is_error_body(refused), role
        assert "Ana Costa" not in refused.text
    # The pilot belongs to no office: its names are for those who run workshops.
    assert client.get(f"{WORKSHOPS}/workshops/{pilot['id']}/attendance",
                      headers=dept.headers["focal_point"]).status_code == 403
    for role in ("focal_point", "participant"):
        assert client.get(f"{url}/invitations", headers=dept.headers[role]).status_code == 403
        assert client.put(f"{url}/attendance", headers=dept.headers[role],
                          json=[]).status_code == 403
    other = client.get(f"{url}/participation", headers=dept.headers["other_focal_point"])
    assert other.status_code == 200 and "Ana Costa" not in other.text


def test_anonymous_requests_get_401(client, dept):
    for method, path in [("get", "/workshops"), ("post", "/workshops"),
                         ("get", "/workshops/1"), ("get", "/workshops/1/attendance"),
                         ("put", "/workshops/1/attendance"), ("get", "/evaluation/figures"),
                         ("get", "/curriculum/versions"), ("post", "/curriculum/versions"),
                         ("delete", "/agenda/1")]:
        response = client.open(f"{WORKSHOPS}{path}", method=method, json={})
        assert response.status_code == 401 and is_error_body(response), (method, path)


def test_workshops_need_a_published_curriculum(app, client):
    with app.app_context():
        cycle, office, _, consultant = world()
        headers = bearer(token_for(consultant))
        db.session.commit()
        office_id = office.id
    response = client.post(f"{WORKSHOPS}/workshops", headers=headers, json={
        "kind": "office", "office_id": office_id, "title": "Too early",
        "start_date": date(2026, 4, 14).isoformat()})
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"]["_schema"] == [
        "Publish a first version of the curriculum before planning workshops: agendas are "
        "built from it."]
    empty = client.get(f"{WORKSHOPS}/curriculum/versions", headers=headers)
    assert empty.status_code == 200 and empty.get_json() == []


def test_reading_a_workshop_takes_as_many_queries_for_a_long_agenda(app, client, dept,
                                                                    query_counter):
    workshop = _plan(client, dept)
    url = f"{WORKSHOPS}/workshops/{workshop['id']}"
    counts = []
    for extra in (0, 6):
        for n in range(extra):
            client.post(f"{url}/agenda", headers=dept.headers["consultant"], json={
                "day": 2, "starts_at": f"16:{n}0", "ends_at": f"16:{n}5",
                "title": f"Extra {n}", "gap_ids": _gap_ids(app, "No checklist")})
        client.get(url, headers=dept.headers["viewer"])  # warm-up
        with query_counter() as counter:
            assert client.get(url, headers=dept.headers["viewer"]).status_code == 200
        counts.append(counter["n"])
    assert counts[0] == counts[1], counts
