"""Every create, update and delete of a record lands in the audit trail with who and what."""

from datetime import date

from sqlalchemy import select

from tests.factories import OfficeFactory, make_cycle, make_user
from workshop.admin.models import ThematicArea
from workshop.admin.services import save_milestone, save_office
from workshop.core.audit import AuditEntry
from workshop.extensions import db


def _entries(entity_type=None):
    query = select(AuditEntry).order_by(AuditEntry.id)
    if entity_type:
        query = query.where(AuditEntry.entity_type == entity_type)
    return db.session.scalars(query).all()


def test_create_update_delete_of_an_office_through_the_pages(app, client, auth):
    with app.app_context():
        admin = make_user("admin", email="chief@example.org")
        db.session.commit()
        auth.login(admin)
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        client.post("/admin/offices/new", data={"name": "Office of Operations",
                                                "acronym": "OO", "active": "y"})
        with app.app_context():
            office_id = db.session.scalar(select(AuditEntry.entity_id).where(
                AuditEntry.entity_type == "Office"))
        client.post(f"/admin/offices/{office_id}", data={"name": "Office of Operations",
                                                         "acronym": "OPS", "active": "y"})
        client.post(f"/admin/offices/{office_id}/delete")
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
    with app.app_context():
        entries = _entries("Office")
        assert [e.action for e in entries] == ["create", "update", "delete"]
        assert all(e.actor_label == "chief@example.org" for e in entries)
        created, updated, deleted = entries
        assert created.changes["acronym"] == [None, "OO"]
        assert updated.changes == {"acronym": ["OO", "OPS"]}
        assert deleted.changes["name"] == ["Office of Operations", None]


def test_every_kind_of_record_is_audited(ctx):
    office = OfficeFactory(acronym="AUD")
    make_user("focal_point", office=office, email="fp@example.org")
    cycle = make_cycle()
    save_milestone(None, cycle, title="Extra review", stage="monitoring",
                   planned_start=date(2026, 6, 1), planned_end=date(2026, 6, 30))
    db.session.add(ThematicArea(name="Peacebuilding", description="test"))
    db.session.commit()
    kinds = {e.entity_type for e in _entries()}
    assert {"Office", "User", "User role", "Plan cycle", "Milestone", "Thematic area"} <= kinds
    assert all(e.entity_id.isdigit() for e in _entries())
    user_entry = next(e for e in _entries("User") if e.action == "create")
    assert user_entry.entity_label == "fp@example.org"
    assert "password_hash" not in user_entry.changes  # secrets never reach the trail


def test_changes_outside_a_request_are_attributed_to_the_system(ctx):
    save_office(None, name="Police Division", acronym="PD")
    db.session.commit()
    entry = _entries("Office")[0]
    assert entry.actor_label == "system" and entry.actor_id is None


def test_an_update_that_changes_nothing_writes_no_entry(ctx):
    office = save_office(None, name="Police Division", acronym="PD")
    db.session.commit()
    save_office(office, name="Police Division", acronym="PD")
    db.session.commit()
    assert [e.action for e in _entries("Office")] == ["create"]


def test_the_trail_can_be_filtered_and_exported(app, client, auth):
    with app.app_context():
        admin = make_user("gender_unit", email="gu@example.org")
        save_office(None, name="Police Division", acronym="PD")
        save_office(None, name="Military Division", acronym="MILDIV")
        db.session.commit()
        auth.login(admin)
    page = client.get("/admin/audit?type=Office&q=MILDIV")
    assert page.status_code == 200
    assert "MILDIV" in page.text and ">PD<" not in page.text
    export = client.get("/admin/audit?type=Office&export=csv")
    lines = export.text.strip().splitlines()
    assert export.mimetype == "text/csv"
    assert len(lines) == 3  # header and two offices
    assert "When" in lines[0] and "What changed" in lines[0]
