"""Every route, every role, and anonymous visitors: allowed, or refused as designed.

A route missing from ACCESS fails the test, so every new page or API endpoint must say here who
may use it.
"""

from datetime import date, datetime, time

import pytest

from tests.assessment.helpers import finding, level, nominate, record
from tests.factories import OfficeFactory, make_cycle, make_user
from workshop.auth.models import User
from workshop.auth.services import create_token
from workshop.extensions import db

ROLES = ["admin", "gender_unit", "consultant", "focal_point", "participant", "viewer"]
EVERYONE = set(ROLES)
ADMIN = {"admin"}
ADMIN_GU = {"admin", "gender_unit"}
PUBLIC = "public"

# endpoint -> roles allowed (for every method of the route), or PUBLIC
ACCESS = {
    "home.index": EVERYONE,
    "process.timeline": EVERYONE,
    "auth.sign_in": PUBLIC,
    "auth.sign_out": PUBLIC,
    "auth.profile": EVERYONE,
    "auth.password": EVERYONE,
    "auth.create_api_token": EVERYONE,
    "auth.revoke_api_token": EVERYONE,  # one's own tokens; another's is tested below
    "admin.users": ADMIN,
    "admin.new_user": ADMIN,
    "admin.edit_user": ADMIN,
    "admin.reset_user_password": ADMIN,
    "admin.offices": ADMIN,
    "admin.new_office": ADMIN,
    "admin.edit_office": ADMIN,
    "admin.remove_office": ADMIN,
    "admin.cycles": ADMIN_GU,
    "admin.new_cycle": ADMIN_GU,
    "admin.edit_cycle": ADMIN_GU,
    "admin.cycle": ADMIN_GU,
    "admin.remove_cycle": ADMIN_GU,
    "admin.new_milestone": ADMIN_GU,
    "admin.edit_milestone": ADMIN_GU,
    "admin.remove_milestone": ADMIN_GU,
    "admin.reference_lists": ADMIN,
    "admin.reference_list": ADMIN,
    "admin.new_reference_item": ADMIN,
    "admin.edit_reference_item": ADMIN,
    "admin.remove_reference_item": ADMIN,
    "admin.audit": ADMIN_GU,
    "admin.audit_entry": ADMIN_GU,
    "api-docs.openapi_json": PUBLIC,
}
# The needs assessment (the world's records belong to the office-bound users' own office).
_RECORD = {"consultant", "gender_unit"}
_OWN_OFFICE = _RECORD | {"focal_point", "participant"}
ACCESS.update({f"assessment.{name}": _RECORD for name in (
    "new_nomination", "edit_nomination", "remove_nomination", "sessions", "new_session",
    "session", "edit_session", "remove_session", "session_draft", "findings", "group", "split",
    "edit_gap", "merge")})
ACCESS.update({f"assessment.{name}": _OWN_OFFICE for name in (
    "index", "office", "nominations", "register", "office_register", "gap", "office_summary",
    "office_summary_file")})
ACCESS.update({"assessment.summary": _OWN_OFFICE | {"viewer"},
               "assessment.summary_file": _RECORD | {"viewer"}})
# Workshops: agendas and figures for everyone signed in; names of attendees for those who run
# workshops and the workshop's own office; the evaluation form for anyone with its link.
ACCESS.update({f"workshops.{name}": _RECORD for name in (
    "revise", "new_module", "edit_module", "remove_module", "new_revision", "publish", "new",
    "edit", "new_session", "edit_session", "remove_session", "invitations",
    "remove_invitation", "evaluation", "evaluation_qr", "switch_evaluation")})
ACCESS.update({f"workshops.{name}": EVERYONE for name in (
    "index", "curriculum", "version", "workshop", "agenda_pdf", "calendar", "evaluation_pdf",
    "evaluations_xlsx", "evaluations_pdf")})
