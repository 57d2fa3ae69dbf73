"""Operations of the needs assessment: nominations, sessions with their findings, the gap
register (grouping and merging), and session drafts.

They validate, flush and never commit; views and API handlers commit once per request.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from ..admin.models import FunctionalArea, GapCategory, Office, PlanCycle, StaffLevel, ThematicArea
from ..auth.models import User, UserRole
from ..core.hooks import still_used
from ..core.models import utcnow
from ..core.validation import FieldError, InUseError
from ..extensions import db
from .models import (
    FORMATS,
    PRIORITIES,
    PRIORITY_RANK,
    RESOURCE_KINDS,
    SEXES,
    AssessmentSession,
    Finding,
    Gap,
    Nomination,
    SessionDraft,
    SessionHeadcount,
)

MAX_HEADCOUNT = 10_000  # people in one session of one level: more is a typing mistake


def _text(value, limit: int | None = None, field_name: str = "", label: str = "") -> str:
    text = (value or "").strip()
    if limit and len(text) > limit:
        raise FieldError(field_name, f"{label} is too long: at most {limit} characters.")
    return text


def _reference(model, item_id: int | None, field_name: str, message: str, required: bool):
    """The reference entry `item_id`, or None when it may be left empty."""
    if item_id is None:
        if required:
            raise FieldError(field_name, message)
        return None
    item = db.session.get(model, item_id)
    if item is None:
        raise FieldError(field_name, "Choose one of the entries of the list.")
    return item


def _office(office_id: int | None) -> Office:
    office = db.session.get(Office, office_id) if office_id else None
    if office is None:
        raise FieldError("office_id", "Choose an office.")
    return office


def _cycle(cycle_id: int | None) -> PlanCycle:
    cycle = db.session.get(PlanCycle, cycle_id) if cycle_id else None
    if cycle is None:
        raise FieldError("cycle_id", "Choose a plan cycle.")
    return cycle


# -- nominations --------------------------------------------------------------------------------


def save_nomination(nomination: Nomination | None, *, cycle_id: int, office_id: int, name: str,
                    sex: str, level_id: int | None, email: str | None = None,
                    functional_area_id: int | None = None, job_title: str = "",
                    nominated_by: str = "") -> Nomination:
    """Nominate a person of an office for the cycle, or change a nomination."""
    cycle, office = _cycle(cycle_id), _office(office_id)
    name = _text(name, 120, "name", "The name")
    if not name:
        raise FieldError("name", "Give the person's name.")
    if sex not in SEXES:
        raise FieldError("sex", "Choose female or male.")
    _reference(StaffLevel, level_id, "level_id", "Choose the person's staff level.", True)
    _reference(FunctionalArea, functional_area_id, "functional_area_id", "", False)
    email = (email or "").strip().lower() or None
    if email:
        if "@" not in email or len(email) > 255:
            raise FieldError("email", "Give a valid e-mail address, or leave it empty.")
        clash = select(Nomination.id).where(Nomination.cycle_id == cycle.id,
                                            Nomination.email == email)
        if nomination is not None:
            clash = clash.where(Nomination.id != nomination.id)
        if db.session.scalar(clash) is not None:
            raise FieldError("email", "Someone with this e-mail address is already nominated "
                                      "in this cycle.")
    if nomination is None:
        nomination = Nomination()
        db.session.add(nomination)
    elif (nomination.office_id, nomination.cycle_id) != (office.id, cycle.id) and \
            _took_part(nomination):
        raise FieldError("office_id" if nomination.office_id != office.id else "cycle_id",
                         "This person took part in sessions of their office in this cycle; "
                         "the nomination cannot move to another office or cycle.")
    nomination.cycle_id, nomination.office_id = cycle.id, office.id
    nomination.name, nomination.email, nomination.sex = name, email, sex
    nomination.level_id, nomination.functional_area_id = level_id, functional_area_id
    nomination.job_title = _text(job_title, 200, "job_title", "The job title")
    nomination.nominated_by = _text(nominated_by, 120, "nominated_by", "Nominated by")
    db.session.flush()
    return nomination


def _took_part(nomination: Nomination) -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(AssessmentSession).where(
        AssessmentSession.participants.any(Nomination.id == nomination.id))))


def delete_nomination(nomination: Nomination) -> None:
    """Withdraw a nomination of someone who has not taken part in a session."""
    if _took_part(nomination):
        raise InUseError(f"{nomination.name} took part in an assessment session; remove them "
                         "from the session before withdrawing the nomination.")
    reason = still_used(nomination)  # invited to a workshop, say
    if reason:
        raise InUseError(reason)
    db.session.delete(nomination)
    db.session.flush()


@dataclass
class Coverage:
    """How well an office's nominations cover the staff levels, functions and both sexes."""

    levels: list[dict]  # {"level", "female", "male", "total"}
    functions: list[dict]  # {"area", "total"}
    female: int
    male: int
    missing_levels: list[str] = field(default_factory=list)
    missing_functions: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.female + self.male

    @property
    def female_share(self) -> int | None:
        return round(100 * self.female / self.total) if self.total else None

    @property
    def balanced(self) -> bool:
        """At least 40 per cent of each sex, the department's usual balance target."""
        return self.total > 0 and 40 <= (self.female_share or 0) <= 60


