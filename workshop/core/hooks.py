"""Hooks through which a later stage contributes to pages owned by earlier ones.

A stage registers a provider of "next things to do" for the home page; the home page asks every
provider for the signed-in user's tasks without importing any stage.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Task:
    """Something a user has to do next, shown on their home page."""

    title: str
    detail: str = ""
    url: str | None = None
    level: str = "info"  # info, warning or danger
    due: date | None = None
    section: str = "To do"


_task_providers: list[Callable] = []


def task_provider(func: Callable) -> Callable:
    """Register `func(user) -> list[Task]` as a source of home-page tasks."""
    if func not in _task_providers:
        _task_providers.append(func)
    return func


def tasks_for(user) -> list[Task]:
    """Every registered provider's tasks for `user`, most urgent first."""
    order = {"danger": 0, "warning": 1, "info": 2}
    tasks = [task for provider in _task_providers for task in provider(user)]
    return sorted(tasks, key=lambda t: (order.get(t.level, 3), t.due or date.max, t.title))


@dataclass(frozen=True)
class NavItem:
    """An entry of the main navigation, shown to users holding `permission`."""

    label: str
    endpoint: str
    permission: str | None = None  # None: every signed-in user
    group: str | None = None  # entries sharing a group form one drop-down menu
    order: int = 100


_nav_items: list[NavItem] = []


def nav_item(label: str, endpoint: str, permission: str | None = None,
             group: str | None = None, order: int = 100) -> None:
    """Add an entry to the main navigation (once)."""
    item = NavItem(label, endpoint, permission, group, order)
    if item not in _nav_items:
        _nav_items.append(item)


def navigation_for(user) -> list[tuple[str | None, list[NavItem]]]:
    """The navigation `user` sees: a list of (group, items), groups in order of first entry."""
    visible = [
        item for item in sorted(_nav_items, key=lambda i: i.order)
        if item.permission is None or user.can(item.permission)
    ]
    groups: dict[str | None, list[NavItem]] = {}
    result = []
    for item in visible:
        key = item.group or item.label
        if key not in groups:
            groups[key] = []
            result.append((item.group, groups[key]))
        groups[key].append(item)
    return result


_demo_steps: list[tuple[int, Callable]] = []


def demo_step(order: int):
    """Register `func(scale, today) -> str` as a step of `flask demo-data`, run by `order`."""

    def decorator(func):
        if all(f is not func for _, f in _demo_steps):
            _demo_steps.append((order, func))
        return func

    return decorator


def demo_steps() -> list[Callable]:
    """The registered demo-data steps in order."""
    return [func for _, func in sorted(_demo_steps, key=lambda s: s[0])]


_use_checks: list[Callable] = []


def use_check(func: Callable) -> Callable:
    """Register `func(record) -> str | None`: why a later stage still needs a record an earlier
    stage is about to delete, or None."""
    if func not in _use_checks:
        _use_checks.append(func)
    return func


def still_used(record) -> str | None:
    """The first reason a later stage gives for keeping `record`, None when none needs it."""
    for check in _use_checks:
        reason = check(record)
        if reason:
            return reason
    return None
