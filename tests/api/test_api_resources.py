"""The API as a client sees it: records created, read, changed and deleted with a token;
who may do what; how errors come back; pagination."""

import json

import pytest
from sqlalchemy import select

from tests.api import API, bearer, is_error_body, token_for, user_token
from tests.factories import OfficeFactory, make_cycle, make_user
from workshop.admin.models import REFERENCE_LISTS, Office
from workshop.auth.models import ApiToken
from workshop.extensions import db


@pytest.fixture
def admin(app):
    """The headers of an administrator's requests."""
    return bearer(user_token(app, "admin"))


def _office(app, **kwargs):
    with app.app_context():
        office = OfficeFactory(**kwargs)
        db.session.commit()
        return office.id


# -- offices ----------------------------------------------------------------------------------


def test_office_lifecycle(client, admin):
    created = client.post(f"{API}/offices", headers=admin, json={
        "name": "Office of Military Affairs", "acronym": "oma",
        "description": "  Military advice.  "})
    assert created.status_code == 201
    office = created.get_json()
    assert office["acronym"] == "OMA" and office["description"] == "Military advice."
    assert office["active"] is True
    url = f"{API}/offices/{office['id']}"

    assert client.get(url, headers=admin).get_json() == office
    listed = client.get(f"{API}/offices", headers=admin).get_json()
    assert [o["acronym"] for o in listed] == ["OMA"]

    changed = client.patch(url, headers=admin, json={"active": False, "name": "Military Affairs"})
    assert changed.status_code == 200
    assert changed.get_json() == {**office, "active": False, "name": "Military Affairs"}

    assert client.delete(url, headers=admin).status_code == 204
    gone = client.get(url, headers=admin)
    assert gone.status_code == 404 and is_error_body(gone)


def test_deleting_an_office_with_users_is_a_conflict(app, client, admin):
    with app.app_context():
        office = OfficeFactory(acronym="BUSY")
        make_user("focal_point", office=office)
        db.session.commit()
        office_id = office.id
    response = client.delete(f"{API}/offices/{office_id}", headers=admin)
    assert response.status_code == 409 and is_error_body(response)
    assert "BUSY has users" in response.get_json()["message"]
    with app.app_context():
        assert db.session.get(Office, office_id) is not None


def test_a_duplicate_acronym_is_a_field_error(app, client, admin):
    _office(app, acronym="PD")
    response = client.post(f"{API}/offices", headers=admin,
                           json={"name": "Another police division", "acronym": "pd"})
    assert response.status_code == 422 and is_error_body(response)
    assert response.get_json()["errors"] == {"json": {"acronym": [
        "Another office has this acronym."]}}


def test_missing_and_unknown_fields_are_named(client, admin):
    response = client.post(f"{API}/offices", headers=admin, json={"acronym": "X", "colour": 1})
    assert response.status_code == 422 and is_error_body(response)
    errors = response.get_json()["errors"]["json"]
    assert set(errors) == {"name", "colour"}


@pytest.mark.parametrize("text", ["nul\x00byte", "bell\x07", "escape\x1b[31m"])
def test_control_characters_are_refused(client, admin, text):
    response = client.post(f"{API}/offices", headers=admin, json={"name": text, "acronym": "X"})
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"]["name"] == ["Control characters are not allowed."]


def test_acronyms_that_grow_in_upper_case_are_refused_not_truncated(client, admin):
    response = client.post(f"{API}/offices", headers=admin,
                           json={"name": "Straße office", "acronym": "ß" * 11})
    assert response.status_code == 422
    assert "acronym" in response.get_json()["errors"]["json"]


def test_non_ascii_duplicates_are_field_errors(client, admin):
    body = {"name": "Élan vital", "acronym": "ÉV"}
    assert client.post(f"{API}/offices", headers=admin, json=body).status_code == 201
    again = client.post(f"{API}/offices", headers=admin, json=body)
    assert again.status_code == 422
    assert set(again.get_json()["errors"]["json"]) == {"name"}


# -- plan cycles and milestones ---------------------------------------------------------------


