"""Stage 4 of the process: each office's work plan, its drafting, review and versions."""

from flask import Blueprint

from ..auth.roles import CONSULTANT, FOCAL_POINT, GENDER_UNIT, PARTICIPANT, grant
from ..core.hooks import nav_item

bp = Blueprint("workplans", __name__, url_prefix="/work-plans", template_folder="templates")

nav_item("Work plans", "workplans.index", "draft_work_plans", order=50)
nav_item("Work plans", "workplans.index", "review_work_plans", order=50)

# Office staff draft their own office's plan (consultants help in the workshop room); focal
# points submit it; the Gender Unit reviews it.
grant("draft_work_plans", PARTICIPANT, FOCAL_POINT, CONSULTANT)
grant("submit_work_plans", FOCAL_POINT)
grant("review_work_plans", GENDER_UNIT)

from . import demo, models, views  # noqa: E402,F401
