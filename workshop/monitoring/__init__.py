"""Stage 6 of the process: monitoring the published plan, period by period.

Offices report progress for each reporting period; the Gender Unit reviews the reports, follows
the plan on its dashboard, is reminded by the scheduler of what is late, writes the review
report and starts the next cycle from this one.
"""

from flask import Blueprint

from ..auth.roles import ADMIN, FOCAL_POINT, GENDER_UNIT, PARTICIPANT, VIEWER, grant
from ..core.hooks import nav_item

bp = Blueprint("monitoring", __name__, url_prefix="/monitoring", template_folder="templates")

nav_item("Progress reports", "monitoring.index", "see_progress_reports", group="Monitoring",
         order=70)
nav_item("Dashboard", "monitoring.dashboard", "read_monitoring", group="Monitoring", order=71)

# Office staff draft their office's report for a period; the focal point submits it; the Gender
# Unit sets the periods, reviews the reports and starts the next cycle; the Gender Unit, viewers
# and administrators read the dashboard and the review report.
grant("report_progress", PARTICIPANT, FOCAL_POINT)
grant("submit_progress", FOCAL_POINT)
grant("review_progress", GENDER_UNIT)
grant("manage_periods", GENDER_UNIT)
grant("start_next_cycle", GENDER_UNIT)
grant("read_monitoring", GENDER_UNIT, VIEWER, ADMIN)
# Everyone who reports, reviews or reads the reports has the list of periods.
grant("see_progress_reports", PARTICIPANT, FOCAL_POINT, GENDER_UNIT, VIEWER, ADMIN)

from . import (  # noqa: E402,F401
    dashboard_views,
    demo,
    inbox_views,
    models,
    review_views,
    tasks,
    views,
)
