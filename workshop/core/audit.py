"""The audit trail: who changed which record, when, and the values before and after.

Every model that mixes in `Audited` is recorded by a session hook after each flush, so no view,
service or API handler has to remember to write an entry.
"""

import decimal
import enum
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, event, insert, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..extensions import db
from .models import Audited, utcnow

ACTIONS = ("create", "update", "delete")


class AuditEntry(db.Model):
    """One create, update or delete of an audited record."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_entity", "entity_type", "entity_id"),
        Index("ix_audit_entries_at", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(10))
    entity_type: Mapped[str] = mapped_column(String(80))
    entity_id: Mapped[str] = mapped_column(String(64))
    entity_label: Mapped[str] = mapped_column(String(255))
    changes: Mapped[dict] = mapped_column(JSON, default=dict)

    def __str__(self) -> str:
        return f"{self.action} {self.entity_type} {self.entity_label}"


def entity_type_name(obj_or_cls) -> str:
    """The name shown for a kind of record: its `__audit_name__` or its class name."""
    cls = obj_or_cls if isinstance(obj_or_cls, type) else type(obj_or_cls)
    return getattr(cls, "__audit_name__", cls.__name__)


def _plain(value: Any) -> Any:
    """Turn a column value into something JSON can hold."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


def _columns(obj):
    mapper = inspect(obj).mapper
    excluded = obj.__audit_exclude__
    return [attr for attr in mapper.column_attrs if attr.key not in excluded]


WITHHELD = "(withheld)"


def _shown(obj, key: str, value: Any) -> Any:
    """The value as the trail may show it: withheld for the record's confidential columns."""
    if value is not None and key in obj.audit_withheld():
        return WITHHELD
    return _plain(value)


def _snapshot(obj) -> dict:
    return {attr.key: _shown(obj, attr.key, getattr(obj, attr.key)) for attr in _columns(obj)}


def _diff(obj) -> dict:
    state = inspect(obj)
    changes = {}
    for attr in _columns(obj):
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        before = history.deleted[0] if history.deleted else None
        after = history.added[0] if history.added else None
        if before != after:
            changes[attr.key] = [_shown(obj, attr.key, before), _shown(obj, attr.key, after)]
    return changes


def _actor():
    """The signed-in user of the current request, or the command line when there is none."""
    from flask import has_request_context
    from flask_login import current_user

    if has_request_context() and getattr(current_user, "is_authenticated", False):
        return current_user.id, current_user.email
    return None, "system"


def _identity(obj) -> str:
    # The identity key of a new record is only set after the flush; its primary key is known.
    key = inspect(obj).mapper.primary_key_from_instance(obj)
    return ",".join(str(part) for part in key)


@event.listens_for(Session, "after_flush")
def _record_changes(session: Session, flush_context) -> None:
    """Write one audit entry per audited record created, changed or deleted in this flush."""
    rows = []
    for action, objects in (
        ("create", session.new),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):
        for obj in objects:
            if not isinstance(obj, Audited):
                continue
            if action == "update":
                if not session.is_modified(obj, include_collections=False):
                    continue
                changes = _diff(obj)
                if not changes:
                    continue
            elif action == "create":
                changes = {k: [None, v] for k, v in _snapshot(obj).items() if v is not None}
            else:
                changes = {k: [v, None] for k, v in _snapshot(obj).items() if v is not None}
            rows.append(
                {
                    "action": action,
                    "entity_type": entity_type_name(obj),
                    "entity_id": _identity(obj),
                    "entity_label": obj.audit_label()[:255],
                    "changes": changes,
                }
            )
    if not rows:
        return
    actor_id, actor_label = _actor()
    now = utcnow()
    for row in rows:
        row.update(actor_id=actor_id, actor_label=actor_label, at=now)
    session.connection().execute(insert(AuditEntry.__table__), rows)


def audited_entity_types() -> list[str]:
    """Names of every kind of audited record, for the trail's filter."""
    names = set()
    for mapper in db.Model.registry.mappers:
        if issubclass(mapper.class_, Audited):
            names.add(entity_type_name(mapper.class_))
    return sorted(names)
