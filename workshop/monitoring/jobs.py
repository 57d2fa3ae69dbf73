"""The scheduler and its jobs: reminders before a progress report is due, the escalation of an
overdue one, the Gender Unit's Monday digest, and e-mail.

`flask scheduler` runs one scheduler (APScheduler's BlockingScheduler) in its own process. Its
jobs live in the app's database, in the table `apscheduler_jobs`, under fixed ids: a restart
finds them with their next run times, and a run missed while the process was down happens
once when it comes back (runs are coalesced, with a generous grace time).

The first scheduler on a database does the day's follow-up at once. Every job is safe to run
twice, by one scheduler or by two at the same moment: each notice has a key its recipient gets
once (`notifications.notify`), e-mails are claimed before they are sent (`mail.py`), and every
condition is "on or after" a day, so a day the scheduler missed is caught up on the next.

The follow-up of a period's report, with the defaults (`REMINDER_DAYS_BEFORE` and
`ESCALATION_INTERVAL_DAYS` of 7): from seven days before the due date the office's focal
points are reminded; from the day after it the report is overdue and they are told so; seven
days later the head of the office is told, and seven days after that the Gender Unit. A report
the office submits stops the chain.
"""

import logging
import signal
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from apscheduler.events import EVENT_SCHEDULER_START
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask, current_app
from sqlalchemy import and_, func, inspect, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..actionplan.models import ActionPlanVersion
from ..admin.models import Office
from ..auth.models import User, UserRole
from ..auth.roles import FOCAL_POINT, GENDER_UNIT
from ..core.models import today
from ..core.templating import format_date
from ..core.validation import FieldError
from ..extensions import db
from . import services
from .mail import mail_configured, send_pending
from .models import Notification, ProgressReport, ReportingPeriod, scheduler_jobs
from .notifications import notify

log = logging.getLogger(__name__)

FOLLOW_UP_JOB, DIGEST_JOB, MAIL_JOB = "follow-up", "weekly-digest", "send-mail"
HOUR, DAY = 3600, 86400

# The app whose database the jobs work on; set by `make_scheduler`.
_app: Flask | None = None


# -- the scheduler ------------------------------------------------------------------------------


def job_definitions(config) -> list[dict]:
    """The jobs the scheduler runs, as keyword arguments of `add_job`: fixed ids, functions
    named by text so that the stored jobs outlive the process."""
    jobs = [
        {"id": FOLLOW_UP_JOB, "func": "workshop.monitoring.jobs:follow_up",
         "name": "Reminders and escalations of progress reports",
         "trigger": CronTrigger(hour=int(config["FOLLOW_UP_HOUR"]), minute=0, timezone=UTC),
         "misfire_grace_time": DAY},
        {"id": DIGEST_JOB, "func": "workshop.monitoring.jobs:weekly_digest",
         "name": "The Gender Unit's weekly digest",
         "trigger": CronTrigger(day_of_week="mon", hour=int(config["DIGEST_HOUR"]), minute=0,
                                timezone=UTC),
         "misfire_grace_time": 6 * DAY},  # a digest still goes out later in its week
    ]
    if mail_configured(config):
        jobs.append({"id": MAIL_JOB, "func": "workshop.monitoring.jobs:send_mail",
                     "name": "E-mail of new notifications",
                     "trigger": IntervalTrigger(seconds=int(config["MAIL_INTERVAL_SECONDS"]),
                                                timezone=UTC),
                     "misfire_grace_time": HOUR})
    return jobs


def install_jobs(scheduler: BaseScheduler, config, engine) -> None:
    """Add the jobs to `scheduler`, replacing the stored ones of the same ids but keeping their
    next run times (so that a run missed while no scheduler ran happens when one starts), and
    drop stored jobs that are no longer run (e-mail, once no mail server is set up). On a
    database where the follow-up has never been scheduled, it runs at once: the day's
    reminders do not wait for tomorrow."""
    definitions = job_definitions(config)
    stored = {}
    with engine.begin() as connection:
        if inspect(connection).has_table(scheduler_jobs.name):
            connection.execute(scheduler_jobs.delete().where(
                scheduler_jobs.c.id.not_in([d["id"] for d in definitions])))
            stored = dict(connection.execute(
                select(scheduler_jobs.c.id, scheduler_jobs.c.next_run_time)).all())
    for definition in definitions:
        kept = {}
        if stored.get(definition["id"]) is not None:
            kept["next_run_time"] = datetime.fromtimestamp(stored[definition["id"]], UTC)
        elif definition["id"] == FOLLOW_UP_JOB and FOLLOW_UP_JOB not in stored:
            kept["next_run_time"] = datetime.now(UTC)
        scheduler.add_job(replace_existing=True, **definition, **kept)


