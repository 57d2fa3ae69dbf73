"""The application under test, on SQLite or on a real PostgreSQL server.

`WORKSHOP_TEST_DATABASE=postgresql` runs the suite against a server started for the run;
otherwise it runs on a SQLite file. Each test starts from empty tables with the reference
lists seeded.
"""

import os
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event, text
from werkzeug.serving import make_server

from tests.pg import PostgresServer
from workshop import create_app
from workshop.extensions import db, limiter

BACKEND = os.environ.get("WORKSHOP_TEST_DATABASE", "sqlite")


@pytest.fixture(scope="session")
def _postgres_url():
    server = PostgresServer()
    url = server.start()
    yield server, url
    server.stop()


@pytest.fixture(scope="session")
def app(request, tmp_path_factory):
    """The application with its schema created once for the run."""
    if BACKEND == "postgresql":
        server, url = request.getfixturevalue("_postgres_url")
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    instance = tempfile.mkdtemp(prefix="workshop-instance-")
    application = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url})
    application.instance_path = instance
    with application.app_context():
        db.create_all()
    yield application
    with application.app_context():
        db.engine.dispose()  # close pooled connections before the server goes away


def _empty_tables():
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
        db.session.execute(text("DELETE FROM sqlite_sequence")) if _has_sequence() else None
    db.session.commit()


def _has_sequence() -> bool:
    return bool(db.session.execute(
        text("SELECT name FROM sqlite_master WHERE name='sqlite_sequence'")).first())


@pytest.fixture(autouse=True)
def clean_database(app):
    """Every test starts from empty tables, the reference lists seeded, limits reset."""
    from workshop.admin.seed import seed_reference_lists

    with app.app_context():
        _empty_tables()
        seed_reference_lists()
        db.session.commit()
        db.session.remove()
    limiter.reset()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def ctx(app):
    """An application context for setting up records (not shared with requests)."""
    with app.app_context() as context:
        yield context
        db.session.remove()


class Auth:
    """Sign a test client in and out without going through the rate-limited form."""

    def __init__(self, client):
        self.client = client

    def login(self, user) -> None:
        """Sign in as `user` (a User inside an app context, or the value of its get_id())."""
        with self.client.session_transaction() as session:
            session["_user_id"] = user.get_id() if hasattr(user, "get_id") else user
            session["_fresh"] = True

    def logout(self) -> None:
        with self.client.session_transaction() as session:
            session.clear()


@pytest.fixture
def auth(client):
    return Auth(client)


@contextmanager
def count_queries(app):
    """Count the SQL statements run inside the block: `with count_queries(app) as n: ...`."""
    counter = {"n": 0, "statements": []}
    with app.app_context():
        engine = db.engine

    def before(conn, cursor, statement, parameters, context, executemany):
        counter["n"] += 1
        counter["statements"].append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", before)


@pytest.fixture
def query_counter(app):
    """`query_counter()` returns a context manager that counts SQL statements."""
    return lambda: count_queries(app)


class LiveServer:
    """The app served by werkzeug in a thread on 127.0.0.1."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()


@pytest.fixture(scope="session")
def live_server(app):
    server = LiveServer(app).start()
    yield server
    server.stop()


def pytest_report_header(config):
    return f"database backend: {BACKEND}"


ROOT = Path(__file__).resolve().parent.parent
