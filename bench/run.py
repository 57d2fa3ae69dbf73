"""`make bench`: time the heaviest pages at demo scale 1 and 100 and print a table.

Each scale gets a fresh SQLite database in a temporary folder, migrated and filled by
`demo-data --scale N`. Pages are requested in-process through the WSGI app (no network),
signed in as the demo Gender Unit officer (who is also an administrator), after one warm-up
request. `{cycle}` in a path stands for the current cycle's id.

A page whose warm-up takes longer than SLOW seconds is timed SLOW_REPEAT times instead of
BENCH_REPEAT; a request still running after BENCH_LIMIT seconds is stopped and shown as
timed out (the runs column says how many requests were timed).
"""

import os
import signal
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager

from flask_migrate import upgrade
from sqlalchemy import event, select

PAGES = [
    ("Home (admin)", "/"),
    ("Users list", "/admin/users"),
    ("Users list, sorted by office", "/admin/users?sort=office"),
    ("Offices list", "/admin/offices"),
    ("Audit trail", "/admin/audit"),
    ("Timeline", "/timeline"),
    ("Users export (Excel)", "/admin/users?export=xlsx"),
    ("Needs assessment: offices", "/assessment/"),
    ("Needs assessment: sessions", "/assessment/sessions"),
    ("Findings list", "/assessment/findings"),
    ("Gap register (department)", "/assessment/gaps"),
    ("Gap register (one office)", "/assessment/offices/1/gaps"),
    ("Summary (department)", "/assessment/summary"),
    ("Summary PDF (department)", "/assessment/summary.pdf"),
    ("Summary Excel (department)", "/assessment/summary.xlsx"),
    ("Workshops list", "/workshops/"),
    ("Pilot workshop page", "/workshops/1"),
    ("Pilot attendance", "/workshops/1/attendance"),
    ("Pilot agenda PDF", "/workshops/1/agenda.pdf"),
    ("Evaluations Excel (all)", "/workshops/evaluations.xlsx"),
    ("Action plan (live)", "/action-plan/{cycle}/"),
    ("Action plan overlaps (live)", "/action-plan/{cycle}/overlaps"),
    ("Action plan version 1", "/action-plan/{cycle}/versions/1"),
    ("Action plan version 1 PDF", "/action-plan/{cycle}/versions/1/plan.pdf"),
    ("Monitoring dashboard", "/monitoring/dashboard?cycle={cycle}"),
    ("Monitoring: indicators behind", "/monitoring/dashboard/indicators?cycle={cycle}&behind=1"),
    ("Monitoring: progress reports", "/monitoring/?cycle={cycle}"),
    ("Monitoring: latest quarter", "/monitoring/periods/{period}"),
    ("Monitoring: a progress report", "/monitoring/periods/{period}/offices/1"),
    ("Review report PDF", "/monitoring/review-report.pdf?cycle={cycle}"),
    ("Measurements Excel", "/monitoring/measurements.xlsx?cycle={cycle}"),
]
# BENCH_PAGES=dashboard,review times only the pages whose label holds one of these words.
ONLY = [w.strip().lower() for w in os.environ.get("BENCH_PAGES", "").split(",") if w.strip()]
REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))
SLOW, SLOW_REPEAT = 1.0, 3
LIMIT = int(os.environ.get("BENCH_LIMIT", "300"))


class TimeLimitError(BaseException):
    """A request ran past BENCH_LIMIT seconds (not an Exception, so that the app's error
    handlers let it through)."""


@contextmanager
def time_limit(seconds: int):
    """Stop the block with TimeLimitError after `seconds` (main thread, POSIX only)."""

    def stop(*_args):
        raise TimeLimitError

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def counted(engine):
    counter = {"n": 0}

    def before(*_args):
        counter["n"] += 1

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", before)


def measure(scale: int) -> list[tuple]:
    from workshop import MIGRATIONS, create_app
    from workshop.admin.services import current_cycle
    from workshop.auth.models import User
    from workshop.extensions import db

    folder = tempfile.mkdtemp(prefix="workshop-bench-")
    url = f"sqlite:///{folder}/bench.sqlite"
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url,
                      "PASSWORD_HASH_METHOD": "scrypt"})
    with app.app_context():
        upgrade(directory=MIGRATIONS)
    started = time.perf_counter()
    result = app.test_cli_runner().invoke(args=["demo-data", "--scale", str(scale)])
    if result.exit_code:
        raise SystemExit(result.output)
    seeded = time.perf_counter() - started
    client = app.test_client()
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == "gender.officer@example.org"))
        with client.session_transaction() as session:
            session["_user_id"] = admin.get_id()
        engine = db.engine
        cycle = current_cycle().id
        from workshop.monitoring.models import ProgressReport, ReportingPeriod

        period = db.session.scalar(select(ReportingPeriod.id).join(ProgressReport).where(
            ReportingPeriod.cycle_id == cycle).order_by(ReportingPeriod.number.desc())
            .limit(1)) or 1
    rows = [(scale, "demo-data", seeded * 1000, seeded * 1000, "", "", 1)]
    for label, path in PAGES:
        if ONLY and not any(word in label.lower() for word in ONLY):
            continue
        path = path.format(cycle=cycle, period=period)
        start = time.perf_counter()
        try:
            with time_limit(LIMIT):
                client.get(path)
        except TimeLimitError:
            rows.append((scale, label, None, None, "", "", 0))
            continue
        repeat = REPEAT if time.perf_counter() - start < SLOW else SLOW_REPEAT
        timings = []
        for _ in range(repeat):
            start = time.perf_counter()
            with counted(engine) as counter:
                response = client.get(path)
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        timings.sort()
        p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
        rows.append((scale, label, statistics.median(timings), p95, counter["n"],
                     len(response.data), repeat))
    return rows


