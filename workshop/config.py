"""Configuration by environment.

`WORKSHOP_ENV` picks the class (development by default, production, testing). Secrets and the
database come from the environment; in development a secret key is generated once and kept in
the instance folder so that sessions survive a restart.
"""

import os
import secrets
from pathlib import Path


def _flag(name: str, default: bool = False) -> bool:
    """An on/off setting from the environment: 1, true, yes or on mean on."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _instance_secret(instance_path: str) -> str:
    """Return the development secret key kept in the instance folder, creating it once."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class Config:
    """Settings shared by every environment."""

    DEPARTMENT_NAME = os.environ.get("DEPARTMENT_NAME", "Department of Peacekeeping Operations")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    WTF_CSRF_TIME_LIMIT = None  # a workshop day is long; the token lives as long as the session
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 12
    BOOTSTRAP_SERVE_LOCAL = True
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    SIGN_IN_RATE_LIMIT = "5 per minute; 30 per hour"
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 - a hashing method, not a password
    PASSWORD_MIN_LENGTH = 10
    PAGE_SIZE = 25
    # Two activities of different offices whose titles score this much (out of 100) are alike.
    OVERLAP_THRESHOLD = int(os.environ.get("OVERLAP_THRESHOLD", "75"))
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    # Follow-up of progress reports by the scheduler (`flask scheduler`), times in UTC.
    REMINDER_DAYS_BEFORE = int(os.environ.get("REMINDER_DAYS_BEFORE", "7"))
    ESCALATION_INTERVAL_DAYS = int(os.environ.get("ESCALATION_INTERVAL_DAYS", "7"))
    FOLLOW_UP_HOUR = int(os.environ.get("FOLLOW_UP_HOUR", "6"))  # daily reminders, escalations
    DIGEST_HOUR = int(os.environ.get("DIGEST_HOUR", "7"))  # the Gender Unit's Monday digest
    # E-mail: notifications are sent by e-mail too when MAIL_SERVER is set.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _flag("MAIL_USE_TLS")  # STARTTLS on a plain connection (port 587)
    MAIL_USE_SSL = _flag("MAIL_USE_SSL")  # TLS from the start (port 465)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "Workshop <workshop@localhost>")
    MAIL_INTERVAL_SECONDS = int(os.environ.get("MAIL_INTERVAL_SECONDS", "60"))
    # Where people open Workshop, for the links in e-mails.
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000")
    # OpenAPI document served by flask-smorest
    API_TITLE = "Workshop API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    API_SPEC_OPTIONS = {
        "info": {"description": "Figures and records of the gender action-plan process."},
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearerAuth": []}],
    }

    def __init__(self, instance_path: str):
        self.instance_path = instance_path

    @property
    def SQLALCHEMY_DATABASE_URI(self):  # noqa: N802 - Flask reads upper-case names
        url = os.environ.get("DATABASE_URL")
        if url:
            # Accept the common "postgres://" and "postgresql://" forms and use psycopg 3.
            for prefix in ("postgres://", "postgresql://"):
                if url.startswith(prefix):
                    return "postgresql+psycopg://" + url[len(prefix) :]
            return url
        return "sqlite:///" + str(Path(self.instance_path) / "workshop.sqlite")


class DevConfig(Config):
    """Local development: SQLite in the instance folder, a generated secret key."""

    @property
    def SECRET_KEY(self):  # noqa: N802
        return os.environ.get("SECRET_KEY") or _instance_secret(self.instance_path)


class ProdConfig(Config):
    """Production: the secret key must come from the environment; cookies only over HTTPS."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    @property
    def SECRET_KEY(self):  # noqa: N802
        key = os.environ.get("SECRET_KEY")
        if not key:
            raise RuntimeError("SECRET_KEY must be set in the environment in production")
        return key


class TestConfig(Config):
    """The test suite: a database chosen by the harness, quick password hashing."""

    TESTING = True
    SECRET_KEY = "test-only-secret"  # noqa: S105 - not a real secret
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # noqa: S105 - quick hashing for tests
    SQLALCHEMY_ENGINE_OPTIONS = {}
    MAIL_SERVER = ""  # a developer's mail server never receives the suite's messages
    REMINDER_DAYS_BEFORE = 7
    ESCALATION_INTERVAL_DAYS = 7
    FOLLOW_UP_HOUR = 6
    DIGEST_HOUR = 7


CONFIGS = {"development": DevConfig, "production": ProdConfig, "testing": TestConfig}


def load_config(instance_path: str, name: str | None = None) -> dict:
    """Return the settings of the named environment as a plain dict."""
    name = name or os.environ.get("WORKSHOP_ENV", "development")
    cls = CONFIGS[name]
    obj = cls(instance_path)
    return {key: getattr(obj, key) for key in dir(obj) if key.isupper()}
