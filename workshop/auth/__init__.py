"""Users, roles, sign-in and personal API tokens."""

from flask import Blueprint, request

from ..extensions import login_manager

bp = Blueprint("auth", __name__, template_folder="templates")


def init_login(app) -> None:
    """Wire Flask-Login: sessions for pages, bearer tokens for the API only."""
    from .models import AnonymousUser, User
    from .services import user_for_token

    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Please sign in to see this page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.anonymous_user = AnonymousUser

    @login_manager.user_loader
    def load_user(user_id: str):
        # The API never trusts the session cookie: it would make it open to cross-site requests.
        if request.path.startswith("/api/"):
            return None
        try:
            pk, version = (int(part) for part in user_id.split(":"))
        except ValueError:
            return None
        from ..extensions import db

        user = db.session.get(User, pk)
        if user is None or not user.active or user.session_version != version:
            return None
        return user

    @login_manager.request_loader
    def load_user_from_token(req):
        if not req.path.startswith("/api/"):
            return None
        header = req.headers.get("Authorization", "")
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            return None
        return user_for_token(secret.strip())


from . import views  # noqa: E402,F401