ACCESS.update({"workshops.attendance": {"GET": _OWN_OFFICE, "POST": _RECORD},
               "workshops.attendance_sheet": _OWN_OFFICE, "workshops.attendance_xlsx": _OWN_OFFICE,
               "workshops.remove": _RECORD,
               # Work plans: the office drafts (consultants help), the focal point submits,
               # the Gender Unit reviews; nobody else reads a draft.
               "workplans.index": _OWN_OFFICE,
               "workplans.start": {"participant", "focal_point", "consultant"},
               "workplans.plan": _OWN_OFFICE, "workplans.comment": _OWN_OFFICE,
               "workplans.workbook": _OWN_OFFICE, "workplans.pdf": _OWN_OFFICE,
               "workplans.template": _OWN_OFFICE,
               "workplans.upload": {"participant", "focal_point", "consultant"},
               "workplans.versions": _OWN_OFFICE, "workplans.review": {"gender_unit"},
               **{f"workplans.{name}": {"participant", "focal_point", "consultant"}
                  for name in ("new_objective", "edit_objective", "new_activity",
                               "edit_activity", "new_indicator", "edit_indicator",
                               "reorder", "remove")},
               "evaluate.form": PUBLIC})
# Action plan: the Gender Unit consolidates; everyone signed in reads a published version.
ACCESS.update({f"actionplan.{name}": EVERYONE for name in (
    "index", "version", "compare_versions", "version_pdf", "version_xlsx")})
ACCESS.update({f"actionplan.{name}": {"gender_unit"} for name in (
    "overview", "activities", "map_selected", "gaps", "overlaps", "decide", "undo",
    "objectives", "objective", "remove_objective", "finalise_version", "publish_version",
    "draft_pdf", "draft_xlsx")})

# Monitoring: offices report, the Gender Unit reviews; the dashboard for those who follow the plan.
_REPORTING = {"focal_point", "participant", "gender_unit"}
_FOLLOWING = {"gender_unit", "viewer", "admin"}
_MONITOR_READ_PAGES = _REPORTING | _FOLLOWING
ACCESS.update({f"monitoring.{name}": _MONITOR_READ_PAGES for name in (
    "index", "period", "report", "evidence")})
ACCESS.update({f"monitoring.{name}": {"participant", "focal_point"} for name in (
    "start_report", "save_activity", "save_measurement", "remove_evidence")})
ACCESS.update({f"monitoring.{name}": {"gender_unit"} for name in (
    "set_periods", "close_period", "reopen_period", "accept_report", "return_report")})
ACCESS.update({"monitoring.submit_report": {"focal_point"},
               "monitoring.dashboard": _FOLLOWING,
               "monitoring.dashboard_activities": _FOLLOWING,
               "monitoring.dashboard_indicators": _FOLLOWING,
               "monitoring.inbox": EVERYONE, "monitoring.read_all": EVERYONE,
               "monitoring.read_notification": EVERYONE,
               "monitoring.review": _FOLLOWING, "monitoring.review_report_pdf": _FOLLOWING,
               "monitoring.measurements_xlsx": _FOLLOWING,
               "monitoring.next_cycle": {"gender_unit"}})

# API: (endpoint, method) -> roles allowed
API_READ_ALL = ["offices-and-cycles.Offices", "offices-and-cycles.OfficeItem",
                "offices-and-cycles.Cycles", "offices-and-cycles.CycleItem",
                "offices-and-cycles.Milestones", "offices-and-cycles.MilestoneItem",
                "users.Me"]
API_WRITE = {
    "offices-and-cycles.Offices": ADMIN,
    "offices-and-cycles.OfficeItem": ADMIN,
    "offices-and-cycles.Cycles": ADMIN_GU,
    "offices-and-cycles.CycleItem": ADMIN_GU,
    "offices-and-cycles.Milestones": ADMIN_GU,
    "offices-and-cycles.MilestoneItem": ADMIN_GU,
}
REFERENCE_KINDS = ["thematic_areas", "strategies", "staff_levels", "functional_areas",
                   "gap_categories"]