def nomination_coverage(cycle_id: int, office_ids: list[int] | None = None) -> dict[int, Coverage]:
    """Coverage of each office's nominations in the cycle (every office when none are named)."""
    levels = db.session.scalars(select(StaffLevel).where(StaffLevel.is_active)
                                .order_by(StaffLevel.position, StaffLevel.name)).all()
    areas = db.session.scalars(select(FunctionalArea).where(FunctionalArea.is_active)
                               .order_by(FunctionalArea.position, FunctionalArea.name)).all()
    query = select(Nomination.office_id, Nomination.level_id, Nomination.sex,
                   func.count()).where(Nomination.cycle_id == cycle_id).group_by(
        Nomination.office_id, Nomination.level_id, Nomination.sex)
    by_area = select(Nomination.office_id, Nomination.functional_area_id, func.count()).where(
        Nomination.cycle_id == cycle_id).group_by(Nomination.office_id,
                                                  Nomination.functional_area_id)
    if office_ids is not None:
        query = query.where(Nomination.office_id.in_(office_ids))
        by_area = by_area.where(Nomination.office_id.in_(office_ids))
    counts: dict[int, dict] = {}
    for office_id, level_id, sex, n in db.session.execute(query):
        counts.setdefault(office_id, {})[(level_id, sex)] = n
    area_counts: dict[int, dict] = {}
    for office_id, area_id, n in db.session.execute(by_area):
        area_counts.setdefault(office_id, {})[area_id] = n
    ids = office_ids if office_ids is not None else sorted(set(counts) | set(area_counts))
    result = {}
    for office_id in ids:
        c, a = counts.get(office_id, {}), area_counts.get(office_id, {})
        rows = [{"level": lv, "female": c.get((lv.id, "female"), 0),
                 "male": c.get((lv.id, "male"), 0)} for lv in levels]
        for row in rows:
            row["total"] = row["female"] + row["male"]
        functions = [{"area": ar, "total": a.get(ar.id, 0)} for ar in areas]
        result[office_id] = Coverage(
            levels=rows, functions=functions,
            female=sum(n for (_, sex), n in c.items() if sex == "female"),
            male=sum(n for (_, sex), n in c.items() if sex == "male"),
            missing_levels=[r["level"].name for r in rows if not r["total"]],
            missing_functions=[f["area"].name for f in functions if not f["total"]],
        )
    return result


# -- sessions and findings -------------------------------------------------------------------


def consultants_query():
    """People who may be recorded as present at a session: consultants and the Gender Unit."""
    return select(User).where(User.active, User.role_links.any(
        UserRole.role.in_(("consultant", "gender_unit")))).order_by(User.name)


@dataclass
class FindingInput:
    """A finding as typed into a session form or sent to the API."""

    category_id: int | None
    title: str
    priority: str = "medium"
    description: str = ""
    functional_area_id: int | None = None
    thematic_area_id: int | None = None
    resources: list[str] = field(default_factory=list)
    resources_detail: str = ""
    quote: str = ""
    gap_id: int | None = None  # None: a new gap of its own
    id: int | None = None  # an existing finding of the session, when editing


def _check_finding(cycle: PlanCycle, data: FindingInput, prefix: str) -> Gap | None:
    """Refuse a finding that cannot be saved; return the existing gap it goes to, if any."""
    _reference(GapCategory, data.category_id, f"{prefix}category_id",
               "Choose the category of the gap.", True)
    if not (data.title or "").strip():
        raise FieldError(f"{prefix}title", "Give the finding a short title.")
    _text(data.title, 200, f"{prefix}title", "The title")
    if data.priority not in PRIORITIES:
        raise FieldError(f"{prefix}priority", "Choose high, medium or low.")
    _reference(FunctionalArea, data.functional_area_id, f"{prefix}functional_area_id", "", False)
    _reference(ThematicArea, data.thematic_area_id, f"{prefix}thematic_area_id", "", False)
    unknown = set(data.resources or ()) - set(RESOURCE_KINDS)
    if unknown:
        raise FieldError(f"{prefix}resources", "Choose among the kinds of resources listed.")
    if data.gap_id is None:
        return None
    gap = db.session.get(Gap, data.gap_id)
    if gap is None or gap.cycle_id != cycle.id:
        raise FieldError(f"{prefix}gap_id", "Choose a gap of this cycle's register.")
    return gap.current()


