"""The real scheduler on a fixed clock, a mail server that keeps what it receives, and the
department the scheduler follows up.

`manual_scheduler(app)` is the scheduler `flask scheduler` builds (same job store in the app's
database, same jobs, same options) with two differences only: it has no thread or timer of its
own, and its executor runs a job in the calling thread. `run_due()` is one turn of the
scheduler's own loop (`_process_jobs`): the jobs due at the current time run, and their next
run times are written back to the database. Under time-machine the test moves the clock to
each instant the scheduler would wake at and turns the loop once.
"""

import threading
from datetime import UTC, datetime

from aiosmtpd.controller import Controller
from apscheduler.executors.debug import DebugExecutor
from apscheduler.schedulers.base import BaseScheduler

from tests.pg import free_port
from workshop.monitoring.jobs import make_scheduler


class ManualScheduler(BaseScheduler):
    """A scheduler woken by the test instead of a timer."""

    def shutdown(self, wait=True):
        super().shutdown(wait)

    def wakeup(self):
        pass  # the test decides when the loop turns

    def run_due(self):
        """Run the jobs due now, as the scheduler's loop does when it wakes."""
        return self._process_jobs()

    def next_wakeup(self) -> datetime | None:
        """When the scheduler would wake next: the earliest next run time of its jobs."""
        times = [job.next_run_time for job in self.get_jobs() if job.next_run_time]
        return min(times) if times else None


def manual_scheduler(app) -> ManualScheduler:
    """The app's scheduler, started, with jobs that run in the calling thread."""
    scheduler = make_scheduler(app, ManualScheduler, executors={"default": DebugExecutor()})
    scheduler.start()
    return scheduler


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


class Mailbox:
    """An SMTP server on 127.0.0.1 that keeps every message it accepts and can refuse
    recipients: `refuse[address] = "550 ..."`."""

    def __init__(self):
        self.messages = []
        self.refuse: dict[str, str] = {}
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        from email import message_from_bytes
        from email.policy import default

        message = message_from_bytes(envelope.content, policy=default)
        with self.lock:
            self.messages.append((tuple(envelope.rcpt_tos), message))
        return "250 Message accepted"

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    def received(self) -> list[tuple[str, str]]:
        """(recipient, subject) of every message received, in order."""
        with self.lock:
            return [(rcpt, message["Subject"]) for rcpts, message in self.messages
                    for rcpt in rcpts]


def follow_up_department():
    """The five known plans with version 1 published and quarters from July 2026, plus the
    people the follow-up reaches: OO has its focal point and a head; PD and OMS have a focal
    point, PD a head; MILDIV has neither; two Gender Unit users. Returns the ids and emails
    (`people`) and the first period's id and due date."""
    from tests.factories import make_user
    from tests.monitoring.helpers import reporting_office
    from workshop.admin.models import Office
    from workshop.auth.models import User
    from workshop.extensions import db

    ids, period, _ = reporting_office()
    office = {acronym: db.session.get(Office, i) for acronym, i in ids["offices"].items()}
    people = {
        "oo_focal": db.session.query(User).filter_by(email="focal@example.org").one(),
        "oo_head": make_user("viewer", email="head.oo@example.org", name="Head of OO"),
        "pd_focal": make_user("focal_point", office=office["PD"], email="focal.pd@example.org",
                              name="PD Focal"),
        "pd_head": make_user("viewer", email="head.pd@example.org", name="Head of PD"),
        "oms_focal": make_user("focal_point", office=office["OMS"],
                               email="focal.oms@example.org", name="OMS Focal"),
        "adviser": db.session.get(User, ids["adviser"]),
        "analyst": make_user("gender_unit", email="analyst@example.org", name="Gender Analyst"),
    }
    office["OO"].head = people["oo_head"]
    office["PD"].head = people["pd_head"]
    db.session.commit()
    return {**ids, "people": {k: u.email for k, u in people.items()},
            "user_ids": {k: u.id for k, u in people.items()},
            "period": period.id, "due": period.due_on}