# The needs assessment: consultants and the Gender Unit record and read it all; office staff
# read their own office's nominations, gaps and summary (the world's records are theirs); the
# department's summary is for the viewer too. Everything else is refused to the rest.
RECORD = {"consultant", "gender_unit"}
OWN_OFFICE = RECORD | {"focal_point", "participant"}
API_ASSESSMENT = {
    ("needs-assessment.Nominations", "GET"): OWN_OFFICE,
    ("needs-assessment.NominationItem", "GET"): OWN_OFFICE,
    ("needs-assessment.Gaps", "GET"): OWN_OFFICE,
    ("needs-assessment.GapItem", "GET"): OWN_OFFICE,
    ("needs-assessment.OfficeSummary", "GET"): OWN_OFFICE,
    ("needs-assessment.DepartmentSummary", "GET"): RECORD | {"viewer"},
}
API_RECORD_ONLY = ["Nominations", "NominationItem", "Sessions", "SessionItem", "SessionFindings",
                   "FindingItem", "GapItem", "GapMerge", "GapGroup"]

# Workshops: everyone signed in reads the curriculum, the workshops with their agenda and the
# figures; the names of those invited are for those who run workshops and the workshop's own
# office (the world's workshop is theirs), the invitations for those who run workshops only.
# Every change is for those who run workshops.
API_WORKSHOPS = {
    ("workshops-api.WorkshopAttendance", "GET"): OWN_OFFICE,
    ("workshops-api.WorkshopInvitations", "GET"): RECORD,
}

# Work plans: the office's staff and consultants draft (the world's plan is of the office-bound
# users' office), the focal point submits, the Gender Unit reads, comments and decides; the
# viewer and the administrator get nothing.
API_WORKPLANS = {
    **{(f"work-plans-api.{name}", "GET"): OWN_OFFICE for name in (
        "Plans", "PlanItem", "PlanComments", "PlanVersions", "PlanVersionItem")},
    **{(f"work-plans-api.{name}", method): {"participant", "focal_point", "consultant"}
       for name, method in (("Plans", "POST"), ("PlanObjectives", "POST"),
                            ("ObjectiveItem", "PATCH"), ("ObjectiveItem", "DELETE"),
                            ("ObjectiveActivities", "POST"), ("ActivityItem", "PATCH"),
                            ("ActivityItem", "DELETE"), ("ActivityIndicators", "POST"),
                            ("IndicatorItem", "PATCH"), ("IndicatorItem", "DELETE"))},
    ("work-plans-api.PlanComments", "POST"): OWN_OFFICE,
    ("work-plans-api.PlanSubmit", "POST"): {"focal_point"},
    **{(f"work-plans-api.{name}", "POST"): {"gender_unit"}
       for name in ("PlanReturn", "PlanApprove", "PlanReopen")},
}

# The departmental action plan: the Gender Unit consolidates, decides, sets objectives, maps,
# finalises and publishes; everyone signed in reads the versions (the world's version 1 is
# published; unpublished ones are refused to all but the Gender Unit, as the API tests check).
API_ACTIONPLAN = {
    **{(f"action-plan-api.{name}", "GET"): EVERYONE
       for name in ("CycleVersions", "CycleVersionItem")},
    **{(f"action-plan-api.{name}", method): {"gender_unit"}
       for name, method in (("CycleFigures", "GET"), ("CycleGaps", "GET"),
                            ("CycleOverlaps", "GET"), ("CycleDecisions", "GET"),
                            ("CycleDecisions", "POST"), ("DecisionItem", "DELETE"),
                            ("CycleObjectives", "GET"), ("CycleObjectives", "POST"),
                            ("ObjectiveItem", "GET"), ("ObjectiveItem", "PATCH"),
                            ("ObjectiveItem", "DELETE"), ("CycleMappings", "POST"),
                            ("CycleVersions", "POST"), ("CycleVersionPublish", "POST"))},
}

