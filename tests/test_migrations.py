"""`flask db upgrade` from an empty database gives exactly the schema of the models."""

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect

from tests.conftest import BACKEND
from workshop import MIGRATIONS, create_app
from workshop.extensions import db


@pytest.fixture
def empty_database_url(request, tmp_path):
    if BACKEND == "postgresql":
        server, _ = request.getfixturevalue("_postgres_url")
        return server.create_database(f"migrations_{uuid.uuid4().hex[:12]}")
    return f"sqlite:///{tmp_path / 'migrated.sqlite'}"


def test_upgrade_from_empty_matches_the_models(empty_database_url):
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        tables = set(inspect(db.engine).get_table_names())
        db.engine.dispose()
    assert differences == []
    assert {"users", "offices", "plan_cycles", "milestones", "audit_entries"} <= tables


def test_the_one_active_cycle_rule_is_in_the_database(empty_database_url):
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        db.engine.dispose()
    engine = create_engine(empty_database_url)
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    insert = text("INSERT INTO plan_cycles (name, start_date, end_date, status, description, "
                  "created_at, updated_at) VALUES (:n, '2026-01-01', '2027-12-31', 'active', '', "
                  "'2026-01-01', '2026-01-01')")
    with engine.begin() as connection:
        connection.execute(insert, {"n": "2026-2027"})
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(insert, {"n": "2028-2029"})
    engine.dispose()