def test_cycle_lifecycle_with_its_proposed_timeline(client, admin):
    created = client.post(f"{API}/cycles", headers=admin, json={
        "name": "2030-2031", "start_date": "2030-01-01", "end_date": "2031-12-31"})
    assert created.status_code == 201
    cycle = created.get_json()
    assert cycle["status"] == "planning" and cycle["previous_id"] is None
    url = f"{API}/cycles/{cycle['id']}"

    milestones = client.get(f"{url}/milestones", headers=admin).get_json()
    assert [m["stage"] for m in milestones][:2] == ["preparation", "needs_assessment"]
    assert len(milestones) == 7 and milestones[-1]["planned_end"] == "2031-12-31"

    changed = client.patch(url, headers=admin, json={"description": "The next one."})
    assert changed.get_json()["description"] == "The next one."
    assert client.get(url, headers=admin).get_json()["description"] == "The next one."

    assert client.delete(url, headers=admin).status_code == 204
    assert client.get(url, headers=admin).status_code == 404
    assert client.get(f"{url}/milestones", headers=admin).status_code == 404


def test_a_cycle_must_end_after_it_starts(client, admin):
    response = client.post(f"{API}/cycles", headers=admin, json={
        "name": "Backwards", "start_date": "2030-01-01", "end_date": "2029-01-01"})
    assert response.status_code == 422 and is_error_body(response)
    assert response.get_json()["errors"] == {"json": {"end_date": [
        "The cycle must end after it starts."]}}


def test_an_active_cycle_cannot_be_deleted(app, client, admin):
    with app.app_context():
        cycle_id = make_cycle(status="active").id
        db.session.commit()
    response = client.delete(f"{API}/cycles/{cycle_id}", headers=admin)
    assert response.status_code == 409 and is_error_body(response)


def test_a_cycle_ending_on_the_last_representable_day(client, admin):
    response = client.post(f"{API}/cycles", headers=admin, json={
        "name": "The far future", "start_date": "9999-01-01", "end_date": "9999-12-31"})
    assert response.status_code == 201


def test_milestone_lifecycle(app, client, admin):
    with app.app_context():
        cycle_id = make_cycle(status="planning").id
        db.session.commit()
    created = client.post(f"{API}/cycles/{cycle_id}/milestones", headers=admin, json={
        "title": "Second pilot workshop", "stage": "pilot",
        "planned_start": "2026-03-02", "planned_end": "2026-03-06"})
    assert created.status_code == 201
    milestone = created.get_json()
    assert milestone["cycle_id"] == cycle_id and milestone["status"] == "planned"
    assert milestone["late"] is True  # planned for a date that has passed, not done
    url = f"{API}/milestones/{milestone['id']}"

    done_without_date = client.patch(url, headers=admin, json={"status": "done"})
    assert done_without_date.status_code == 422
    assert list(done_without_date.get_json()["errors"]["json"]) == ["actual_end"]

    done = client.patch(url, headers=admin, json={
        "status": "done", "actual_start": "2026-03-02", "actual_end": "2026-03-05"})
    assert done.status_code == 200
    assert done.get_json()["late"] is False and done.get_json()["actual_end"] == "2026-03-05"

    outside = client.patch(url, headers=admin, json={"planned_end": "2030-01-01"})
    assert outside.status_code == 422
    assert "planned_end" in outside.get_json()["errors"]["json"]

    assert client.delete(url, headers=admin).status_code == 204
    assert client.get(url, headers=admin).status_code == 404


# -- reference lists --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(REFERENCE_LISTS))
def test_reference_entry_lifecycle(client, admin, kind):
    url = f"{API}/reference/{kind}"
    before = client.get(url, headers=admin).get_json()
    created = client.post(url, headers=admin, json={"name": "Something new"})
    assert created.status_code == 201
    entry = created.get_json()
    assert entry["is_active"] is True
    assert entry["position"] == max((e["position"] for e in before), default=0) + 1
    assert client.get(url, headers=admin).get_json()[-1] == entry

    duplicate = client.post(url, headers=admin, json={"name": "SOMETHING NEW"})
    assert duplicate.status_code == 422
    assert list(duplicate.get_json()["errors"]["json"]) == ["name"]

    changed = client.patch(f"{url}/{entry['id']}", headers=admin,
                           json={"is_active": False, "description": "Retired."})
    assert changed.get_json() == {**entry, "is_active": False, "description": "Retired."}

    assert client.delete(f"{url}/{entry['id']}", headers=admin).status_code == 204
    assert client.get(f"{url}/{entry['id']}", headers=admin).status_code == 404