# Monitoring: office staff read and write their own office's reports (the world's report is of
# their office), the focal point submits; the Gender Unit lays out and closes periods and
# decides; the Gender Unit, the viewer and the administrator read everything. Notifications are
# everyone's own.
_MONITOR_READ = {"focal_point", "participant", "gender_unit", "viewer", "admin"}
_OFFICE_STAFF = {"focal_point", "participant"}
API_MONITORING = {
    **{(f"monitoring-api.{name}", "GET"): _MONITOR_READ for name in (
        "Periods", "PeriodItem", "PeriodReports", "PeriodOffices", "ReportItem",
        "ReportMeasurements")},
    ("monitoring-api.Dashboard", "GET"): {"gender_unit", "viewer", "admin"},
    ("monitoring-api.Periods", "PUT"): {"gender_unit"},
    ("monitoring-api.PeriodStatus", "PUT"): {"gender_unit"},
    ("monitoring-api.StartReport", "POST"): _OFFICE_STAFF,
    ("monitoring-api.ReportActivity", "PUT"): _OFFICE_STAFF,
    ("monitoring-api.ReportMeasurement", "PUT"): _OFFICE_STAFF,
    ("monitoring-api.ReportSubmit", "POST"): {"focal_point"},
    ("monitoring-api.ReportAccept", "POST"): {"gender_unit"},
    ("monitoring-api.ReportReturn", "POST"): {"gender_unit"},
    ("monitoring-api.Notifications", "GET"): EVERYONE,
    ("monitoring-api.NotificationsRead", "POST"): EVERYONE,
}


def api_access(endpoint: str, method: str):
    if endpoint.startswith("monitoring-api."):
        return API_MONITORING[endpoint, method]
    if endpoint.startswith("work-plans-api."):
        return API_WORKPLANS[endpoint, method]
    if endpoint.startswith("action-plan-api."):
        return API_ACTIONPLAN[endpoint, method]
    if (endpoint, method) in API_ASSESSMENT:
        return API_ASSESSMENT[endpoint, method]
    if (endpoint, method) in API_WORKSHOPS:
        return API_WORKSHOPS[endpoint, method]
    if endpoint.startswith("workshops-api.") and method != "GET":
        return RECORD
    if endpoint.removeprefix("needs-assessment.") in API_RECORD_ONLY:
        return RECORD
    if endpoint.startswith("users.Users") or endpoint == "users.UserItem":
        return ADMIN
    if method == "GET":
        return EVERYONE
    if any(endpoint.endswith((f"{kind}_list", f"{kind}_item")) for kind in REFERENCE_KINDS):
        return ADMIN
    return API_WRITE[endpoint]


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("static", "bootstrap.static"):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


@pytest.fixture
def world(app):
    """One record of each kind, a user per role, and an API token per user."""
    with app.app_context():
        office = OfficeFactory(acronym="OWN")
        users = {}
        for role in ROLES:
            office_for = office if role in ("focal_point", "participant") else None
            users[role] = make_user(role, office=office_for, email=f"{role}@example.org")
        cycle = make_cycle(status="planning")
        # The needs assessment of the office-bound users' own office.
        nomination = nominate(cycle, office, "Nominated Person")
        session = record(cycle, office, users["consultant"],
                         headcounts={level("Professional").id: (2, 1)},
                         findings=[finding("A finding")], notes="Notes of the session.")
        tokens = {role: create_token(user, "matrix")[1] for role, user in users.items()}
        token_ids = {role: user.tokens[0].id for role, user in users.items()}
        db.session.commit()
        ids = {
            "user_id": users["viewer"].id,
            "office_id": office.id,
            "cycle_id": cycle.id,
            "milestone_id": cycle.milestones[0].id,
            "entry_id": 1,
            "kind": "thematic-areas",
            "item_id": 1,
            "nomination_id": nomination.id,
            "session_id": session.id,
            "finding_id": session.findings[0].id,
            "gap_id": session.findings[0].gap_id,
            "fmt": "pdf",
            "decision_id": 1,
            **_workshop_ids(cycle, office),
            **_plan_ids(cycle, office),
        }
        _published_action_plan(cycle)
        ids.update(_monitoring_ids(cycle, office, ids, users["viewer"]))
        db.session.commit()
        ids_by_user = {role: users[role].get_id() for role in ROLES}
    return {"ids": ids, "users": ids_by_user, "tokens": tokens, "token_ids": token_ids}


