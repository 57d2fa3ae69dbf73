"""Demo data of monitoring: the offices report on the published plan quarter by quarter.

The Gender Unit lays out quarterly reporting periods from the quarter in which the first
activities of the published plan start, each due fifteen days after it ends. The first quarter's
reports all came in late: the plan had only just been published, and its reports were due
before the offices had settled into reporting. Every later quarter that has fallen due was
reported on time, except the Police Division's report on the most recent one, which was a week
late. The Gender Unit returned the Office of Operations' first report, asking for the source of
a figure; the office corrected it and it was accepted. Every report is accepted a few days
after it came in, and the first quarter, all accepted, is closed and locked.

Activities move at different paces: most are on track, some at risk or off track, a few
completed early, one cancelled. Indicators follow their activity's pace from baseline toward
target, split between women and men where the indicator is. Each office backs one figure of each
report with an evidence file and flags a good practice in its latest report. In the current
quarter, not yet due, two offices have started drafting.

Each office has a head, to whom the scheduler escalates an overdue report. At larger scales every
copy of an office tells the same story.
"""

import hashlib
import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from flask import current_app
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from sqlalchemy import func, select, update

from ..actionplan.services import published_version
from ..admin.demo import DEMO_PASSWORD
from ..admin.models import Office, PlanCycle
from ..auth.models import User
from ..auth.services import create_user
from ..core.hooks import demo_step
from ..extensions import db
from ..workplans.demo import ADVISER, demo_office
from .models import (
    ActivityProgress,
    EvidenceFile,
    Measurement,
    Notification,
    ProgressReport,
    ReportComment,
    ReportingPeriod,
)
from .progress import number, time_share
from .services import set_periods

# The heads of the demo offices (by the acronym an office copies).
HEADS = {"OO": "Abdou Ndiaye", "OMS": "Carmen Ortega", "MILDIV": "Viktor Novak",
         "PD": "Ruth Achieng", "PBPS": "Hiroshi Tanaka"}
LATE_ON_THE_LATEST = "PD"
RETURNED_FIRST = "OO"
DRAFTING_NOW = ("OO", "MILDIV")
RETURN_NOTE = ("Please give the source of the figure on assessment missions: which terms of "
               "reference were counted, and where they are kept.")

# What each office learned and offers to others, flagged as a good practice.
GOOD_PRACTICES = {
    "OO": "Adding the gender questions to the standard terms of reference, rather than "
          "sending a separate checklist, meant every assessment team answered them.",
    "OMS": "Posting the misconduct reporting material in every mission's induction pack "
           "reached new staff in their first week.",
    "MILDIV": "Asking contributing countries for women officers by name, post by post, "
              "brought more nominations than general appeals.",
    "PD": "Women's police desks staffed in pairs kept their hours when one officer was away.",
    "PBPS": "Short practice notes written with the mission staff who did the work were read "
            "far more than long studies.",
}
NARRATIVES = {
    "not_started": "Not started yet; planned to begin next quarter.",
    "on_track": "Work is going as planned.",
    "at_risk": "Work has started but is slower than planned.",
    "off_track": "Work has fallen well behind the plan.",
    "completed": "Completed as planned.",
    "cancelled": "Cancelled: the work is now done by another office.",
}
CHALLENGES = {
    "at_risk": "Staff time was taken by a mission start-up.",
    "off_track": "The funds expected did not arrive this quarter.",
}
NEXT_STEPS = {
    "on_track": "Carry on as planned.",
    "at_risk": "Agree a new schedule with the section chief.",
    "off_track": "Ask the Gender Unit for help finding funds.",
    "not_started": "Start as planned.",
}
# How fast an activity moves compared with its plan, by a stable hash of its id.
PACES = (0.55, 0.85, 1.0, 1.0, 1.15)


def _quarter_start(day: date) -> date:
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def _stable(value: int, modulo: int) -> int:
    return int(hashlib.sha256(str(value).encode()).hexdigest(), 16) % modulo


def _weekday(day: date, hour: int) -> datetime:
    while day.weekday() > 4:
        day -= timedelta(days=1)
    return datetime.combine(day, time(hour, 0))


