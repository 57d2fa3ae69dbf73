"""Home-page tasks of monitoring: an office's report falling due or returned for correction;
for the Gender Unit, reports waiting for review and reporting periods still to lay out."""

from datetime import timedelta

from flask import url_for
from sqlalchemy import func, select

from ..actionplan.models import ActionPlanVersion
from ..admin.models import Office
from ..admin.services import current_cycle
from ..core import models as clock
from ..core.hooks import Task, task_provider
from ..extensions import db
from .models import ProgressReport, ReportingPeriod
from .services import days_overdue, published_plan_activities

SECTION = "Progress reports"
# An office is asked for its report from this many days before the period ends.
ASKED_BEFORE_END = 14
SOON = 7  # days before the due date from which a report due is a warning


@task_provider
def monitoring_tasks(user) -> list[Task]:
    """The report due and the report to correct for office staff; the reports to review and
    the periods to lay out for the Gender Unit. A fixed number of queries."""
    office_user = user.can("report_progress") and user.office_id is not None
    reviewer = user.can("review_progress")
    if not (office_user or reviewer):
        return []
    cycle = current_cycle()
    if cycle is None or cycle.status == "closed":
        return []
    tasks = []
    if office_user:
        tasks += _office_tasks(user, cycle)
    if reviewer:
        tasks += _review_tasks(user, cycle)
    return tasks


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def _office_tasks(user, cycle) -> list[Task]:
    on = clock.today()
    periods = db.session.scalars(
        select(ReportingPeriod).where(
            ReportingPeriod.cycle_id == cycle.id, ReportingPeriod.status == "open",
            ReportingPeriod.ends_on <= on + timedelta(days=ASKED_BEFORE_END))
        .order_by(ReportingPeriod.number)).all()
    if not periods:
        return []
    reports = {r.period_id: r for r in db.session.scalars(select(ProgressReport).where(
        ProgressReport.office_id == user.office_id,
        ProgressReport.period_id.in_([p.id for p in periods])))}
    if any(p.id not in reports for p in periods) and \
            user.office_id not in published_plan_activities(cycle.id):
        return []  # the office has nothing in the published plan to report on
    submits = user.can("submit_progress")
    tasks = []
    for period in periods:
        report = reports.get(period.id)
        url = url_for("monitoring.report", period_id=period.id, office_id=user.office_id)
        late = days_overdue(period, on)
        if report is not None and report.status == "returned":
            tasks.append(Task(
                f"Correct the returned report for {period.label}",
                f"The Gender Unit returned it on {report.decided_at:%d %b %Y} with comments. "
                + ("Correct it and submit it again." if submits else
                   "Correct it; the focal point submits it again.")
                + (f" It is {_days(late)} overdue." if late else ""),
                url, "danger" if late else "warning", period.due_on, SECTION))
        elif report is None or report.status == "draft":
            state = "not started" if report is None else "a draft"
            if late:
                when, level = f"It was due on {period.due_on:%d %b %Y}, {_days(late)} ago", \
                    "danger"
            else:
                left = (period.due_on - on).days
                when = f"Due on {period.due_on:%d %b %Y}" + (
                    " (today)" if left == 0 else f" (in {_days(left)})")
                level = "warning" if left <= SOON else "info"
            tasks.append(Task(
                f"Report progress for {period.label}",
                f"{when}; your office's report is {state}."
                + ("" if submits else " The focal point submits it."),
                url, level, period.due_on, SECTION))
    return tasks


def _review_tasks(user, cycle) -> list[Task]:
    tasks = []
    waiting = db.session.execute(
        select(ProgressReport.period_id, ReportingPeriod.label, Office.acronym)
        .join(ProgressReport.period).join(Office, Office.id == ProgressReport.office_id)
        .where(ReportingPeriod.cycle_id == cycle.id, ProgressReport.status == "submitted")
        .order_by(ReportingPeriod.number, Office.acronym)).all()
    if waiting:
        names = [f"{acronym} ({label})" for _, label, acronym in waiting]
        periods = {period_id for period_id, _, _ in waiting}
        url = (url_for("monitoring.period", period_id=periods.pop()) if len(periods) == 1
               else url_for("monitoring.index", cycle=cycle.id))
        count = len(waiting)
        tasks.append(Task(
            f"Review {count} submitted progress report{'s' if count != 1 else ''}",
            ", ".join(names[:8]) + ("…" if count > 8 else "")
            + ": accept each or return it to the office with what to correct.",
            url, "info", section=SECTION))
    if user.can("manage_periods"):
        laid_out = db.session.scalar(select(func.count()).select_from(ReportingPeriod)
                                     .where(ReportingPeriod.cycle_id == cycle.id))
        published = None if laid_out else db.session.scalar(
            select(func.max(ActionPlanVersion.number)).where(
                ActionPlanVersion.cycle_id == cycle.id,
                ActionPlanVersion.published_at.is_not(None)))
        if published:
            tasks.append(Task(
                "Lay out the reporting periods",
                f"Version {published} of the action plan is published; set the cycle's "
                "reporting periods and their due dates so that offices can report on it.",
                url_for("monitoring.index", cycle=cycle.id), "warning", section=SECTION))
    return tasks
