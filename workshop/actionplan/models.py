"""The departmental action plan: the Gender Unit's objectives, the mapping of office activities
to them, decisions on overlapping activities and the frozen, numbered versions of the plan."""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.models import Audited, TimestampMixin
from ..extensions import db

DECISIONS = {"coordinate": "Coordinate", "merge": "Merge", "distinct": "Distinct"}


def _in(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


class DepartmentalObjective(TimestampMixin, Audited, db.Model):
    """One of the Gender Unit's objectives for the department, served by office activities."""

    __tablename__ = "departmental_objectives"
    __audit_name__ = "Departmental objective"
    __table_args__ = (
        UniqueConstraint("cycle_id", "number", name="uq_departmental_objectives_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("plan_cycles.id"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    thematic_area_id: Mapped[int | None] = mapped_column(ForeignKey("thematic_areas.id"))

    cycle = relationship("PlanCycle")
    thematic_area = relationship("ThematicArea")

    @property
    def code(self) -> str:
        return f"D{self.number}"

    def audit_label(self) -> str:
        return f"{self.code} {self.title[:100]}"


class ActivityMapping(TimestampMixin, Audited, db.Model):
    """An office activity counted under a departmental objective (at most one)."""

    __tablename__ = "activity_mappings"
    __audit_name__ = "Activity mapping"

    activity_id: Mapped[int] = mapped_column(
        ForeignKey("plan_activities.id", ondelete="CASCADE"), primary_key=True)
    objective_id: Mapped[int] = mapped_column(
        ForeignKey("departmental_objectives.id", ondelete="CASCADE"), index=True)

    activity = relationship("Activity")
    objective: Mapped[DepartmentalObjective] = relationship()

    def audit_label(self) -> str:
        return f"activity {self.activity_id} → objective {self.objective_id}"


class OverlapDecision(TimestampMixin, Audited, db.Model):
    """What the Gender Unit decided about two activities of different offices that look alike;
    a decided pair is not flagged again."""

    __tablename__ = "overlap_decisions"
    __audit_name__ = "Overlap decision"
    __table_args__ = (
        UniqueConstraint("first_id", "second_id", name="uq_overlap_decisions_pair"),
        CheckConstraint("first_id < second_id", name="ordered_pair"),
        CheckConstraint(f"decision IN ({_in(DECISIONS)})", name="known_decision"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("plan_cycles.id"), index=True)
    first_id: Mapped[int] = mapped_column(
        ForeignKey("plan_activities.id", ondelete="CASCADE"), index=True)
    second_id: Mapped[int] = mapped_column(
        ForeignKey("plan_activities.id", ondelete="CASCADE"), index=True)
    decision: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[int] = mapped_column(default=0)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    decided_by = relationship("User")

    @property
    def decision_label(self) -> str:
        return DECISIONS[self.decision]

    def audit_label(self) -> str:
        return f"activities {self.first_id} and {self.second_id}: {self.decision}"


class ActionPlanVersion(TimestampMixin, Audited, db.Model):
    """The departmental plan frozen at finalisation: the approved office plans, objectives,
    mappings and overlap decisions as they stood, kept whole so that later changes to office
    plans leave it as it was."""

    __tablename__ = "action_plan_versions"
    __audit_name__ = "Action plan version"
    __audit_exclude__ = frozenset({"content", "created_at", "updated_at"})
    __table_args__ = (
        UniqueConstraint("cycle_id", "number", name="uq_action_plan_versions_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("plan_cycles.id"), index=True)
    number: Mapped[int]
    note: Mapped[str] = mapped_column(Text, default="")
    finalised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    content: Mapped[dict] = mapped_column(JSON)

    cycle = relationship("PlanCycle")
    finalised_by = relationship("User", foreign_keys=[finalised_by_id])
    published_by = relationship("User", foreign_keys=[published_by_id])

    @property
    def published(self) -> bool:
        return self.published_at is not None

    @property
    def label(self) -> str:
        return f"Version {self.number}"

    def audit_label(self) -> str:
        return f"Action plan {self.cycle.name if self.cycle else self.cycle_id} v{self.number}"
