"""Tests of the JSON API under /api/v1, and helpers they share.

Records are created in an application context and committed; requests carry a personal API
token as `Authorization: Bearer <token>`.
"""

from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import select

from tests.factories import make_user
from workshop.auth.services import create_token
from workshop.extensions import db

API = "/api/v1"

# Demo accounts (see workshop.admin.demo) whose tokens the API tests use.
DEMO_ACCOUNTS = {
    "admin": "admin@example.org",
    "gender_unit": "gender.adviser@example.org",
    "consultant": "consultant@example.org",
    "viewer": "viewer@example.org",
    "focal_point": "focal.oo@example.org",
    "participant": "participant.oo@example.org",
    # Administrator and Gender Unit at once: may call every operation of the API.
    "admin_gender_unit": "gender.officer@example.org",
}


def bearer(token: str) -> dict:
    """The header that authenticates an API request."""
    return {"Authorization": f"Bearer {token}"}


def token_for(user) -> str:
    """A new token of `user` (call in an application context; the caller commits)."""
    return create_token(user, "API tests")[1]


def user_token(app, *roles: str, office=None) -> str:
    """A token of a new user holding `roles`, committed."""
    with app.app_context():
        if office is not None:
            office = db.session.merge(office)
        secret = token_for(make_user(*roles, office=office))
        db.session.commit()
        return secret


def seed_demo(app) -> dict[str, str]:
    """Load the demo department and return a token per role of DEMO_ACCOUNTS."""
    from workshop.admin.demo import demo_department
    from workshop.auth.services import find_user_by_email

    with app.app_context():
        demo_department(1, date.today())
        tokens = {role: token_for(find_user_by_email(email))
                  for role, email in DEMO_ACCOUNTS.items()}
        db.session.commit()
        db.session.remove()
    return tokens


def is_error_body(response) -> bool:
    """True when a test-client `response` carries a JSON error body with code and message."""
    data = response.get_json(silent=True)
    return (response.mimetype == "application/json" and isinstance(data, dict)
            and data.get("code") == response.status_code
            and isinstance(data.get("message"), str) and bool(data["message"]))


def seed_assessment(app, n: int = 1) -> dict[str, int | list[int]]:
    """Needs-assessment records in the demo department's current cycle (after `seed_demo`): a
    nomination in the Office of Operations and a session there with two findings, each in a gap
    of its own. Returns their ids and those of what a body refers to; `n` keeps names unique."""
    from tests.assessment.helpers import category, finding, level, nominate, record
    from workshop.admin.models import Office
    from workshop.admin.services import current_cycle
    from workshop.auth.services import find_user_by_email

    with app.app_context():
        cycle = current_cycle()
        office = db.session.scalar(select(Office).where(Office.acronym == "OO"))
        consultant = find_user_by_email(DEMO_ACCOUNTS["consultant"])
        held_at = datetime.combine(cycle.start_date, time(9, 30))
        nominee = nominate(cycle, office, f"Nominee {n}", email=f"nominee{n}@example.org")
        session = record(cycle, office, consultant, when=held_at,
                         headcounts={level("Professional").id: (2, 1)},
                         findings=[finding(f"Finding {n}a", priority="high"),
                                   finding(f"Finding {n}b")])
        first, second = session.findings
        ids = {"office_id": office.id, "cycle_id": cycle.id, "consultant_id": consultant.id,
               "level_id": level("Professional").id, "category_id": category().id,
               "held_at": held_at.isoformat(), "nomination_id": nominee.id,
               "session_id": session.id, "finding_id": first.id,
               "finding_ids": [first.id, second.id], "gap_id": first.gap_id,
               "other_gap_id": second.gap_id}
        db.session.commit()
        db.session.remove()
    return ids


