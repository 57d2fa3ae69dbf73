"""Model mixins shared by every domain."""

from datetime import UTC, date, datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column


def utcnow() -> datetime:
    """Return the current time in UTC without tzinfo, as stored in the database."""
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    """Return today's date in UTC."""
    return datetime.now(UTC).date()


class TimestampMixin:
    """`created_at` and `updated_at`, kept by the database layer."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Audited:
    """Marks a model whose creates, updates and deletes go to the audit trail.

    `__audit_exclude__` names columns whose values are never written to the trail (secrets).
    """

    __audit_exclude__: frozenset[str] = frozenset({"created_at", "updated_at"})

    def audit_label(self) -> str:
        """A short human description of the record for the audit trail."""
        return str(self)

    def audit_withheld(self) -> frozenset[str]:
        """Columns whose changes the trail records without their values (confidential text)."""
        return frozenset()


class ReferenceItem(TimestampMixin, Audited):
    """An entry of an admin-editable reference list (thematic areas, strategies, ...)."""

    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(String(2000), default="")
    position: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)

    def __str__(self) -> str:
        return self.name