def _share(activity: dict, period: ReportingPeriod) -> float:
    """How much of the activity's time has gone by the end of the period, 0 to 1."""
    starts = date.fromisoformat(activity["starts_on"]) if activity.get("starts_on") else None
    ends = date.fromisoformat(activity["ends_on"]) if activity.get("ends_on") else None
    share = time_share(period.ends_on, starts, ends)
    return 0.5 if share is None else float(share)


def _status(activity: dict, period: ReportingPeriod) -> tuple[str, int | None]:
    """Where the activity stands at the end of the period, and how far along it is."""
    if _stable(activity["id"], 23) == 0 and period.number > 1:
        return "cancelled", None
    pace = PACES[_stable(activity["id"], len(PACES))]
    done = min(round(_share(activity, period) * pace * 100), 100)
    if done == 0:
        return "not_started", 0
    if done == 100:
        return "completed", 100
    if pace < 0.7:
        return "off_track", done
    if pace < 0.9:
        return "at_risk", done
    return "on_track", done


def _measurement(indicator: dict, share: float, activity: dict) -> Measurement | None:
    """The indicator's value after `share` of its way, of the kind its unit says."""
    pace = PACES[_stable(activity["id"], len(PACES))]
    way = min(share * pace, 1.0)
    source = (indicator.get("verification") or "Office records")[:300]
    if indicator["unit"] == "yes_no":
        return Measurement(indicator_id=indicator["id"], value_text="yes" if way >= 0.8 else "no",
                           source=source)
    if indicator["unit"] == "text":
        return Measurement(indicator_id=indicator["id"], value_text=NARRATIVES["on_track"],
                           source=source)
    start, goal = number(indicator["baseline_value"]), number(indicator["target_value"])
    if start is None or goal is None:
        return None
    value = (start + (goal - start) * Decimal(str(way))).quantize(Decimal(1))
    measurement = Measurement(indicator_id=indicator["id"], value_number=value, source=source)
    if indicator["unit"] == "number" and indicator.get("sex_disaggregated"):
        measurement.female = (value * Decimal("0.45")).quantize(Decimal(1))
        measurement.male = value - measurement.female
    return measurement