def test_new_entries_go_last_without_leaving_the_documented_range(client, admin):
    url = f"{API}/reference/strategies"
    client.post(url, headers=admin, json={"name": "At the very end", "position": 9999})
    response = client.post(url, headers=admin, json={"name": "After it"})
    assert response.status_code == 201 and response.get_json()["position"] == 9999


# -- who may do what --------------------------------------------------------------------------


def test_every_user_reads_who_they_are(app, client):
    office_id = _office(app, acronym="OO")
    with app.app_context():
        user = make_user("participant", office=db.session.get(Office, office_id),
                         email="p@example.org")
        token = token_for(user)
        db.session.commit()
    me = client.get(f"{API}/me", headers=bearer(token)).get_json()
    assert me["email"] == "p@example.org" and me["roles"] == ["participant"]
    assert me["office_id"] == office_id and "password" not in me and "password_hash" not in me


@pytest.mark.parametrize("role", ["gender_unit", "consultant", "viewer"])
def test_users_are_for_administrators_only(app, client, role):
    headers = bearer(user_token(app, role))
    for method, url in [("GET", f"{API}/users"), ("POST", f"{API}/users"),
                        ("GET", f"{API}/users/1"), ("PATCH", f"{API}/users/1")]:
        response = client.open(url, method=method, headers=headers, json={})
        assert response.status_code == 403, (method, url)
        assert is_error_body(response)


def test_administrator_creates_a_user_with_a_temporary_password(app, client, admin):
    office_id = _office(app, acronym="PD")
    created = client.post(f"{API}/users", headers=admin, json={
        "email": "Grace.Focal@Example.org", "name": "Grace Focal", "roles": ["focal_point"],
        "office_id": office_id, "password": "temporary-password-1"})
    assert created.status_code == 201
    user = created.get_json()
    assert user["email"] == "grace.focal@example.org" and user["must_change_password"] is True
    assert "password" not in user
    found = client.get(f"{API}/users", headers=admin,
                       query_string={"office_id": office_id, "role": "focal_point"})
    assert [u["id"] for u in found.get_json()] == [user["id"]]


def test_a_focal_point_needs_an_office(client, admin):
    response = client.post(f"{API}/users", headers=admin, json={
        "email": "lonely@example.org", "name": "Lonely", "roles": ["focal_point"],
        "password": "temporary-password-1"})
    assert response.status_code == 422
    assert list(response.get_json()["errors"]["json"]) == ["office_id"]


def test_an_unknown_office_is_a_field_error(client, admin):
    response = client.patch(f"{API}/users/1", headers=admin, json={"office_id": 999})
    assert response.status_code in (404, 422)
    me = client.get(f"{API}/me", headers=admin).get_json()
    response = client.patch(f"{API}/users/{me['id']}", headers=admin, json={"office_id": 999})
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"] == {"office_id": ["No office has this id."]}


def test_administrators_cannot_lock_themselves_out(client, admin):
    me = client.get(f"{API}/me", headers=admin).get_json()
    response = client.patch(f"{API}/users/{me['id']}", headers=admin, json={"active": False})
    assert response.status_code == 422
    assert list(response.get_json()["errors"]["json"]) == ["active"]


def test_gender_unit_manages_the_timeline_but_not_offices(app, client):
    headers = bearer(user_token(app, "gender_unit"))
    cycle = client.post(f"{API}/cycles", headers=headers, json={
        "name": "2032-2033", "start_date": "2032-01-01", "end_date": "2033-12-31"})
    assert cycle.status_code == 201
    office = client.post(f"{API}/offices", headers=headers, json={"name": "X", "acronym": "X"})
    assert office.status_code == 403 and is_error_body(office)


