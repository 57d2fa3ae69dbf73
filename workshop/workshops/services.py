"""Operations of the workshops stage: the curriculum and its revisions, workshops and their
proposed agenda, invitations, attendance and anonymous evaluations.

They validate, flush and never commit; views and API handlers commit once per request.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..admin.models import GapCategory, Office, PlanCycle, ThematicArea
from ..assessment.models import Gap, Nomination
from ..assessment.queries import register
from ..auth.models import User, UserRole
from ..core.hooks import use_check
from ..core.models import utcnow
from ..core.validation import FieldError, InUseError
from ..extensions import db
from .models import (
    ATTENDANCE,
    KINDS,
    USEFULNESS,
    WORKSHOP_STATUSES,
    AgendaItem,
    Attendance,
    CurriculumModule,
    CurriculumRevision,
    CurriculumVersion,
    EvaluationResponse,
    Invitation,
    SessionRating,
    Workshop,
)

# -- the curriculum ----------------------------------------------------------------------------


def current_curriculum() -> CurriculumVersion | None:
    """The latest published version: what new workshops are built from."""
    return db.session.scalar(select(CurriculumVersion).where(
        CurriculumVersion.status == "published").order_by(CurriculumVersion.number.desc())
        .limit(1))


def draft_curriculum() -> CurriculumVersion | None:
    """The version being revised, if a revision has been started."""
    return db.session.scalar(select(CurriculumVersion).where(
        CurriculumVersion.status == "draft").order_by(CurriculumVersion.number.desc()).limit(1))


def start_revision() -> CurriculumVersion:
    """A draft of the next version, starting as a copy of the current one."""
    if draft_curriculum() is not None:
        raise FieldError(None, "A revision is already under way; publish it first.")
    base = current_curriculum()
    last = db.session.scalar(select(func.max(CurriculumVersion.number))) or 0
    version = CurriculumVersion(number=last + 1, status="draft", based_on=base)
    db.session.add(version)
    if base is not None:
        for module in base.modules:
            version.modules.append(CurriculumModule(
                code=module.code, title=module.title, objectives=module.objectives,
                method=module.method, duration_minutes=module.duration_minutes,
                optional=module.optional, position=module.position,
                categories=list(module.categories), thematic_areas=list(module.thematic_areas)))
    db.session.flush()
    return version


def _editable(version: CurriculumVersion) -> None:
    if version.status != "draft":
        raise FieldError(None, f"Version {version.number} is published and no longer changes; "
                               "start a revision to change the curriculum.")


def save_module(module: CurriculumModule | None, version: CurriculumVersion, *, code: str,
                title: str, duration_minutes: int | None, objectives: str = "",
                method: str = "", optional: bool = False, category_ids=(),
                thematic_area_ids=(), position: int | None = None) -> CurriculumModule:
    """Add a module to a draft version, or change one."""
    _editable(version)
    code = (code or "").strip().upper()
    title = (title or "").strip()
    if not code or len(code) > 10:
        raise FieldError("code", "Give the module a short code of up to 10 characters, "
                                 "such as M3.")
    if not title:
        raise FieldError("title", "Give the module a title.")
    if len(title) > 200:
        raise FieldError("title", "The title is too long: at most 200 characters.")
    if duration_minutes is None or not 0 < duration_minutes <= 480:
        raise FieldError("duration_minutes", "Give a duration from 1 to 480 minutes.")
    clash = [m for m in version.modules if m.code == code and m is not module]
    if clash:
        raise FieldError("code", f"Version {version.number} already has a module {code}.")
    categories = db.session.scalars(select(GapCategory).where(
        GapCategory.id.in_(list(category_ids or ())))).all() if category_ids else []
    areas = db.session.scalars(select(ThematicArea).where(
        ThematicArea.id.in_(list(thematic_area_ids or ())))).all() if thematic_area_ids else []
    if len(categories) != len(set(category_ids or ())):
        raise FieldError("category_ids", "Choose gap categories from the list.")
    if len(areas) != len(set(thematic_area_ids or ())):
        raise FieldError("thematic_area_ids", "Choose thematic areas from the list.")
    if module is None:
        module = CurriculumModule(position=len(version.modules) if position is None
                                  else position)
        version.modules.append(module)
    elif position is not None:
        module.position = position
    module.code, module.title, module.duration_minutes = code, title, duration_minutes
    module.objectives, module.method = (objectives or "").strip(), (method or "").strip()
    module.optional = bool(optional)
    module.categories, module.thematic_areas = list(categories), list(areas)
    db.session.flush()
    return module


def delete_module(module: CurriculumModule) -> None:
    """Take a module out of a draft version."""
    _editable(module.version)
    module.version.modules.remove(module)
    db.session.flush()


def record_revision(version: CurriculumVersion, *, change: str, reason: str,
                    module_code: str = "", workshop_id: int | None = None,
                    recorded_by=None) -> CurriculumRevision:
    """Note a change made in a draft version and why (which workshop's evaluations or which
    observations called for it)."""
    _editable(version)
    change, reason = (change or "").strip(), (reason or "").strip()
    if not change:
        raise FieldError("change", "Say what changed in the curriculum.")
    if not reason:
        raise FieldError("reason", "Say why: the evaluations or observations behind the "
                                   "change.")
    if workshop_id is not None and db.session.get(Workshop, workshop_id) is None:
        raise FieldError("workshop_id", "Choose a workshop from the list.")
    revision = CurriculumRevision(change=change, reason=reason,
                                  module_code=(module_code or "").strip().upper()[:10],
                                  workshop_id=workshop_id, recorded_by=recorded_by)
    version.revisions.append(revision)
    db.session.flush()
    return revision


def publish_version(version: CurriculumVersion, summary: str = "") -> CurriculumVersion:
    """Make a draft the current curriculum; workshops created from now on use it."""
    _editable(version)
    if not version.modules:
        raise FieldError(None, "A curriculum needs at least one module.")
    if version.based_on is not None and not version.revisions:
        raise FieldError(None, "Record at least one revision, what changed and why, before "
                               "publishing.")
    version.status, version.published_at = "published", utcnow()
    version.summary = (summary or "").strip()
    db.session.flush()
    return version


# -- workshops and their agenda ---------------------------------------------------------------


def facilitators_query():
    """People who may facilitate: consultants and the Gender Unit."""
    return select(User).where(User.active, User.role_links.any(
        UserRole.role.in_(("consultant", "gender_unit")))).order_by(User.name)


def save_workshop(workshop: Workshop | None, *, cycle_id: int, kind: str, title: str,
                  start_date: date | None, end_date: date | None = None,
                  office_id: int | None = None, venue: str = "", facilitator_ids=(),
                  status: str = "planned", observations: str = "") -> Workshop:
    """Plan a workshop (with an agenda proposed from the current curriculum) or change one."""
    cycle = db.session.get(PlanCycle, cycle_id) if cycle_id else None
    if cycle is None:
        raise FieldError("cycle_id", "Choose a plan cycle.")
    if kind not in KINDS:
        raise FieldError("kind", "Choose a pilot or an office workshop.")
    if kind == "office":
        if office_id is None or db.session.get(Office, office_id) is None:
            raise FieldError("office_id", "Choose the office the workshop is for.")
    else:
        office_id = None
        others = select(Workshop.id).where(Workshop.cycle_id == cycle.id,
                                           Workshop.kind == "pilot")
        if workshop is not None:
            others = others.where(Workshop.id != workshop.id)
        if db.session.scalar(others) is not None:
            raise FieldError("kind", f"Cycle {cycle.name} already has its pilot workshop.")
    title = (title or "").strip()
    if not title:
        raise FieldError("title", "Give the workshop a title.")
    if start_date is None:
        raise FieldError("start_date", "Give the first day of the workshop.")
    if not cycle.contains(start_date):
        raise FieldError("start_date", f"Pick a date within the cycle {cycle.name} "
                                       f"({cycle.start_date:%d %b %Y} to "
                                       f"{cycle.end_date:%d %b %Y}).")
    end_date = end_date or min(start_date + timedelta(days=1), cycle.end_date)  # two days
    if end_date < start_date:
        raise FieldError("end_date", "The last day cannot be before the first.")
    if (end_date - start_date).days > 13:
        raise FieldError("end_date", "A workshop lasts at most two weeks.")
    for field, day in (("start_date", start_date), ("end_date", end_date)):
        if not cycle.contains(day):
            raise FieldError(field, f"Pick a date within the cycle {cycle.name} "
                                    f"({cycle.start_date:%d %b %Y} to {cycle.end_date:%d %b %Y}).")
    if status not in WORKSHOP_STATUSES:
        raise FieldError("status", "Choose planned, held or evaluated.")
    ids = list(dict.fromkeys(facilitator_ids or ()))
    facilitators = db.session.scalars(facilitators_query().where(User.id.in_(ids))).all() \
        if ids else []
    if len(facilitators) != len(ids):
        raise FieldError("facilitator_ids", "Choose consultants or Gender Unit staff.")
    new = workshop is None
    if new:
        version = current_curriculum()
        if version is None:
            raise FieldError(None, "Publish a first version of the curriculum before planning "
                                   "workshops: agendas are built from it.")
        workshop = Workshop(curriculum_version=version,
                            evaluation_key=secrets.token_urlsafe(24))
        db.session.add(workshop)
    elif workshop.agenda and (end_date - start_date).days + 1 < max(i.day for i in
                                                                    workshop.agenda):
        raise FieldError("end_date", "The agenda has sessions on later days; move them first.")
    workshop.cycle_id, workshop.kind, workshop.office_id = cycle.id, kind, office_id
    workshop.title, workshop.venue = title, (venue or "").strip()[:200]
    workshop.start_date, workshop.end_date, workshop.status = start_date, end_date, status
    workshop.observations = (observations or "").strip()
    workshop.facilitators = list(facilitators)
    db.session.flush()
    if new:
        propose_agenda(workshop)
    return workshop


DAY_START, LUNCH_START, LUNCH_END, DAY_END = time(9, 0), time(12, 30), time(13, 30), time(17, 0)
LATEST_END = 20 * 60  # a proposed session on the last day ends by 20:00 at the latest


def _at(day_time: time, minutes: int) -> time:
    moment = datetime.combine(date.min, day_time) + timedelta(minutes=minutes)
    return moment.time()


def _minutes(day_time: time) -> int:
    return day_time.hour * 60 + day_time.minute


def _lunch(start: time, length: int) -> int:
    """Minutes of lunch break inside a session of `length` minutes starting at `start`."""
    crosses = _minutes(start) < _minutes(LUNCH_START) < _minutes(start) + length
    return _minutes(LUNCH_END) - _minutes(LUNCH_START) if crosses else 0


def workshop_gaps(workshop: Workshop, limit: int = 15):
    """The gaps a workshop answers: its office's register, or the department's for the
    pilot; most urgent and most often raised first."""
    return register(workshop.cycle_id, workshop.office_id, limit=limit)


def propose_agenda(workshop: Workshop) -> list[AgendaItem]:
    """Lay the curriculum's modules over the workshop's days (09:00 to 17:00, lunch at
    12:30; a long module runs on after lunch) and link each session to the gaps its module
    answers. Optional modules join only when a high-priority gap calls for them."""
    rows = workshop_gaps(workshop)
    facilitator = workshop.facilitators[0].name if workshop.facilitators else ""
    items, day, clock = [], 1, DAY_START
    for module in workshop.curriculum_version.modules:
        categories = {c.id for c in module.categories}
        areas = {a.id for a in module.thematic_areas}
        matched = [r.gap for r in rows if r.gap.category_id in categories
                   or (r.gap.thematic_area_id is not None and r.gap.thematic_area_id in areas)]
        if module.optional and not any(g.priority == "high" for g in matched):
            continue
        length = module.duration_minutes
        if _minutes(clock) + length > _minutes(DAY_END) + _lunch(clock, length) and \
                day < workshop.days:
            day, clock = day + 1, DAY_START
        if _lunch(clock, length) and _minutes(LUNCH_START) - _minutes(clock) < length / 2:
            clock = LUNCH_END  # most of it would come after lunch: start it then
        span = length + _lunch(clock, length)
        if _minutes(clock) + span > LATEST_END:
            continue  # the days are full: the consultant fits it in by hand, or not at all
        end = _at(clock, span)
        item = AgendaItem(day=day, starts_at=clock, ends_at=end, title=module.title,
                          module=module, facilitator=facilitator, gaps=matched[:5])
        workshop.agenda.append(item)
        items.append(item)
        clock = end
    db.session.flush()
    return items


def save_agenda_item(item: AgendaItem | None, workshop: Workshop, *, day: int | None,
                     starts_at: time | None, ends_at: time | None, title: str,
                     module_id: int | None = None, facilitator: str = "",
                     gap_ids=()) -> AgendaItem:
    """Add a session to a workshop's agenda or change one."""
    if day is None or not 1 <= day <= workshop.days:
        raise FieldError("day", f"Choose a day from 1 to {workshop.days}.")
    if starts_at is None:
        raise FieldError("starts_at", "Give the time the session starts.")
    if ends_at is None or ends_at <= starts_at:
        raise FieldError("ends_at", "The session must end after it starts.")
    module = None
    if module_id is not None:
        module = db.session.get(CurriculumModule, module_id)
        if module is None or module.version_id != workshop.curriculum_version_id:
            raise FieldError("module_id", "Choose a module of the workshop's curriculum.")
    title = (title or "").strip() or (module.title if module else "")
    if not title:
        raise FieldError("title", "Give the session a title, or choose a module.")
    ids = list(dict.fromkeys(gap_ids or ()))
    gaps = db.session.scalars(select(Gap).where(Gap.id.in_(ids))).all() if ids else []
    if len(gaps) != len(ids) or any(g.cycle_id != workshop.cycle_id for g in gaps):
        raise FieldError("gap_ids", "Choose gaps of this cycle's register.")
    if item is None:
        item = AgendaItem()
        workshop.agenda.append(item)
    item.day, item.starts_at, item.ends_at = day, starts_at, ends_at
    item.title, item.module = title[:200], module
    item.facilitator = (facilitator or "").strip()[:120]
    item.gaps = [g.current() for g in gaps]
    db.session.flush()
    return item


