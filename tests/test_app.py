"""Configuration, security headers, error pages and the command line."""

from sqlalchemy import func, select

from workshop import create_app
from workshop.config import load_config


def test_database_url_from_the_environment_uses_psycopg(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.example/workshop")
    config = load_config(str(tmp_path), "development")
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db.example/workshop"


def test_sqlite_in_the_instance_folder_by_default(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = load_config(str(tmp_path), "development")
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/workshop.sqlite"


def test_development_keeps_a_generated_secret_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = load_config(str(tmp_path), "development")["SECRET_KEY"]
    second = load_config(str(tmp_path), "development")["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_production_refuses_to_start_without_a_secret(monkeypatch, tmp_path):
    import pytest

    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        load_config(str(tmp_path), "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    config = load_config(str(tmp_path), "production")
    assert config["SESSION_COOKIE_SECURE"] is True


def test_pages_carry_security_headers(client):
    response = client.get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_pages_load_nothing_from_outside(client):
    html = client.get("/sign-in").text
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert "https://" not in html
    with client.get("/bootstrap/static/css/bootstrap.min.css") as css:
        assert css.status_code == 200


def test_unknown_pages_get_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "There is nothing at this address" in response.text


def test_demo_data_fills_an_empty_database_once(app, runner):
    from workshop.admin.models import Office, PlanCycle
    from workshop.auth.models import User
    from workshop.extensions import db

    result = runner.invoke(args=["demo-data", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "workshop-demo-1325" in result.output and "admin@example.org" in result.output
    again = runner.invoke(args=["demo-data", "--if-empty"])
    assert "already has data" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Office)) == 5
        assert db.session.scalar(select(PlanCycle.name).where(PlanCycle.status == "active"))
        roles = set()
        for user in db.session.scalars(select(User)):
            roles |= user.roles
        assert roles == {"admin", "gender_unit", "consultant", "focal_point", "participant",
                         "viewer"}


def test_demo_data_scales(app, runner):
    from workshop.admin.models import Office
    from workshop.extensions import db

    result = runner.invoke(args=["demo-data", "--scale", "3"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Office)) == 15


def test_create_app_without_arguments_uses_development(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite")
    monkeypatch.setenv("SECRET_KEY", "y" * 40)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("x.sqlite")
    assert not app.testing
