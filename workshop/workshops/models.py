"""Workshops: the versioned curriculum and its revisions, the pilot and office workshops with
their agenda, invitations, attendance and anonymous evaluations."""

from datetime import date, datetime, time

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.models import Audited, TimestampMixin, utcnow
from ..extensions import db

KINDS = {"pilot": "Pilot workshop", "office": "Office workshop"}
WORKSHOP_STATUSES = {"planned": "Planned", "held": "Held", "evaluated": "Evaluated"}
ATTENDANCE = {"present": "Present", "absent": "Absent", "left_early": "Left early"}
USEFULNESS = {
    "very_useful": "Very useful",
    "useful": "Useful",
    "somewhat_useful": "Somewhat useful",
    "not_useful": "Not useful",
}
RATINGS = {4: "Very useful", 3: "Useful", 2: "Somewhat useful", 1: "Not useful"}
VERSION_STATUSES = {"draft": "Draft", "published": "Published"}


def _in(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


class CurriculumVersion(TimestampMixin, Audited, db.Model):
    """A numbered version of the standard curriculum; workshops are built from one."""

    __tablename__ = "curriculum_versions"
    __audit_name__ = "Curriculum version"
    __table_args__ = (CheckConstraint(f"status IN ({_in(VERSION_STATUSES)})",
                                      name="known_status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    summary: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None]
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("curriculum_versions.id"))

    based_on = relationship("CurriculumVersion", remote_side=[id])
    modules: Mapped[list["CurriculumModule"]] = relationship(
        back_populates="version", cascade="all, delete-orphan",
        order_by="(CurriculumModule.position, CurriculumModule.id)")
    revisions: Mapped[list["CurriculumRevision"]] = relationship(
        back_populates="version", cascade="all, delete-orphan",
        order_by="CurriculumRevision.id")

    def __str__(self) -> str:
        return f"Curriculum version {self.number}"

    def audit_label(self) -> str:
        return f"version {self.number}"

    @property
    def minutes(self) -> int:
        return sum(m.duration_minutes for m in self.modules)


module_categories = Table(
    "curriculum_module_categories",
    db.metadata,
    Column("module_id", ForeignKey("curriculum_modules.id", ondelete="CASCADE"),
           primary_key=True),
    Column("category_id", ForeignKey("gap_categories.id"), primary_key=True, index=True),
)
module_thematic_areas = Table(
    "curriculum_module_thematic_areas",
    db.metadata,
    Column("module_id", ForeignKey("curriculum_modules.id", ondelete="CASCADE"),
           primary_key=True),
    Column("thematic_area_id", ForeignKey("thematic_areas.id"), primary_key=True, index=True),
)


class CurriculumModule(TimestampMixin, Audited, db.Model):
    """A module of a curriculum version: what a workshop session teaches and how.

    `code` stays the same from one version to the next, so versions can be compared. The
    gap categories and thematic areas say which needs the module answers; they tailor an
    office's agenda. An optional module joins an agenda only when the office raised such a need.
    """

    __tablename__ = "curriculum_modules"
    __audit_name__ = "Curriculum module"
    __table_args__ = (
        UniqueConstraint("version_id", "code", name="uq_curriculum_modules_version_code"),
        CheckConstraint("duration_minutes > 0 AND duration_minutes <= 480",
                        name="sensible_duration"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("curriculum_versions.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200))
    objectives: Mapped[str] = mapped_column(Text, default="")
    method: Mapped[str] = mapped_column(Text, default="")
    duration_minutes: Mapped[int] = mapped_column(default=60)
    optional: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)

    version: Mapped[CurriculumVersion] = relationship(back_populates="modules")
    categories = relationship("GapCategory", secondary=module_categories,
                              order_by="GapCategory.position")
    thematic_areas = relationship("ThematicArea", secondary=module_thematic_areas,
                                  order_by="ThematicArea.position")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def audit_label(self) -> str:
        return f"v{self.version.number if self.version else '?'} {self.code}"


class CurriculumRevision(TimestampMixin, Audited, db.Model):
    """One change made to the curriculum in a new version, and why: the evaluations of a
    workshop or the facilitators' observations that caused it."""

    __tablename__ = "curriculum_revisions"
    __audit_name__ = "Curriculum revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("curriculum_versions.id", ondelete="CASCADE"), index=True)
    module_code: Mapped[str] = mapped_column(String(10), default="")
    change: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    workshop_id: Mapped[int | None] = mapped_column(ForeignKey("workshops.id"), index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    version: Mapped[CurriculumVersion] = relationship(back_populates="revisions")
    workshop = relationship("Workshop")
    recorded_by = relationship("User")

    def audit_label(self) -> str:
        return f"version {self.version.number if self.version else '?'}: {self.change[:80]}"


workshop_facilitators = Table(
    "workshop_facilitators",
    db.metadata,
    Column("workshop_id", ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id"), primary_key=True, index=True),
)


class Workshop(TimestampMixin, Audited, db.Model):
    """The pilot workshop, or an office's workshop, built on a curriculum version."""

    __tablename__ = "workshops"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_in(KINDS)})", name="known_kind"),
        CheckConstraint(f"status IN ({_in(WORKSHOP_STATUSES)})", name="known_status"),
        CheckConstraint("kind = 'pilot' OR office_id IS NOT NULL", name="office_has_office"),
        CheckConstraint("end_date >= start_date", name="ends_after_start"),
    )
    __audit_exclude__ = frozenset({"created_at", "updated_at", "evaluation_key"})

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("plan_cycles.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[date]
    end_date: Mapped[date]
    venue: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(10), default="planned")
    curriculum_version_id: Mapped[int] = mapped_column(ForeignKey("curriculum_versions.id"),
                                                       index=True)
    evaluation_key: Mapped[str] = mapped_column(String(64), unique=True)
    evaluation_open: Mapped[bool] = mapped_column(default=False)
    observations: Mapped[str] = mapped_column(Text, default="")

    cycle = relationship("PlanCycle")
    office = relationship("Office")
    curriculum_version = relationship("CurriculumVersion")
    facilitators = relationship("User", secondary=workshop_facilitators, order_by="User.name")
    agenda: Mapped[list["AgendaItem"]] = relationship(
        back_populates="workshop", cascade="all, delete-orphan",
        order_by="(AgendaItem.day, AgendaItem.starts_at, AgendaItem.id)")

    def __str__(self) -> str:
        return self.title

    def audit_label(self) -> str:
        return self.title[:120]

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    @property
    def status_label(self) -> str:
        return WORKSHOP_STATUSES[self.status]

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1


agenda_gaps = Table(
    "agenda_item_gaps",
    db.metadata,
    Column("agenda_item_id", ForeignKey("agenda_items.id", ondelete="CASCADE"),
           primary_key=True),
    Column("gap_id", ForeignKey("gaps.id"), primary_key=True, index=True),
)


class AgendaItem(TimestampMixin, Audited, db.Model):
    """A session of a workshop's agenda: a day, times, a module, a facilitator, and the gaps
    of the register it addresses."""

    __tablename__ = "agenda_items"
    __audit_name__ = "Agenda session"
    __table_args__ = (
        CheckConstraint("day >= 1", name="day_from_one"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"),
                                             index=True)
    day: Mapped[int] = mapped_column(default=1)
    starts_at: Mapped[time]
    ends_at: Mapped[time]
    title: Mapped[str] = mapped_column(String(200))
    module_id: Mapped[int | None] = mapped_column(ForeignKey("curriculum_modules.id"),
                                                  index=True)
    facilitator: Mapped[str] = mapped_column(String(120), default="")

    workshop: Mapped[Workshop] = relationship(back_populates="agenda")
    module = relationship("CurriculumModule")
    gaps = relationship("Gap", secondary=agenda_gaps, order_by="Gap.number")

    def __str__(self) -> str:
        return f"Day {self.day} {self.starts_at:%H:%M} {self.title}"

    def audit_label(self) -> str:
        return f"{self.workshop.title[:60] if self.workshop else self.workshop_id}: {self}"


class Invitation(TimestampMixin, Audited, db.Model):
    """A nominated person invited to a workshop."""

    __tablename__ = "invitations"
    __table_args__ = (UniqueConstraint("workshop_id", "nomination_id",
                                       name="uq_invitations_workshop_nomination"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"),
                                             index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id"), index=True)

    workshop = relationship("Workshop")
    nomination = relationship("Nomination")

    def audit_label(self) -> str:
        return f"workshop {self.workshop_id}, nomination {self.nomination_id}"


class Attendance(TimestampMixin, Audited, db.Model):
    """Whether an invited person was present on one day of a workshop."""

    __tablename__ = "attendances"
    __table_args__ = (
        UniqueConstraint("invitation_id", "day", name="uq_attendances_invitation_day"),
        CheckConstraint(f"status IN ({_in(ATTENDANCE)})", name="known_status"),
        CheckConstraint("day >= 1", name="day_from_one"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id", ondelete="CASCADE"),
                                               index=True)
    day: Mapped[int]
    status: Mapped[str] = mapped_column(String(10))

    invitation = relationship("Invitation")

    def audit_label(self) -> str:
        return f"invitation {self.invitation_id}, day {self.day}"


class EvaluationResponse(db.Model):
    """One anonymous participant's evaluation of a workshop.

    Nothing here identifies the person: the device mark is a hash of a random value kept in
    the browser, used only to refuse a second response from the same device.
    """

    __tablename__ = "evaluation_responses"
    __table_args__ = (
        UniqueConstraint("workshop_id", "device_mark", name="uq_evaluation_responses_device"),
        CheckConstraint(f"usefulness IN ({_in(USEFULNESS)})", name="known_usefulness"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"),
                                             index=True)
    device_mark: Mapped[str] = mapped_column(String(64))
    usefulness: Mapped[str] = mapped_column(String(16))
    keep: Mapped[str] = mapped_column(Text, default="")
    change: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)

    ratings: Mapped[list["SessionRating"]] = relationship(
        back_populates="response", cascade="all, delete-orphan")


class SessionRating(db.Model):
    """An anonymous participant's rating of one session of the agenda (4 very useful to 1)."""

    __tablename__ = "session_ratings"
    __table_args__ = (
        UniqueConstraint("response_id", "agenda_item_id", name="uq_session_ratings_item"),
        CheckConstraint("rating BETWEEN 1 AND 4", name="rating_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_responses.id", ondelete="CASCADE"), index=True)
    agenda_item_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True)
    rating: Mapped[int]

    response: Mapped[EvaluationResponse] = relationship(back_populates="ratings")
