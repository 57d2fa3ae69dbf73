"""What the Gender Unit and the offices do while the plan is monitored.

Functions flush and never commit; the caller commits once.
"""

import hashlib
import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from ..actionplan.services import published_version
from ..admin.models import Office, PlanCycle
from ..core.models import utcnow
from ..core.validation import FieldError
from ..extensions import db
from ..workplans.models import Activity, Indicator
from .models import (
    PROGRESS_STATUSES,
    REPORT_STATUSES,
    ActivityProgress,
    EvidenceFile,
    Measurement,
    ProgressReport,
    ReportComment,
    ReportingPeriod,
)
from .periods import DEFAULT_DUE_DAYS, FREQUENCIES, lay_out
from .progress import NO, YES, Reading, number


def set_periods(cycle: PlanCycle, frequency: str, *, starts_on: date | None = None,
                due_days: int = DEFAULT_DUE_DAYS) -> list[ReportingPeriod]:
    """Lay the cycle's reporting periods out as quarters or half-years from `starts_on` (the
    start of the cycle by default) to its end. Refused once any office has started a report,
    so that no report loses its period."""
    if frequency not in FREQUENCIES:
        raise FieldError("frequency", "Choose quarterly or half-yearly.")
    if not 0 <= due_days <= 90:
        raise FieldError("due_days", "Give between 0 and 90 days after the end of a period.")
    starts_on = starts_on or cycle.start_date
    if not cycle.start_date <= starts_on <= cycle.end_date:
        raise FieldError("starts_on", f"Choose a date within the cycle, {cycle.start_date:%d %b %Y}"
                                      f" to {cycle.end_date:%d %b %Y}.")
    started = db.session.scalar(
        select(func.count()).select_from(ProgressReport).join(ProgressReport.period)
        .where(ReportingPeriod.cycle_id == cycle.id))
    if started:
        raise FieldError("frequency", "Offices have started reporting; the periods can no "
                                      "longer be laid out again.")
    for period in db.session.scalars(select(ReportingPeriod)
                                     .where(ReportingPeriod.cycle_id == cycle.id)):
        db.session.delete(period)
    db.session.flush()
    periods = [ReportingPeriod(cycle_id=cycle.id, number=p.number, label=p.label,
                               starts_on=p.starts_on, ends_on=p.ends_on, due_on=p.due_on)
               for p in lay_out(starts_on, cycle.end_date, frequency, due_days)]
    db.session.add_all(periods)
    db.session.flush()
    return periods


def close_period(period: ReportingPeriod) -> None:
    """Close a period: no more reports are taken for it."""
    if period.status == "closed":
        raise FieldError(None, f"{period.label} is already closed.")
    period.status, period.closed_at = "closed", utcnow()
    db.session.flush()


def reopen_period(period: ReportingPeriod) -> None:
    """Open a closed period again, unless every report in it is accepted (then it is locked)."""
    if period.status == "open":
        raise FieldError(None, f"{period.label} is open.")
    if period.reports and all(r.status == "accepted" for r in period.reports):
        raise FieldError(None, f"{period.label} is closed and every report in it is accepted; "
                               "it is locked.")
    period.status, period.closed_at = "open", None
    db.session.flush()


# -- progress reports ----------------------------------------------------------------------------


def published_activities(cycle_id: int, office_id: int) -> list[dict]:
    """The office's activities in the latest published version of the departmental plan,
    with their indicators: what the office reports on."""
    return published_plan_activities(cycle_id).get(office_id, [])


def _editable(report: ProgressReport) -> None:
    if report.period.status == "closed":
        raise FieldError(None, f"{report.period.label} is closed; its reports no longer "
                               "change.")
    if report.status not in ("draft", "returned"):
        raise FieldError(None, f"The report is {REPORT_STATUSES[report.status].lower()}; it "
                               "changes again only if the Gender Unit returns it.")


def report_for(period: ReportingPeriod, office_id: int) -> ProgressReport:
    """The office's report for the period, started with a line for each published activity."""
    report = db.session.scalar(select(ProgressReport).where(
        ProgressReport.period_id == period.id, ProgressReport.office_id == office_id))
    if report is not None:
        return report
    if period.status == "closed":
        raise FieldError(None, f"{period.label} is closed; no report can be started for it.")
    activities = published_activities(period.cycle_id, office_id)
    if not activities:
        raise FieldError(None, "The office has no activity in the published plan to report on.")
    # An activity deleted since publication is no longer reported on.
    known = set(db.session.scalars(select(Activity.id).where(
        Activity.id.in_([a["id"] for a in activities]))))
    report = ProgressReport(period=period, office_id=office_id, activities=[
        ActivityProgress(activity_id=a["id"]) for a in activities if a["id"] in known])
    db.session.add(report)
    db.session.flush()
    return report