def delete_agenda_item(item: AgendaItem) -> None:
    """Take a session out of the agenda."""
    item.workshop.agenda.remove(item)
    db.session.flush()


def delete_workshop(workshop: Workshop) -> None:
    """Delete a workshop that nobody has attended or evaluated yet (its agenda and invitations
    go with it); one with a history stays, and so does one a curriculum revision cites."""
    attended = db.session.scalar(select(Attendance.id).join(Invitation).where(
        Invitation.workshop_id == workshop.id).limit(1))
    if attended is not None:
        raise InUseError(f"“{workshop.title}” has attendance recorded; it can no longer be "
                         "deleted.")
    answered = db.session.scalar(select(EvaluationResponse.id).where(
        EvaluationResponse.workshop_id == workshop.id).limit(1))
    if answered is not None:
        raise InUseError(f"“{workshop.title}” has evaluation responses; it can no longer be "
                         "deleted.")
    cited = db.session.scalar(select(CurriculumRevision.id).where(
        CurriculumRevision.workshop_id == workshop.id).limit(1))
    if cited is not None:
        raise InUseError(f"A revision of the curriculum cites “{workshop.title}”; it can no "
                         "longer be deleted.")
    db.session.delete(workshop)
    db.session.flush()


def uncovered_gaps(workshop: Workshop) -> list[Gap]:
    """High-priority gaps of the workshop's office (or the department, for the pilot) that no
    session of the agenda addresses."""
    covered = {g.current().id for item in workshop.agenda for g in item.gaps}
    return [r.gap for r in workshop_gaps(workshop, limit=None)
            if r.gap.priority == "high" and r.gap.id not in covered]