def make_scheduler(app: Flask, scheduler_class: type[BaseScheduler] = BlockingScheduler,
                   **options) -> BaseScheduler:
    """A scheduler of `scheduler_class` whose jobs are stored in the app's database, with the
    jobs installed, ready to start. The jobs run on `app`; `options` go to the scheduler
    (say, other executors)."""
    global _app
    _app = app
    with app.app_context():
        engine = db.engine
    options.setdefault("executors", {"default": ThreadPoolExecutor(1)})  # one job at a time
    scheduler = scheduler_class(
        jobstores={"default": SQLAlchemyJobStore(engine=engine,
                                                 tablename=scheduler_jobs.name)},
        job_defaults={"coalesce": True, "max_instances": 1},
        timezone=UTC, **options)
    install_jobs(scheduler, app.config, engine)
    return scheduler


def run_scheduler(app: Flask) -> None:
    """Run the scheduler in this process until Ctrl+C or SIGTERM."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.INFO)
    log.setLevel(logging.INFO)
    scheduler = make_scheduler(app)

    def started(event):
        if not mail_configured(app.config):
            log.info("No MAIL_SERVER set: notifications stay in the inbox and are not e-mailed.")
        for job in scheduler.get_jobs():
            log.info("%s: next run %s", job.name, job.next_run_time)

    def stop(signum, frame):
        if scheduler.running:
            scheduler.shutdown(wait=False)

    scheduler.add_listener(started, EVENT_SCHEDULER_START)
    signal.signal(signal.SIGTERM, stop)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        stop(None, None)


@contextmanager
def _job_context():
    """An app context of its own for a job run, committed at the end or rolled back."""
    app = _app
    if app is None:
        from .. import create_app

        app = create_app()
    with app.app_context():
        try:
            yield
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise


# -- the jobs -------------------------------------------------------------------------------------


def follow_up() -> int:
    """The daily job: reminders, overdue notices and escalations, then their e-mails. Returns
    how many notices it wrote."""
    with _job_context():
        written = follow_up_reports(today())
        db.session.commit()
        send_pending()
    return written


def weekly_digest() -> int:
    """The Monday job: the Gender Unit's digest of the week, then its e-mails."""
    with _job_context():
        written = send_digest(today())
        db.session.commit()
        send_pending()
    return written


def send_mail() -> int:
    """The frequent job: e-mail notifications not yet e-mailed."""
    with _job_context():
        return send_pending()


# -- who is expected to report ------------------------------------------------------------------


@dataclass
class Expected:
    """An office expected to report for an open period, with its report (None until started)."""

    period: ReportingPeriod
    office: Office
    report: ProgressReport | None

    @property
    def reported(self) -> bool:
        """True once the report is with the Gender Unit or accepted."""
        return self.report is not None and self.report.status in ("submitted", "accepted")

    @property
    def url(self) -> str:
        return f"/monitoring/periods/{self.period.id}/offices/{self.office.id}"

    def key(self, notice: str) -> str:
        return f"report:{self.period.id}:{self.office.id}:{notice}"


def expected_reports() -> list[Expected]:
    """Every office expected to report for every open period (the active offices with
    activities in the latest published version of the cycle's plan), with its report, by due
    date and office. A fixed number of queries however many offices and periods there are."""
    periods = db.session.scalars(select(ReportingPeriod).where(ReportingPeriod.status == "open")
                                 .order_by(ReportingPeriod.due_on, ReportingPeriod.id)).all()
    if not periods:
        return []
    latest = (select(ActionPlanVersion.cycle_id,
                     func.max(ActionPlanVersion.number).label("number"))
              .where(ActionPlanVersion.cycle_id.in_({p.cycle_id for p in periods}),
                     ActionPlanVersion.published_at.is_not(None))
              .group_by(ActionPlanVersion.cycle_id).subquery())
    versions = db.session.scalars(select(ActionPlanVersion).join(latest, and_(
        ActionPlanVersion.cycle_id == latest.c.cycle_id,
        ActionPlanVersion.number == latest.c.number)))
    offices_of = {v.cycle_id: {a["office_id"] for a in v.content.get("activities", [])}
                  for v in versions}
    office_ids = set().union(*offices_of.values())
    if not office_ids:
        return []
    offices = db.session.scalars(
        select(Office).options(joinedload(Office.head))
        .where(Office.id.in_(office_ids), Office.active).order_by(Office.acronym)).unique().all()
    reports = {(r.period_id, r.office_id): r for r in db.session.scalars(
        select(ProgressReport).where(ProgressReport.period_id.in_([p.id for p in periods]),
                                     ProgressReport.office_id.in_(office_ids)))}
    return [Expected(period, office, reports.get((period.id, office.id)))
            for period in periods for office in offices
            if office.id in offices_of.get(period.cycle_id, ())]