def next_gap_number(cycle_id: int) -> int:
    """The number the next gap of the cycle's register gets."""
    last = db.session.scalar(select(func.max(Gap.number)).where(Gap.cycle_id == cycle_id))
    return (last or 0) + 1


def gap_from_finding(finding: Finding, cycle_id: int) -> Gap:
    """A new gap of the register that starts with `finding` (its title, category, areas)."""
    with db.session.no_autoflush:  # the finding may wait for this gap before it can be saved
        gap = Gap(cycle_id=cycle_id, number=next_gap_number(cycle_id), title=finding.title,
                  description=finding.description, category_id=finding.category_id,
                  thematic_area_id=finding.thematic_area_id,
                  functional_area_id=finding.functional_area_id, priority=finding.priority)
        db.session.add(gap)
        finding.gap = gap
    db.session.flush()
    return gap


def _apply_finding(finding: Finding, data: FindingInput) -> None:
    finding.category_id, finding.priority = data.category_id, data.priority
    finding.title = data.title.strip()
    finding.description = (data.description or "").strip()
    finding.functional_area_id, finding.thematic_area_id = (data.functional_area_id,
                                                            data.thematic_area_id)
    finding.resources = data.resources
    finding.resources_detail = (data.resources_detail or "").strip()
    finding.quote = (data.quote or "").strip()


def _file_under(finding: Finding, gap: Gap | None, cycle_id: int) -> None:
    """Put `finding` under `gap` (a new gap of its own when None); a gap it leaves empty
    points at the gap that took it."""
    with db.session.no_autoflush:
        old = finding.gap
        if gap is None:
            if old is not None and old.findings == [finding]:
                return  # already alone in its own gap
            gap_from_finding(finding, cycle_id)
        else:
            finding.gap = gap
            _raise_priority(gap, finding.priority)
    db.session.flush()
    if old is not None and old is not finding.gap and not old.findings:
        old.merged_into = finding.gap
        db.session.flush()


def _raise_priority(gap: Gap, priority: str) -> None:
    if PRIORITY_RANK[priority] < PRIORITY_RANK[gap.priority]:
        gap.priority = priority