def seed_workshops(app, n: int = 1, draft: bool = False) -> dict[str, int | list[int]]:
    """Workshop records on top of `seed_assessment(app, n)` (after `seed_demo`): a published
    curriculum, an office workshop of the Office of Operations with its proposed agenda and one
    invitation, and a nominee not yet invited. With `draft`, a draft of the next version with a
    module of its own and a revision (so that it may be published); without, no draft under way
    (so that one may be started). Returns the ids of seed_assessment and of these records."""
    from datetime import timedelta

    from tests.assessment.helpers import category, nominate
    from workshop.admin.models import Office, PlanCycle
    from workshop.workshops.services import (
        current_curriculum,
        draft_curriculum,
        invite,
        publish_version,
        record_revision,
        save_module,
        save_workshop,
        start_revision,
    )

    ids = seed_assessment(app, n)
    with app.app_context():
        cycle = db.session.get(PlanCycle, ids["cycle_id"])
        office = db.session.get(Office, ids["office_id"])
        if current_curriculum() is None:
            first = draft_curriculum() or start_revision()
            save_module(None, first, code="M1", title="Why gender matters",
                        duration_minutes=90, category_ids=[category().id])
            save_module(None, first, code="M2", title="Gender analysis", duration_minutes=120)
            publish_version(first, "First curriculum.")
        version = draft_curriculum()
        if draft:
            version = version or start_revision()
            module = save_module(None, version, code=f"T{n}", title=f"Module of tests {n}",
                                 duration_minutes=60, category_ids=[category().id])
            record_revision(version, module_code=module.code, change=f"Added T{n}.",
                            reason="Asked for by a test.")
        else:
            if version is not None:  # publish the draft under way, as a facilitator would
                if not version.modules:
                    save_module(None, version, code=f"T{n}", title=f"Module of tests {n}",
                                duration_minutes=60)
                if not version.revisions:
                    record_revision(version, change="Revised by a test.",
                                    reason="Asked for by a test.")
                publish_version(version)
            version = current_curriculum()
            module = version.modules[0]
        workshop = save_workshop(None, cycle_id=cycle.id, kind="office", office_id=office.id,
                                 title=f"Workshop of tests {n}",
                                 start_date=cycle.start_date + timedelta(days=60))
        guest = nominate(cycle, office, f"Guest {n}")
        invitation = invite(workshop, [ids["nomination_id"]])[0]
        ids.update({"version_id": version.id, "module_id": module.id,
                    "workshop_id": workshop.id, "agenda_id": workshop.agenda[0].id,
                    "invitation_id": invitation.id, "guest_id": guest.id,
                    "start_date": workshop.start_date.isoformat()})
        db.session.commit()
        db.session.remove()
    return ids


def seed_workplans(app, n: int = 1, status: str = "draft") -> dict[str, int]:
    """A work plan of the demo's Office of Operations (after `seed_demo`), in a plan cycle of
    its own so that every call may have a plan of that office: two objectives, an activity
    answering one of the cycle's two high-priority gaps, and an indicator. With `status`
    submitted, returned or approved, the focal point has submitted it (version 1) and the
    Gender Unit decided. Returns the ids of the records and what a body refers to."""
    from tests.assessment.helpers import finding, level, record, thematic
    from workshop.admin.models import Office, Strategy
    from workshop.admin.services import save_cycle
    from workshop.auth.services import find_user_by_email
    from workshop.workplans.services import (
        ActivityInput,
        IndicatorInput,
        approve_plan,
        plan_for,
        return_plan,
        save_activity,
        save_indicator,
        save_objective,
        submit_plan,
    )

    with app.app_context():
        office = db.session.scalar(select(Office).where(Office.acronym == "OO"))
        cycle = save_cycle(None, name=f"Plans of tests {n}", start_date=date(2030, 1, 1),
                           end_date=date(2031, 12, 31), status="planning")
        session = record(cycle, office, find_user_by_email(DEMO_ACCOUNTS["consultant"]),
                         when=datetime(2030, 2, 4, 9, 30),
                         headcounts={level("Professional").id: (1, 1)},
                         findings=[finding(f"Plan gap {n}a", priority="high"),
                                   finding(f"Plan gap {n}b", priority="high")])
        gap, other_gap = (f.gap_id for f in session.findings)
        plan = plan_for(cycle.id, office.id)
        objective = save_objective(None, plan, title=f"Objective of tests {n}")
        other = save_objective(None, plan, title=f"Second objective of tests {n}")
        strategy = db.session.scalars(select(Strategy).order_by(Strategy.position)).first()
        activity = save_activity(None, objective, ActivityInput(
            title=f"Activity of tests {n}", thematic_area_id=thematic().id,
            strategy_id=strategy.id, starts_on=date(2030, 3, 1), ends_on=date(2030, 9, 30),
            cost_core=Decimal("1500.00"), gap_ids=(gap,)))
        indicator = save_indicator(None, activity, IndicatorInput(
            statement=f"Indicator of tests {n}", baseline_value="0", target_value="10"))
        if status != "draft":
            submit_plan(plan, find_user_by_email(DEMO_ACCOUNTS["focal_point"]))
            adviser = find_user_by_email(DEMO_ACCOUNTS["gender_unit"])
            if status == "returned":
                return_plan(plan, adviser, "Returned by a test.")
            elif status == "approved":
                approve_plan(plan, adviser)
        ids = {"office_id": office.id, "cycle_id": cycle.id, "plan_id": plan.id,
               "plan_lock_version": plan.lock_version, "objective_id": objective.id,
               "other_objective_id": other.id, "activity_id": activity.id,
               "indicator_id": indicator.id, "thematic_area_id": thematic().id,
               "plan_gap_id": other_gap, "number": len(plan.versions)}
        db.session.commit()
        db.session.remove()
    return ids