def large_plan(activities: int = 500) -> list[tuple]:
    """A work plan of `activities` activities: its page, its PDF, and uploading it as a
    workbook with every activity changed, each timed with its peak Python memory."""
    import io
    import tracemalloc
    from datetime import date
    from decimal import Decimal

    from openpyxl import load_workbook

    from workshop import MIGRATIONS, create_app
    from workshop.auth.models import User
    from workshop.extensions import db
    from workshop.workplans import services
    from workshop.workplans.workbook import apply_workbook, plan_workbook

    folder = tempfile.mkdtemp(prefix="workshop-bench-plan-")
    app = create_app({"ENV_NAME": "testing",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite"})
    with app.app_context():
        upgrade(directory=MIGRATIONS)
    result = app.test_cli_runner().invoke(args=["demo-data"])
    if result.exit_code:
        raise SystemExit(result.output)
    with app.app_context():
        from workshop.admin.models import Office
        from workshop.admin.services import current_cycle

        cycle = current_cycle()
        office = db.session.scalar(select(Office).where(Office.acronym == "PBPS"))
        plan = services.plan_for(cycle.id, office.id)
        if not plan.editable:
            services.reopen_plan(plan, None)
        for o in range(10):
            objective = services.save_objective(None, plan, title=f"Objective {o + 1}")
            for a in range(activities // 10):
                activity = services.save_activity(None, objective, services.ActivityInput(
                    title=f"Activity {o + 1}.{a + 1}", responsible="Planning unit",
                    starts_on=date(cycle.start_date.year, 4, 1),
                    ends_on=date(cycle.start_date.year, 9, 30),
                    cost_core=Decimal(1000 + a), cost_extra=None))
                services.save_indicator(None, activity, services.IndicatorInput(
                    statement=f"Indicator of {o + 1}.{a + 1}", baseline_value="0",
                    target_value="10"))
        db.session.commit()
        plan_id = plan.id
        user = db.session.scalar(select(User).where(User.email == "gender.officer@example.org"))
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
        workbook = plan_workbook(plan)
    book = load_workbook(io.BytesIO(workbook))
    sheet = book["Activities"]
    headers = [c.value for c in sheet[1]]
    cost = headers.index("Core (USD)") + 1
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row=row, column=cost, value=2000)
    changed = io.BytesIO()
    book.save(changed)

    def timed(label, action):
        """Time one run, then measure the peak memory of another (tracing slows it down)."""
        start = time.perf_counter()
        size = action()
        elapsed = (time.perf_counter() - start) * 1000
        tracemalloc.start()
        action()
        peak = tracemalloc.get_traced_memory()[1] / 1_000_000
        tracemalloc.stop()
        return (activities, label, elapsed, peak, size)

    def upload():
        with app.app_context():
            plan = db.session.get(services.WorkPlan, plan_id)
            report = apply_workbook(plan, changed.getvalue())
            assert report.ok, report.errors[:3]
            db.session.rollback()
            return len(changed.getvalue())

    return [
        timed("plan page", lambda: len(client.get(f"/work-plans/{plan_id}").data)),
        timed("plan PDF", lambda: len(client.get(f"/work-plans/{plan_id}/plan.pdf").data)),
        timed("workbook download", lambda: len(client.get(
            f"/work-plans/{plan_id}/workbook.xlsx").data)),
        timed("workbook upload (all changed)", upload),
    ]


def main() -> None:
    scales = [int(s) for s in (sys.argv[1:] or ["1", "100"])]
    rows = []
    for scale in scales:
        rows += measure(scale)
    print(f"\n{'scale':>5}  {'page':<32} {'median ms':>10} {'p95 ms':>8} {'queries':>8} "
          f"{'bytes':>9} {'runs':>4}")
    for scale, label, median, p95, queries, size, runs in rows:
        if median is None:
            print(f"{scale:>5}  {label:<32} {f'> {LIMIT} s, timed out':>28}")
            continue
        print(f"{scale:>5}  {label:<32} {median:>10.1f} {p95:>8.1f} {queries!s:>8} "
              f"{size!s:>9} {runs:>4}")
    print(f"\n{'activities':>10}  {'work plan':<32} {'ms':>10} {'peak MB':>8} {'bytes':>9}")
    for count, label, elapsed, peak, size in large_plan():
        print(f"{count:>10}  {label:<32} {elapsed:>10.1f} {peak:>8.1f} {size:>9}")


if __name__ == "__main__":
    main()
