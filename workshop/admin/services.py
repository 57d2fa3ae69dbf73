"""Operations on offices, plan cycles, milestones and reference lists.

They validate, flush and never commit; views and API handlers commit once per request.
"""

from datetime import date, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from ..core.validation import FieldError, InUseError
from ..extensions import db
from .models import MAX_POSITION, MILESTONE_STATUSES, STAGES, Milestone, Office, PlanCycle

# -- offices ----------------------------------------------------------------------------------


def _unique(model, column, value, field: str, message: str, exclude_id=None, *scope) -> None:
    """Refuse `value` when another record (within `scope`, if given) already has it."""
    # The database's lower() may fold ASCII letters only (SQLite, PostgreSQL's C locale): the
    # exact value is compared too, so that the unique constraint is never what refuses it.
    query = select(model.id).where(or_(func.lower(column) == value.lower(), column == value),
                                   *scope)
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    if db.session.scalar(query) is not None:
        raise FieldError(field, message)


def save_office(office: Office | None, *, name: str, acronym: str, description: str = "",
                active: bool = True, head_id: int | None = None) -> Office:
    """Create an office (when `office` is None) or update it. `head_id` names the user who
    heads it, to whom overdue progress reports are escalated."""
    name, acronym = name.strip(), acronym.strip().upper()
    if not name:
        raise FieldError("name", "Give the office a name.")
    if not acronym:
        raise FieldError("acronym", "Give the office an acronym.")
    if len(acronym) > Office.acronym.type.length:  # a few letters grow in upper case (ß → SS)
        raise FieldError("acronym", f"Use at most {Office.acronym.type.length} letters.")
    if head_id is not None:
        from ..auth.models import User

        head = db.session.get(User, head_id)
        if head is None or not head.active:
            raise FieldError("head_id", "Choose an active user as the head of the office.")
    exclude = office.id if office else None
    _unique(Office, Office.name, name, "name", "Another office has this name.", exclude)
    _unique(Office, Office.acronym, acronym, "acronym", "Another office has this acronym.",
            exclude)
    if office is None:
        office = Office()
        db.session.add(office)
    office.name, office.acronym = name, acronym
    office.description = (description or "").strip()
    office.active = active
    office.head_id = head_id
    db.session.flush()
    return office


def _delete(record, message: str) -> None:
    """Delete `record`, or raise InUseError when other records still refer to it."""
    try:
        with db.session.begin_nested():
            db.session.delete(record)
            db.session.flush()
    except IntegrityError as error:
        raise InUseError(message) from error


def delete_office(office: Office) -> None:
    """Delete an office nothing refers to yet; otherwise deactivate it instead."""
    if office.users:
        raise InUseError(
            f"{office.acronym} has users. Move them to another office, or mark the office "
            "inactive instead of deleting it."
        )
    _delete(office, f"{office.acronym} is referred to by other records; mark it inactive.")


# -- plan cycles ------------------------------------------------------------------------------

# Share of the cycle each stage takes by default, in order; used to propose a timeline.
_DEFAULT_SHARES = [
    ("preparation", "Initial discussions with offices and nomination of participants", 0.06),
    ("needs_assessment", "Needs-assessment week", 0.03),
    ("pilot", "Pilot workshop and curriculum revision", 0.05),
    ("office_workshops", "Office workshops", 0.10),
    ("work_plans", "Office work plans drafted and approved", 0.08),
    ("consolidation", "Departmental action plan finalised and published", 0.06),
    ("monitoring", "Monitoring, progress reports and implementation review", 0.62),
]


def default_milestones(start: date, end: date) -> list[Milestone]:
    """A proposed timeline that splits the cycle between the stages of the process."""
    total = (end - start).days
    milestones, cursor = [], start
    for position, (stage, title, share) in enumerate(_DEFAULT_SHARES):
        length = max(1, round(total * share))
        finish = end if position == len(_DEFAULT_SHARES) - 1 else min(end, cursor + timedelta(
            days=length - 1))
        milestones.append(Milestone(stage=stage, title=title, planned_start=cursor,
                                    planned_end=max(cursor, finish), position=position,
                                    status="planned"))
        cursor = finish + timedelta(days=1) if finish < end else end  # end may be date.max
    return milestones


def save_cycle(cycle: PlanCycle | None, *, name: str, start_date: date, end_date: date,
               status: str = "planning", description: str = "",
               previous_id: int | None = None, with_timeline: bool = True) -> PlanCycle:
    """Create a plan cycle (with a proposed timeline) or update it."""
    name = (name or "").strip()
    if not name:
        raise FieldError("name", "Give the cycle a name, such as 2008-2009.")
    if end_date <= start_date:
        raise FieldError("end_date", "The cycle must end after it starts.")
    if status not in ("planning", "active", "closed"):
        raise FieldError("status", "Choose planning, active or closed.")
    exclude = cycle.id if cycle else None
    _unique(PlanCycle, PlanCycle.name, name, "name", "Another cycle has this name.", exclude)
    if status == "active":
        other = db.session.scalar(
            select(PlanCycle).where(PlanCycle.status == "active", PlanCycle.id != (exclude or 0))
        )
        if other is not None:
            raise FieldError(
                "status", f"{other.name} is the active cycle. Close it first: one cycle is "
                "active at a time."
            )
    if previous_id is not None:
        if previous_id == exclude:
            raise FieldError("previous_id", "A cycle cannot follow itself.")
        if db.session.get(PlanCycle, previous_id) is None:
            raise FieldError("previous_id", "That previous cycle does not exist.")
    new = cycle is None
    if new:
        cycle = PlanCycle()
        db.session.add(cycle)
    cycle.name, cycle.start_date, cycle.end_date = name, start_date, end_date
    cycle.status, cycle.description = status, (description or "").strip()
    cycle.previous_id = previous_id
    if new and with_timeline:
        cycle.milestones = default_milestones(start_date, end_date)
    db.session.flush()
    return cycle


