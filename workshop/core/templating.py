"""Filters and globals shared by every template."""

from datetime import date, datetime
from decimal import Decimal

from flask import current_app, request
from flask_login import current_user

from .hooks import navigation_for


def format_date(value: date | datetime | None, fmt: str = "%d %b %Y") -> str:
    """A date as people in the department write it: 23 Nov 2026."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):  # a date kept as text in a frozen record
        value = date.fromisoformat(value)
    return value.strftime(fmt).lstrip("0")


def format_datetime(value: datetime | None) -> str:
    """A date and time (UTC) for the audit trail and lists."""
    if value is None:
        return "—"
    return value.strftime("%d %b %Y %H:%M").lstrip("0") + " UTC"


def format_usd(value, unknown: str = "not known") -> str:
    """An amount in US dollars without cents (12,000); None is an amount not known."""
    if value is None or value == "":
        return unknown
    return f"{Decimal(str(value)):,.0f}"


def register_templating(app) -> None:
    """Install the filters and the context every page needs."""
    app.jinja_env.add_extension("jinja2.ext.do")
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_usd, "usd")

    @app.context_processor
    def _globals():
        return {
            "department_name": current_app.config["DEPARTMENT_NAME"],
            "navigation": navigation_for(current_user) if current_user.is_authenticated else [],
            "current_endpoint": request.endpoint,
        }