# -- invitations and attendance ---------------------------------------------------------------


def invite(workshop: Workshop, nomination_ids) -> list[Invitation]:
    """Invite nominated people: the office's nominations, or anyone's for the pilot."""
    ids = list(dict.fromkeys(nomination_ids or ()))
    people = db.session.scalars(select(Nomination).where(Nomination.id.in_(ids))).all() \
        if ids else []
    if len(people) != len(ids) or any(
            p.cycle_id != workshop.cycle_id or
            (workshop.office_id is not None and p.office_id != workshop.office_id)
            for p in people):
        raise FieldError("nomination_ids", "Invite people nominated for this cycle"
                         + (" by the workshop's office." if workshop.office_id else "."))
    have = set(db.session.scalars(select(Invitation.nomination_id).where(
        Invitation.workshop_id == workshop.id)))
    added = [Invitation(workshop=workshop, nomination=p) for p in people if p.id not in have]
    db.session.add_all(added)
    db.session.flush()
    return added


@use_check
def _invited(record) -> str | None:
    """A nomination stays while its person is invited to a workshop."""
    if not isinstance(record, Nomination):
        return None
    title = db.session.scalar(select(Workshop.title).join(
        Invitation, Invitation.workshop_id == Workshop.id).where(
        Invitation.nomination_id == record.id).order_by(Workshop.start_date).limit(1))
    if title is None:
        return None
    return (f"{record.name} is invited to “{title}”; withdraw the invitation before the "
            "nomination.")