def seed_actionplan(app, n: int = 1, published: bool = True) -> dict[str, int | list[int]]:
    """A departmental plan in a plan cycle of its own (after `seed_demo`): approved plans of the
    demo's OO, PD and MILDIV with one activity each, in the same thematic area and strategy and
    with titles alike (three overlapping pairs); the Gender Unit's decision on the first pair; a
    departmental objective the first activity counts under; and version 1 finalised and, with
    `published`, published. Returns the ids of the records and what a body refers to."""
    from tests.assessment.helpers import thematic
    from workshop.actionplan.services import (
        decide_overlaps,
        finalise,
        map_activities,
        publish,
    )
    from workshop.actionplan.services import save_objective as save_departmental_objective
    from workshop.admin.models import Office, Strategy
    from workshop.admin.services import save_cycle
    from workshop.auth.services import find_user_by_email
    from workshop.workplans.services import (
        ActivityInput,
        approve_plan,
        plan_for,
        save_activity,
        save_objective,
        submit_plan,
    )

    titles = {"OO": "Train senior managers on gender mainstreaming",
              "PD": "Gender mainstreaming training for senior managers",
              "MILDIV": "Training of senior managers on gender mainstreaming"}
    with app.app_context():
        adviser = find_user_by_email(DEMO_ACCOUNTS["gender_unit"])
        cycle = save_cycle(None, name=f"Action plan of tests {n}", start_date=date(2032, 1, 1),
                           end_date=date(2033, 12, 31), status="planning")
        strategy = db.session.scalars(select(Strategy).order_by(Strategy.position)).first()
        activities = []
        for acronym, title in titles.items():
            office = db.session.scalar(select(Office).where(Office.acronym == acronym))
            plan = plan_for(cycle.id, office.id)
            objective = save_objective(None, plan, title=f"Gender in the work of {acronym}")
            activities.append(save_activity(None, objective, ActivityInput(
                title=title, thematic_area_id=thematic().id, strategy_id=strategy.id,
                starts_on=date(2032, 3, 1), ends_on=date(2032, 9, 30),
                cost_core=Decimal("1000.00"), cost_extra=None)).id)
            submit_plan(plan, adviser)
            approve_plan(plan, adviser)
        first, second, third = activities
        decision = decide_overlaps(cycle, [(first, second)], "coordinate", adviser,
                                   "Decided by a test.")[0]
        objective = save_departmental_objective(None, cycle, title=f"Objective of tests {n}")
        map_activities(cycle, [first], objective)
        version = finalise(cycle, adviser, f"Version of tests {n}")
        if published:
            publish(version, adviser)
        ids = {"cycle_id": cycle.id, "objective_id": objective.id, "decision_id": decision.id,
               "number": version.number, "activity_ids": activities,
               "overlap": [first, third], "thematic_area_id": thematic().id}
        db.session.commit()
        db.session.remove()
    return ids


def seed_monitoring(app, n: int = 1, stage: str = "draft") -> dict[str, int]:
    """A plan cycle of its own being monitored (after `seed_demo`): the demo's Office of
    Operations' plan approved with one activity and a number indicator, published as version 1,
    quarters laid out. `stage` says where the office's report for the first quarter is: none
    (not started: the periods can still be laid out again), draft (one activity reported on)
    or submitted. Returns the ids of the records and what a body refers to."""
    from tests.assessment.helpers import thematic
    from workshop.actionplan.services import finalise, publish
    from workshop.admin.models import Office
    from workshop.admin.services import save_cycle
    from workshop.auth.services import find_user_by_email
    from workshop.monitoring.services import (
        report_for,
        save_progress,
        set_periods,
        submit_report,
    )
    from workshop.workplans.services import (
        ActivityInput,
        IndicatorInput,
        approve_plan,
        plan_for,
        save_activity,
        save_indicator,
        save_objective,
        submit_plan,
    )

    with app.app_context():
        office = db.session.scalar(select(Office).where(Office.acronym == "OO"))
        adviser = find_user_by_email(DEMO_ACCOUNTS["gender_unit"])
        focal = find_user_by_email(DEMO_ACCOUNTS["focal_point"])
        cycle = save_cycle(None, name=f"Monitoring of tests {n}", start_date=date(2034, 1, 1),
                           end_date=date(2035, 12, 31), status="planning")
        plan = plan_for(cycle.id, office.id)
        objective = save_objective(None, plan, title=f"Objective monitored {n}")
        activity = save_activity(None, objective, ActivityInput(
            title=f"Activity monitored {n}", thematic_area_id=thematic().id,
            starts_on=date(2034, 2, 1), ends_on=date(2034, 11, 30)))
        indicator = save_indicator(None, activity, IndicatorInput(
            statement=f"People trained {n}", baseline_value="0", target_value="40",
            baseline_date=date(2034, 2, 1), target_date=date(2034, 11, 30)))
        submit_plan(plan, focal)
        approve_plan(plan, adviser)
        publish(finalise(cycle, adviser), adviser)
        period = set_periods(cycle, "quarterly")[0]
        ids = {"cycle_id": cycle.id, "period_id": period.id, "office_id": office.id,
               "activity_id": activity.id, "indicator_id": indicator.id}
        if stage != "none":
            report = report_for(period, office.id)
            save_progress(report, activity.id, status="on_track", percent_complete=20,
                          narrative="Begun.")
            if stage == "submitted":
                submit_report(report, focal)
            ids.update(report_id=report.id, lock_version=report.lock_version)
        db.session.commit()
        db.session.remove()
    return ids
