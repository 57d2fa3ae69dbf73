"""Stage 4 of the process: each office's work plan, its drafting, review and versions."""

from flask import Blueprint

from ..auth.roles import CONSULTANT, FOCAL_POINT, GENDER_UNIT, PARTICIPANT, grant

bp = Blueprint("workplans", __name__, url_prefix="/work-plans", template_folder="templates")

# Office staff draft their own office's plan (consultants help in the workshop room); focal
# points submit it; the Gender Unit reviews it.
grant("draft_work_plans", PARTICIPANT, FOCAL_POINT, CONSULTANT)
grant("submit_work_plans", FOCAL_POINT)
grant("review_work_plans", GENDER_UNIT)

from . import models  # noqa: E402,F401