def _plan_ids(cycle, office) -> dict:
    """A draft work plan of the office-bound users' office, one row of each kind."""
    from workshop.workplans.services import (
        ActivityInput,
        IndicatorInput,
        plan_for,
        save_activity,
        save_indicator,
        save_objective,
    )

    plan = plan_for(cycle.id, office.id)
    objective = save_objective(None, plan, title="Matrix objective")
    activity = save_activity(None, objective, ActivityInput(title="Matrix activity"))
    indicator = save_indicator(None, activity, IndicatorInput(statement="Matrix indicator"))
    return {"plan_id": plan.id, "objective_id": objective.id, "activity_id": activity.id,
            "indicator_id": indicator.id, "row": "activity", "record_id": activity.id,
            "step": "approve", "number": 1}


def _published_action_plan(cycle) -> None:
    """Version 1 of the cycle's departmental plan, published (no office plan approved yet)."""
    from workshop.actionplan.models import ActionPlanVersion
    from workshop.actionplan.services import load_content

    db.session.add(ActionPlanVersion(cycle_id=cycle.id, number=1, content=load_content(cycle),
                                     published_at=datetime(2026, 8, 1)))
    db.session.flush()


def _monitoring_ids(cycle, office, ids, reader) -> dict:
    """The office's report for the cycle's first quarter, on the world's activity, with a
    measurement and an evidence file; a notification for the viewer."""
    from workshop.monitoring.models import (
        ActivityProgress,
        EvidenceFile,
        Measurement,
        ProgressReport,
    )
    from workshop.monitoring.notifications import notify
    from workshop.monitoring.services import set_periods

    period = set_periods(cycle, "quarterly")[0]
    report = ProgressReport(period=period, office_id=office.id, activities=[
        ActivityProgress(activity_id=ids["activity_id"], status="on_track",
                         narrative="Under way.")])
    measurement = Measurement(indicator_id=ids["indicator_id"], source="Matrix")
    measurement.evidence.append(EvidenceFile(filename="matrix.txt", content_type="text/plain",
                                             size=6, sha256="0" * 64, data=b"matrix"))
    report.measurements.append(measurement)
    db.session.add(report)
    notify(reader.id, "matrix", kind="reminder", title="Matrix notification")
    db.session.flush()
    from workshop.monitoring.models import Notification

    return {"period_id": period.id, "report_id": report.id,
            "evidence_id": measurement.evidence[0].id,
            "notification_id": db.session.scalar(db.select(Notification.id))}


def _workshop_ids(cycle, office) -> dict:
    """A published curriculum and an office workshop of the office-bound users' office."""
    from tests.workshops.test_services import _curriculum
    from workshop.workshops.services import invite, save_workshop

    version = _curriculum()
    workshop = save_workshop(None, cycle_id=cycle.id, kind="office", office_id=office.id,
                             title="Matrix workshop", start_date=date(2026, 4, 14))
    guest = nominate(cycle, office, "Invited Person")
    invitation = invite(workshop, [guest.id])[0]
    return {"version_id": version.id, "module_id": version.modules[0].id,
            "workshop_id": workshop.id, "agenda_id": workshop.agenda[0].id,
            "invitation_id": invitation.id, "key": workshop.evaluation_key,
            "action": "open"}


DELETES = {"admin.remove_office", "admin.remove_cycle", "admin.remove_milestone",
           "admin.remove_reference_item", "assessment.remove_nomination",
           "assessment.remove_session", "workshops.remove_session",
           "workshops.remove_invitation", "workshops.remove_module", "workshops.remove",
           "workplans.remove"}