def delete_cycle(cycle: PlanCycle) -> None:
    """Delete a cycle that is still being planned."""
    if cycle.status != "planning":
        raise InUseError("Only a cycle still in planning can be deleted; close it instead.")
    _delete(cycle, "Other records belong to this cycle; close it instead of deleting it.")


def current_cycle() -> PlanCycle | None:
    """The active cycle, else the most recent one."""
    return db.session.scalar(
        select(PlanCycle).order_by((PlanCycle.status == "active").desc(),
                                   PlanCycle.start_date.desc()).limit(1)
    )


# -- milestones -------------------------------------------------------------------------------


def save_milestone(milestone: Milestone | None, cycle: PlanCycle, *, title: str, stage: str,
                   planned_start: date, planned_end: date, actual_start: date | None = None,
                   actual_end: date | None = None, status: str = "planned",
                   description: str = "", position: int | None = None) -> Milestone:
    """Create a milestone in `cycle` or update it."""
    title = (title or "").strip()
    if not title:
        raise FieldError("title", "Give the milestone a title.")
    if stage not in STAGES:
        raise FieldError("stage", "Choose a stage of the process.")
    if status not in MILESTONE_STATUSES:
        raise FieldError("status", "Choose a status.")
    if planned_end < planned_start:
        raise FieldError("planned_end", "The planned end cannot be before the planned start.")
    for field, day in (("planned_start", planned_start), ("planned_end", planned_end)):
        if not cycle.contains(day):
            raise FieldError(field, f"Pick a date within the cycle ({cycle.start_date:%d %b %Y} "
                                    f"to {cycle.end_date:%d %b %Y}).")
    if actual_end and not actual_start:
        raise FieldError("actual_start", "Give the actual start as well as the actual end.")
    if actual_start and actual_end and actual_end < actual_start:
        raise FieldError("actual_end", "The actual end cannot be before the actual start.")
    if status == "done" and not actual_end:
        raise FieldError("actual_end", "Give the date the milestone was completed.")
    if status == "in_progress" and not actual_start:
        raise FieldError("actual_start", "Give the date work started.")
    _unique(Milestone, Milestone.title, title, "title",
            "This cycle already has a milestone with this title.",
            milestone.id if milestone else None, Milestone.cycle_id == cycle.id)
    if milestone is None:
        if position is None:
            position = len(cycle.milestones)
        milestone = Milestone()
        db.session.add(milestone)
        milestone.cycle = cycle
    milestone.title, milestone.stage, milestone.status = title, stage, status
    milestone.planned_start, milestone.planned_end = planned_start, planned_end
    milestone.actual_start, milestone.actual_end = actual_start, actual_end
    milestone.description = (description or "").strip()
    if position is not None:
        milestone.position = position
    db.session.flush()
    return milestone


def delete_milestone(milestone: Milestone) -> None:
    """Remove a milestone from its cycle's timeline."""
    db.session.delete(milestone)
    db.session.flush()


def timeline_position(cycle: PlanCycle, on: date) -> dict:
    """Where the department stands on `on`: the current stage, late and next milestones."""
    milestones = cycle.milestones
    current = next((m for m in milestones if m.status == "in_progress"), None)
    if current is None:
        current = next((m for m in milestones if m.status == "planned"), None)
    late = [m for m in milestones if m.is_late(on)]
    done = sum(1 for m in milestones if m.status == "done")
    upcoming = [m for m in milestones if m.status == "planned" and m.planned_start >= on][:3]
    return {"current": current, "late": late, "done": done, "total": len(milestones),
            "upcoming": upcoming}


# -- reference lists --------------------------------------------------------------------------


def save_reference_item(model, item, *, name: str, description: str = "",
                        position: int | None = None, is_active: bool = True):
    """Create or update an entry of a reference list."""
    name = (name or "").strip()
    if not name:
        raise FieldError("name", "Give the entry a name.")
    _unique(model, model.name, name, "name", "This list already has an entry with this name.",
            item.id if item else None)
    if item is None:
        item = model()
        if position is None:  # after the last entry, within the range lists can hold
            last = db.session.scalar(select(func.max(model.position))) or 0
            position = min(last + 1, MAX_POSITION)
        db.session.add(item)
    item.name, item.description, item.is_active = name, (description or "").strip(), is_active
    if position is not None:
        item.position = position
    db.session.flush()
    return item


def delete_reference_item(item) -> None:
    """Delete an entry nothing refers to yet."""
    _delete(item, f"“{item.name}” is in use; mark it inactive instead of deleting it.")
