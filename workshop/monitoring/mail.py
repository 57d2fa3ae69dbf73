"""Notifications by e-mail, when an SMTP server is set up (`MAIL_SERVER` and friends).

Each notification is e-mailed once, however many schedulers run: a sender first claims a batch
by stamping `emailed_at` on the rows still without one, in a single UPDATE, and sends only the
rows that UPDATE returned. A message the server could not take for now (the server is down,
busy, or answers with a temporary error) has its claim released, so that a later run tries it
again; a recipient the server refuses for good is not tried again. Both are logged.
"""

import logging
import smtplib
import ssl
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from ..auth.models import User
from ..core.models import utcnow
from ..extensions import db
from .models import Notification

log = logging.getLogger(__name__)

BATCH = 200  # notifications claimed by one run
MAX_AGE = timedelta(days=7)  # older notifications stay in the inbox only
TIMEOUT = 30  # seconds to wait for the mail server


def mail_configured(config=None) -> bool:
    """True when an SMTP server is set up."""
    config = config or current_app.config
    return bool(config.get("MAIL_SERVER"))


def message_for(notification: Notification, config=None) -> EmailMessage:
    """The e-mail that tells the notification's user what the inbox says."""
    config = config or current_app.config
    user = notification.user
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = formataddr((user.name, user.email))
    message["Subject"] = notification.title
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=_sender_domain(config["MAIL_SENDER"]))
    text = notification.body.strip()
    if notification.url:
        text += f"\n\nOpen it in Workshop: {config['PUBLIC_URL'].rstrip('/')}{notification.url}"
    text += ("\n\n-- \nThis message is also in your Workshop inbox. You receive it because of "
             "your role in the department's gender action plan.")
    message.set_content(text.strip() + "\n")
    return message


def _sender_domain(sender: str) -> str:
    address = sender.rsplit("<", 1)[-1].rstrip(">").strip()
    return address.rsplit("@", 1)[-1] if "@" in address else "localhost"


def _connect(config) -> smtplib.SMTP:
    host, port = config["MAIL_SERVER"], int(config["MAIL_PORT"])
    if config.get("MAIL_USE_SSL"):
        smtp = smtplib.SMTP_SSL(host, port, timeout=TIMEOUT,
                                context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=TIMEOUT)
        if config.get("MAIL_USE_TLS"):
            smtp.starttls(context=ssl.create_default_context())
    if config.get("MAIL_USERNAME"):
        smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
    return smtp


def claim(limit: int = BATCH) -> list[int]:
    """Stamp up to `limit` notifications not yet e-mailed as being sent now, and return the ids
    this call stamped; a row stamped by another sender meanwhile is not among them. Commits,
    so that other senders see the claim at once."""
    now = utcnow()
    waiting = (select(Notification.id).join(Notification.user)
               .where(Notification.emailed_at.is_(None), User.active,
                      Notification.created_at >= now - MAX_AGE)
               .order_by(Notification.id).limit(limit))
    ids = list(db.session.scalars(waiting))
    if not ids:
        return []
    claimed = db.session.scalars(
        update(Notification)
        .where(Notification.id.in_(ids), Notification.emailed_at.is_(None))
        .values(emailed_at=now)
        .returning(Notification.id)
        .execution_options(synchronize_session=False)).all()
    db.session.commit()
    return sorted(claimed)


def release(ids: list[int]) -> None:
    """Take the claim off notifications that could not be sent, for a later run. Commits."""
    if ids:
        db.session.execute(update(Notification).where(Notification.id.in_(ids))
                           .values(emailed_at=None)
                           .execution_options(synchronize_session=False))
        db.session.commit()


def send_pending(limit: int = BATCH) -> int:
    """E-mail the notifications not yet e-mailed (of the last week) and return how many went
    out. Does nothing when no SMTP server is set up."""
    config = current_app.config
    if not mail_configured(config):
        return 0
    ids = claim(limit)
    if not ids:
        return 0
    notifications = db.session.scalars(
        select(Notification).options(joinedload(Notification.user))
        .where(Notification.id.in_(ids)).order_by(Notification.id)).all()
    try:
        smtp = _connect(config)
    except (OSError, smtplib.SMTPException) as error:
        log.warning("Could not reach the mail server %s:%s (%s); %d e-mails wait for the next "
                    "run.", config["MAIL_SERVER"], config["MAIL_PORT"], error, len(ids))
        release(ids)
        return 0
    sent, settled = 0, set()  # settled: sent, or refused for good
    try:
        for index, notification in enumerate(notifications):
            email = notification.user.email
            try:
                smtp.send_message(message_for(notification, config))
            except smtplib.SMTPRecipientsRefused as error:
                codes = [code for code, _ in error.recipients.values()]
                if all(code >= 500 for code in codes):
                    log.error("The mail server refuses %s for good (%s); notification %d is "
                              "not e-mailed.", email, codes, notification.id)
                    settled.add(notification.id)
                else:
                    log.warning("The mail server refuses %s for now (%s); notification %d "
                                "waits for the next run.", email, codes, notification.id)
            except smtplib.SMTPSenderRefused as error:
                log.error("The mail server refuses the sender %s (%s %s); %d e-mails wait "
                          "until MAIL_SENDER is one it takes.", error.sender, error.smtp_code,
                          error.smtp_error, len(notifications) - index)
                break
            except smtplib.SMTPResponseException as error:
                if error.smtp_code >= 500:
                    log.error("The mail server refuses notification %d to %s for good (%s "
                              "%s).", notification.id, email, error.smtp_code,
                              error.smtp_error)
                    settled.add(notification.id)
                else:
                    log.warning("The mail server cannot take notification %d to %s for now "
                                "(%s %s); it waits for the next run.", notification.id, email,
                                error.smtp_code, error.smtp_error)
            except OSError as error:  # smtplib's errors are OSErrors too: the connection broke
                log.warning("The mail server went away (%s); %d e-mails wait for the next "
                            "run.", error, len(notifications) - index)
                break
            else:
                sent += 1
                settled.add(notification.id)
    finally:
        release([i for i in ids if i not in settled])
        try:
            smtp.quit()
        except OSError:
            smtp.close()
    return sent
