"""Home-page tasks of the needs assessment: unsaved session drafts and nominations that leave a
staff level unheard."""

from flask import url_for
from sqlalchemy import select

from ..admin.models import Office
from ..admin.services import current_cycle
from ..core.hooks import Task, task_provider
from ..extensions import db
from .models import SessionDraft
from .services import nomination_coverage


@task_provider
def assessment_tasks(user) -> list[Task]:
    """Drafts to finish for consultants; levels nobody was nominated at."""
    tasks: list[Task] = []
    recorder = user.can("record_assessment")
    office_user = user.can("view_office_assessment") and user.office_id is not None
    if not (recorder or office_user):
        return tasks
    cycle = current_cycle()
    if cycle is None or cycle.status != "active":
        return tasks
    if recorder:
        drafts = db.session.execute(
            select(SessionDraft.office_id, SessionDraft.session_id, SessionDraft.saved_at,
                   Office.acronym).join(Office, Office.id == SessionDraft.office_id)
            .where(SessionDraft.user_id == user.id).order_by(SessionDraft.saved_at)).all()
        for office_id, session_id, saved_at, acronym in drafts:
            url = (url_for("assessment.edit_session", session_id=session_id) if session_id
                   else url_for("assessment.new_session", office=office_id))
            tasks.append(Task(f"Unsaved session with {acronym}",
                              f"Your draft from {saved_at:%d %b %H:%M} UTC is waiting to be "
                              "saved or discarded.", url, "warning",
                              section="Needs assessment"))
        coverage = nomination_coverage(cycle.id)
        offices = db.session.scalars(select(Office).where(Office.active)).all()
        short = sorted(o.acronym for o in offices
                       if o.id not in coverage or coverage[o.id].missing_levels)
        if short:
            tasks.append(Task(
                f"Nominations miss a staff level in {len(short)} office(s)",
                ", ".join(short[:8]) + ("…" if len(short) > 8 else "")
                + ": every level should be heard, senior management included.",
                url_for("assessment.index"), "info", section="Needs assessment"))
    elif office_user:
        coverage = nomination_coverage(cycle.id, [user.office_id])[user.office_id]
        if coverage.missing_levels:
            tasks.append(Task(
                "Nobody from your office is nominated at " + ", ".join(coverage.missing_levels),
                "Tell the consultants who should take part so that every level is heard.",
                url_for("assessment.office", office_id=user.office_id), "info",
                section="Needs assessment"))
    return tasks
