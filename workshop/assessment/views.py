"""Needs-assessment pages."""

from . import models  # noqa: F401
