"""Users, their roles, and personal API tokens."""

import hashlib
import secrets
from datetime import datetime

from flask import current_app
from flask_login import AnonymousUserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.models import Audited, TimestampMixin, utcnow
from ..extensions import db
from .roles import OFFICE_ROLES, PERMISSIONS, ROLES

_ROLE_LIST = ", ".join(f"'{r}'" for r in ROLES)


class User(TimestampMixin, Audited, db.Model):
    """A person who signs in; may hold several roles, office roles bound to one office."""

    __tablename__ = "users"
    __audit_exclude__ = frozenset({"password_hash", "session_version", "created_at", "updated_at",
                                   "last_sign_in_at"})

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    session_version: Mapped[int] = mapped_column(default=1)
    last_sign_in_at: Mapped[datetime | None]

    office = relationship("Office", back_populates="users", lazy="joined",
                          foreign_keys=[office_id])
    role_links: Mapped[list["UserRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    tokens: Mapped[list["ApiToken"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="ApiToken.created_at.desc()"
    )

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    def audit_label(self) -> str:
        return self.email

    # -- Flask-Login ------------------------------------------------------------------------
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        # The version invalidates other sessions when the password changes.
        return f"{self.id}:{self.session_version}"

    # -- passwords ----------------------------------------------------------------------------
    def set_password(self, password: str) -> None:
        """Store a salted hash of `password` and sign out the user's other sessions."""
        method = current_app.config["PASSWORD_HASH_METHOD"]
        self.password_hash = generate_password_hash(password, method=method)
        self.session_version = (self.session_version or 0) + 1

    def check_password(self, password: str) -> bool:
        """True when `password` is the user's password."""
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    # -- roles and permissions ---------------------------------------------------------------
    @property
    def roles(self) -> set[str]:
        return {link.role for link in self.role_links}

    def has_role(self, *roles: str) -> bool:
        """True when the user holds any of `roles`."""
        return bool(self.roles.intersection(roles))

    def can(self, permission: str) -> bool:
        """True when one of the user's roles grants `permission`."""
        return bool(self.roles & PERMISSIONS.get(permission, set()))

    @property
    def role_labels(self) -> list[str]:
        return [ROLES[r] for r in ROLES if r in self.roles]

    @property
    def office_bound(self) -> bool:
        """True when every role the user holds is tied to an office."""
        return bool(self.roles) and self.roles <= OFFICE_ROLES

    def belongs_to(self, office_id: int | None) -> bool:
        """True when the user holds an office role in `office_id`."""
        return bool(self.roles & OFFICE_ROLES) and office_id is not None and (
            self.office_id == office_id
        )


class UserRole(Audited, db.Model):
    """One role held by one user."""

    __tablename__ = "user_roles"
    __audit_name__ = "User role"
    __table_args__ = (
        UniqueConstraint("user_id", "role", name="uq_user_roles_user_role"),
        CheckConstraint(f"role IN ({_ROLE_LIST})", name="known_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))

    user: Mapped[User] = relationship(back_populates="role_links")

    def audit_label(self) -> str:
        email = self.user.email if self.user else f"user {self.user_id}"
        return f"{email}: {ROLES.get(self.role, self.role)}"


class AnonymousUser(AnonymousUserMixin):
    """The visitor who has not signed in: every check says no."""

    roles: set[str] = set()
    office_id = None
    office_bound = False

    def has_role(self, *roles: str) -> bool:
        return False

    def can(self, permission: str) -> bool:
        return False

    def belongs_to(self, office_id) -> bool:
        return False


TOKEN_PREFIX = "wsk_"  # noqa: S105 - marks a string as a Workshop token


def hash_token(token: str) -> str:
    """The stored form of an API token (tokens are random, so a plain SHA-256 suffices)."""
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(TimestampMixin, Audited, db.Model):
    """A personal API token, shown once at creation and stored only as a hash."""

    __tablename__ = "api_tokens"
    __audit_name__ = "API token"
    __audit_exclude__ = frozenset({"token_hash", "created_at", "updated_at", "last_used_at"})

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(16))
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="tokens")

    def audit_label(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

    @staticmethod
    def generate() -> str:
        """A new random token string."""
        return TOKEN_PREFIX + secrets.token_urlsafe(32)

    def revoke(self) -> None:
        """Stop the token from working."""
        if self.revoked_at is None:
            self.revoked_at = utcnow()
