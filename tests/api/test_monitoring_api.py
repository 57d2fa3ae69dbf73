"""Monitoring through the API: the Gender Unit lays out periods, an office reports with checked
values, the focal point submits, the Gender Unit returns and then accepts; stale changes are
refused with 409, bad values with 422 at the field; an office reads only its own reports; a
user reads and marks only their own notifications."""

from datetime import date
from types import SimpleNamespace

import pytest

from tests.actionplan.helpers import five_plans
from tests.api import API, bearer, is_error_body, token_for
from tests.factories import make_user
from workshop.actionplan.services import finalise, publish
from workshop.admin.models import Office, PlanCycle
from workshop.auth.models import User
from workshop.extensions import db
from workshop.monitoring.models import Measurement, ProgressReport
from workshop.monitoring.notifications import notify
from workshop.workplans.models import Activity

MONITORING = f"{API}/monitoring"


@pytest.fixture
def dept(app):
    """The five known plans with version 1 published; tokens for the Gender Unit's adviser,
    OO's focal point and a participant of OO, PD's focal point and a viewer."""
    with app.app_context():
        ids = five_plans()
        cycle = db.session.get(PlanCycle, ids["cycle"])
        a1 = db.session.get(Activity, ids["activities"]["a1"])
        people_trained = a1.indicators[0]
        people_trained.sex_disaggregated = True
        publish(finalise(cycle, None), None)
        oo, pd = (db.session.get(Office, ids["offices"][k]) for k in ("OO", "PD"))
        people = {"gender_unit": db.session.get(User, ids["adviser"]),
                  "focal_point": db.session.scalar(db.select(User).where(
                      User.email == "focal@example.org")),
                  "participant": make_user("participant", office=oo),
                  "pd_focal": make_user("focal_point", office=pd),
                  "viewer": make_user("viewer")}
        notify(people["viewer"].id, "first", kind="reminder", title="Q3 2026 report due")
        notify(people["viewer"].id, "second", kind="overdue", title="Q3 2026 report overdue")
        notify(people["focal_point"].id, "third", kind="reminder", title="Someone else's")
        headers = {role: bearer(token_for(user)) for role, user in people.items()}
        db.session.commit()
        return SimpleNamespace(headers=headers, cycle=cycle.id, oo=oo.id, pd=pd.id,
                               a1=a1.id, people=people_trained.id)


def _call(client, dept, method, path, role, expected=200, **json):
    response = client.open(f"{MONITORING}{path}", method=method, headers=dept.headers[role],
                           json=json if method != "GET" else None)
    assert response.status_code == expected, response.get_json()
    return response.get_json()


def test_a_report_from_start_to_acceptance(app, client, dept):
    periods = _call(client, dept, "PUT", f"/cycles/{dept.cycle}/periods", "gender_unit",
                    frequency="quarterly", starts_on="2026-07-01", due_days=15)
    assert [(p["label"], p["due_on"]) for p in periods][:2] == [
        ("Q3 2026", "2026-10-15"), ("Q4 2026", "2027-01-15")]
    period = periods[0]["id"]

    report = _call(client, dept, "POST", f"/periods/{period}/start", "participant",
                   office_id=dept.oo)
    assert len(report["activities"]) == 2
    assert dept.a1 in {a["activity_id"] for a in report["activities"]}
    version = report["lock_version"]
    path = f"/reports/{report['id']}"

    # A value of the wrong kind, or women and men that do not add up, is refused at the field.
    errors = _call(client, dept, "PUT", f"{path}/measurements/{dept.people}", "participant",
                   422, value="many")["errors"]["json"]
    assert errors == {"value": ["The value must be a number, such as 12 or 12.5."]}
    errors = _call(client, dept, "PUT", f"{path}/measurements/{dept.people}", "participant",
                   422, value="12", female="5", male="6")["errors"]["json"]
    assert errors == {"value": ["Women and men add up to 11, not 12."]}
    measured = _call(client, dept, "PUT", f"{path}/measurements/{dept.people}", "participant",
                     value="12", female="7", male="5", source="Attendance lists",
                     lock_version=version)
    assert (measured["value"], measured["female"], measured["male"]) == ("12", "7", "5")

    # The version read before that change is stale now.
    stale = _call(client, dept, "PUT", f"{path}/activities/{dept.a1}", "focal_point", 409,
                  status="on_track", lock_version=version)
    assert is_error_body(client.put(f"{MONITORING}{path}/activities/{dept.a1}",
                                    headers=dept.headers["focal_point"],
                                    json={"status": "on_track", "lock_version": version}))
    assert "Someone else changed this report" in stale["message"]
    _call(client, dept, "PUT", f"{path}/activities/{dept.a1}", "focal_point",
          status="on_track", percent_complete=40, narrative="Two of five sessions held.")

    # Only the focal point submits; the Gender Unit returns with a comment, then accepts.
    _call(client, dept, "POST", f"{path}/submit", "participant", 403)
    submitted = _call(client, dept, "POST", f"{path}/submit", "focal_point")
    assert submitted["status"] == "submitted"
    _call(client, dept, "PUT", f"{path}/activities/{dept.a1}", "participant", 422,
          status="at_risk")
    returned = _call(client, dept, "POST", f"{path}/return", "gender_unit",
                     comment="Say which sessions were held.", activity_id=dept.a1)
    assert returned["status"] == "returned"
    assert [(c["body"], c["activity_id"]) for c in returned["comments"]] == [
        ("Say which sessions were held.", dept.a1)]
    _call(client, dept, "PUT", f"{path}/activities/{dept.a1}", "participant",
          status="on_track", percent_complete=40,
          narrative="Sessions held in Goma and Bunia.")
    _call(client, dept, "POST", f"{path}/submit", "focal_point")
    offices = _call(client, dept, "GET", f"/periods/{period}/offices", "viewer")
    assert [(o["office"], o["status"], o["reported"]) for o in offices] == [
        ("MILDIV", "not_started", False), ("OMS", "not_started", False),
        ("OO", "submitted", True), ("PD", "not_started", False)]
    assert [o["office"] for o in _call(client, dept, "GET", f"/periods/{period}/offices",
                                       "participant")] == ["OO"]
    before = _call(client, dept, "GET", f"/cycles/{dept.cycle}/dashboard", "viewer")
    assert before["period_id"] is None and before["status_totals"]["on_track"] == 0
    accepted = _call(client, dept, "POST", f"{path}/accept", "gender_unit")
    assert accepted["status"] == "accepted" and accepted["days_overdue"] == 0
    # Accepted, the report counts on the dashboard: a1 on track, its 12 people 7 women, 5 men.
    after = _call(client, dept, "GET", f"/cycles/{dept.cycle}/dashboard", "viewer")
    assert after["period_id"] == period and after["status_totals"]["on_track"] == 1
    assert (after["women"], after["men"]) == ("7", "5")
    oo = next(row for row in after["by_office"] if row["label"] == "OO")
    assert oo["statuses"]["on_track"] == 1 and oo["activities"] == 2
    _call(client, dept, "GET", f"/cycles/{dept.cycle}/dashboard", "focal_point", 403)

    # Closed with every report accepted, the period is locked.
    _call(client, dept, "PUT", f"/periods/{period}/status", "gender_unit", status="closed")
    errors = _call(client, dept, "PUT", f"/periods/{period}/status", "gender_unit", 422,
                   status="open")["errors"]["json"]
    assert "locked" in errors["_schema"][0]
    with app.app_context():
        saved = db.session.get(ProgressReport, report["id"])
        assert saved.status == "accepted" and saved.period.status == "closed"
        assert [(m.value_number, m.female, m.male) for m in
                db.session.query(Measurement)] == [(12, 7, 5)]


