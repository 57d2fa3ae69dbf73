"""The scheduler follows up the offices' reports on a fixed clock: reminders before the due date,
the overdue notice, the escalation to the head of the office and then to the Gender Unit, the
Monday digest; it keeps its jobs across a restart, runs a missed run once, and two schedulers on
one PostgreSQL database write each notice and send each e-mail once.

The jobs are run by the scheduler itself (see tests/monitoring/scheduling.py), the clock moved
to each instant it would wake at.
"""

import json
import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from datetime import date, timedelta

import pytest
import time_machine
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED
from sqlalchemy import select

from tests.conftest import BACKEND, ROOT
from tests.monitoring.scheduling import (
    Mailbox,
    follow_up_department,
    manual_scheduler,
    utc,
)
from tests.pg import free_port
from workshop.auth.models import User
from workshop.extensions import db
from workshop.monitoring.jobs import DIGEST_JOB, FOLLOW_UP_JOB, MAIL_JOB
from workshop.monitoring.models import (
    Notification,
    ProgressReport,
    ReportingPeriod,
    scheduler_jobs,
)
from workshop.monitoring.services import report_for, save_progress, submit_report


@pytest.fixture
def department(app):
    with app.app_context():
        return follow_up_department()


def _submit(dept, acronym, who):
    """The office's focal point reports on its first activity and submits the report."""
    period = db.session.get(ReportingPeriod, dept["period"])
    report = report_for(period, dept["offices"][acronym])
    save_progress(report, report.activities[0].activity_id, status="on_track",
                  percent_complete=50, narrative="Half done.")
    submit_report(report, db.session.get(User, dept["user_ids"][who]))
    db.session.commit()


def _notices(dept):
    """Every notification written: (day relative to the due date, recipient, key, title,
    body), in the order written."""
    emails = {u.id: u.email for u in db.session.scalars(select(User))}
    return [(n.created_at.date() - dept["due"], emails[n.user_id], n.key, n.title, n.body)
            for n in db.session.scalars(select(Notification).order_by(Notification.id))]


