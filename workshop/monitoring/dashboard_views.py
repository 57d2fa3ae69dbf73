"""The Gender Unit's dashboard."""

from flask import render_template

from ..core.permissions import permission_required
from . import bp


@bp.get("/dashboard")
@permission_required("read_monitoring")
def dashboard():
    return render_template("base.html")
