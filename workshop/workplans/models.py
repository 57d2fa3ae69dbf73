"""Office work plans: objectives, activities and indicators, their review and versions."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.models import Audited, TimestampMixin
from ..extensions import db

PLAN_STATUSES = {"draft": "Draft", "submitted": "Submitted", "returned": "Returned",
                 "approved": "Approved"}
ACTIVITY_STATUSES = {"planned": "Planned", "ongoing": "Ongoing", "completed": "Completed",
                     "cancelled": "Cancelled"}
INDICATOR_KINDS = {"quantitative": "Quantitative", "qualitative": "Qualitative"}
UNITS = {"number": "Number", "percent": "Per cent", "yes_no": "Yes/no", "text": "Text"}
DIRECTIONS = {"increase": "Increase", "decrease": "Decrease"}
# How an indicator's periods are reported: the value to date, or what each period added.
COUNTING = {"cumulative": "Cumulative", "per_period": "Per period"}


def _in(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


class Locked:
    """A row edited by several people at once: `lock_version` grows with every change, and a
    save that started from an older version is refused instead of overwriting the newer one."""

    lock_version: Mapped[int] = mapped_column(default=1)


class WorkPlan(TimestampMixin, Audited, Locked, db.Model):
    """An office's work plan for a cycle, drafted in and after its workshop."""

    __tablename__ = "work_plans"
    __table_args__ = (
        UniqueConstraint("cycle_id", "office_id", name="uq_work_plans_cycle_office"),
        CheckConstraint(f"status IN ({_in(PLAN_STATUSES)})", name="known_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("plan_cycles.id"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    submitted_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]

    cycle = relationship("PlanCycle")
    office = relationship("Office")
    objectives: Mapped[list["Objective"]] = relationship(
        back_populates="plan", cascade="all, delete-orphan",
        order_by="(Objective.position, Objective.id)")
    versions: Mapped[list["PlanVersion"]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanVersion.number")
    comments: Mapped[list["PlanComment"]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanComment.id")

    def __str__(self) -> str:
        office = self.office.acronym if self.office else self.office_id
        return f"Work plan {office} {self.cycle.name if self.cycle else self.cycle_id}"

    def audit_label(self) -> str:
        return str(self)

    @property
    def status_label(self) -> str:
        return PLAN_STATUSES[self.status]

    @property
    def editable(self) -> bool:
        """Drafts and returned plans change; submitted and approved ones wait or stay."""
        return self.status in ("draft", "returned")


class Objective(TimestampMixin, Audited, Locked, db.Model):
    """An objective of a work plan; activities serve it."""

    __tablename__ = "plan_objectives"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("work_plans.id", ondelete="CASCADE"),
                                         index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")

    plan: Mapped[WorkPlan] = relationship(back_populates="objectives")
    activities: Mapped[list["Activity"]] = relationship(
        back_populates="objective", cascade="all, delete-orphan",
        order_by="(Activity.position, Activity.id)")

    def audit_label(self) -> str:
        return self.title[:120]


activity_gaps = Table(
    "activity_gaps",
    db.metadata,
    Column("activity_id", ForeignKey("plan_activities.id", ondelete="CASCADE"),
           primary_key=True),
    Column("gap_id", ForeignKey("gaps.id"), primary_key=True, index=True),
)


class Activity(TimestampMixin, Audited, Locked, db.Model):
    """What the office will do: who, when, with what resources, towards which result.

    Costs are in US dollars; None means not known yet, which is not the same as zero.
    Start and end are the first day of a month and the last day of a month.
    """

    __tablename__ = "plan_activities"
    __table_args__ = (
        CheckConstraint(f"status IN ({_in(ACTIVITY_STATUSES)})", name="known_status"),
        CheckConstraint("cost_core IS NULL OR cost_core >= 0", name="core_not_negative"),
        CheckConstraint("cost_extra IS NULL OR cost_extra >= 0", name="extra_not_negative"),
        CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on",
                        name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    objective_id: Mapped[int] = mapped_column(
        ForeignKey("plan_objectives.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    thematic_area_id: Mapped[int | None] = mapped_column(ForeignKey("thematic_areas.id"),
                                                         index=True)
    strategy_id: Mapped[int | None] = mapped_column(ForeignKey("strategies.id"), index=True)
    expected_result: Mapped[str] = mapped_column(Text, default="")
    responsible: Mapped[str] = mapped_column(String(200), default="")
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    cost_core: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    cost_extra: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    status: Mapped[str] = mapped_column(String(10), default="planned")
    # The activity of an earlier cycle this one carries on, when it was carried over.
    carried_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_activities.id", ondelete="SET NULL"), index=True)

    objective: Mapped[Objective] = relationship(back_populates="activities")
    thematic_area = relationship("ThematicArea")
    strategy = relationship("Strategy")
    gaps = relationship("Gap", secondary=activity_gaps, order_by="Gap.number")
    indicators: Mapped[list["Indicator"]] = relationship(
        back_populates="activity", cascade="all, delete-orphan",
        order_by="(Indicator.position, Indicator.id)")

    def audit_label(self) -> str:
        return self.title[:120]

    @property
    def status_label(self) -> str:
        return ACTIVITY_STATUSES[self.status]


class Indicator(TimestampMixin, Audited, Locked, db.Model):
    """How an activity's progress is measured: baseline and target with their dates."""

    __tablename__ = "plan_indicators"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_in(INDICATOR_KINDS)})", name="known_kind"),
        CheckConstraint(f"unit IN ({_in(UNITS)})", name="known_unit"),
        CheckConstraint(f"direction IN ({_in(DIRECTIONS)})", name="known_direction"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("plan_activities.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    statement: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(12), default="quantitative")
    unit: Mapped[str] = mapped_column(String(8), default="number")
    baseline_value: Mapped[str] = mapped_column(String(200), default="")
    baseline_date: Mapped[date | None]
    target_value: Mapped[str] = mapped_column(String(200), default="")
    target_date: Mapped[date | None]
    verification: Mapped[str] = mapped_column(Text, default="")
    sex_disaggregated: Mapped[bool] = mapped_column(default=False)
    direction: Mapped[str] = mapped_column(String(8), default="increase")
    # Cumulative: each period reports the value to date. Otherwise each period reports what
    # happened in it, and the periods add up.
    cumulative: Mapped[bool] = mapped_column(default=True)
    carried_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_indicators.id", ondelete="SET NULL"), index=True)

    activity: Mapped[Activity] = relationship(back_populates="indicators")

    def audit_label(self) -> str:
        return self.statement[:120]


class PlanVersion(TimestampMixin, db.Model):
    """The plan as it stood at one submission, kept whole so that any two can be compared."""

    __tablename__ = "plan_versions"
    __table_args__ = (UniqueConstraint("plan_id", "number", name="uq_plan_versions_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("work_plans.id", ondelete="CASCADE"),
                                         index=True)
    number: Mapped[int]
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[str] = mapped_column(String(10), default="submitted")
    content: Mapped[dict] = mapped_column(JSON)

    plan: Mapped[WorkPlan] = relationship(back_populates="versions")
    submitted_by = relationship("User")


class PlanComment(TimestampMixin, Audited, db.Model):
    """A reviewer's or an office's comment on a plan, an activity or an indicator."""

    __tablename__ = "plan_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("work_plans.id", ondelete="CASCADE"),
                                         index=True)
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_activities.id", ondelete="SET NULL"), index=True)
    indicator_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_indicators.id", ondelete="SET NULL"), index=True)
    version_number: Mapped[int | None]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    resolved: Mapped[bool] = mapped_column(default=False)

    plan: Mapped[WorkPlan] = relationship(back_populates="comments")
    activity = relationship("Activity")
    indicator = relationship("Indicator")
    author = relationship("User")

    def audit_label(self) -> str:
        return self.body[:80]