def _users_with_role(role: str, office_ids=None) -> list[User]:
    query = (select(User).join(UserRole).where(UserRole.role == role, User.active)
             .order_by(User.name, User.id))
    if office_ids is not None:
        query = query.where(User.office_id.in_(office_ids))
    return list(db.session.scalars(query).unique())


def _sent_keys(periods) -> set[tuple[int, str]]:
    """The (user, key) pairs already written for these periods' reports."""
    prefixes = [Notification.key.startswith(f"report:{p.id}:", autoescape=True)
                for p in periods]
    if not prefixes:
        return set()
    return set(db.session.execute(
        select(Notification.user_id, Notification.key).where(or_(*prefixes))).all())


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


# -- reminders and escalation -------------------------------------------------------------------


def _first_overdue_day(item: Expected) -> date:
    """The first day a report counts as overdue: the day after the due date, or for a report
    the Gender Unit returned after that date, the day after it was returned."""
    first = item.period.due_on + timedelta(days=1)
    report = item.report
    if report is not None and report.status == "returned" and report.decided_at is not None:
        first = max(first, report.decided_at.date() + timedelta(days=1))
    return first


def _report_row(item: Expected) -> ProgressReport | None:
    """The office's report for the period, started now if it was not (None when it cannot be);
    another scheduler may be starting it at the same moment."""
    try:
        with db.session.begin_nested():
            return services.report_for(item.period, item.office.id)
    except FieldError as error:
        log.warning("%s %s: %s", item.office.acronym, item.period.label, error)
        return None
    except IntegrityError:
        return db.session.scalar(select(ProgressReport).where(
            ProgressReport.period_id == item.period.id,
            ProgressReport.office_id == item.office.id))


