"""Stage 5 of the process: the approved office plans consolidated into the departmental action
plan, its gaps and overlaps, and its frozen, published versions."""

from flask import Blueprint

from ..auth.roles import ADMIN, CONSULTANT, FOCAL_POINT, GENDER_UNIT, PARTICIPANT, VIEWER, grant
from ..core.hooks import nav_item

bp = Blueprint("actionplan", __name__, url_prefix="/action-plan", template_folder="templates")

nav_item("Action plan", "actionplan.index", "read_action_plan", order=60)

# The Gender Unit consolidates, decides, finalises and publishes; everyone signed in reads the
# published plan.
grant("consolidate_action_plan", GENDER_UNIT)
grant("read_action_plan", GENDER_UNIT, VIEWER, CONSULTANT, FOCAL_POINT, PARTICIPANT, ADMIN)

from . import demo, models, tasks, views  # noqa: E402,F401