def uninvite(invitation: Invitation) -> None:
    """Withdraw an invitation (and its attendance)."""
    db.session.delete(invitation)
    db.session.flush()


def record_attendance(workshop: Workshop, marks: dict[int, dict[int, str | None]]) -> None:
    """Set attendance: `marks[invitation_id][day]` is present, absent, left_early, or None
    to clear it."""
    invitations = {i.id: i for i in db.session.scalars(select(Invitation).where(
        Invitation.workshop_id == workshop.id))}
    existing = {(a.invitation_id, a.day): a for a in db.session.scalars(
        select(Attendance).join(Invitation).where(Invitation.workshop_id == workshop.id))}
    for invitation_id, days in marks.items():
        if invitation_id not in invitations:
            raise FieldError("attendance", "Mark attendance for invited people only.")
        for day, status in days.items():
            if not 1 <= day <= workshop.days:
                raise FieldError("attendance", f"Day {day} is not a day of the workshop.")
            if status not in (None, "", *ATTENDANCE):
                raise FieldError("attendance", "Mark present, absent or left early.")
            row = existing.get((invitation_id, day))
            if not status:
                if row is not None:
                    db.session.delete(row)
                continue
            if row is None:
                db.session.add(Attendance(invitation_id=invitation_id, day=day, status=status))
            else:
                row.status = status
    db.session.flush()


