"""Operations on users and tokens. They flush but never commit: the caller commits once."""

from flask import current_app
from sqlalchemy import func, or_, select

from ..core.models import utcnow
from ..core.validation import FieldError
from ..extensions import db
from .models import ApiToken, User, UserRole, hash_token
from .roles import OFFICE_ROLES, ROLES


class UserError(FieldError):
    """A user or token cannot be saved as asked."""


def normalise_email(email: str) -> str:
    """E-mail addresses compare without case or surrounding spaces."""
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    """The user with this e-mail address, if any."""
    email = normalise_email(email)
    # Stored addresses are lower-cased by Python; the exact comparison catches those the
    # database's lower() folds differently, which the unique constraint would otherwise refuse.
    return db.session.scalar(
        select(User).where(or_(func.lower(User.email) == email, User.email == email)))


def check_password_strength(password: str) -> None:
    """Refuse passwords that are too short or too plain."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password or "") < minimum:
        raise UserError("password", f"Use at least {minimum} characters.")
    if password.isdigit() or len(set(password)) < 4:
        raise UserError("password", "Choose a password that is harder to guess.")


def _check_roles(roles: set[str], office_id: int | None) -> None:
    unknown = roles - set(ROLES)
    if unknown:
        raise UserError("roles", f"Unknown role: {', '.join(sorted(unknown))}.")
    if roles & OFFICE_ROLES and office_id is None:
        raise UserError("office_id", "Focal points and participants must belong to an office.")


def _set_roles(user: User, roles: set[str]) -> None:
    current = {link.role: link for link in user.role_links}
    for role, link in current.items():
        if role not in roles:
            user.role_links.remove(link)
    for role in sorted(roles - set(current)):
        user.role_links.append(UserRole(role=role))


def create_user(
    *,
    email: str,
    name: str,
    password: str,
    roles: set[str] | list[str],
    office_id: int | None = None,
    must_change_password: bool = False,
    check_strength: bool = True,
    password_hash: str | None = None,
) -> User:
    """Create a user with the given roles.

    `password_hash` reuses an existing hash of the same password (bulk demo data), since
    hashing is deliberately slow.
    """
    email = normalise_email(email)
    roles = set(roles)
    if find_user_by_email(email):
        raise UserError("email", "A user with this e-mail address already exists.")
    _check_roles(roles, office_id)
    if check_strength:
        check_password_strength(password)
    user = User(
        email=email,
        name=name.strip(),
        office_id=office_id,
        must_change_password=must_change_password,
        active=True,
        session_version=0,
    )
    if password_hash:
        user.password_hash, user.session_version = password_hash, 1
    else:
        user.set_password(password)
    _set_roles(user, roles)
    db.session.add(user)
    db.session.flush()
    return user


def update_user(
    user: User,
    *,
    email: str | None = None,
    name: str | None = None,
    roles: set[str] | list[str] | None = None,
    office_id: int | None | type[...] = ...,
    active: bool | None = None,
    acting_user: User | None = None,
) -> User:
    """Change a user's details, roles, office or active flag."""
    if email is not None:
        email = normalise_email(email)
        other = find_user_by_email(email)
        if other is not None and other.id != user.id:
            raise UserError("email", "A user with this e-mail address already exists.")
        user.email = email
    if name is not None:
        user.name = name.strip()
    new_office = user.office_id if office_id is ... else office_id
    new_roles = user.roles if roles is None else set(roles)
    _check_roles(new_roles, new_office)
    if acting_user is not None and acting_user.id == user.id:
        if active is False:
            raise UserError("active", "You cannot deactivate your own account.")
        if "admin" in user.roles and "admin" not in new_roles:
            raise UserError("roles", "You cannot remove your own administrator role.")
    user.office_id = new_office
    _set_roles(user, new_roles)
    if active is not None and active != user.active:
        user.active = active
        if not active:
            user.session_version += 1  # signs the user out everywhere
    db.session.flush()
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Change the user's own password after checking the current one."""
    if not user.check_password(current):
        raise UserError("current_password", "This is not your current password.")
    if current == new:
        raise UserError("password", "Choose a password different from the current one.")
    check_password_strength(new)
    user.set_password(new)
    user.must_change_password = False
    db.session.flush()


def reset_password(user: User, new: str) -> None:
    """Set a temporary password chosen by an admin; the user must change it at next sign-in."""
    check_password_strength(new)
    user.set_password(new)
    user.must_change_password = True
    db.session.flush()


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None."""
    user = find_user_by_email(email)
    if user is None or not user.active or not user.check_password(password):
        return None
    user.last_sign_in_at = utcnow()
    db.session.flush()
    return user


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Create an API token; return it and its secret, which is never stored."""
    name = (name or "").strip()
    if not name:
        raise UserError("name", "Give the token a name so you can recognise it later.")
    secret = ApiToken.generate()
    token = ApiToken(user=user, name=name[:80], token_hash=hash_token(secret), hint=secret[:8])
    db.session.add(token)
    db.session.flush()
    return token, secret


def user_for_token(secret: str) -> User | None:
    """The active user owning this valid token, or None."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(secret)))
    if token is None or not token.is_valid or not token.user.active:
        return None
    return token.user
