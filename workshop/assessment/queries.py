"""The figures of the needs assessment, computed in SQL: the gap register with its frequencies
and the summary of an office or of the department. A fixed number of queries whatever the
number of offices, sessions or findings."""

from dataclasses import dataclass, field

from sqlalchemy import Select, case, distinct, func, literal, select, union_all
from sqlalchemy.orm import selectinload

from ..admin.models import Office, PlanCycle, StaffLevel
from ..extensions import db
from .models import (
    FORMATS,
    PRIORITY_RANK,
    RESOURCE_KINDS,
    AssessmentSession,
    Finding,
    Gap,
    Nomination,
    SessionHeadcount,
    finding_resources,
    session_participants,
)

priority_order = case(PRIORITY_RANK, value=Gap.priority, else_=9)


def session_levels():
    """(session, staff level) for every level met in a session, named or counted."""
    named = (select(session_participants.c.session_id, Nomination.level_id)
             .join(Nomination, Nomination.id == session_participants.c.nomination_id))
    counted = (select(SessionHeadcount.session_id, SessionHeadcount.level_id)
               .where(SessionHeadcount.women + SessionHeadcount.men > 0))
    return union_all(named, counted).subquery("session_levels")


def register_query(cycle_id: int, office_id: int | None = None) -> Select:
    """Rows of (gap, frequency, levels, offices) for the cycle's register.

    Frequency is the number of findings filed under the gap, levels the number of staff levels
    among the people who raised them, offices the number of offices they came from. With an
    office, only that office's findings count and gaps it did not raise are left out.
    """
    scope = [AssessmentSession.cycle_id == cycle_id]
    if office_id is not None:
        scope.append(AssessmentSession.office_id == office_id)
    counts = (select(Finding.gap_id,
                     func.count(Finding.id).label("frequency"),
                     func.count(distinct(AssessmentSession.office_id)).label("offices"))
              .join(AssessmentSession, AssessmentSession.id == Finding.session_id)
              .where(*scope).group_by(Finding.gap_id).subquery("counts"))
    met = session_levels()
    levels = (select(Finding.gap_id, func.count(distinct(met.c.level_id)).label("levels"))
              .join(AssessmentSession, AssessmentSession.id == Finding.session_id)
              .join(met, met.c.session_id == Finding.session_id)
              .where(*scope).group_by(Finding.gap_id).subquery("levels"))
    frequency = func.coalesce(counts.c.frequency, 0)
    query = (select(Gap, frequency.label("frequency"),
                    func.coalesce(levels.c.levels, 0).label("levels"),
                    func.coalesce(counts.c.offices, 0).label("offices"))
             .outerjoin(counts, counts.c.gap_id == Gap.id)
             .outerjoin(levels, levels.c.gap_id == Gap.id)
             .where(Gap.cycle_id == cycle_id, Gap.merged_into_id.is_(None))
             .options(selectinload(Gap.category), selectinload(Gap.thematic_area))
             .order_by(priority_order, frequency.desc(), Gap.number))
    if office_id is not None:
        query = query.where(counts.c.frequency > 0)
    return query


@dataclass
class RegisterRow:
    """A gap with its figures."""

    gap: Gap
    frequency: int
    levels: int
    offices: int


def register(cycle_id: int, office_id: int | None = None, limit: int | None = None
             ) -> list[RegisterRow]:
    """The register in order of priority, then frequency."""
    query = register_query(cycle_id, office_id)
    if limit:
        query = query.limit(limit)
    return [RegisterRow(*row) for row in db.session.execute(query)]


@dataclass
class Summary:
    """What the needs assessment found in an office, or in the department."""

    cycle: PlanCycle
    office: Office | None
    sessions: dict[str, int]  # format -> number held
    people: list[dict]  # per staff level: level, female, male, total
    nominated: int
    nominated_met: int
    findings: int
    gaps: int
    top_gaps: list[RegisterRow]
    resources: list[dict]  # kind, label, findings, gaps
    offices: list[dict] = field(default_factory=list)  # department only

    @property
    def sessions_total(self) -> int:
        return sum(self.sessions.values())

    @property
    def female(self) -> int:
        return sum(r["female"] for r in self.people)

    @property
    def male(self) -> int:
        return sum(r["male"] for r in self.people)

    @property
    def people_total(self) -> int:
        return self.female + self.male

    @property
    def female_share(self) -> int | None:
        return round(100 * self.female / self.people_total) if self.people_total else None

    @property
    def scope(self) -> str:
        return self.office.name if self.office else "All offices"


def _sessions(cycle_id: int, office_id: int | None):
    query = select(AssessmentSession.id).where(AssessmentSession.cycle_id == cycle_id)
    if office_id is not None:
        query = query.where(AssessmentSession.office_id == office_id)
    return query