# -- authentication ---------------------------------------------------------------------------


def test_no_token_is_401_with_a_bearer_challenge(client):
    response = client.get(f"{API}/offices")
    assert response.status_code == 401 and is_error_body(response)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_401(app, client):
    with app.app_context():
        user = make_user("admin")
        token = token_for(user)
        db.session.commit()
    assert client.get(f"{API}/me", headers=bearer(token)).status_code == 200
    with app.app_context():
        db.session.scalars(select(ApiToken)).one().revoke()
        db.session.commit()
    response = client.get(f"{API}/me", headers=bearer(token))
    assert response.status_code == 401 and is_error_body(response)


def test_a_deactivated_users_token_is_401(app, client, admin):
    with app.app_context():
        user = make_user("viewer")
        token = token_for(user)
        db.session.commit()
        user_id = user.id
    assert client.patch(f"{API}/users/{user_id}", headers=admin,
                        json={"active": False}).status_code == 200
    assert client.get(f"{API}/me", headers=bearer(token)).status_code == 401


def test_a_session_cookie_alone_does_not_authenticate_the_api(app, client, auth):
    with app.app_context():
        admin = make_user("admin")
        db.session.commit()
        auth.login(admin)
    assert client.get("/admin/users").status_code == 200  # the session works for pages
    for method, url in [("GET", f"{API}/me"), ("GET", f"{API}/users"),
                        ("POST", f"{API}/offices")]:
        response = client.open(url, method=method, json={"name": "Cookie", "acronym": "CK"})
        assert response.status_code == 401, (method, url)
        assert is_error_body(response)
    with app.app_context():
        assert db.session.scalar(select(Office).where(Office.acronym == "CK")) is None


def test_the_token_scheme_name_is_case_insensitive(app, client):
    token = user_token(app, "viewer")
    response = client.get(f"{API}/me", headers={"Authorization": f"bearer {token}"})
    assert response.status_code == 200


# -- protocol ---------------------------------------------------------------------------------


def test_lists_are_paginated_with_an_x_pagination_header(app, client, admin):
    with app.app_context():
        for _ in range(5):
            OfficeFactory()
        db.session.commit()
    first = client.get(f"{API}/offices", headers=admin, query_string={"page_size": 2})
    assert len(first.get_json()) == 2
    assert json.loads(first.headers["X-Pagination"]) == {
        "total": 5, "total_pages": 3, "first_page": 1, "last_page": 3, "page": 1,
        "next_page": 2}
    last = client.get(f"{API}/offices", headers=admin, query_string={"page_size": 2, "page": 3})
    assert len(last.get_json()) == 1
    assert json.loads(last.headers["X-Pagination"])["previous_page"] == 2
    beyond = client.get(f"{API}/offices", headers=admin, query_string={"page": 10**30})
    assert beyond.status_code == 200 and beyond.get_json() == []
    assert json.loads(beyond.headers["X-Pagination"])["total"] == 5


def test_users_can_be_filtered_and_paginated_together(app, client, admin):
    office_id = _office(app)
    with app.app_context():
        office = db.session.get(Office, office_id)
        for _ in range(3):
            make_user("participant", office=office)
        db.session.commit()
    response = client.get(f"{API}/users", headers=admin, query_string={
        "office_id": office_id, "role": "participant", "page": 2, "page_size": 2})
    assert response.status_code == 200 and len(response.get_json()) == 1
    assert json.loads(response.headers["X-Pagination"])["total"] == 3


def test_errors_are_json_under_the_api(client, admin):
    for method, url, code in [("GET", f"{API}/no-such-thing", 404),
                              ("PUT", f"{API}/offices", 405),
                              ("GET", f"{API}/offices/0", 404),
                              ("GET", f"{API}/offices/{2**40}", 404)]:
        response = client.open(url, method=method, headers=admin)
        assert response.status_code == code, url
        assert is_error_body(response), url
    assert client.put(f"{API}/offices", headers=admin).headers["Allow"]


def test_api_answers_are_not_cached(client, admin):
    response = client.get(f"{API}/me", headers=admin)
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
