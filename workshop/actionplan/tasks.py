"""The Gender Unit's next steps on the departmental plan, for the home page."""

from flask import url_for
from sqlalchemy import func, select

from ..admin.services import current_cycle
from ..core.hooks import Task, task_provider
from ..extensions import db
from ..workplans.models import WorkPlan
from .models import ActionPlanVersion


@task_provider
def action_plan_tasks(user) -> list[Task]:
    """Unpublished versions, and office plans approved or reopened since the last version."""
    if not user.can("consolidate_action_plan"):
        return []
    cycle = current_cycle()
    if cycle is None:
        return []
    tasks = []
    latest = db.session.scalar(
        select(ActionPlanVersion).where(ActionPlanVersion.cycle_id == cycle.id)
        .order_by(ActionPlanVersion.number.desc()).limit(1))
    if latest is not None and not latest.published:
        tasks.append(Task(f"Publish version {latest.number} of the action plan",
                          "It is finalised but only the Gender Unit can read it.",
                          url_for("actionplan.version", cycle_id=cycle.id,
                                  number=latest.number),
                          "warning", section="Action plan"))
    query = select(func.count()).select_from(WorkPlan).where(
        WorkPlan.cycle_id == cycle.id, WorkPlan.decided_at.is_not(None))
    if latest is not None:
        query = query.where(WorkPlan.updated_at > latest.created_at)
    else:
        query = query.where(WorkPlan.status == "approved")
    changed = db.session.scalar(query) or 0
    if changed:
        detail = (f"{changed} office plan{'s' if changed != 1 else ''} changed since version "
                  f"{latest.number} was finalised." if latest else
                  f"{changed} office plan{'s are' if changed != 1 else ' is'} approved; "
                  "no version has been finalised yet.")
        tasks.append(Task("Review the consolidated action plan", detail,
                          url_for("actionplan.overview", cycle_id=cycle.id), "info",
                          section="Action plan"))
    return tasks