def save_session(session: AssessmentSession | None, *, cycle_id: int, office_id: int,
                 held_at: datetime | None, format: str, consultant_ids=(),
                 participant_ids=(), headcounts: dict[int, tuple[int, int]] | None = None,
                 topics: str = "", notes: str = "", notes_confidential: bool = False,
                 findings: list[FindingInput] | None = None, recorded_by=None,
                 replace_findings: bool = True) -> AssessmentSession:
    """Record an assessment session with the people met and its findings, or change one.

    `headcounts` maps a staff level to (women, men) met without being named. With
    `replace_findings`, findings of the session left out of `findings` are removed.
    """
    cycle, office = _cycle(cycle_id), _office(office_id)
    if session is not None and session.office_id != office.id:
        raise FieldError("office_id", "A session stays with the office it was held in.")
    if session is not None and session.cycle_id != cycle.id:
        raise FieldError("cycle_id", "A session stays in the cycle it was held in.")
    if held_at is None:
        raise FieldError("held_at", "Give the date and time of the session.")
    if not cycle.contains(held_at.date()):
        raise FieldError("held_at", f"Pick a date within the cycle {cycle.name} "
                                    f"({cycle.start_date:%d %b %Y} to {cycle.end_date:%d %b %Y}).")
    if format not in FORMATS:
        raise FieldError("format", "Choose an individual interview or a group discussion.")
    consultant_ids = list(dict.fromkeys(consultant_ids or ()))
    consultants = db.session.scalars(consultants_query().where(
        User.id.in_(consultant_ids))).all() if consultant_ids else []
    if len(consultants) != len(consultant_ids):
        raise FieldError("consultant_ids", "Choose consultants or Gender Unit staff.")
    if not consultants:
        raise FieldError("consultant_ids", "Tick the consultants who held the session.")
    participant_ids = list(dict.fromkeys(participant_ids or ()))
    participants = db.session.scalars(select(Nomination).where(
        Nomination.id.in_(participant_ids))).all() if participant_ids else []
    if len(participants) != len(participant_ids) or any(
            p.office_id != office.id or p.cycle_id != cycle.id for p in participants):
        raise FieldError("participant_ids", "Choose people nominated by this office for "
                                            "this cycle.")
    counts = {}
    for level_id, (women, men) in (headcounts or {}).items():
        for sex, value in (("women", women), ("men", men)):
            if value is None:
                continue
            if value < 0:
                raise FieldError(f"headcount-{level_id}-{sex}", "A count cannot be below zero.")
            if value > MAX_HEADCOUNT:
                raise FieldError(f"headcount-{level_id}-{sex}",
                                 f"At most {MAX_HEADCOUNT:,} people.")
        if (women or 0) + (men or 0):
            if db.session.get(StaffLevel, level_id) is None:
                raise FieldError("headcounts", "Counts are given for a staff level that does "
                                               "not exist.")
            counts[level_id] = (women or 0, men or 0)
    people = len(participants) + sum(w + m for w, m in counts.values())
    if people == 0:
        raise FieldError("participant_ids", "Tick the nominated people who took part, or give "
                                            "anonymous counts by sex and level.")
    if format == "individual" and people != 1:
        raise FieldError("format", f"An individual interview meets one person; {people} are "
                                   "recorded. Choose a group discussion, or correct who took "
                                   "part.")
    findings = list(findings or [])
    own = {f.id: f for f in session.findings} if session is not None else {}
    targets = []
    for index, data in enumerate(findings):
        prefix = f"findings-{index}-"
        if data.id is not None and data.id not in own:
            raise FieldError(f"{prefix}id", "This finding belongs to another session.")
        targets.append(_check_finding(cycle, data, prefix))

    if session is None:
        session = AssessmentSession(recorded_by=recorded_by)
        db.session.add(session)
    session.cycle_id, session.office_id = cycle.id, office.id
    session.held_at, session.format = held_at.replace(second=0, microsecond=0), format
    session.topics = (topics or "").strip()
    session.notes = (notes or "").strip()
    session.notes_confidential = bool(notes_confidential)
    session.consultants = list(consultants)
    session.participants = list(participants)
    existing = {h.level_id: h for h in session.headcounts}
    for level_id, (women, men) in counts.items():
        row = existing.pop(level_id, None) or SessionHeadcount(level_id=level_id)
        row.women, row.men = women, men
        if row not in session.headcounts:
            session.headcounts.append(row)
    for row in existing.values():
        session.headcounts.remove(row)
    db.session.flush()

    kept = set()
    for position, (data, gap) in enumerate(zip(findings, targets, strict=True)):
        finding = own.get(data.id) if data.id is not None else None
        if finding is None:
            finding = Finding(session=session)
            db.session.add(finding)
        with db.session.no_autoflush:
            _apply_finding(finding, data)
            finding.position = position
        _file_under(finding, gap, cycle.id)
        kept.add(finding.id)
    if replace_findings:
        for finding in list(session.findings):
            if finding.id not in kept:
                remove_finding(finding)
    db.session.flush()
    return session


def add_finding(session: AssessmentSession, data: FindingInput) -> Finding:
    """Add one finding to a recorded session."""
    gap = _check_finding(session.cycle, data, "")
    with db.session.no_autoflush:
        finding = Finding(session=session, position=len(session.findings))
        db.session.add(finding)
        _apply_finding(finding, data)
    _file_under(finding, gap, session.cycle_id)
    return finding


def update_finding(finding: Finding, data: FindingInput) -> Finding:
    """Change a finding; naming another gap in `data.gap_id` moves it there."""
    session = finding.session
    gap = _check_finding(session.cycle, data, "")
    _apply_finding(finding, data)
    db.session.flush()
    if gap is not None and gap.id != finding.gap_id:
        _file_under(finding, gap, session.cycle_id)
    return finding


def remove_finding(finding: Finding) -> None:
    """Remove a finding; its gap stays in the register (later stages may point at it)."""
    if finding in finding.session.findings:
        finding.session.findings.remove(finding)
    db.session.delete(finding)
    db.session.flush()


def delete_session(session: AssessmentSession) -> None:
    """Delete a session and its findings; the gaps stay in the register."""
    db.session.delete(session)
    db.session.flush()


# -- the gap register --------------------------------------------------------------------------


