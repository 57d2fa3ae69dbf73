"""Stage 6 of the process: monitoring the published plan, period by period."""

from . import models  # noqa: F401