def save_progress(report: ProgressReport, activity_id: int, *, status: str,
                  percent_complete: int | None = None, narrative: str = "",
                  challenges: str = "", next_steps: str = "", good_practice: bool = False,
                  lesson: str = "") -> ActivityProgress:
    """Where an activity stands at the end of the period."""
    _editable(report)
    line = next((a for a in report.activities if a.activity_id == activity_id), None)
    if line is None:
        raise FieldError("activity_id", "Choose an activity of this report.")
    if status not in PROGRESS_STATUSES:
        raise FieldError("status", "Choose a status from the list.")
    if percent_complete is not None and not 0 <= percent_complete <= 100:
        raise FieldError("percent_complete", "Give a per cent between 0 and 100.")
    if status == "completed" and percent_complete not in (None, 100):
        raise FieldError("percent_complete", "A completed activity is 100 per cent complete.")
    if good_practice and not (lesson or "").strip():
        raise FieldError("lesson", "Say what worked, so that others can learn from it.")
    line.status = status
    line.percent_complete = 100 if status == "completed" else percent_complete
    line.narrative, line.challenges = narrative.strip(), challenges.strip()
    line.next_steps, line.good_practice, line.lesson = (next_steps.strip(), good_practice,
                                                        lesson.strip())
    report.lock_version += 1
    db.session.flush()
    return line


def _quantity(text, field: str, label: str) -> Decimal | None:
    if text is None or str(text).strip() == "":
        return None
    value = number(text)
    if value is None or str(text).strip().lower() in (YES | NO) - {"0", "1"}:
        raise FieldError(field, f"{label} must be a number, such as 12 or 12.5.")
    if value < 0:
        raise FieldError(field, f"{label} cannot be below zero.")
    return value


def save_measurement(report: ProgressReport, indicator: Indicator, *, value: str,
                     female: str | None = None, male: str | None = None,
                     source: str = "") -> Measurement:
    """An indicator's value at the end of the period, of the kind the indicator says."""
    _editable(report)
    if indicator.activity_id not in {a.activity_id for a in report.activities}:
        raise FieldError("indicator_id", "Choose an indicator of this report's activities.")
    text = (value or "").strip()
    number_value, text_value = None, ""
    if indicator.unit in ("number", "percent") and text:
        number_value = _quantity(text, "value", "The value")
        if indicator.unit == "percent" and number_value > 100:
            raise FieldError("value", "A per cent is at most 100.")
    elif indicator.unit == "yes_no" and text:
        if text.lower() not in YES | NO:
            raise FieldError("value", "Answer yes or no.")
        text_value = "yes" if text.lower() in YES else "no"
    elif text:
        if len(text) > 500:
            raise FieldError("value", "Keep the value to 500 characters.")
        text_value = text
    female_value = _quantity(female, "female", "The number of women")
    male_value = _quantity(male, "male", "The number of men")
    if (female_value is not None or male_value is not None) and not indicator.sex_disaggregated:
        raise FieldError("female", "This indicator is not split by sex.")
    if (indicator.unit == "number" and number_value is not None and female_value is not None
            and male_value is not None and female_value + male_value != number_value):
        raise FieldError("value", f"Women and men add up to {female_value + male_value:,}, "
                                  f"not {number_value:,}.")
    if indicator.unit == "number" and number_value is None and None not in (female_value,
                                                                            male_value):
        number_value = female_value + male_value
    measurement = next((m for m in report.measurements if m.indicator_id == indicator.id),
                       None)
    if measurement is None:
        measurement = Measurement(indicator_id=indicator.id)
        report.measurements.append(measurement)
    measurement.value_number, measurement.value_text = number_value, text_value
    measurement.female, measurement.male = female_value, male_value
    measurement.source = (source or "").strip()[:300]
    report.lock_version += 1
    db.session.flush()
    return measurement


# -- evidence -------------------------------------------------------------------------------------