def update_gap(gap: Gap, *, title: str, category_id: int | None, priority: str,
               description: str = "", thematic_area_id: int | None = None,
               functional_area_id: int | None = None) -> Gap:
    """Change how a gap reads in the register."""
    if gap.merged_into_id is not None:
        raise FieldError(None, f"{gap.code} was merged into {gap.current().code}; change that "
                               "gap instead.")
    title = _text(title, 200, "title", "The title")
    if not title:
        raise FieldError("title", "Give the gap a short title.")
    _reference(GapCategory, category_id, "category_id", "Choose the category of the gap.", True)
    if priority not in PRIORITIES:
        raise FieldError("priority", "Choose high, medium or low.")
    _reference(ThematicArea, thematic_area_id, "thematic_area_id", "", False)
    _reference(FunctionalArea, functional_area_id, "functional_area_id", "", False)
    gap.title, gap.description = title, (description or "").strip()
    gap.category_id, gap.priority = category_id, priority
    gap.thematic_area_id, gap.functional_area_id = thematic_area_id, functional_area_id
    db.session.flush()
    return gap


def merge_gaps(target: Gap, others: list[Gap]) -> Gap:
    """Move every finding of `others` into `target`; the others point at it from then on."""
    target = target.current()
    others = [g.current() for g in others]
    others = [g for g in dict.fromkeys(others) if g.id != target.id]
    if not others:
        raise FieldError("gap_ids", "Choose at least one other gap to merge into this one.")
    if any(g.cycle_id != target.cycle_id for g in others):
        raise FieldError("gap_ids", "Gaps of different cycles cannot be merged.")
    for gap in others:
        for finding in list(gap.findings):
            finding.gap = target
            _raise_priority(target, finding.priority)
        _raise_priority(target, gap.priority)
        gap.merged_into = target
    # Gaps merged earlier into the others now lead straight to the target.
    for gap in db.session.scalars(select(Gap).where(Gap.merged_into_id.in_(
            [g.id for g in others]))):
        gap.merged_into = target
    db.session.flush()
    return target


def group_findings(findings: list[Finding], target: Gap | None = None) -> Gap:
    """File `findings` under one gap: `target`, or the oldest of the gaps they are in."""
    findings = list(dict.fromkeys(findings))
    if len(findings) < 1 or (target is None and len(findings) < 2):
        raise FieldError("finding_ids", "Choose at least two findings to group into one gap.")
    cycles = {f.session.cycle_id for f in findings}
    if len(cycles) > 1 or (target is not None and target.cycle_id not in cycles):
        raise FieldError("finding_ids", "Findings of different cycles cannot share a gap.")
    if target is None:
        target = min((f.gap for f in findings), key=lambda g: g.number)
    target = target.current()
    for finding in findings:
        if finding.gap_id != target.id:
            _file_under(finding, target, target.cycle_id)
    db.session.flush()
    return target


def split_finding(finding: Finding) -> Gap:
    """Take a finding out of its gap into a new gap of its own."""
    if len(finding.gap.findings) == 1:
        raise FieldError(None, "This finding is already the only one in its gap.")
    return gap_from_finding(finding, finding.session.cycle_id)


# -- drafts --------------------------------------------------------------------------------------


def _draft_query(user_id: int, office_id: int, session_id: int | None):
    query = select(SessionDraft).where(SessionDraft.user_id == user_id,
                                       SessionDraft.office_id == office_id)
    if session_id is None:
        return query.where(SessionDraft.session_id.is_(None))
    return query.where(SessionDraft.session_id == session_id)


def find_draft(user_id: int, office_id: int, session_id: int | None) -> SessionDraft | None:
    """The user's unsaved draft of a session form (a new session when `session_id` is None)."""
    return db.session.scalar(_draft_query(user_id, office_id, session_id)
                             .order_by(SessionDraft.saved_at.desc()).limit(1))


MAX_DRAFT_FIELDS = 2000
MAX_DRAFT_VALUE = 20_000


def save_draft(user_id: int, office_id: int, session_id: int | None,
               data: dict[str, list[str]]) -> SessionDraft:
    """Keep what the user has typed so far; nothing is checked until the session is saved."""
    clean = {}
    for key, values in list(data.items())[:MAX_DRAFT_FIELDS]:
        if key == "csrf_token" or len(key) > 100:
            continue
        clean[key] = [str(v)[:MAX_DRAFT_VALUE] for v in values[:200]]
    draft = find_draft(user_id, office_id, session_id)
    if draft is None:
        draft = SessionDraft(user_id=user_id, office_id=office_id, session_id=session_id)
        db.session.add(draft)
    draft.data = clean
    draft.saved_at = utcnow()
    db.session.flush()
    return draft


def discard_draft(user_id: int, office_id: int, session_id: int | None) -> None:
    """Forget the user's draft of a session form."""
    for draft in db.session.scalars(_draft_query(user_id, office_id, session_id)):
        db.session.delete(draft)
    db.session.flush()