def _evidence_pdf(office: str, period: str, statement: str) -> bytes:
    """A one-page record such as an office keeps behind a figure."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setTitle(f"{office} {period} evidence")
    page.setFont("Helvetica-Bold", 14)
    page.drawString(72, 770, f"{office}: record for {period}")
    page.setFont("Helvetica", 10)
    page.drawString(72, 745, statement[:95])
    page.drawString(72, 728, "Kept by the office's gender focal point.")
    page.showPage()
    page.save()
    return buffer.getvalue()


def _report(period: ReportingPeriod, office: Office, base: str, activities: list[dict],
            *, draft: bool, good_practice: bool, uploader: User | None,
            started: ProgressReport | None = None) -> ProgressReport:
    """The office's report for the period (`started`: the one the scheduler started when it
    marked the report overdue, with a line for each activity)."""
    report = started or ProgressReport(period=period, office_id=office.id)
    existing = {line.activity_id: line for line in report.activities}
    evidence_done = False
    lines = activities[:3] if draft else activities
    flagged = False
    for activity in lines:
        status, done = _status(activity, period)
        line = existing.get(activity["id"]) or ActivityProgress(activity_id=activity["id"])
        line.status, line.percent_complete = status, done
        line.narrative, line.challenges = NARRATIVES[status], CHALLENGES.get(status, "")
        line.next_steps = NEXT_STEPS.get(status, "")
        if good_practice and not flagged and status in ("on_track", "completed"):
            line.good_practice, line.lesson, flagged = True, GOOD_PRACTICES[base], True
        if activity["id"] not in existing:
            report.activities.append(line)
        if status == "cancelled":
            continue
        for indicator in activity["indicators"]:
            measurement = _measurement(indicator, _share(activity, period), activity)
            if measurement is None:
                continue
            report.measurements.append(measurement)
            if not evidence_done and not draft:
                data = _evidence_pdf(office.acronym, period.label, indicator["statement"])
                measurement.evidence.append(EvidenceFile(
                    filename=f"{office.acronym.lower()}-{period.label.replace(' ', '-').lower()}"
                             f"-record.pdf", content_type="application/pdf", size=len(data),
                    sha256=hashlib.sha256(data).hexdigest(), data=data, uploaded_by=uploader))
                evidence_done = True
    # Activities not yet reported on in a draft still have their line.
    for activity in activities[len(lines):]:
        if activity["id"] not in existing:
            report.activities.append(ActivityProgress(activity_id=activity["id"]))
    db.session.add(report)
    return report


def _scheduler_on(day: date, read: bool) -> int:
    """What the scheduler's daily follow-up wrote on `day`, dated that morning (and read the
    next day, for all but the latest notices)."""
    from .jobs import follow_up_reports

    last = db.session.scalar(select(func.max(Notification.id))) or 0
    written = follow_up_reports(day)
    morning = datetime.combine(day, time(6, 0))
    db.session.execute(update(Notification).where(Notification.id > last).values(
        created_at=morning, updated_at=morning,
        read_at=morning + timedelta(days=1, hours=3) if read else None))
    return written


@demo_step(60)
def demo_monitoring(scale: int, on: date) -> str:
    """Quarterly periods, the quarters due so far reported and accepted (the first late),
    evidence, good practices, drafts of the current quarter, and the offices' heads."""
    cycle = db.session.scalar(select(PlanCycle).where(PlanCycle.status == "active"))
    if cycle is None:
        return "Monitoring: no active cycle, nothing added."
    version = published_version(cycle.id)
    if version is None:
        return f"Monitoring {cycle.name}: no published action plan, nothing to report on."
    if db.session.scalar(select(func.count()).select_from(ReportingPeriod)
                         .where(ReportingPeriod.cycle_id == cycle.id)):
        return f"Monitoring {cycle.name}: reporting periods exist already, nothing added."
    published = version.published_at.date()
    activities = version.content["activities"]
    starts = [date.fromisoformat(a["starts_on"]) for a in activities if a.get("starts_on")]
    first = _quarter_start(max(min(starts, default=published), cycle.start_date))
    periods = set_periods(cycle, "quarterly", starts_on=first)

    offices = db.session.scalars(select(Office).where(Office.active).order_by(Office.id)).all()
    by_office: dict[int, list[dict]] = {}
    for activity in activities:
        by_office.setdefault(activity["office_id"], []).append(activity)
    adviser = db.session.scalar(select(User).where(User.email == ADVISER))
    focal = {u.office_id: u for u in db.session.scalars(
        select(User).where(User.email.like("focal.%")))}
    heads = []
    for index, office in enumerate(offices):
        base, copy = demo_office(office, index)
        if copy == 1 and base in HEADS:
            head = create_user(email=f"head.{office.acronym.lower()}@example.org",
                               name=HEADS[base], password=DEMO_PASSWORD, roles={"viewer"},
                               office_id=office.id, check_strength=False,
                               password_hash=adviser.password_hash if adviser else None)
            office.head_id = head.id
            heads.append(head.email)

    due = [p for p in periods if p.due_on < on]
    current = next((p for p in periods if p not in due and p.starts_on <= on), None)
    reports, late, notices = 0, [], 0
    remind = timedelta(days=int(current_app.config["REMINDER_DAYS_BEFORE"]))
    db.session.flush()
    for number_due, period in enumerate(due):
        first_period = number_due == 0
        latest = number_due == len(due) - 1
        if period.due_on - remind > published:
            notices += _scheduler_on(period.due_on - remind, read=not latest)
        sending = []
        for index, office in enumerate(offices):
            lines = by_office.get(office.id)
            if not lines:
                continue
            base, _ = demo_office(office, index)
            if first_period:
                sent = max(period.due_on + timedelta(days=6), published + timedelta(days=10))
            elif latest and base == LATE_ON_THE_LATEST:
                sent = period.due_on + timedelta(days=7)
            else:
                sent = period.due_on - timedelta(days=3)
            sending.append((min(sent, on - timedelta(days=2)), office, base, lines))
        # Reports in on time first; the day after the due date the scheduler marks the others
        # overdue (starting their report) and tells their focal points.
        sending.sort(key=lambda item: item[0] > period.due_on)
        overdue_checked = False
        for sent, office, base, lines in sending:
            started = None
            if sent > period.due_on and not overdue_checked:
                db.session.flush()
                notices += _scheduler_on(period.due_on + timedelta(days=1),
                                         read=not latest)
                overdue_checked = True
            if sent > period.due_on:
                started = db.session.scalar(select(ProgressReport).where(
                    ProgressReport.period_id == period.id,
                    ProgressReport.office_id == office.id))
            report = _report(period, office, base, lines, draft=False, good_practice=latest,
                             uploader=focal.get(office.id), started=started)
            submitted = _weekday(sent, 16)
            decided = _weekday(min(sent + timedelta(days=4), on - timedelta(days=1)), 11)
            if decided < submitted:
                decided = submitted + timedelta(hours=1)
            if submitted.date() > period.due_on:
                report.overdue_since = period.due_on + timedelta(days=1)
                report.escalation_step = max(report.escalation_step or 0, 1)
                late.append(report)
            report.status, report.submitted_at = "accepted", submitted
            report.submitted_by = focal.get(office.id)
            report.decided_at, report.decided_by = decided, adviser
            if first_period and base == RETURNED_FIRST:
                report.comments.append(ReportComment(
                    body=RETURN_NOTE, author=adviser,
                    activity_id=report.activities[0].activity_id))
            reports += 1
        db.session.flush()
        _dated(period)
    if due:
        due[0].status = "closed"
        due[0].closed_at = _weekday(max(r.decided_at for r in due[0].reports).date()
                                    + timedelta(days=1), 9)
    drafts = 0
    if current is not None:
        for index, office in enumerate(offices):
            base, _ = demo_office(office, index)
            if base in DRAFTING_NOW and by_office.get(office.id):
                _report(current, office, base, by_office[office.id], draft=True,
                        good_practice=False, uploader=focal.get(office.id))
                drafts += 1
    db.session.flush()
    digest = _weekday(on - timedelta(days=on.weekday() or 7), 7)  # the last Monday
    if digest.date() > published:
        from .jobs import send_digest

        last = db.session.scalar(select(func.max(Notification.id))) or 0
        notices += send_digest(digest.date())
        db.session.execute(update(Notification).where(Notification.id > last).values(
            created_at=digest, updated_at=digest))
    late_periods = sorted({r.period.label for r in late}, key=lambda label: label[-4:] + label)
    evidence = db.session.scalar(select(func.count()).select_from(EvidenceFile))
    practices = db.session.scalar(select(func.count()).select_from(ActivityProgress)
                                  .where(ActivityProgress.good_practice))
    return (f"Monitoring {cycle.name}: {len(periods)} quarterly periods from "
            f"{periods[0].label}; {len(due)} reported ({reports} reports accepted, "
            f"{len(late)} late: {', '.join(late_periods) or 'none'}), {evidence} evidence "
            f"files, {practices} good practices flagged, {notices} notifications"
            + (f"; {drafts} drafts for {current.label}" if current else "")
            + (f". Heads of office: {', '.join(heads)}." if heads else "."))


def _dated(period: ReportingPeriod) -> None:
    """Put the period's reports and their lines on the days they were written (the audit
    trail keeps when the demo ran): one statement per table for the reports sent together."""
    together: dict[tuple, list[int]] = {}
    for report in period.reports:
        if report.submitted_at is not None:
            together.setdefault((report.submitted_at, report.decided_at), []).append(report.id)
    for (submitted, decided), ids in together.items():
        when = submitted - timedelta(days=2)
        plain = {"synchronize_session": False}
        db.session.execute(update(ProgressReport).where(ProgressReport.id.in_(ids))
                           .values(created_at=when, updated_at=decided or submitted)
                           .execution_options(**plain))
        for model in (ActivityProgress, Measurement, ReportComment):
            db.session.execute(update(model).where(model.report_id.in_(ids))
                               .values(created_at=when, updated_at=when)
                               .execution_options(**plain))
