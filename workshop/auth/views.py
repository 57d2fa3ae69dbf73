"""Sign in, sign out, the profile page with password change and API tokens."""

from urllib.parse import urlsplit

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from ..core.models import utcnow
from ..core.permissions import login_required, require
from ..extensions import db, limiter
from . import bp
from .forms import ChangePasswordForm, SignInForm, TokenForm
from .models import ApiToken
from .services import UserError, authenticate, change_password, create_token


def _safe_next(target: str | None) -> str:
    """Only follow `next` to a path on this site."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and (
            not target.startswith("//")
        ):
            return target
    return url_for("home.index")


def _sign_in_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
def sign_in():
    """Show the sign-in form and sign the user in."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append("The e-mail address or the password is not right.")
        else:
            db.session.commit()
            session.clear()
            login_user(user, remember=form.remember.data)
            if user.must_change_password:
                flash("Please choose a new password before you go on.", "warning")
                return redirect(url_for("auth.profile", _anchor="password"))
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/sign_in.html", form=form)


@bp.route("/sign-out", methods=["POST"])
def sign_out():
    """Sign the user out."""
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.sign_in"))


@bp.before_app_request
def _insist_on_new_password():
    """A user with a temporary password may only change it or sign out."""
    if (
        current_user.is_authenticated
        and getattr(current_user, "must_change_password", False)
        and request.endpoint not in {"auth.profile", "auth.password", "auth.sign_out", "static",
                                     "bootstrap.static"}
        and not request.path.startswith("/api/")
    ):
        return redirect(url_for("auth.profile", _anchor="password"))
    return None


def _profile(password_form=None, token_form=None, status=200):
    new_token = session.pop("new_token", None)
    return (
        render_template(
            "auth/profile.html",
            password_form=password_form or ChangePasswordForm(prefix="pw"),
            token_form=token_form or TokenForm(prefix="tk"),
            tokens=current_user.tokens,
            new_token=new_token,
        ),
        status,
    )


@bp.route("/profile")
@login_required
def profile():
    """The signed-in user's details, password and API tokens."""
    return _profile()


@bp.route("/profile/password", methods=["POST"])
@login_required
def password():
    """Change the signed-in user's password."""
    form = ChangePasswordForm(prefix="pw")
    if form.validate_on_submit():
        try:
            change_password(current_user, form.current_password.data, form.password.data)
        except UserError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            db.session.commit()
            login_user(current_user._get_current_object())  # keep this session after the change
            flash("Your password has been changed.", "success")
            return redirect(url_for("auth.profile"))
    return _profile(password_form=form, status=422)


@bp.route("/profile/tokens", methods=["POST"])
@login_required
def create_api_token():
    """Create a personal API token and show it once."""
    form = TokenForm(prefix="tk")
    if form.validate_on_submit():
        try:
            token, secret = create_token(current_user, form.name.data)
        except UserError as error:
            form.name.errors.append(error.message)
        else:
            db.session.commit()
            session["new_token"] = {"name": token.name, "secret": secret}
            return redirect(url_for("auth.profile", _anchor="tokens"))
    return _profile(token_form=form, status=422)


@bp.route("/profile/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_api_token(token_id: int):
    """Revoke one of the signed-in user's tokens."""
    token = db.get_or_404(ApiToken, token_id)
    require(token.user_id == current_user.id)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.commit()
        flash(f"The token “{token.name}” no longer works.", "success")
    return redirect(url_for("auth.profile", _anchor="tokens"))
