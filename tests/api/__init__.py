"""Tests of the JSON API under /api/v1, and helpers they share.

Records are created in an application context and committed; requests carry a personal API
token as `Authorization: Bearer <token>`.
"""

from datetime import date

from tests.factories import make_user
from workshop.auth.services import create_token
from workshop.extensions import db

API = "/api/v1"

# Demo accounts (see workshop.admin.demo) whose tokens the API tests use.
DEMO_ACCOUNTS = {
    "admin": "admin@example.org",
    "gender_unit": "gender.adviser@example.org",
    "consultant": "consultant@example.org",
    "viewer": "viewer@example.org",
    "focal_point": "focal.oo@example.org",
    "participant": "participant.oo@example.org",
}


def bearer(token: str) -> dict:
    """The header that authenticates an API request."""
    return {"Authorization": f"Bearer {token}"}


def token_for(user) -> str:
    """A new token of `user` (call in an application context; the caller commits)."""
    return create_token(user, "API tests")[1]


def user_token(app, *roles: str, office=None) -> str:
    """A token of a new user holding `roles`, committed."""
    with app.app_context():
        if office is not None:
            office = db.session.merge(office)
        secret = token_for(make_user(*roles, office=office))
        db.session.commit()
        return secret


def seed_demo(app) -> dict[str, str]:
    """Load the demo department and return a token per role of DEMO_ACCOUNTS."""
    from workshop.admin.demo import demo_department
    from workshop.auth.services import find_user_by_email

    with app.app_context():
        demo_department(1, date.today())
        tokens = {role: token_for(find_user_by_email(email))
                  for role, email in DEMO_ACCOUNTS.items()}
        db.session.commit()
        db.session.remove()
    return tokens


def is_error_body(response) -> bool:
    """True when a test-client `response` carries a JSON error body with code and message."""
    data = response.get_json(silent=True)
    return (response.mimetype == "application/json" and isinstance(data, dict)
            and data.get("code") == response.status_code
            and isinstance(data.get("message"), str) and bool(data["message"]))
