"""Offices, plan cycles and their timeline, reference lists, users and the audit trail."""

from datetime import timedelta

from flask import Blueprint, url_for
from sqlalchemy import exists, select

from ..core.hooks import Task, nav_item, task_provider
from ..core.models import today

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")
public_bp = Blueprint("process", __name__, template_folder="templates")

nav_item("Timeline", "process.timeline", order=20)
nav_item("Users", "admin.users", "manage_users", group="Administration", order=900)
nav_item("Offices", "admin.offices", "manage_offices", group="Administration", order=901)
nav_item("Plan cycles", "admin.cycles", "manage_cycles", group="Administration", order=902)
nav_item("Reference lists", "admin.reference_lists", "manage_reference_lists",
         group="Administration", order=903)
nav_item("Audit trail", "admin.audit", "view_audit_trail", group="Administration", order=904)


@task_provider
def setup_tasks(user) -> list[Task]:
    """What an administrator must set up, and the Gender Unit's late or coming milestones."""
    from ..auth.models import User, UserRole
    from ..extensions import db
    from .models import Milestone, Office, PlanCycle
    from .services import current_cycle

    tasks = []
    if user.can("manage_offices"):
        focal = exists().where(User.office_id == Office.id, User.active,
                               User.role_links.any(UserRole.role == "focal_point"))
        missing = db.session.scalars(select(Office.acronym).where(Office.active, ~focal)
                                     .order_by(Office.acronym)).all()
        if missing:
            tasks.append(Task(
                f"{len(missing)} office(s) without a focal point",
                "Name a focal point for " + ", ".join(missing[:8])
                + ("…" if len(missing) > 8 else "") + ".",
                url_for("admin.users"), "warning", section="Set-up"))
    no_active = select(PlanCycle.id).where(PlanCycle.status == "active")
    if user.can("manage_cycles") and db.session.scalar(no_active) is None:
        tasks.append(Task("No plan cycle is active",
                          "Create the cycle or mark the current one active.",
                          url_for("admin.cycles"), "warning", section="Set-up"))
    if user.can("manage_timeline"):
        cycle = current_cycle()
        if cycle is not None:
            on = today()
            soon = on + timedelta(days=14)
            for m in db.session.scalars(select(Milestone).where(Milestone.cycle_id == cycle.id)
                                        .order_by(Milestone.planned_start)):
                if m.is_late(on):
                    tasks.append(Task(f"Late: {m.title}",
                                      f"Planned to end {m.planned_end:%d %b %Y}; update its "
                                      "status or dates.",
                                      url_for("admin.edit_milestone", milestone_id=m.id),
                                      "danger", m.planned_end, section="Timeline"))
                elif m.status == "planned" and on <= m.planned_start <= soon:
                    tasks.append(Task(f"Starting soon: {m.title}",
                                      f"Planned to start {m.planned_start:%d %b %Y}.",
                                      url_for("admin.edit_milestone", milestone_id=m.id),
                                      "info", m.planned_start, section="Timeline"))
    return tasks


from . import demo, views  # noqa: E402,F401
