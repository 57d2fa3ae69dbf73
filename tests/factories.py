"""Factories for test records. Call them inside an application context."""

import itertools
from datetime import date

import factory

from workshop.admin.models import Office, PlanCycle
from workshop.admin.services import save_cycle
from workshop.auth.services import create_user
from workshop.extensions import db

PASSWORD = "correct-horse-battery"
_seq = itertools.count(1)


class OfficeFactory(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        model = Office
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"

    name = factory.Sequence(lambda n: f"Office number {n}")
    acronym = factory.Sequence(lambda n: f"OFF{n}")
    description = "An office of the department."
    active = True


def make_user(*roles: str, office=None, email=None, name=None, password=PASSWORD, **kwargs):
    """A user holding `roles` (and bound to `office` for office roles)."""
    n = next(_seq)
    return create_user(
        email=email or f"user{n}@example.org",
        name=name or f"Test User {n}",
        password=password,
        roles=set(roles),
        office_id=office.id if office is not None else None,
        **kwargs,
    )


def make_cycle(name="2026-2027", start=date(2026, 1, 1), end=date(2027, 12, 31),
               status="active", **kwargs) -> PlanCycle:
    """A plan cycle with its proposed timeline."""
    return save_cycle(None, name=name, start_date=start, end_date=end, status=status, **kwargs)