def follow_up_reports(on: date) -> int:
    """Remind, mark overdue and escalate, as things stand on `on`, every report expected and
    not yet with the Gender Unit; returns how many notices were written. Flushes, does not
    commit."""
    config = current_app.config
    before = timedelta(days=int(config["REMINDER_DAYS_BEFORE"]))
    interval = max(int(config["ESCALATION_INTERVAL_DAYS"]), 1)
    items = [item for item in expected_reports()
             if not item.reported and on >= item.period.due_on - before]
    if not items:
        return 0
    focal_points: dict[int, list[User]] = {}
    for user in _users_with_role(FOCAL_POINT, {item.office.id for item in items}):
        focal_points.setdefault(user.office_id, []).append(user)
    gender_unit = _users_with_role(GENDER_UNIT)
    sent = _sent_keys({item.period for item in items})
    written = 0

    def tell(users, item, notice, kind, title, body):
        nonlocal written
        key = item.key(notice)
        for user in users:
            if (user.id, key) not in sent and notify(user.id, key, kind=kind, title=title,
                                                     body=body, url=item.url):
                written += 1

    for item in items:
        period, office = item.period, item.office
        due, label = period.due_on, f"the {period.label} progress report"
        focal = focal_points.get(office.id, [])
        if on <= due:
            left = (due - on).days
            when = "today" if left == 0 else f"in {_days(left)}, on {format_date(due)}"
            tell(focal, item, "remind", "reminder",
                 f"{office.acronym}: {label} is due {'today' if left == 0 else format_date(due)}",
                 f"The progress report of the {office.name} for {period.label} is due {when}. "
                 "Report on each activity and indicator, then submit the report.")
            continue
        first = (item.report.overdue_since if item.report and item.report.overdue_since
                 else _first_overdue_day(item))
        if on < first:
            continue  # returned after the due date; the office has until tomorrow
        report = item.report or _report_row(item)
        if report is None or report.status in ("submitted", "accepted"):
            continue
        step = 1 + min((on - first).days // interval, 2)
        if report.overdue_since is None:
            report.overdue_since = first
        report.escalation_step = max(report.escalation_step or 0, step)
        late, was_due = _days((on - due).days), (f"The progress report of the {office.name} for "
                                                  f"{period.label} was due on {format_date(due)}")
        head = office.head if office.head is not None and office.head.active else None
        head_day, unit_day = first + timedelta(days=interval), first + timedelta(days=2 * interval)
        warning = ""
        if step == 1:
            warning = (f" Submit it by {format_date(head_day - timedelta(days=1))}; after that "
                       "the head of the office is told." if head else
                       f" Submit it by {format_date(unit_day - timedelta(days=1))}; after that "
                       "the Gender Unit is told.")
        tell(focal, item, "overdue", "overdue", f"{office.acronym}: {label} is overdue",
             f"{was_due}.{warning or ' Submit it as soon as you can.'}")
        if step >= 2 and head:
            told = ("The office's focal points have been told." if focal else
                    "The office has no focal point to remind.")
            warning = (f" If it is not submitted by {format_date(unit_day - timedelta(days=1))},"
                       " the Gender Unit is told." if step == 2 else "")
            tell([head], item, "escalate:2", "escalation",
                 f"{office.acronym}: {label} is {late} overdue",
                 f"{was_due} and has not been submitted. {told}{warning}")
        if step >= 3:
            told = [who for who, there in (("its focal points", focal),
                                           ("the head of the office", head)) if there]
            notes = [f"The office was told: {' and '.join(told)}." if told else ""]
            if not focal:
                notes.append(f"{office.acronym} has no focal point, so no one in the office "
                             "was reminded.")
            if not head:
                notes.append(f"No head of office is recorded for {office.acronym}, so no one "
                             "was told at the second step; record one on the office's page.")
            tell(gender_unit, item, "escalate:3", "escalation",
                 f"{office.acronym}: {label} is {late} overdue",
                 " ".join([f"{was_due} and has not been submitted.", *filter(None, notes)]))
    db.session.flush()
    return written


# -- the weekly digest --------------------------------------------------------------------------


def digest_key(on: date) -> str:
    """The digest's key: one a week."""
    year, week, _ = on.isocalendar()
    return f"digest:{year}-W{week:02d}"


def digest_text(on: date) -> tuple[str, str] | None:
    """The title and body of the Gender Unit's digest as things stand on `on`, or None when
    nothing waits: reports to review, overdue reports, reports returned and not yet
    resubmitted, and periods due in the next two weeks."""
    expected = expected_reports()
    waiting = db.session.execute(
        select(ProgressReport, ReportingPeriod, Office)
        .join(ProgressReport.period).join(ProgressReport.office)
        .where(ProgressReport.status.in_(("submitted", "returned")))
        .order_by(ReportingPeriod.due_on, Office.acronym)).all()
    to_review = [(r, p, o) for r, p, o in waiting if r.status == "submitted"]
    returned = [(r, p, o) for r, p, o in waiting if r.status == "returned"]
    overdue = [item for item in expected if not item.reported and item.period.due_on < on]
    soon = {}
    for item in expected:
        if on <= item.period.due_on <= on + timedelta(days=14):
            counts = soon.setdefault(item.period, [0, 0])
            counts[0] += item.reported
            counts[1] += 1
    if not (to_review or returned or overdue or soon):
        return None
    states = {None: "not started", "draft": "a draft", "returned": "returned to the office"}
    lines = []
    if to_review:
        lines.append(f"Reports waiting for your review ({len(to_review)}):")
        lines += [f"- {o.acronym}, {p.label}: submitted {format_date(r.submitted_at)}"
                  for r, p, o in to_review]
    if overdue:
        lines.append(f"Overdue reports ({len(overdue)}):")
        lines += [f"- {i.office.acronym}, {i.period.label}: "
                  f"{_days((on - i.period.due_on).days)} overdue, "
                  f"{states[i.report.status if i.report else None]}" for i in overdue]
    if returned:
        lines.append(f"Returned to the office and not yet resubmitted ({len(returned)}):")
        lines += [f"- {o.acronym}, {p.label}: returned {format_date(r.decided_at)}"
                  for r, p, o in returned]
    if soon:
        lines.append("Due in the next two weeks:")
        lines += [f"- {p.label}: due {format_date(p.due_on)}, {done} of {total} offices "
                  "have submitted" for p, (done, total) in soon.items()]
    title = (f"Weekly digest: {len(to_review)} to review, {len(overdue)} overdue, "
             f"{len(returned)} returned")
    return title, "\n".join(lines)


def send_digest(on: date) -> int:
    """Give every Gender Unit user this week's digest, once; returns how many were written.
    Flushes, does not commit."""
    text = digest_text(on)
    if text is None:
        return 0
    title, body = text
    key = digest_key(on)
    return sum(notify(user.id, key, kind="digest", title=title, body=body,
                      url="/monitoring/dashboard")
               for user in _users_with_role(GENDER_UNIT))

