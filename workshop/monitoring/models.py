"""Monitoring of the published plan: reporting periods, each office's progress report for a
period with its activities' progress and indicators' measurements, evidence files, and the
notifications that remind people of what is due."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    LargeBinary,
    Numeric,
    String,
    Table,
    Text,
    Unicode,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..core.models import Audited, TimestampMixin
from ..extensions import db

PERIOD_STATUSES = {"open": "Open", "closed": "Closed"}
REPORT_STATUSES = {"draft": "Draft", "submitted": "Submitted", "returned": "Returned",
                   "accepted": "Accepted"}
PROGRESS_STATUSES = {"not_started": "Not started", "on_track": "On track",
                     "at_risk": "At risk", "off_track": "Off track",
                     "completed": "Completed", "cancelled": "Cancelled"}


def _in(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


class ReportingPeriod(TimestampMixin, Audited, db.Model):
    """A quarter or half-year of a cycle for which offices report progress by a due date."""

    __tablename__ = "reporting_periods"
    __audit_name__ = "Reporting period"
    __table_args__ = (
        UniqueConstraint("cycle_id", "number", name="uq_reporting_periods_number"),
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        CheckConstraint("due_on >= starts_on", name="due_after_start"),
        CheckConstraint(f"status IN ({_in(PERIOD_STATUSES)})", name="known_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("plan_cycles.id"), index=True)
    number: Mapped[int]
    label: Mapped[str] = mapped_column(String(40))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    due_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(6), default="open")
    closed_at: Mapped[datetime | None]

    cycle = relationship("PlanCycle")
    reports: Mapped[list["ProgressReport"]] = relationship(back_populates="period")

    def audit_label(self) -> str:
        return self.label


class ProgressReport(TimestampMixin, Audited, db.Model):
    """An office's report for one period: drafted by its staff, submitted by its focal point,
    accepted or returned by the Gender Unit."""

    __tablename__ = "progress_reports"
    __audit_name__ = "Progress report"
    __table_args__ = (
        UniqueConstraint("period_id", "office_id", name="uq_progress_reports_period_office"),
        CheckConstraint(f"status IN ({_in(REPORT_STATUSES)})", name="known_status"),
        CheckConstraint("escalation_step >= 0", name="escalation_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("reporting_periods.id"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    submitted_at: Mapped[datetime | None]
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    overdue_since: Mapped[date | None]
    escalation_step: Mapped[int] = mapped_column(default=0)
    lock_version: Mapped[int] = mapped_column(default=1)

    period: Mapped[ReportingPeriod] = relationship(back_populates="reports")
    office = relationship("Office")
    submitted_by = relationship("User", foreign_keys=[submitted_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    activities: Mapped[list["ActivityProgress"]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="ActivityProgress.id")
    measurements: Mapped[list["Measurement"]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="Measurement.id")
    comments: Mapped[list["ReportComment"]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="ReportComment.id")

    def audit_label(self) -> str:
        office = self.office.acronym if self.office else self.office_id
        period = self.period.label if self.period else self.period_id
        return f"Progress report {office} {period}"


class ActivityProgress(TimestampMixin, Audited, db.Model):
    """Where one activity stands at the end of a period, in the office's words."""

    __tablename__ = "activity_progress"
    __audit_name__ = "Activity progress"
    __table_args__ = (
        UniqueConstraint("report_id", "activity_id", name="uq_activity_progress_activity"),
        CheckConstraint(f"status IN ({_in(PROGRESS_STATUSES)})", name="known_status"),
        CheckConstraint("percent_complete IS NULL OR (percent_complete >= 0 AND "
                        "percent_complete <= 100)", name="percent_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("progress_reports.id", ondelete="CASCADE"), index=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("plan_activities.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="not_started")
    percent_complete: Mapped[int | None]
    narrative: Mapped[str] = mapped_column(Text, default="")
    challenges: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    good_practice: Mapped[bool] = mapped_column(default=False)
    lesson: Mapped[str] = mapped_column(Text, default="")

    report: Mapped[ProgressReport] = relationship(back_populates="activities")
    activity = relationship("Activity")

    def audit_label(self) -> str:
        return f"activity {self.activity_id} in report {self.report_id}"


class Measurement(TimestampMixin, Audited, db.Model):
    """An indicator's value at the end of a period, split by sex where the indicator is."""

    __tablename__ = "measurements"
    __table_args__ = (
        UniqueConstraint("report_id", "indicator_id", name="uq_measurements_indicator"),
        CheckConstraint("female IS NULL OR female >= 0", name="female_not_negative"),
        CheckConstraint("male IS NULL OR male >= 0", name="male_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("progress_reports.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("plan_indicators.id", ondelete="CASCADE"), index=True)
    value_number: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    value_text: Mapped[str] = mapped_column(String(500), default="")
    female: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    male: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    source: Mapped[str] = mapped_column(String(300), default="")

    report: Mapped[ProgressReport] = relationship(back_populates="measurements")
    indicator = relationship("Indicator")
    evidence: Mapped[list["EvidenceFile"]] = relationship(
        back_populates="measurement", cascade="all, delete-orphan", order_by="EvidenceFile.id")

    def audit_label(self) -> str:
        return f"indicator {self.indicator_id} in report {self.report_id}"


class EvidenceFile(TimestampMixin, Audited, db.Model):
    """A file that backs a measurement. Kept in the database, so every app host reads it."""

    __tablename__ = "evidence_files"
    __audit_name__ = "Evidence file"
    __audit_exclude__ = frozenset({"data", "created_at", "updated_at"})
    __table_args__ = (CheckConstraint("size >= 0", name="size_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    measurement_id: Mapped[int] = mapped_column(
        ForeignKey("measurements.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    measurement: Mapped[Measurement] = relationship(back_populates="evidence")
    uploaded_by = relationship("User")

    def audit_label(self) -> str:
        return self.filename


class ReportComment(TimestampMixin, Audited, db.Model):
    """A reviewer's or an office's comment on a progress report or one of its activities."""

    __tablename__ = "report_comments"
    __audit_name__ = "Report comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("progress_reports.id", ondelete="CASCADE"), index=True)
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_activities.id", ondelete="SET NULL"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)

    report: Mapped[ProgressReport] = relationship(back_populates="comments")
    author = relationship("User")

    def audit_label(self) -> str:
        return self.body[:80]


class Notification(TimestampMixin, db.Model):
    """A message for one user, shown in the app and sent by e-mail when SMTP is set up.

    `key` names what the message is about (say, the second reminder of a report); a user
    gets a key once, so two schedulers running the same job cannot send it twice.
    """

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_notifications_user_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    read_at: Mapped[datetime | None]
    emailed_at: Mapped[datetime | None]

    user = relationship("User")


# The scheduler's own table (APScheduler's SQLAlchemyJobStore): declared here, in the shape the
# job store gives it, so that the migrations create it and the schema check knows it.
scheduler_jobs = Table(
    "apscheduler_jobs", db.metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)
