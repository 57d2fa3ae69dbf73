"""Stages 2-3 of the process: the curriculum and its revisions, the pilot and office
workshops, their agenda, invitations, attendance and anonymous evaluations."""

from flask import Blueprint

from ..auth.roles import CONSULTANT, GENDER_UNIT, grant
from ..core.hooks import nav_item

bp = Blueprint("workshops", __name__, url_prefix="/workshops", template_folder="templates")
# The anonymous evaluation form, reached by the link shown in the room.
public_bp = Blueprint("evaluate", __name__, template_folder="templates")

# Consultants and the Gender Unit design the curriculum and run the workshops.
grant("run_workshops", CONSULTANT, GENDER_UNIT)

nav_item("All workshops", "workshops.index", group="Workshops", order=40)
nav_item("Curriculum", "workshops.curriculum", group="Workshops", order=41)

from . import demo, models, tasks, views  # noqa: E402,F401