def people_met(cycle_id: int, office_id: int | None = None, by_office: bool = False):
    """Counts of people met by (office,) level and sex: named people once each, however many
    sessions they joined, plus the anonymous counts."""
    sessions = _sessions(cycle_id, office_id)
    office_col = AssessmentSession.office_id if by_office else literal(0)
    named = (select(office_col.label("office_id"), Nomination.level_id, Nomination.sex,
                    func.count(distinct(Nomination.id)))
             .join(session_participants, session_participants.c.nomination_id == Nomination.id)
             .join(AssessmentSession, AssessmentSession.id == session_participants.c.session_id)
             .where(AssessmentSession.id.in_(sessions))
             .group_by(office_col, Nomination.level_id, Nomination.sex))
    counted = (select(office_col.label("office_id"), SessionHeadcount.level_id,
                      func.sum(SessionHeadcount.women), func.sum(SessionHeadcount.men))
               .join(AssessmentSession, AssessmentSession.id == SessionHeadcount.session_id)
               .where(AssessmentSession.id.in_(sessions))
               .group_by(office_col, SessionHeadcount.level_id))
    figures: dict[tuple[int, int], dict[str, int]] = {}
    for office, level_id, sex, n in db.session.execute(named):
        cell = figures.setdefault((office, level_id), {"female": 0, "male": 0})
        cell[sex] += n
    for office, level_id, women, men in db.session.execute(counted):
        cell = figures.setdefault((office, level_id), {"female": 0, "male": 0})
        cell["female"] += int(women or 0)
        cell["male"] += int(men or 0)
    return figures


def summary(cycle: PlanCycle, office: Office | None = None, top: int = 10) -> Summary:
    """The summary of the cycle's needs assessment for `office`, or the whole department."""
    office_id = office.id if office else None
    sessions = _sessions(cycle.id, office_id)
    held = dict.fromkeys(FORMATS, 0)
    held.update(db.session.execute(
        select(AssessmentSession.format, func.count()).where(AssessmentSession.id.in_(sessions))
        .group_by(AssessmentSession.format)).all())
    met = people_met(cycle.id, office_id)
    levels = db.session.scalars(select(StaffLevel).order_by(StaffLevel.position,
                                                            StaffLevel.name)).all()
    people = []
    for level in levels:
        cell = met.get((0, level.id), {"female": 0, "male": 0})
        if level.is_active or cell["female"] or cell["male"]:
            people.append({"level": level.name, "female": cell["female"], "male": cell["male"],
                           "total": cell["female"] + cell["male"]})
    nominations = select(Nomination.id).where(Nomination.cycle_id == cycle.id)
    if office_id is not None:
        nominations = nominations.where(Nomination.office_id == office_id)
    nominated = db.session.scalar(select(func.count()).select_from(nominations.subquery()))
    nominated_met = db.session.scalar(
        select(func.count(distinct(session_participants.c.nomination_id)))
        .where(session_participants.c.session_id.in_(sessions)))
    findings, gaps = db.session.execute(
        select(func.count(Finding.id), func.count(distinct(Finding.gap_id)))
        .where(Finding.session_id.in_(sessions))).one()
    by_kind = {kind: (n, g) for kind, n, g in db.session.execute(
        select(finding_resources.c.kind, func.count(distinct(Finding.id)),
               func.count(distinct(Finding.gap_id)))
        .join(Finding, Finding.id == finding_resources.c.finding_id)
        .where(Finding.session_id.in_(sessions)).group_by(finding_resources.c.kind))}
    resources = [{"kind": kind, "label": label, "findings": by_kind.get(kind, (0, 0))[0],
                  "gaps": by_kind.get(kind, (0, 0))[1]} for kind, label in RESOURCE_KINDS.items()]
    resources.sort(key=lambda r: -r["findings"])
    result = Summary(cycle=cycle, office=office, sessions=held, people=people,
                     nominated=nominated or 0, nominated_met=nominated_met or 0,
                     findings=findings or 0, gaps=gaps or 0,
                     top_gaps=register(cycle.id, office_id, limit=top), resources=resources)
    if office is None:
        result.offices = office_figures(cycle)
    return result


def office_figures(cycle: PlanCycle) -> list[dict]:
    """Per office of the department: nominations, sessions, people met, findings, gaps."""
    offices = db.session.scalars(select(Office).order_by(Office.acronym)).all()
    nominated = dict(db.session.execute(
        select(Nomination.office_id, func.count()).where(Nomination.cycle_id == cycle.id)
        .group_by(Nomination.office_id)).all())
    held = dict(db.session.execute(
        select(AssessmentSession.office_id, func.count()).where(
            AssessmentSession.cycle_id == cycle.id).group_by(AssessmentSession.office_id)).all())
    found = {o: (n, g) for o, n, g in db.session.execute(
        select(AssessmentSession.office_id, func.count(Finding.id),
               func.count(distinct(Finding.gap_id)))
        .join(AssessmentSession, AssessmentSession.id == Finding.session_id)
        .where(AssessmentSession.cycle_id == cycle.id).group_by(AssessmentSession.office_id))}
    met: dict[int, dict[str, int]] = {}
    for (office_id, _level), cell in people_met(cycle.id, by_office=True).items():
        total = met.setdefault(office_id, {"female": 0, "male": 0})
        total["female"] += cell["female"]
        total["male"] += cell["male"]
    rows = []
    for office in offices:
        people = met.get(office.id, {"female": 0, "male": 0})
        if not (office.active or nominated.get(office.id) or held.get(office.id)):
            continue
        rows.append({"office": office, "nominated": nominated.get(office.id, 0),
                     "sessions": held.get(office.id, 0), "female": people["female"],
                     "male": people["male"], "people": people["female"] + people["male"],
                     "findings": found.get(office.id, (0, 0))[0],
                     "gaps": found.get(office.id, (0, 0))[1]})
    return rows