def _mondays(first: date, last: date) -> list[date]:
    start = first + timedelta(days=(7 - first.weekday()) % 7)
    return [start + timedelta(weeks=n) for n in range((last - start).days // 7 + 1)]


def test_reminders_and_escalation_reach_the_right_people_on_the_right_days(app, department):
    dept, due, people = department, department["due"], department["people"]
    start, end = due - timedelta(days=10), due + timedelta(days=16)
    # Things offices do meanwhile: OMS submits three days before the due date, PD three days
    # after it (after its overdue notice, before its head would be told).
    doings = {utc(*(due - timedelta(days=3)).timetuple()[:3], 12): ("OMS", "oms_focal"),
              utc(*(due + timedelta(days=3)).timetuple()[:3], 12): ("PD", "pd_focal")}
    runs = []
    with time_machine.travel(utc(*start.timetuple()[:3]), tick=False) as clock, app.app_context():
        scheduler = manual_scheduler(app)
        scheduler.add_listener(lambda e: runs.append((e.job_id, e.scheduled_run_time)),
                               EVENT_JOB_EXECUTED | EVENT_JOB_MISSED | EVENT_JOB_ERROR)
        assert {job.id for job in scheduler.get_jobs()} == {FOLLOW_UP_JOB, DIGEST_JOB}
        while True:
            wake = min([scheduler.next_wakeup(), *doings])
            if wake.date() > end:
                break
            clock.move_to(wake)
            if wake in doings:
                _submit(dept, *doings.pop(wake))
            else:
                scheduler.run_due()
        scheduler.shutdown()
        notices = _notices(dept)
        reports = {r.office.acronym: r for r in db.session.scalars(select(ProgressReport))}

    # The daily job ran when the scheduler first started, then every day at 06:00 UTC; the
    # digest on Mondays at 07:00; nothing was missed.
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    mondays = _mondays(start, end)
    assert sorted(runs) == sorted(
        [(FOLLOW_UP_JOB, _at(start, 0))]
        + [(FOLLOW_UP_JOB, utc(d.year, d.month, d.day, 6)) for d in days]
        + [(DIGEST_JOB, utc(d.year, d.month, d.day, 7)) for d in mondays])

    follow_ups = [(day.days, who, key.split(":", 3)[2], key.split(":", 3)[3])
                  for day, who, key, _, _ in notices if key.startswith("report:")]
    oo, pd, mildiv, oms = (str(dept["offices"][a]) for a in ("OO", "PD", "MILDIV", "OMS"))
    gender_unit = [people["adviser"], people["analyst"]]
    assert sorted(follow_ups) == sorted([
        # seven days before: the focal points of the offices that have one
        (-7, people["oo_focal"], oo, "remind"), (-7, people["pd_focal"], pd, "remind"),
        (-7, people["oms_focal"], oms, "remind"),
        # the day after the due date: the focal points of the offices that have not submitted
        (1, people["oo_focal"], oo, "overdue"), (1, people["pd_focal"], pd, "overdue"),
        # a week later: the head of OO (PD has submitted; MILDIV has no head)
        (8, people["oo_head"], oo, "escalate:2"),
        # a week after that: every Gender Unit user, about OO and MILDIV
        *[(15, who, office, "escalate:3") for who in gender_unit for office in (oo, mildiv)]])
    # ...in that order, and nothing twice.
    assert [n[0] for n in follow_ups] == sorted(n[0] for n in follow_ups)
    assert len(set(follow_ups)) == len(follow_ups)

    texts = {(who, key): (title, body) for _, who, key, title, body in notices}
    title, body = texts[(people["oo_focal"], f"report:{dept['period']}:{oo}:remind")]
    assert title == f"OO: the Q3 2026 progress report is due {due:%-d %b %Y}"
    assert "in 7 days" in body
    _, body = texts[(people["oo_focal"], f"report:{dept['period']}:{oo}:overdue")]
    assert body.endswith(f"Submit it by {due + timedelta(days=7):%-d %b %Y}; after that the head "
                         "of the office is told.")
    title, body = texts[(people["adviser"], f"report:{dept['period']}:{mildiv}:escalate:3")]
    assert title == "MILDIV: the Q3 2026 progress report is 15 days overdue"
    assert "no focal point" in body and "No head of office is recorded for MILDIV" in body
    _, body = texts[(people["adviser"], f"report:{dept['period']}:{oo}:escalate:3")]
    assert "No head" not in body and "no focal point" not in body

    # The reports that were not submitted are marked overdue from the day after the due date.
    assert {a: (r.status, r.overdue_since, r.escalation_step) for a, r in reports.items()} == {
        "OO": ("draft", due + timedelta(days=1), 3),
        "MILDIV": ("draft", due + timedelta(days=1), 3),  # started by the scheduler
        "PD": ("submitted", due + timedelta(days=1), 1),
        "OMS": ("submitted", None, 0)}

    # Each Monday the Gender Unit has its digest; the one after PD submitted says this:
    digests = {(day.days, who): body for day, who, key, _, body in notices
               if key.startswith("digest:")}
    assert set(digests) == {((m - due).days, who) for m in mondays for who in gender_unit}
    monday = next(m for m in mondays if m > due + timedelta(days=3))
    late = (monday - due).days
    period = "Q3 2026"
    assert digests[(late, people["analyst"])].splitlines() == [
        "Reports waiting for your review (2):",
        f"- OMS, {period}: submitted {due - timedelta(days=3):%-d %b %Y}",
        f"- PD, {period}: submitted {due + timedelta(days=3):%-d %b %Y}",
        "Overdue reports (2):",
        f"- MILDIV, {period}: {late} days overdue, a draft",
        f"- OO, {period}: {late} days overdue, a draft"]
    first_monday = mondays[0]
    assert digests[((first_monday - due).days, people["adviser"])].splitlines() == [
        "Due in the next two weeks:",
        f"- {period}: due {due:%-d %b %Y}, 0 of 4 offices have submitted"]


def _at(day: date, hour: int):
    return utc(day.year, day.month, day.day, hour)


def test_a_restarted_scheduler_finds_its_jobs_and_runs_a_missed_run_once(app, department):
    dept, due = department, department["due"]
    started, back = due - timedelta(days=9), due - timedelta(days=6)
    assert not _mondays(started + timedelta(days=1), back)  # no digest falls in between
    with time_machine.travel(_at(started, 10), tick=False) as clock:
        first = manual_scheduler(app)
        planned = {job.id: job.next_run_time for job in first.get_jobs()}
        first.shutdown()
        # The first scheduler on the database does the day's follow-up at once (it is
        # stopped before it does), then daily at 06:00; the digest waits for Monday.
        assert planned == {FOLLOW_UP_JOB: _at(started, 10),
                           DIGEST_JOB: _at(_mondays(started, due)[0], 7)}

        clock.move_to(_at(started, 20))  # stopped at 10:00, started again at 20:00
        second = manual_scheduler(app)
        assert {job.id: job.next_run_time for job in second.get_jobs()} == planned
        second.shutdown()

        # Down from 20:00 until three days later at 10:00: four runs were missed.
        clock.move_to(_at(back, 10))
        third = manual_scheduler(app)
        runs = []
        third.add_listener(lambda e: runs.append((e.job_id, e.code, e.scheduled_run_time)),
                           EVENT_JOB_EXECUTED | EVENT_JOB_MISSED | EVENT_JOB_ERROR)
        third.run_due()
        third.run_due()  # waking again at the same time runs nothing more
        later = {job.id: job.next_run_time for job in third.get_jobs()}
        third.shutdown()
    assert runs == [(FOLLOW_UP_JOB, EVENT_JOB_EXECUTED, _at(back, 6))]
    assert later == {**planned, FOLLOW_UP_JOB: _at(back + timedelta(days=1), 6)}
    with app.app_context():  # the run that happened did the day's work: six days before
        reminded = db.session.scalars(select(Notification.key).join(Notification.user)
                                      .where(User.email == dept["people"]["oo_focal"])).all()
    assert reminded == [f"report:{dept['period']}:{dept['offices']['OO']}:remind"]


@pytest.mark.skipif(BACKEND != "postgresql", reason=(
    "two scheduler processes on one database is a PostgreSQL deployment; a SQLite file is "
    "served to one process at a time, so there is no race to test (run with "
    "WORKSHOP_TEST_DATABASE=postgresql)"))
def test_two_schedulers_on_one_database_write_and_send_everything_once(app, department):
    dept, due, people = department, department["due"], department["people"]
    monday = _mondays(due + timedelta(days=15), due + timedelta(days=21))[0]
    with time_machine.travel(_at(monday, 5), tick=False):
        manual_scheduler(app).shutdown()  # the jobs are stored: 06:00 follow-up, 07:00 digest
    command = [sys.executable, "-m", "tests.monitoring.scheduler_process",
               app.config["SQLALCHEMY_DATABASE_URI"], _at(monday, 8).isoformat()]
    with Mailbox() as mailbox:
        children = [subprocess.Popen([*command, str(mailbox.port)], cwd=ROOT, text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env={**os.environ})
                    for _ in range(2)]
        for child in children:  # both are ready before either starts
            assert child.stdout.readline().strip() == "ready", child.stderr.read()
        for child in children:
            child.stdin.write("go\n")
            child.stdin.flush()
        results = [child.communicate(timeout=60) for child in children]
        received = mailbox.received()
    assert all(child.returncode == 0 for child in children), [err for _, err in results]
    runs = [json.loads(out) for out, _ in results]

    # Both schedulers ran both jobs at 08:00...
    for ran in runs:
        assert sorted((job, code) for job, code, _ in ran) == [
            (FOLLOW_UP_JOB, EVENT_JOB_EXECUTED), (DIGEST_JOB, EVENT_JOB_EXECUTED)]
    # ...and between them wrote each notice once: every office is 15 days late or more, so
    # the catch-up reaches focal points, heads and the Gender Unit at once.
    offices, p = dept["offices"], dept["period"]
    gender_unit = [people["adviser"], people["analyst"]]
    expected = {
        (people["oo_focal"], f"report:{p}:{offices['OO']}:overdue"),
        (people["pd_focal"], f"report:{p}:{offices['PD']}:overdue"),
        (people["oms_focal"], f"report:{p}:{offices['OMS']}:overdue"),
        (people["oo_head"], f"report:{p}:{offices['OO']}:escalate:2"),
        (people["pd_head"], f"report:{p}:{offices['PD']}:escalate:2"),
        *{(who, f"report:{p}:{offices[a]}:escalate:3")
          for who in gender_unit for a in ("OO", "PD", "MILDIV", "OMS")},
        *{(who, f"digest:{monday.isocalendar()[0]}-W{monday.isocalendar()[1]:02d}")
          for who in gender_unit}}
    written = sum(count for ran in runs for job, _, count in ran)
    assert written == len(expected) == 15
    with app.app_context():
        rows = db.session.execute(select(User.email, Notification.key, Notification.title,
                                         Notification.emailed_at)
                                  .join(Notification.user)).all()
        reports = db.session.scalars(select(ProgressReport)).all()
    assert sorted((email, key) for email, key, _, _ in rows) == sorted(expected)
    assert all(emailed_at is not None for *_, emailed_at in rows)
    # Each notice reached its recipient's mailbox once.
    assert Counter(received) == Counter((email, title) for email, _, title, _ in rows)
    assert len(received) == 15
    assert sorted((r.office_id, r.escalation_step, r.overdue_since) for r in reports) == sorted(
        (offices[a], 3, due + timedelta(days=1)) for a in ("OO", "PD", "MILDIV", "OMS"))


@pytest.mark.skipif(BACKEND != "sqlite", reason="the command is the same on either database; "
                    "it is started once, on SQLite")
def test_the_scheduler_command_runs_until_it_is_told_to_stop(app):
    env = {**os.environ, "WORKSHOP_ENV": "testing",
           "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]}
    process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "scheduler"],
                               cwd=ROOT, env=env, text=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    watchdog = threading.Timer(60, process.kill)  # a hung command fails the test, not the run
    watchdog.start()
    try:
        lines = []
        while len([line for line in lines if "next run" in line]) < 2:
            line = process.stderr.readline()
            if not line:
                break
            lines.append(line)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0, "".join(lines) + process.stderr.read()
    finally:
        watchdog.cancel()
        process.stderr.close()
    announced = "".join(lines)
    assert "Reminders and escalations of progress reports: next run" in announced
    assert "The Gender Unit's weekly digest: next run" in announced
    assert "notifications stay in the inbox and are not e-mailed" in announced
    with app.app_context():
        stored = db.session.scalars(select(scheduler_jobs.c.id)).all()
    assert sorted(stored) == sorted([FOLLOW_UP_JOB, DIGEST_JOB])


# -- e-mail ----------------------------------------------------------------------------------


def _two_notices():
    from tests.factories import make_user
    from workshop.monitoring.notifications import notify

    amina = make_user("focal_point", office=_office(), email="amina@example.org",
                      name="Amina Diallo")
    pedro = make_user("gender_unit", email="pedro@example.org", name="Pedro Alves")
    notify(amina.id, "report:1:1:remind", kind="reminder", title="Q3 2026 report due soon",
           body="Submit it by 15 Oct 2026.", url="/monitoring/periods/1/offices/1")
    notify(pedro.id, "digest:2026-W42", kind="digest", title="Weekly digest",
           body="Overdue reports (1):\n- OO, Q3 2026: 4 days overdue, a draft")
    db.session.commit()
    return amina.email, pedro.email


def _office():
    from tests.factories import OfficeFactory

    return OfficeFactory(acronym="OO")


def _emailed():
    return dict(db.session.execute(select(User.email, Notification.emailed_at)
                                   .join(Notification.user)).all())


def test_without_a_mail_server_nothing_is_emailed(app, monkeypatch):
    from workshop.monitoring.mail import send_pending

    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    with time_machine.travel(utc(2026, 10, 12, 9), tick=False):
        scheduler = manual_scheduler(app)
        assert scheduler.get_job(MAIL_JOB) is not None
        scheduler.shutdown()
        monkeypatch.setitem(app.config, "MAIL_SERVER", "")
        scheduler = manual_scheduler(app)  # the mail server is gone: so is the mail job
        assert {job.id for job in scheduler.get_jobs()} == {FOLLOW_UP_JOB, DIGEST_JOB}
        scheduler.shutdown()
        with app.app_context():
            _two_notices()
            assert send_pending() == 0
            assert set(_emailed().values()) == {None}


def test_notifications_are_emailed_once_by_the_mail_job(app, monkeypatch):
    with Mailbox() as mailbox, time_machine.travel(utc(2026, 10, 12, 9), tick=False) as clock:
        for key, value in {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": mailbox.port,
                           "MAIL_SENDER": "Gender Unit <gender@example.org>",
                           "PUBLIC_URL": "https://workshop.example.org/"}.items():
            monkeypatch.setitem(app.config, key, value)
        scheduler = manual_scheduler(app)
        scheduler.run_due()  # the first follow-up, at once: nothing to remind of, nor to send
        with app.app_context():
            amina, pedro = _two_notices()  # written meanwhile, say by the review of a report
        runs = []
        scheduler.add_listener(lambda e: runs.append((e.job_id, e.scheduled_run_time,
                                                      e.retval)), EVENT_JOB_EXECUTED)
        for _ in range(2):  # the mail job runs every minute; the second run has nothing to send
            clock.move_to(scheduler.next_wakeup())
            scheduler.run_due()
        scheduler.shutdown()
        with app.app_context():
            emailed = _emailed()
    assert runs == [(MAIL_JOB, utc(2026, 10, 12, 9, 1), 2), (MAIL_JOB, utc(2026, 10, 12, 9, 2), 0)]
    assert mailbox.received() == [(amina, "Q3 2026 report due soon"), (pedro, "Weekly digest")]
    message = mailbox.messages[0][1]
    assert message["To"] == "Amina Diallo <amina@example.org>"
    assert message["From"] == "Gender Unit <gender@example.org>"
    text = message.get_content()
    assert "Submit it by 15 Oct 2026." in text
    assert "https://workshop.example.org/monitoring/periods/1/offices/1" in text
    assert "- OO, Q3 2026: 4 days overdue, a draft" in mailbox.messages[1][1].get_content()
    assert all(when is not None for when in emailed.values())


def test_what_cannot_be_sent_now_is_sent_later_and_a_refused_address_is_not_retried(
        app, ctx, monkeypatch, caplog):
    from tests.factories import make_user
    from workshop.monitoring.mail import send_pending
    from workshop.monitoring.notifications import notify

    amina, pedro = _two_notices()
    chen = make_user("viewer", email="chen@example.org")
    notify(chen.id, "note", kind="note", title="A note")
    db.session.commit()
    chen = chen.email
    with Mailbox() as mailbox:
        monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
        monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nobody listens there
        assert send_pending() == 0
        assert "Could not reach the mail server" in caplog.text
        assert set(_emailed().values()) == {None}

        monkeypatch.setitem(app.config, "MAIL_PORT", mailbox.port)
        mailbox.refuse = {pedro: "450 Mailbox busy, try later", chen: "550 No such user"}
        assert send_pending() == 1
        emailed = _emailed()
        assert emailed[amina] is not None and emailed[pedro] is None
        assert emailed[chen] is not None  # refused for good: not tried again
        assert f"refuses {chen} for good" in caplog.text

        mailbox.refuse = {}
        assert send_pending() == 1
        assert send_pending() == 0
    assert [who for who, _ in mailbox.received()] == [amina, pedro]


def test_the_daily_job_reads_as_much_for_many_offices_as_for_few(app, department,
                                                                 query_counter):
    from tests.factories import OfficeFactory, make_user
    from workshop.actionplan.models import ActionPlanVersion
    from workshop.monitoring.jobs import follow_up_reports

    on = department["due"] + timedelta(days=16)  # every step of the chain is due
    counts = []
    for extra in (0, 20):
        with app.app_context():
            version = db.session.scalars(select(ActionPlanVersion)).one()
            activities = list(version.content["activities"])
            for _ in range(extra):  # more offices in the published plan, each with a focal point
                office = OfficeFactory()
                make_user("focal_point", office=office)
                activities.append({**activities[0], "office_id": office.id})
            version.content = {**version.content, "activities": activities}
            assert follow_up_reports(on) > 0  # the day's notices, once
            db.session.commit()
        with app.app_context(), query_counter() as counter:
            assert follow_up_reports(on) == 0  # run again: nothing new to write
            db.session.commit()
        counts.append(counter["n"])
    assert counts[0] == counts[1]
