"""`make bench`: time the heaviest pages at demo scale 1 and 100 and print a table.

Each scale gets a fresh SQLite database in a temporary folder, migrated and filled by
`demo-data --scale N`. Pages are requested in-process through the WSGI app (no network),
signed in as the demo Gender Unit officer (who is also an administrator), after one warm-up
request.
"""

import os
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
]
REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))


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
    rows = [(scale, "demo-data", seeded * 1000, seeded * 1000, "", "")]
    for label, path in PAGES:
        client.get(path)
        timings = []
        for _ in range(REPEAT):
            start = time.perf_counter()
            with counted(engine) as counter:
                response = client.get(path)
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        timings.sort()
        p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
        rows.append((scale, label, statistics.median(timings), p95, counter["n"],
                     len(response.data)))
    return rows


def main() -> None:
    scales = [int(s) for s in (sys.argv[1:] or ["1", "100"])]
    rows = []
    for scale in scales:
        rows += measure(scale)
    print(f"\n{'scale':>5}  {'page':<32} {'median ms':>10} {'p95 ms':>8} {'queries':>8} "
          f"{'bytes':>9}")
    for scale, label, median, p95, queries, size in rows:
        print(f"{scale:>5}  {label:<32} {median:>10.1f} {p95:>8.1f} {queries!s:>8} "
              f"{size!s:>9}")


if __name__ == "__main__":
    main()
