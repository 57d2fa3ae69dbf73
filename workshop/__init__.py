"""Workshop: a department's gender action-plan process, from needs assessment to reporting."""

import os

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .config import load_config
from .extensions import api, bootstrap, csrf, db, limiter, login_manager, migrate

MIGRATIONS = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "migrations"))


def create_app(config: dict | None = None) -> Flask:
    """Build the application; `config` overrides settings (tests pass theirs here)."""
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    config = config or {}
    app.config.update(load_config(app.instance_path, config.get("ENV_NAME")))
    app.config.update(config)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the extensions to the app."""
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS, render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    bootstrap.init_app(app)
    api.init_app(app)
    from .auth import init_login

    init_login(app)
    from .core.security import register_security_headers

    register_security_headers(app)


@event.listens_for(Engine, "connect")
def _sqlite_foreign_keys(dbapi_connection, connection_record):
    """SQLite enforces foreign keys only when asked, on every connection."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def register_blueprints(app: Flask) -> None:
    """Register each domain's pages and API resources."""
    from . import actionplan, admin, assessment, auth, home, monitoring, workplans, workshops  # noqa: F401

    app.register_blueprint(auth.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(admin.public_bp)
    app.register_blueprint(assessment.bp)
    app.register_blueprint(workshops.bp)
    app.register_blueprint(workshops.public_bp)
    app.register_blueprint(workplans.bp)
    app.register_blueprint(actionplan.bp)
    app.register_blueprint(monitoring.bp)
    app.register_blueprint(home.bp)
    from .actionplan.api import register_api as register_actionplan_api
    from .admin.api import register_api as register_admin_api
    from .assessment.api import register_api as register_assessment_api
    from .auth.api import register_api as register_auth_api
    from .monitoring.api import register_api as register_monitoring_api
    from .workplans.api import register_api as register_workplans_api
    from .workshops.api import register_api as register_workshops_api

    register_auth_api(api)
    register_admin_api(api)
    register_assessment_api(api)
    register_workshops_api(api)
    register_workplans_api(api)
    register_actionplan_api(api)
    register_monitoring_api(api)


def register_errorhandlers(app: Flask) -> None:
    """Error pages, and JSON errors under /api."""
    from .core.errors import register_error_handlers

    register_error_handlers(app)


def register_template_helpers(app: Flask) -> None:
    """Filters and globals the templates share."""
    from .core.templating import register_templating

    register_templating(app)


def register_commands(app: Flask) -> None:
    """`flask seed`, `flask demo-data` and friends."""
    from .cli import register_cli

    register_cli(app)
