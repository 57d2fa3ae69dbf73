"""Stages 0-1 of the process: nominations, needs-assessment sessions, findings, gap register."""

from flask import Blueprint

from ..auth.roles import CONSULTANT, FOCAL_POINT, GENDER_UNIT, PARTICIPANT, VIEWER, grant
from ..core.hooks import nav_item

bp = Blueprint("assessment", __name__, url_prefix="/assessment", template_folder="templates")

# Consultants and the Gender Unit record the assessment and read everything in it, notes too.
grant("record_assessment", CONSULTANT, GENDER_UNIT)
# Office staff read their own office's nominations, gap register and summary.
grant("view_office_assessment", FOCAL_POINT, PARTICIPANT)
# The department's summary, for those who follow the whole process.
grant("view_assessment_summary", CONSULTANT, GENDER_UNIT, VIEWER)

nav_item("Overview", "assessment.index", "record_assessment", group="Needs assessment", order=30)
nav_item("My office", "assessment.index", "view_office_assessment", group="Needs assessment",
         order=30)
nav_item("Sessions", "assessment.sessions", "record_assessment", group="Needs assessment",
         order=31)
nav_item("Findings", "assessment.findings", "record_assessment", group="Needs assessment",
         order=32)
nav_item("Gap register", "assessment.register", "record_assessment", group="Needs assessment",
         order=33)
nav_item("Nominations", "assessment.nominations", "record_assessment",
         group="Needs assessment", order=34)
nav_item("Summary", "assessment.summary", "view_assessment_summary", group="Needs assessment",
         order=35)
# Office staff: the same entries lead to their own office's register and summary.
nav_item("Our gap register", "assessment.register", "view_office_assessment",
         group="Needs assessment", order=36)
nav_item("Our summary", "assessment.summary", "view_office_assessment",
         group="Needs assessment", order=37)

from . import demo, tasks, views  # noqa: E402,F401
