"""Needs assessment: nominated participants, assessment sessions, findings and the gap register."""

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    inspect,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.models import Audited, TimestampMixin, utcnow
from ..extensions import db

SEXES = {"female": "Female", "male": "Male"}
FORMATS = {"individual": "Individual interview", "group": "Group discussion"}
PRIORITIES = {"high": "High", "medium": "Medium", "low": "Low"}
PRIORITY_RANK = {"high": 0, "medium": 1, "low": 2}
RESOURCE_KINDS = {
    "guidance": "Guidance",
    "checklists": "Checklists",
    "training": "Training",
    "tools": "Tools",
    "information": "Information",
}


def _in(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


def visible_office(user, office_id: int | None) -> bool:
    """True when `user` may read the needs assessment of `office_id` (register and summary)."""
    if user.can("record_assessment"):
        return True
    return user.can("view_office_assessment") and user.belongs_to(office_id)


class Nomination(TimestampMixin, Audited, db.Model):
    """A person an office nominated to take part in the assessment and the workshop."""

    __tablename__ = "nominations"
    __table_args__ = (CheckConstraint(f"sex IN ({_in(SEXES)})", name="known_sex"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("plan_cycles.id"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(255))
    sex: Mapped[str] = mapped_column(String(6))
    level_id: Mapped[int] = mapped_column(ForeignKey("staff_levels.id"), index=True)
    functional_area_id: Mapped[int | None] = mapped_column(ForeignKey("functional_areas.id"),
                                                           index=True)
    job_title: Mapped[str] = mapped_column(String(200), default="")
    nominated_by: Mapped[str] = mapped_column(String(120), default="")

    cycle = relationship("PlanCycle")
    office = relationship("Office")
    level = relationship("StaffLevel")
    functional_area = relationship("FunctionalArea")

    def __str__(self) -> str:
        return self.name

    def audit_label(self) -> str:
        return f"{self.name} ({self.office.acronym if self.office else self.office_id})"

    @property
    def sex_label(self) -> str:
        return SEXES[self.sex]


session_consultants = Table(
    "session_consultants",
    db.metadata,
    Column("session_id", ForeignKey("assessment_sessions.id", ondelete="CASCADE"),
           primary_key=True),
    Column("user_id", ForeignKey("users.id"), primary_key=True, index=True),
)

session_participants = Table(
    "session_participants",
    db.metadata,
    Column("session_id", ForeignKey("assessment_sessions.id", ondelete="CASCADE"),
           primary_key=True),
    Column("nomination_id", ForeignKey("nominations.id"), primary_key=True, index=True),
)


class AssessmentSession(TimestampMixin, Audited, db.Model):
    """An interview or group discussion held by consultants with staff of one office."""

    __tablename__ = "assessment_sessions"
    __audit_name__ = "Assessment session"
    __table_args__ = (CheckConstraint(f"format IN ({_in(FORMATS)})", name="known_format"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("plan_cycles.id"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    held_at: Mapped[datetime]
    format: Mapped[str] = mapped_column(String(10))
    topics: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    notes_confidential: Mapped[bool] = mapped_column(default=False)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    cycle = relationship("PlanCycle")
    office = relationship("Office")
    recorded_by = relationship("User", foreign_keys=[recorded_by_id])
    consultants = relationship("User", secondary=session_consultants, order_by="User.name")
    participants: Mapped[list[Nomination]] = relationship(secondary=session_participants,
                                                          order_by="Nomination.name")
    headcounts: Mapped[list["SessionHeadcount"]] = relationship(
        back_populates="session", cascade="all, delete-orphan")
    findings: Mapped[list["Finding"]] = relationship(
        back_populates="session", cascade="all, delete-orphan",
        order_by="(Finding.position, Finding.id)")

    def __str__(self) -> str:
        return f"{FORMATS[self.format]}, {self.held_at:%d %b %Y %H:%M}"

    def audit_label(self) -> str:
        office = self.office.acronym if self.office else self.office_id
        return f"{office} {self.held_at:%Y-%m-%d %H:%M}"

    def audit_withheld(self) -> frozenset[str]:
        # Withheld while confidential, and on the change that lifts confidentiality too.
        history = inspect(self).attrs.notes_confidential.history
        if self.notes_confidential or any(history.deleted):
            return frozenset({"notes"})
        return frozenset()

    @property
    def format_label(self) -> str:
        return FORMATS[self.format]

    @property
    def anonymous_count(self) -> int:
        return sum(h.women + h.men for h in self.headcounts)

    @property
    def people_count(self) -> int:
        """Everyone met: the named participants and the anonymous counts."""
        return len(self.participants) + self.anonymous_count

    def can_read_notes(self, user) -> bool:
        """Notes are for consultants and the Gender Unit; confidential ones stay with them."""
        return user.can("record_assessment")


class SessionHeadcount(Audited, db.Model):
    """How many women and men of one staff level took part without being named."""

    __tablename__ = "session_headcounts"
    __audit_name__ = "Session headcount"
    __table_args__ = (
        UniqueConstraint("session_id", "level_id", name="uq_session_headcounts_session_level"),
        CheckConstraint("women >= 0", name="women_not_negative"),
        CheckConstraint("men >= 0", name="men_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("assessment_sessions.id", ondelete="CASCADE"), index=True)
    level_id: Mapped[int] = mapped_column(ForeignKey("staff_levels.id"), index=True)
    women: Mapped[int] = mapped_column(default=0)
    men: Mapped[int] = mapped_column(default=0)

    session: Mapped[AssessmentSession] = relationship(back_populates="headcounts")
    level = relationship("StaffLevel")

    def audit_label(self) -> str:
        return f"session {self.session_id}, level {self.level_id}"


class Gap(TimestampMixin, Audited, db.Model):
    """An entry of the gap register: a need that one or more findings raised.

    Its number within the cycle never changes; later stages point at it. A gap merged into
    another keeps its row and points at the gap that took its findings.
    """

    __tablename__ = "gaps"
    __table_args__ = (
        UniqueConstraint("cycle_id", "number", name="uq_gaps_cycle_number"),
        CheckConstraint(f"priority IN ({_in(PRIORITIES)})", name="known_priority"),
        CheckConstraint("merged_into_id IS NULL OR merged_into_id <> id", name="not_into_itself"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("plan_cycles.id"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    category_id: Mapped[int] = mapped_column(ForeignKey("gap_categories.id"), index=True)
    thematic_area_id: Mapped[int | None] = mapped_column(ForeignKey("thematic_areas.id"),
                                                         index=True)
    functional_area_id: Mapped[int | None] = mapped_column(ForeignKey("functional_areas.id"),
                                                           index=True)
    priority: Mapped[str] = mapped_column(String(6), default="medium")
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("gaps.id"), index=True)

    cycle = relationship("PlanCycle")
    category = relationship("GapCategory")
    thematic_area = relationship("ThematicArea")
    functional_area = relationship("FunctionalArea")
    merged_into = relationship("Gap", remote_side=[id])
    findings: Mapped[list["Finding"]] = relationship(back_populates="gap",
                                                     order_by="Finding.id")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def audit_label(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        return f"G-{self.number:02d}"

    @property
    def priority_label(self) -> str:
        return PRIORITIES[self.priority]

    def current(self) -> "Gap":
        """The gap that now holds this one's findings (itself unless it was merged)."""
        gap, seen = self, set()
        while gap.merged_into is not None and gap.id not in seen:
            seen.add(gap.id)
            gap = gap.merged_into
        return gap


finding_resources = Table(
    "finding_resources",
    db.metadata,
    Column("finding_id", ForeignKey("findings.id", ondelete="CASCADE"), primary_key=True),
    Column("kind", String(12), primary_key=True),
    CheckConstraint(f"kind IN ({_in(RESOURCE_KINDS)})", name="known_kind"),
)


class FindingResource(db.Model):
    """A kind of resource or information a finding says would help."""

    __table__ = finding_resources
    finding = relationship("Finding", back_populates="resource_links")


class Finding(TimestampMixin, Audited, db.Model):
    """A need raised in an assessment session, filed under a gap of the register."""

    __tablename__ = "findings"
    __table_args__ = (CheckConstraint(f"priority IN ({_in(PRIORITIES)})", name="known_priority"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("assessment_sessions.id", ondelete="CASCADE"), index=True)
    gap_id: Mapped[int] = mapped_column(ForeignKey("gaps.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("gap_categories.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    functional_area_id: Mapped[int | None] = mapped_column(ForeignKey("functional_areas.id"),
                                                           index=True)
    thematic_area_id: Mapped[int | None] = mapped_column(ForeignKey("thematic_areas.id"),
                                                         index=True)
    priority: Mapped[str] = mapped_column(String(6), default="medium")
    resources_detail: Mapped[str] = mapped_column(Text, default="")
    quote: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    session: Mapped[AssessmentSession] = relationship(back_populates="findings")
    gap: Mapped[Gap] = relationship(back_populates="findings")
    category = relationship("GapCategory")
    functional_area = relationship("FunctionalArea")
    thematic_area = relationship("ThematicArea")
    resource_links: Mapped[list[FindingResource]] = relationship(
        back_populates="finding", cascade="all, delete-orphan", lazy="selectin")

    def __str__(self) -> str:
        return self.title

    def audit_label(self) -> str:
        return self.title[:120]

    @property
    def priority_label(self) -> str:
        return PRIORITIES[self.priority]

    @property
    def resources(self) -> list[str]:
        kinds = {link.kind for link in self.resource_links}
        return [k for k in RESOURCE_KINDS if k in kinds]

    @resources.setter
    def resources(self, kinds) -> None:
        wanted = [k for k in RESOURCE_KINDS if k in set(kinds or ())]
        keep = [link for link in self.resource_links if link.kind in wanted]
        have = {link.kind for link in keep}
        self.resource_links = keep + [FindingResource(kind=k) for k in wanted if k not in have]

    @property
    def resource_labels(self) -> list[str]:
        return [RESOURCE_KINDS[k] for k in self.resources]


class SessionDraft(db.Model):
    """What a consultant has typed into a session form and not saved yet, kept as they go."""

    __tablename__ = "session_drafts"
    __table_args__ = (Index("ix_session_drafts_owner", "user_id", "office_id", "session_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"))
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessment_sessions.id", ondelete="CASCADE"))
    data: Mapped[dict] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
