"""Home-page tasks of the workshops stage: workshops to mark as held, evaluations to close."""

from datetime import timedelta

from flask import url_for
from sqlalchemy import select

from ..admin.services import current_cycle
from ..core.hooks import Task, task_provider
from ..core.models import today
from ..extensions import db
from .models import Workshop


@task_provider
def workshop_tasks(user) -> list[Task]:
    """For those who run workshops: past workshops still planned, evaluations left open."""
    if not user.can("run_workshops"):
        return []
    cycle = current_cycle()
    if cycle is None:
        return []
    on = today()
    tasks = []
    past = db.session.scalars(select(Workshop).where(
        Workshop.cycle_id == cycle.id, Workshop.end_date < on,
        (Workshop.status == "planned") | Workshop.evaluation_open)
        .order_by(Workshop.end_date)).all()
    for workshop in past:
        if workshop.status == "planned":
            tasks.append(Task(f"Mark “{workshop.title}” as held",
                              f"It ended on {workshop.end_date:%d %b %Y}; record attendance "
                              "and mark it held.",
                              url_for("workshops.workshop", workshop_id=workshop.id),
                              "warning", workshop.end_date, section="Workshops"))
        if workshop.evaluation_open and workshop.end_date < on - timedelta(days=7):
            tasks.append(Task(f"Close the evaluation of “{workshop.title}”",
                              "It has been open for more than a week after the workshop.",
                              url_for("workshops.evaluation", workshop_id=workshop.id),
                              "info", workshop.end_date, section="Workshops"))
    return tasks
