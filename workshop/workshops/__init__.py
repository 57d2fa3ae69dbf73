"""Stages 2-3 of the process: the curriculum and its revisions, the pilot and office
workshops, their agenda, invitations, attendance and anonymous evaluations."""

from flask import Blueprint

from ..auth.roles import CONSULTANT, GENDER_UNIT, grant

bp = Blueprint("workshops", __name__, url_prefix="/workshops", template_folder="templates")

# Consultants and the Gender Unit design the curriculum and run the workshops.
grant("run_workshops", CONSULTANT, GENDER_UNIT)

from . import models  # noqa: E402,F401