@dataclass
class Participation:
    """Who came to a workshop: by sex and level, day by day."""

    invited: int
    days: list[dict]  # per day: day, present, female, male, left_early
    by_level: list[dict]  # level, female, male, total: people present on at least one day
    both_days: int  # invited people present (or leaving early) on every day
    nominated: int = 0  # people the office nominated (for the pilot: the people invited)

    @property
    def attended(self) -> int:
        return sum(r["total"] for r in self.by_level)

    @property
    def female(self) -> int:
        return sum(r["female"] for r in self.by_level)

    @property
    def male(self) -> int:
        return sum(r["male"] for r in self.by_level)

    @property
    def female_share(self) -> int | None:
        return round(100 * self.female / self.attended) if self.attended else None

    @property
    def all_days_share(self) -> int | None:
        return round(100 * self.both_days / self.invited) if self.invited else None

    @property
    def nominated_all_days_share(self) -> int | None:
        """Share of the nominated people who attended every day, as the Gender Unit reports."""
        return round(100 * self.both_days / self.nominated) if self.nominated else None


def participation(workshop: Workshop) -> Participation:
    """Participation figures of a workshop, from its invitations and attendance."""
    from ..admin.models import StaffLevel

    rows = db.session.execute(
        select(Invitation.id, Nomination.sex, Nomination.level_id, Attendance.day,
               Attendance.status)
        .join(Nomination, Nomination.id == Invitation.nomination_id)
        .outerjoin(Attendance, Attendance.invitation_id == Invitation.id)
        .where(Invitation.workshop_id == workshop.id)).all()
    people: dict[int, dict] = {}
    for invitation_id, sex, level_id, day, status in rows:
        person = people.setdefault(invitation_id, {"sex": sex, "level": level_id, "days": {}})
        if day is not None:
            person["days"][day] = status
    days = []
    for day in range(1, workshop.days + 1):
        came = [p for p in people.values() if p["days"].get(day) in ("present", "left_early")]
        days.append({"day": day, "present": len(came),
                     "female": sum(1 for p in came if p["sex"] == "female"),
                     "male": sum(1 for p in came if p["sex"] == "male"),
                     "left_early": sum(1 for p in came if p["days"][day] == "left_early")})
    levels = db.session.scalars(select(StaffLevel).order_by(StaffLevel.position,
                                                            StaffLevel.name)).all()
    attended = [p for p in people.values()
                if any(s in ("present", "left_early") for s in p["days"].values())]
    by_level = []
    for level in levels:
        here = [p for p in attended if p["level"] == level.id]
        female = sum(1 for p in here if p["sex"] == "female")
        by_level.append({"level": level.name, "female": female, "male": len(here) - female,
                         "total": len(here)})
    every_day = sum(1 for p in people.values() if all(
        p["days"].get(d) in ("present", "left_early") for d in range(1, workshop.days + 1)))
    nominated = len(people)
    if workshop.office_id is not None:
        nominated = db.session.scalar(select(func.count(Nomination.id)).where(
            Nomination.cycle_id == workshop.cycle_id,
            Nomination.office_id == workshop.office_id)) or 0
    return Participation(invited=len(people), days=days, by_level=by_level,
                         both_days=every_day, nominated=nominated)