def _disposable(endpoint):
    """A record made only to be deleted, so the shared ones stay for the next request."""
    from workshop.admin.models import ThematicArea
    from workshop.admin.services import save_milestone

    if endpoint == "workplans.remove":
        from workshop.workplans.models import Objective
        from workshop.workplans.services import ActivityInput, save_activity

        objective = db.session.scalars(db.select(Objective)).first()
        return {"record_id": save_activity(None, objective, ActivityInput(
            title="Disposable")).id}
    if endpoint.startswith("workshops."):
        from workshop.workshops.models import Workshop
        from workshop.workshops.services import (
            invite,
            save_agenda_item,
            save_module,
            save_workshop,
        )
        from workshop.workshops.services import start_revision as revision

        workshop = db.session.get(Workshop, 1)
        if endpoint == "workshops.remove":
            from datetime import date as day

            return {"workshop_id": save_workshop(None, cycle_id=workshop.cycle_id,
                                                 kind="office", office_id=workshop.office_id,
                                                 title="Disposable",
                                                 start_date=day(2026, 5, 4)).id}
        if endpoint == "workshops.remove_session":
            return {"agenda_id": save_agenda_item(None, workshop, day=1, starts_at=time(8),
                                                  ends_at=time(9), title="Disposable").id}
        if endpoint == "workshops.remove_module":
            from workshop.workshops.services import draft_curriculum

            draft = draft_curriculum() or revision()
            return {"module_id": save_module(None, draft, code=f"X{draft.id}{len(draft.modules)}",
                                             title="Disposable", duration_minutes=30).id}
        person = nominate(workshop.cycle, workshop.office, "Disposable guest")
        return {"invitation_id": invite(workshop, [person.id])[0].id}
    if endpoint.startswith("assessment."):
        from workshop.admin.models import Office, PlanCycle

        cycle, office = db.session.get(PlanCycle, 1), db.session.scalars(
            db.select(Office).where(Office.acronym == "OWN")).one()
        if endpoint == "assessment.remove_nomination":
            return {"nomination_id": nominate(cycle, office, "Disposable").id}
        consultant = db.session.scalars(db.select(User).where(
            User.email == "consultant@example.org")).one()
        return {"session_id": record(cycle, office, consultant,
                                     headcounts={level("Professional").id: (1, 0)}).id}
    if endpoint == "admin.remove_office":
        return {"office_id": OfficeFactory().id}
    if endpoint == "admin.remove_cycle":
        return {"cycle_id": make_cycle(name="Disposable", status="planning").id}
    if endpoint == "admin.remove_milestone":
        from datetime import date

        from workshop.admin.models import PlanCycle

        cycle = db.session.get(PlanCycle, 1)
        return {"milestone_id": save_milestone(None, cycle, title="Disposable", stage="pilot",
                                               planned_start=date(2026, 3, 1),
                                               planned_end=date(2026, 3, 2)).id}
    item = ThematicArea(name="Disposable", description="")
    db.session.add(item)
    db.session.flush()
    return {"item_id": item.id}


def _url(app, rule, world, role, overrides=None):
    values = {}
    for arg in rule.arguments:
        if arg == "token_id":
            values[arg] = world["token_ids"].get(role, 1)
        else:
            values[arg] = (overrides or {}).get(arg, world["ids"][arg])
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


def _page_cases(app):
    return [(rule.endpoint, method) for rule, method in _routes(app)
            if not rule.rule.startswith("/api/")]


def _api_cases(app):
    return [(rule.endpoint, method) for rule, method in _routes(app)
            if rule.rule.startswith("/api/") and rule.endpoint != "api-docs.openapi_json"]


def test_every_page_route_is_in_the_matrix(app):
    missing = {endpoint for endpoint, _ in _page_cases(app)} - set(ACCESS)
    assert not missing, f"add these routes to ACCESS: {sorted(missing)}"