def test_an_office_reads_only_its_own_reports(app, client, dept):
    periods = _call(client, dept, "PUT", f"/cycles/{dept.cycle}/periods", "gender_unit",
                    frequency="half_yearly")
    period = periods[0]["id"]
    report = _call(client, dept, "POST", f"/periods/{period}/start", "focal_point",
                   office_id=dept.oo)
    _call(client, dept, "POST", f"/periods/{period}/start", "pd_focal", 403, office_id=dept.oo)
    _call(client, dept, "GET", f"/reports/{report['id']}", "pd_focal", 403)
    _call(client, dept, "PUT", f"/reports/{report['id']}/activities/{dept.a1}", "pd_focal", 403,
          status="on_track")
    assert _call(client, dept, "GET", f"/periods/{period}/reports", "pd_focal") == []
    assert [r["id"] for r in _call(client, dept, "GET", f"/periods/{period}/reports",
                                   "viewer")] == [report["id"]]
    _call(client, dept, "GET", f"/reports/{report['id']}", "viewer")


def test_notifications_are_each_users_own(client, dept):
    mine = _call(client, dept, "GET", "/notifications", "viewer")
    assert [n["title"] for n in mine] == ["Q3 2026 report overdue", "Q3 2026 report due"]
    theirs = _call(client, dept, "GET", "/notifications", "focal_point")[0]["id"]
    # Marking another's notification read leaves it alone.
    assert _call(client, dept, "POST", "/notifications/read", "viewer",
                 ids=[mine[0]["id"], theirs]) == {"unread": 1}
    assert [n["title"] for n in _call(client, dept, "GET", "/notifications?unread=true",
                                      "viewer")] == ["Q3 2026 report due"]
    assert len(_call(client, dept, "GET", "/notifications?unread=true", "focal_point")) == 1
    assert _call(client, dept, "POST", "/notifications/read", "viewer") == {"unread": 0}
    assert _call(client, dept, "GET", "/notifications?unread=true", "viewer") == []
    errors = _call(client, dept, "POST", "/notifications/read", "viewer", 422,
                   ids=["first"])["errors"]["json"]
    assert "ids" in errors


def test_periods_once_reporting_started_are_kept(client, dept):
    period = _call(client, dept, "PUT", f"/cycles/{dept.cycle}/periods", "gender_unit",
                   frequency="quarterly", starts_on=str(date(2026, 7, 1)))[0]["id"]
    _call(client, dept, "POST", f"/periods/{period}/start", "focal_point", office_id=dept.oo)
    errors = _call(client, dept, "PUT", f"/cycles/{dept.cycle}/periods", "gender_unit", 422,
                   frequency="half_yearly")["errors"]["json"]
    assert "no longer be laid out" in errors["frequency"][0]
    assert _call(client, dept, "GET", f"/periods/{period}", "viewer")["label"] == "Q3 2026"
