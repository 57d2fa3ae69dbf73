"""Notifications: written once per user and subject, however many processes try."""

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..core.models import utcnow
from ..extensions import db
from .models import Notification


def notify(user_id: int, key: str, *, kind: str, title: str, body: str = "",
           url: str = "") -> bool:
    """Give `user_id` the notification `key` unless they already have it; True when written.

    The database's unique (user, key) decides, in one statement, so two schedulers running
    the same job at the same moment write it once.
    """
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    now = utcnow()
    statement = insert(Notification).values(
        user_id=user_id, key=key[:200], kind=kind, title=title[:200], body=body, url=url[:500],
        created_at=now, updated_at=now,
    ).on_conflict_do_nothing(index_elements=["user_id", "key"]).returning(Notification.id)
    return db.session.execute(statement).scalar() is not None


def unread(user_id: int) -> int:
    """How many of the user's notifications are unread."""
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)))


def mark_read(user_id: int, ids: list[int] | None = None) -> int:
    """Mark the user's unread notifications read, those of `ids` or all; another user's are
    left alone. Returns how many were marked."""
    chosen = () if ids is None else (Notification.id.in_(ids),)
    return db.session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None), *chosen)
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