# -- anonymous evaluations --------------------------------------------------------------------


def open_evaluation(workshop: Workshop) -> None:
    """Let participants answer the evaluation through the workshop's link."""
    if not workshop.agenda:
        raise FieldError(None, "The workshop has no agenda to evaluate yet.")
    workshop.evaluation_open = True
    if workshop.status == "planned":  # evaluated at the end of it: it has been held
        workshop.status = "held"
    db.session.flush()


def close_evaluation(workshop: Workshop) -> None:
    """Stop taking responses; the workshop counts as evaluated."""
    workshop.evaluation_open = False
    if workshop.status != "evaluated":
        workshop.status = "evaluated"
    db.session.flush()


def device_mark(workshop: Workshop, device_value: str) -> str:
    """What is stored of a device: a hash tied to the workshop, never the value itself."""
    return hashlib.sha256(f"{workshop.evaluation_key}:{device_value}".encode()).hexdigest()


def has_answered(workshop: Workshop, device_value: str) -> bool:
    """True when this device has already sent a response to the workshop's evaluation."""
    return db.session.scalar(select(EvaluationResponse.id).where(
        EvaluationResponse.workshop_id == workshop.id,
        EvaluationResponse.device_mark == device_mark(workshop, device_value))) is not None


def submit_evaluation(workshop: Workshop, device_value: str, *, usefulness: str | None,
                      ratings: dict[int, int | None], keep: str = "",
                      change: str = "") -> EvaluationResponse:
    """Record one anonymous response, once per device, while the evaluation is open."""
    if not workshop.evaluation_open:
        raise FieldError(None, "This evaluation is closed.")
    if not device_value or has_answered(workshop, device_value):
        raise FieldError(None, "A response has already been sent from this device. "
                               "Thank you.")
    if usefulness not in USEFULNESS:
        raise FieldError("usefulness", "Choose how useful the workshop was overall.")
    items = {item.id for item in workshop.agenda}
    clean = {}
    for item_id, rating in (ratings or {}).items():
        if item_id not in items:
            raise FieldError("ratings", "Rate the sessions of this workshop's agenda.")
        if rating is None:
            continue
        if rating not in (1, 2, 3, 4):
            raise FieldError(f"rating-{item_id}", "Choose a rating from the scale.")
        clean[item_id] = rating
    response = EvaluationResponse(workshop_id=workshop.id,
                                  device_mark=device_mark(workshop, device_value),
                                  usefulness=usefulness, keep=(keep or "").strip()[:5000],
                                  change=(change or "").strip()[:5000],
                                  ratings=[SessionRating(agenda_item_id=i, rating=r)
                                           for i, r in clean.items()])
    try:
        with db.session.begin_nested():
            db.session.add(response)
            db.session.flush()
    except IntegrityError as error:  # the same device, twice at the same moment
        raise FieldError(None, "A response has already been sent from this device. "
                               "Thank you.") from error
    return response


