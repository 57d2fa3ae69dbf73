"""The home page of each role."""

from flask import redirect, render_template, url_for
from flask_login import current_user

from ..admin.services import current_cycle, timeline_position
from ..auth.roles import ROLES
from ..core.hooks import tasks_for
from ..core.models import today
from . import bp


@bp.route("/")
def index():
    """Signed-in users see their tasks and where the process stands; others are asked to sign in."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in"))
    cycle = current_cycle()
    position = timeline_position(cycle, today()) if cycle else None
    tasks = tasks_for(current_user)
    sections: dict[str, list] = {}
    for task in tasks:
        sections.setdefault(task.section, []).append(task)
    return render_template("home/index.html", cycle=cycle, position=position, sections=sections,
                           roles=ROLES, title="Home")
