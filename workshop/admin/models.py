"""Offices, plan cycles with their process timeline, and the reference lists."""

from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.models import Audited, ReferenceItem, TimestampMixin, today
from ..extensions import db


class Office(TimestampMixin, Audited, db.Model):
    """An office of the department: it holds a workshop and drafts its own work plan."""

    __tablename__ = "offices"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    acronym: Mapped[str] = mapped_column(String(20), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    # Who heads the office: an overdue progress report is escalated to them.
    head_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL", use_alter=True))

    users = relationship("User", back_populates="office", foreign_keys="User.office_id")
    head = relationship("User", foreign_keys=[head_id])

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})"

    def audit_label(self) -> str:
        return self.acronym


CYCLE_STATUSES = {"planning": "Planning", "active": "Active", "closed": "Closed"}


class PlanCycle(TimestampMixin, Audited, db.Model):
    """A plan cycle such as 2008-2009: everything in the process belongs to one."""

    __tablename__ = "plan_cycles"
    __audit_name__ = "Plan cycle"
    __table_args__ = (
        CheckConstraint("end_date > start_date", name="ends_after_start"),
        CheckConstraint("status IN ('planning', 'active', 'closed')", name="known_status"),
        # At most one cycle is active at a time.
        Index(
            "uq_plan_cycles_one_active",
            "status",
            unique=True,
            sqlite_where=db.text("status = 'active'"),
            postgresql_where=db.text("status = 'active'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    start_date: Mapped[date]
    end_date: Mapped[date]
    status: Mapped[str] = mapped_column(String(12), default="planning")
    description: Mapped[str] = mapped_column(Text, default="")
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("plan_cycles.id"))

    previous = relationship("PlanCycle", remote_side=[id])
    milestones: Mapped[list["Milestone"]] = relationship(
        back_populates="cycle",
        cascade="all, delete-orphan",
        order_by="(Milestone.position, Milestone.planned_start)",
    )

    def __str__(self) -> str:
        return self.name

    @property
    def status_label(self) -> str:
        return CYCLE_STATUSES[self.status]

    def contains(self, day: date) -> bool:
        """True when `day` falls within the cycle."""
        return self.start_date <= day <= self.end_date


STAGES = {
    "preparation": "Preparation",
    "needs_assessment": "Needs assessment",
    "pilot": "Pilot workshop",
    "office_workshops": "Office workshops",
    "work_plans": "Office work plans",
    "consolidation": "Departmental action plan",
    "monitoring": "Monitoring and follow-up",
}
MILESTONE_STATUSES = {
    "planned": "Planned",
    "in_progress": "In progress",
    "done": "Done",
    "cancelled": "Cancelled",
}
_STAGE_LIST = ", ".join(f"'{s}'" for s in STAGES)
_STATUS_LIST = ", ".join(f"'{s}'" for s in MILESTONE_STATUSES)


class Milestone(TimestampMixin, Audited, db.Model):
    """A step of the cycle's process timeline, with planned and actual dates."""

    __tablename__ = "milestones"
    __table_args__ = (
        CheckConstraint("planned_end >= planned_start", name="planned_in_order"),
        CheckConstraint(
            "actual_end IS NULL OR actual_start IS NULL OR actual_end >= actual_start",
            name="actual_in_order",
        ),
        CheckConstraint(f"stage IN ({_STAGE_LIST})", name="known_stage"),
        CheckConstraint(f"status IN ({_STATUS_LIST})", name="known_status"),
        UniqueConstraint("cycle_id", "title", name="uq_milestones_cycle_title"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("plan_cycles.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    planned_start: Mapped[date]
    planned_end: Mapped[date]
    actual_start: Mapped[date | None]
    actual_end: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(12), default="planned")
    position: Mapped[int] = mapped_column(default=0)

    cycle: Mapped[PlanCycle] = relationship(back_populates="milestones")

    def __str__(self) -> str:
        return self.title

    def audit_label(self) -> str:
        return f"{self.cycle.name if self.cycle else self.cycle_id}: {self.title}"

    @property
    def stage_label(self) -> str:
        return STAGES[self.stage]

    @property
    def status_label(self) -> str:
        return MILESTONE_STATUSES[self.status]

    @property
    def dates(self) -> tuple[date, date]:
        """The first and last day: the actual ones where recorded, else the planned ones."""
        first = self.actual_start or self.planned_start
        return first, max(first, self.actual_end or self.planned_end)

    def is_late(self, on: date | None = None) -> bool:
        """True when the planned end has passed and the milestone is not done or cancelled."""
        on = on or today()
        return self.status in ("planned", "in_progress") and self.planned_end < on

    def starts_late(self, on: date | None = None) -> bool:
        """True when the planned start has passed and nothing has started."""
        on = on or today()
        return self.status == "planned" and self.planned_start < on and not self.actual_start


# -- reference lists --------------------------------------------------------------------------


class ThematicArea(ReferenceItem, db.Model):
    """One of the thematic areas every activity is tagged with; has a goal statement."""

    __tablename__ = "thematic_areas"
    __audit_name__ = "Thematic area"
    id: Mapped[int] = mapped_column(primary_key=True)


class Strategy(ReferenceItem, db.Model):
    """One of the implementation strategies every activity is tagged with."""

    __tablename__ = "strategies"
    __audit_name__ = "Implementation strategy"
    id: Mapped[int] = mapped_column(primary_key=True)


class StaffLevel(ReferenceItem, db.Model):
    """A staff level (senior management, professional, ...)."""

    __tablename__ = "staff_levels"
    __audit_name__ = "Staff level"
    id: Mapped[int] = mapped_column(primary_key=True)


class FunctionalArea(ReferenceItem, db.Model):
    """A functional area of the department's work."""

    __tablename__ = "functional_areas"
    __audit_name__ = "Functional area"
    id: Mapped[int] = mapped_column(primary_key=True)


class GapCategory(ReferenceItem, db.Model):
    """A category of gap found in the needs assessment (knowledge, skills, ...)."""

    __tablename__ = "gap_categories"
    __audit_name__ = "Gap category"
    id: Mapped[int] = mapped_column(primary_key=True)


MAX_POSITION = 9999  # positions order entries in lists: 0 to 9999

REFERENCE_LISTS = {
    "thematic-areas": (ThematicArea, "Thematic areas", "Goal statement"),
    "strategies": (Strategy, "Implementation strategies", "Description"),
    "staff-levels": (StaffLevel, "Staff levels", "Description"),
    "functional-areas": (FunctionalArea, "Functional areas", "Description"),
    "gap-categories": (GapCategory, "Gap categories", "Description"),
}