@dataclass
class EvaluationFigures:
    """What the responses to one or more workshops add up to."""

    responses: int
    usefulness: dict[str, int]  # answer -> number of responses
    sessions: list[dict]  # agenda item, responses, average (1-4), useful share

    @property
    def useful(self) -> int:
        return self.usefulness.get("very_useful", 0) + self.usefulness.get("useful", 0)

    @property
    def useful_share(self) -> int | None:
        """Per cent who found it very useful or useful: the figure the Gender Unit reports."""
        return round(100 * self.useful / self.responses) if self.responses else None

    def share(self, answer: str) -> int | None:
        return round(100 * self.usefulness.get(answer, 0) / self.responses) \
            if self.responses else None


def evaluation_figures(workshop_ids: list[int], sessions: bool = True) -> EvaluationFigures:
    """Figures of the responses to the workshops named, together (computed in SQL); without
    `sessions`, the overall usefulness only."""
    counts = dict.fromkeys(USEFULNESS, 0)
    counts.update(db.session.execute(
        select(EvaluationResponse.usefulness, func.count()).where(
            EvaluationResponse.workshop_id.in_(workshop_ids))
        .group_by(EvaluationResponse.usefulness)).all())
    rows = _session_rows(workshop_ids) if sessions else []
    return EvaluationFigures(responses=sum(counts.values()), usefulness=counts,
                             sessions=[row for _, row in rows])


def figures_by_workshop(workshop_ids: list[int]) -> dict[int, EvaluationFigures]:
    """Each workshop's own figures, in two queries whatever the number of workshops."""
    counts: dict[int, dict[str, int]] = {i: dict.fromkeys(USEFULNESS, 0) for i in workshop_ids}
    for workshop_id, usefulness, n in db.session.execute(
            select(EvaluationResponse.workshop_id, EvaluationResponse.usefulness, func.count())
            .where(EvaluationResponse.workshop_id.in_(workshop_ids))
            .group_by(EvaluationResponse.workshop_id, EvaluationResponse.usefulness)):
        counts[workshop_id][usefulness] = n
    sessions: dict[int, list[dict]] = {i: [] for i in workshop_ids}
    for workshop_id, row in _session_rows(workshop_ids):
        sessions[workshop_id].append(row)
    return {i: EvaluationFigures(responses=sum(counts[i].values()), usefulness=counts[i],
                                 sessions=sessions[i]) for i in workshop_ids}


def _session_rows(workshop_ids: list[int]) -> list[tuple[int, dict]]:
    """(workshop id, figures of one agenda session) for every session of the workshops."""
    rows = db.session.execute(
        select(AgendaItem, func.count(SessionRating.id), func.avg(SessionRating.rating),
               func.sum(func.cast(SessionRating.rating >= 3, db.Integer)))
        .outerjoin(SessionRating, SessionRating.agenda_item_id == AgendaItem.id)
        .where(AgendaItem.workshop_id.in_(workshop_ids))
        .group_by(AgendaItem.id)
        .order_by(AgendaItem.workshop_id, AgendaItem.day, AgendaItem.starts_at)).all()
    return [(item.workshop_id,
             {"item": item, "responses": n,
              "average": round(float(average), 2) if average is not None else None,
              "useful_share": round(100 * (useful or 0) / n) if n else None})
            for item, n, average, useful in rows]
