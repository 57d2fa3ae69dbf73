"""The monitoring story that `flask demo-data` tells: quarters reported, the first late, with
evidence, good practices and drafts of the current quarter."""

import pytest
from sqlalchemy import select

from tests.demo import active_cycle, run_demo
from workshop.actionplan.models import ActionPlanVersion
from workshop.admin.models import Office
from workshop.core.models import today
from workshop.core.validation import FieldError
from workshop.extensions import db
from workshop.monitoring.models import (
    ActivityProgress,
    EvidenceFile,
    Notification,
    ReportingPeriod,
)
from workshop.monitoring.services import reopen_period


def test_two_or_more_quarters_reported_one_late_with_evidence_and_good_practice(app, runner):
    output = run_demo(runner)
    line = next(t for t in output.splitlines() if t.startswith("Monitoring"))
    with app.app_context():
        cycle = active_cycle()
        published = db.session.scalar(select(ActionPlanVersion.published_at)).date()
        periods = db.session.scalars(select(ReportingPeriod).where(
            ReportingPeriod.cycle_id == cycle.id).order_by(ReportingPeriod.number)).all()
        reported = [p for p in periods if p.reports and all(
            r.status == "accepted" for r in p.reports)]
        assert len(reported) >= 2
        assert all(len(p.reports) == 5 for p in reported)
        # Every report came in after the plan was published and before today, on a weekday.
        for period in reported:
            for report in period.reports:
                assert published < report.submitted_at.date() < today()
                assert report.submitted_at <= report.decided_at
                assert report.submitted_at.weekday() < 5
        late = [p for p in reported
                if any(r.submitted_at.date() > p.due_on for r in p.reports)]
        assert reported[0] in late and all(
            r.submitted_at.date() > reported[0].due_on for r in reported[0].reports)
        assert f"{len(reported)} reported" in line and reported[0].label in line

        # The first quarter is closed with every report accepted: locked.
        assert reported[0].status == "closed"
        with pytest.raises(FieldError, match="locked"):
            reopen_period(reported[0])

        # Evidence is a real PDF kept in the database; good practices carry a lesson.
        evidence = db.session.scalars(select(EvidenceFile)).all()
        assert len(evidence) >= 2 * 5
        assert all(e.data.startswith(b"%PDF-") and e.size == len(e.data) for e in evidence)
        practices = db.session.scalars(select(ActivityProgress).where(
            ActivityProgress.good_practice)).all()
        assert practices and all(p.lesson for p in practices)
        assert {p.report.period_id for p in practices} == {reported[-1].id}

        # The current quarter, not yet due, has drafts; every office has a head.
        current = next((p for p in periods if p.starts_on <= today() <= p.due_on
                        and p not in reported), None)
        if current is not None:
            assert sorted(r.office.acronym for r in current.reports) == ["MILDIV", "OO"]
            assert {r.status for r in current.reports} == {"draft"}
        assert all(o.head is not None for o in db.session.scalars(select(Office)))

        # The scheduler's follow-up ran on the days it would have: a reminder to each office's
        # focal point a week before each due date, overdue notices the day after.
        notices = db.session.scalars(select(Notification).order_by(Notification.id)).all()
        reminders = [n for n in notices if n.kind == "reminder"]
        assert len(reminders) == 5 * len(reported)
        assert {(n.created_at.date() - p.due_on).days for p in reported for n in reminders
                if n.key.startswith(f"report:{p.id}:")} == {-7}
        overdue = [n for n in notices if n.kind == "overdue"]
        assert {n.key.split(":")[1] for n in overdue} >= {str(reported[0].id)}
        assert all(n.user.email.startswith("focal.") for n in reminders + overdue)