def test_every_api_route_is_in_the_matrix(app):
    for endpoint, method in _api_cases(app):
        api_access(endpoint, method)  # raises KeyError for an endpoint nobody listed


@pytest.mark.parametrize("who", [*ROLES, "anonymous"])
def test_page_matrix(app, client, auth, world, who):
    app.config["WTF_CSRF_ENABLED"] = False  # the matrix is about permissions; CSRF has its test
    try:
        failures = []
        for rule, method in _routes(app):
            if rule.rule.startswith("/api/") or rule.endpoint in ("auth.sign_out",):
                continue
            with app.app_context():
                _restore(world)
                overrides = _disposable(rule.endpoint) if rule.endpoint in DELETES else None
                db.session.commit()
            auth.logout()
            if who != "anonymous":
                auth.login(world["users"][who])
            url = _url(app, rule, world, who, overrides)
            response = client.open(url, method=method, data={})
            allowed = ACCESS[rule.endpoint]
            if isinstance(allowed, dict):  # different roles for different methods
                allowed = allowed[method]
            status = response.status_code
            location = response.headers.get("Location", "")
            if allowed == PUBLIC:
                ok = status < 500
            elif who == "anonymous":
                ok = status == 302 and "/sign-in" in location
            elif who in allowed:
                ok = status not in (401, 403) and status < 500 and "/sign-in" not in location
            else:
                ok = status == 403
            if not ok:
                failures.append(f"{method} {url} as {who}: {status} {location}")
        assert not failures, "\n".join(failures)
    finally:
        app.config["WTF_CSRF_ENABLED"] = True


def _restore(world):
    """Put back the records a previous request may have deleted or changed."""
    from workshop.admin.models import Milestone, Office, PlanCycle
    from workshop.auth.models import User

    ids = world["ids"]
    if db.session.get(Office, ids["office_id"]) is None or \
            db.session.get(PlanCycle, ids["cycle_id"]) is None or \
            db.session.get(Milestone, ids["milestone_id"]) is None:
        pytest.fail("a record the matrix relies on was deleted; see the request before")
    for user in db.session.query(User):
        if user.must_change_password:
            user.must_change_password = False
    db.session.commit()


@pytest.mark.parametrize("who", [*ROLES, "anonymous"])
def test_api_matrix(app, client, world, who):
    failures = []
    for rule, method in _routes(app):
        if not rule.rule.startswith("/api/") or rule.endpoint == "api-docs.openapi_json":
            continue
        headers = {} if who == "anonymous" else {
            "Authorization": f"Bearer {world['tokens'][who]}"}
        url = _url(app, rule, world, who)
        # An empty body: allowed writes answer 422 (invalid) rather than changing anything.
        kwargs = {"json": {}} if method in ("POST", "PATCH") else {}
        if method == "DELETE":
            kwargs = {}
        allowed = api_access(rule.endpoint, method)
        if method == "DELETE" and who in allowed:
            continue  # deleting is exercised in the API tests; here it would remove the records
        response = client.open(url, method=method, headers=headers, **kwargs)
        status = response.status_code
        if who == "anonymous":
            ok = status == 401
        elif who in allowed:
            ok = status not in (401, 403) and status < 500
        else:
            ok = status == 403
        if not ok or not response.is_json:
            failures.append(f"{method} {url} as {who}: {status}")
    assert not failures, "\n".join(failures)


def test_a_user_cannot_revoke_someone_elses_token(app, client, auth, world):
    auth.login(world["users"]["viewer"])
    with client.session_transaction():
        pass
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        response = client.post(f"/profile/tokens/{world['token_ids']['admin']}/revoke")
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
    assert response.status_code == 403
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {world['tokens']['admin']}"})
    assert me.status_code == 200


def test_office_roles_need_an_office(ctx):
    from workshop.auth.services import UserError

    with pytest.raises(UserError) as error:
        make_user("focal_point")
    assert error.value.field == "office_id"
