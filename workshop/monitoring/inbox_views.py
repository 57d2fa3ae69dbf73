"""Each person's inbox: the notifications the scheduler and the review of reports write for
them, and the unread count beside "Inbox" in the navigation bar."""

from flask import abort, flash, g, has_request_context, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import case, func, select

from ..core.models import utcnow
from ..core.permissions import login_required
from ..extensions import db
from . import bp
from .models import Notification
from .notifications import mark_read, unread

PAGE_SIZE = 25


def unread_count() -> int:
    """How many of the signed-in user's notifications are unread (0 for visitors); one query,
    once per request."""
    if not has_request_context() or not current_user.is_authenticated:
        return 0
    if "inbox_unread" not in g:
        g.inbox_unread = unread(current_user.id)
    return g.inbox_unread


@bp.app_context_processor
def _inbox_badge():
    # A function, so that only pages that show the navigation bar run the query.
    return {"inbox_unread": unread_count}


def _safe(url: str) -> str | None:
    """The notification's address when it is a path of this site, else None."""
    if url.startswith("/") and not url.startswith(("//", "/\\")):
        return url
    return None


@bp.get("/inbox")
@login_required
def inbox():
    """The signed-in user's notifications, newest first, unread ones marked."""
    mine = Notification.user_id == current_user.id
    total, unread = db.session.execute(
        select(func.count(), func.coalesce(func.sum(case(
            (Notification.read_at.is_(None), 1), else_=0)), 0))
        .select_from(Notification).where(mine)).one()
    g.inbox_unread = unread
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    notifications = db.session.scalars(
        select(Notification).where(mine)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return render_template("monitoring/inbox.html", notifications=notifications, total=total,
                           unread=unread, page=page, pages=pages, title="Inbox")


@bp.post("/inbox/<int:notification_id>/read")
@login_required
def read_notification(notification_id: int):
    """Mark one of one's notifications read and go to what it is about."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != current_user.id:
        abort(404)
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.commit()
    return redirect(_safe(notification.url) or url_for(".inbox"))


@bp.post("/inbox/read-all")
@login_required
def read_all():
    """Mark all of one's notifications read."""
    marked = mark_read(current_user.id)
    db.session.commit()
    if marked:
        flash(f"{marked} notification{'s' if marked != 1 else ''} marked as read.", "success")
    return redirect(url_for(".inbox"))