# What an evidence file may be: its extension, the type it is served as, and how its first
# bytes begin (None: text, checked by decoding).
EVIDENCE_TYPES = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             (b"PK\x03\x04",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             (b"PK\x03\x04",)),
    "csv": ("text/csv", None),
    "txt": ("text/plain", None),
}
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


def _size(count: int) -> str:
    """A number of bytes as people say it: 2.4 MB, 800 KB."""
    if count >= 1_048_576:  # rounded up, so that a file over a limit never reads as at it
        return f"{math.ceil(count / 1_048_576 * 10) / 10:.1f} MB".replace(".0 MB", " MB")
    return f"{max(math.ceil(count / 1024), 1)} KB"


def _looks_like_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def add_evidence(measurement: Measurement, filename: str, data: bytes, user,
                 max_bytes: int = EVIDENCE_MAX_BYTES) -> EvidenceFile:
    """Keep a file that backs a measurement, once its type and size are checked: the name's
    extension must be one of EVIDENCE_TYPES and the content must be what the name says."""
    _editable(measurement.report)
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:255]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in EVIDENCE_TYPES:
        allowed = ", ".join(sorted({e.upper() for e in EVIDENCE_TYPES} - {"JPEG"}))
        raise FieldError("file", f"Attach a file of one of these types: {allowed}.")
    if not data:
        raise FieldError("file", "The file is empty.")
    if len(data) > max_bytes:
        raise FieldError("file", f"The file is {_size(len(data))}; attach files of at most "
                                 f"{_size(max_bytes)}.")
    content_type, signatures = EVIDENCE_TYPES[extension]
    fits = (_looks_like_text(data) if signatures is None
            else any(data.startswith(s) for s in signatures))
    if not fits:
        raise FieldError("file", f"The file is not a {extension.upper()} file, whatever its "
                                 "name says.")
    evidence = EvidenceFile(filename=name, content_type=content_type, size=len(data),
                            sha256=hashlib.sha256(data).hexdigest(), data=data,
                            uploaded_by=user)
    measurement.evidence.append(evidence)
    db.session.flush()
    return evidence


# -- review ------------------------------------------------------------------------------------


def submit_report(report: ProgressReport, user) -> None:
    """The focal point sends the office's report for the period to the Gender Unit."""
    _editable(report)
    untouched = [a for a in report.activities
                 if a.status == "not_started" and not a.narrative and a.percent_complete is None]
    if len(untouched) == len(report.activities):
        raise FieldError(None, "Report on at least one activity before submitting.")
    report.status, report.submitted_at, report.submitted_by = "submitted", utcnow(), user
    report.lock_version += 1
    db.session.flush()


def _decide(report: ProgressReport, user, outcome: str) -> None:
    if report.status != "submitted":
        raise FieldError(None, "Only a submitted report can be accepted or returned.")
    report.status, report.decided_at, report.decided_by = outcome, utcnow(), user
    report.lock_version += 1
    db.session.flush()


def return_report(report: ProgressReport, user, comment: str,
                  activity_id: int | None = None) -> ReportComment:
    """The Gender Unit sends the report back with what to correct."""
    comment = (comment or "").strip()
    if not comment:
        raise FieldError("body", "Say what the office should correct.")
    if activity_id is not None and activity_id not in {a.activity_id
                                                       for a in report.activities}:
        raise FieldError("activity_id", "Choose an activity of this report.")
    _decide(report, user, "returned")
    note = ReportComment(body=comment[:5000], author=user, activity_id=activity_id)
    report.comments.append(note)
    db.session.flush()
    return note


def accept_report(report: ProgressReport, user) -> None:
    """The Gender Unit accepts the report; its figures count on the dashboard."""
    _decide(report, user, "accepted")


# -- the pages: who reports, who has not, where indicators stand ---------------------------------


class StaleReportError(FieldError):
    """Someone changed the report since the page this change comes from was opened."""

    def __init__(self):
        super().__init__(None, "Someone else changed this report since you opened it, so your "
                               "change was not saved. What you typed is still in the form: "
                               "check the report, then save again.")


