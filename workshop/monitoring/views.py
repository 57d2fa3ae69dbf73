"""Reporting periods and the offices' progress reports."""

from flask import render_template

from ..core.permissions import permission_required
from . import bp


@bp.get("/")
@permission_required("report_progress", "review_progress")
def index():
    return render_template("base.html")
