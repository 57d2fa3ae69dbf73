"""Admin pages: bad input is refused beside the field and nothing typed is lost."""

import io
import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from tests.factories import OfficeFactory, make_cycle, make_user
from workshop.admin.models import STAGES, Milestone, PlanCycle
from workshop.core.models import today
from workshop.extensions import db


@pytest.fixture
def admin_client(app, client, auth):
    with app.app_context():
        admin = make_user("admin", "gender_unit", email="admin@example.org")
        db.session.commit()
        auth.login(admin)
    app.config["WTF_CSRF_ENABLED"] = False
    yield client
    app.config["WTF_CSRF_ENABLED"] = True


def _error_for(html: str, field: str) -> str:
    match = re.search(rf'id="{field}-error"[^>]*>([^<]*)<', html)
    return match.group(1).strip() if match else ""


def test_office_with_a_taken_acronym_is_refused_at_the_acronym(app, admin_client):
    with app.app_context():
        OfficeFactory(name="Police Division", acronym="PD")
        db.session.commit()
    response = admin_client.post("/admin/offices/new", data={
        "name": "Public Diplomacy", "acronym": "pd", "description": "Kept text"})
    assert response.status_code == 422
    assert _error_for(response.text, "acronym") == "Another office has this acronym."
    assert 'value="Public Diplomacy"' in response.text and "Kept text" in response.text


def test_an_office_names_its_head_who_must_be_an_active_user(app, admin_client):
    from workshop.admin.models import Office

    with app.app_context():
        office = OfficeFactory(name="Police Division", acronym="PD")
        head = make_user("participant", office=office, name="Pat Head", email="head@example.org")
        gone = make_user("participant", office=office, name="Left Already")
        gone.active = False
        db.session.commit()
        office_id, head_id, gone_id = office.id, head.id, gone.id
    form = admin_client.get(f"/admin/offices/{office_id}").text
    assert "Pat Head (head@example.org)" in form and "Left Already" not in form
    data = {"name": "Police Division", "acronym": "PD", "active": "y"}
    response = admin_client.post(f"/admin/offices/{office_id}", data={**data,
                                                                      "head_id": gone_id})
    assert response.status_code == 422
    assert _error_for(response.text, "head_id") == (
        "Choose an active user as the head of the office.")
    response = admin_client.post(f"/admin/offices/{office_id}", data={**data,
                                                                      "head_id": head_id})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Office, office_id).head.name == "Pat Head"


def test_a_cycle_must_end_after_it_starts(admin_client):
    response = admin_client.post("/admin/cycles/new", data={
        "name": "2010-2011", "start_date": "2011-12-31", "end_date": "2010-01-01",
        "status": "planning"})
    assert response.status_code == 422
    assert _error_for(response.text, "end_date") == "The cycle must end after it starts."
    assert 'value="2010-2011"' in response.text


def test_only_one_cycle_is_active(app, admin_client):
    with app.app_context():
        make_cycle(name="2026-2027", status="active")
        db.session.commit()
    response = admin_client.post("/admin/cycles/new", data={
        "name": "2028-2029", "start_date": "2028-01-01", "end_date": "2029-12-31",
        "status": "active"})
    assert response.status_code == 422
    assert "2026-2027 is the active cycle" in _error_for(response.text, "status")


def test_a_new_cycle_proposes_a_timeline_of_every_stage(app, admin_client):
    response = admin_client.post("/admin/cycles/new", data={
        "name": "2030-2031", "start_date": "2030-01-01", "end_date": "2031-12-31",
        "status": "planning"})
    assert response.status_code == 302
    with app.app_context():
        cycle = db.session.scalar(db.select(PlanCycle).where(PlanCycle.name == "2030-2031"))
        stages = [m.stage for m in cycle.milestones]
        assert stages == list(STAGES)
        assert cycle.milestones[0].planned_start == date(2030, 1, 1)
        assert cycle.milestones[-1].planned_end == date(2031, 12, 31)
        for before, after in zip(cycle.milestones, cycle.milestones[1:], strict=False):
            assert after.planned_start == before.planned_end + timedelta(days=1)


def test_milestone_dates_must_fall_in_the_cycle(app, admin_client):
    with app.app_context():
        cycle = make_cycle(start=date(2026, 1, 1), end=date(2027, 12, 31))
        db.session.commit()
        cycle_id = cycle.id
    response = admin_client.post(f"/admin/cycles/{cycle_id}/milestones/new", data={
        "title": "Town hall on the policy statement", "stage": "preparation",
        "planned_start": "2025-06-23", "planned_end": "2026-01-10", "status": "planned"})
    assert response.status_code == 422
    assert "Pick a date within the cycle" in _error_for(response.text, "planned_start")
    assert 'value="Town hall on the policy statement"' in response.text


def test_a_done_milestone_needs_its_completion_date(app, admin_client):
    with app.app_context():
        cycle = make_cycle()
        db.session.commit()
        milestone_id = cycle.milestones[0].id
    response = admin_client.post(f"/admin/milestones/{milestone_id}", data={
        "title": "Preparation", "stage": "preparation", "planned_start": "2026-01-01",
        "planned_end": "2026-02-01", "actual_start": "2026-01-02", "status": "done"})
    assert response.status_code == 422
    assert _error_for(response.text, "actual_end") == "Give the date the milestone was completed."