def claim_report(report: ProgressReport, seen_version: int | None) -> None:
    """Refuse a change made from an older state of the report than the one saved now.

    The report's row is taken by an update conditional on the version seen, so that of two
    people saving from the same state at the same moment, the second waits and is refused.
    """
    if seen_version is None:
        raise FieldError(None, "The change does not say which state of the report it was made "
                               "from; open the report again and make it there.")
    if seen_version != report.lock_version:
        raise StaleReportError
    taken = db.session.execute(
        update(ProgressReport)
        .where(ProgressReport.id == report.id, ProgressReport.lock_version == seen_version)
        .values(lock_version=seen_version)
        .execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        raise StaleReportError


def remove_evidence(evidence: EvidenceFile) -> None:
    """Take an evidence file off its measurement while the report can still change."""
    report = evidence.measurement.report
    _editable(report)
    evidence.measurement.evidence.remove(evidence)
    report.lock_version += 1
    db.session.flush()


def published_plan_activities(cycle_id: int) -> dict[int, list[dict]]:
    """Every office's activities in the latest published version of the departmental plan,
    by office id: the offices expected to report and what each reports on."""
    version = published_version(cycle_id)
    result: dict[int, list[dict]] = {}
    for activity in (version.content["activities"] if version else []):
        result.setdefault(activity["office_id"], []).append(activity)
    return result


def days_overdue(period: ReportingPeriod, on: date) -> int:
    """Days since the period's report was due, on `on`; 0 until the due date has passed."""
    return max((on - period.due_on).days, 0)


@dataclass(frozen=True)
class Standing:
    """Where an office stands for a period: its report (None until started), the published
    activities it reports on, and how many days late it is (0 once reported or not yet due)."""

    office: Office
    report: ProgressReport | None
    activities: list[dict]
    days_overdue: int

    @property
    def reported(self) -> bool:
        """True once the report is with the Gender Unit or accepted by it."""
        return self.report is not None and self.report.status in ("submitted", "accepted")


def standings(period: ReportingPeriod, on: date,
              office_ids: set[int] | None = None) -> list[Standing]:
    """Every office expected to report for the period (those with activities in the published
    plan), or those of `office_ids` among them, by acronym, with their report. A fixed number
    of queries however many offices there are."""
    expected = published_plan_activities(period.cycle_id)
    if office_ids is not None:
        expected = {k: v for k, v in expected.items() if k in office_ids}
    if not expected:
        return []
    offices = db.session.scalars(select(Office).where(Office.id.in_(expected))
                                 .order_by(Office.acronym)).all()
    reports = {r.office_id: r for r in db.session.scalars(
        select(ProgressReport).where(ProgressReport.period_id == period.id,
                                     ProgressReport.office_id.in_(expected))
        .options(joinedload(ProgressReport.submitted_by)))}
    late = days_overdue(period, on)
    result = []
    for office in offices:
        report = reports.get(office.id)
        reported = report is not None and report.status in ("submitted", "accepted")
        result.append(Standing(office, report, expected[office.id], 0 if reported else late))
    return result


def who_has_not_reported(period: ReportingPeriod, on: date,
                         office_ids: set[int] | None = None) -> list[Standing]:
    """The offices expected to report for the period whose report is not with the Gender Unit
    (not started, a draft, or returned to them), with the activities they have not reported
    on and the days they are overdue on `on`."""
    return [s for s in standings(period, on, office_ids) if not s.reported]


def readings_to_date(report: ProgressReport) -> dict[int, list[Reading]]:
    """Each indicator's readings up to the report's period: the measurements of the office's
    accepted reports for earlier periods of the cycle, and this report's own."""
    period = report.period
    indicator_ids = [m.indicator_id for m in report.measurements]
    indicator_ids += [i.id for line in report.activities for i in line.activity.indicators]
    earlier = db.session.execute(
        select(Measurement, ReportingPeriod.ends_on)
        .join(Measurement.report).join(ProgressReport.period)
        .where(Measurement.indicator_id.in_(set(indicator_ids) or {0}),
               ReportingPeriod.cycle_id == period.cycle_id,
               ReportingPeriod.number < period.number,
               ProgressReport.status == "accepted")).all()
    result: dict[int, list[Reading]] = {}
    for measurement, ends_on in [*earlier, *((m, period.ends_on) for m in report.measurements)]:
        result.setdefault(measurement.indicator_id, []).append(_reading(measurement, ends_on))
    return result


def _reading(measurement: Measurement, on: date) -> Reading:
    value = measurement.value_number
    if value is None and measurement.value_text:
        value = number(measurement.value_text)  # yes/no count as 1/0; free text as nothing
    return Reading(on, value, measurement.female, measurement.male)