def test_a_focal_point_must_belong_to_an_office(admin_client):
    response = admin_client.post("/admin/users/new", data={
        "name": "Grace Mwangi", "email": "grace@example.org", "roles": ["focal_point"],
        "office_id": "", "active": "y", "password": "temporary-pass-1"})
    assert response.status_code == 422
    assert "must belong to an office" in _error_for(response.text, "office_id")
    assert 'value="Grace Mwangi"' in response.text
    assert 'value="focal_point" checked' in response.text or \
        re.search(r'checked[^>]*value="focal_point"', response.text)


def test_an_unknown_office_is_a_field_error_not_a_crash(admin_client):
    response = admin_client.post("/admin/users/new", data={
        "name": "Grace", "email": "grace@example.org", "roles": ["viewer"],
        "office_id": "not-a-number", "password": "temporary-pass-1"})
    assert response.status_code == 422
    assert _error_for(response.text, "office_id")


def test_an_office_with_users_cannot_be_deleted(app, admin_client):
    with app.app_context():
        office = OfficeFactory(acronym="OMS")
        make_user("participant", office=office)
        db.session.commit()
        office_id = office.id
    response = admin_client.post(f"/admin/offices/{office_id}/delete", follow_redirects=True)
    assert "OMS has users" in response.text
    assert "OMS" in admin_client.get("/admin/offices").text


def test_the_users_list_filters_sorts_and_exports(app, admin_client):
    with app.app_context():
        office = OfficeFactory(acronym="MILDIV")
        make_user("focal_point", office=office, name="Zara Focal")
        make_user("participant", office=office, name="Adam Participant")
        make_user("viewer", name="Victor Viewer")
        db.session.commit()
    filtered = admin_client.get("/admin/users?role=focal_point")
    assert "Zara Focal" in filtered.text and "Victor Viewer" not in filtered.text
    ordered = admin_client.get("/admin/users?sort=-name").text
    assert ordered.index("Zara Focal") < ordered.index("Adam Participant")
    export = admin_client.get("/admin/users?office=1&export=xlsx")
    sheet = load_workbook(io.BytesIO(export.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Name", "E-mail", "Roles")
    assert sorted(r[0] for r in rows[1:]) == ["Adam Participant", "Zara Focal"]


def test_the_timeline_shows_where_the_department_stands(app, client, auth):
    on = today()
    with app.app_context():
        cycle = make_cycle(start=on - timedelta(days=10), end=on + timedelta(days=700))
        late = cycle.milestones[0]
        late.planned_end = on - timedelta(days=2)
        current = cycle.milestones[1]
        current.status, current.actual_start = "in_progress", on - timedelta(days=5)
        viewer = make_user("viewer")
        db.session.commit()
        auth.login(viewer)
    page = client.get("/timeline")
    assert page.status_code == 200
    assert "current stage: <strong>Needs assessment</strong>" in page.text
    assert "1 late" in page.text
    assert "<svg" in page.text and 'role="img"' in page.text


def test_home_pages_say_what_to_do_next(app, client, auth):
    on = today()
    with app.app_context():
        OfficeFactory(acronym="NOFP")
        cycle = make_cycle(start=on - timedelta(days=10), end=on + timedelta(days=700))
        first = db.session.get(Milestone, cycle.milestones[0].id)
        first.planned_end = on - timedelta(days=3)
        title = first.title
        admin = make_user("admin").get_id()
        unit = make_user("gender_unit").get_id()
        viewer = make_user("viewer").get_id()
        db.session.commit()
    auth.login(admin)
    admin_home = client.get("/").text
    assert "1 office(s) without a focal point" in admin_home and "NOFP" in admin_home
    auth.login(unit)
    unit_home = client.get("/").text
    assert "Late: " + title in unit_home
    assert "without a focal point" not in unit_home
    auth.login(viewer)
    viewer_home = client.get("/").text
    assert "Nothing needs your attention right now." in viewer_home
    assert "Where the department stands" in viewer_home


def test_reference_lists_are_seeded_and_editable(admin_client):
    page = admin_client.get("/admin/reference-lists/thematic-areas")
    for name in ("Prevention", "Participation", "Protection", "Relief and recovery",
                 "Normative"):
        assert name in page.text
    created = admin_client.post("/admin/reference-lists/strategies/new", data={
        "name": "Research and data", "description": "Evidence", "is_active": "y"})
    assert created.status_code == 302
    duplicate = admin_client.post("/admin/reference-lists/strategies/new", data={
        "name": "advocacy", "is_active": "y"})
    assert "already has an entry with this name" in _error_for(duplicate.text, "name")
    assert admin_client.get("/admin/reference-lists/no-such-list").status_code == 404


def test_a_new_entry_after_the_last_position_stays_within_the_range(app, admin_client):
    from workshop.admin.models import MAX_POSITION, Strategy

    admin_client.post("/admin/reference-lists/strategies/new", data={
        "name": "Last of all", "position": str(MAX_POSITION), "is_active": "y"})
    admin_client.post("/admin/reference-lists/strategies/new", data={
        "name": "Added later", "is_active": "y"})
    with app.app_context():
        added = db.session.scalar(db.select(Strategy).where(Strategy.name == "Added later"))
        assert added.position == MAX_POSITION
