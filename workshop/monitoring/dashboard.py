"""The figures of a monitored cycle: where the published plan's activities stand, how its
indicators move toward their targets, which reports are late or wait for review, and what the
workshops reached.

Only accepted reports count toward progress, so the figures change when the Gender Unit
accepts a report; a submitted report is counted apart, as awaiting review. The activities are
those of the latest published version of the action plan, less any deleted since. Figures are
worked out "as of" a reporting period: an activity's status is the one in the latest accepted
report up to that period, an indicator's progress is read from every accepted measurement up to
it, and the straight line it is compared with is taken at the end of that period.

`figures` loads everything in a fixed number of queries, whatever the number of offices; the
dashboard, its drill-down pages and the review report all read what it returns.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import func, or_, select

from ..actionplan.consolidation import NO_AREA, amount
from ..actionplan.models import ActionPlanVersion
from ..actionplan.services import published_version
from ..admin.models import PlanCycle
from ..assessment.models import Nomination
from ..core.models import today
from ..extensions import db
from ..workplans.models import Activity, Indicator, Objective, WorkPlan
from ..workshops.models import Attendance, Invitation, Workshop
from ..workshops.services import evaluation_figures
from .models import (
    PROGRESS_STATUSES,
    ActivityProgress,
    Measurement,
    ProgressReport,
    ReportingPeriod,
)
from .progress import by_sex, number, progress

NOT_REPORTED = "not_reported"
# Every status an activity can stand at on the dashboard, in the order the tables show them.
STATUSES = {**PROGRESS_STATUSES, NOT_REPORTED: "Not reported"}
GOING_WELL = ("on_track", "completed")


@dataclass(frozen=True)
class OfficeRef:
    """An office as the published plan names it; shown as its acronym."""

    id: int
    acronym: str
    name: str = ""

    def __str__(self) -> str:
        return self.acronym


@dataclass(frozen=True)
class Row:
    """The activities of one office or one thematic area: how many stand at each status, how
    many indicators they have and how many are behind, and their planned resources (amounts not
    known are counted apart, not added)."""

    key: int | str  # the office's id, or the thematic area's name
    label: str
    activities: int
    statuses: dict[str, int]
    indicators: int
    behind: int
    core: Decimal
    extra: Decimal
    core_unknown: int
    extra_unknown: int
    name: str = ""  # the office's full name

    @property
    def going_well(self) -> int:
        """Activities on track or completed."""
        return sum(self.statuses[s] for s in GOING_WELL)

    @property
    def total(self) -> Decimal:
        return self.core + self.extra


@dataclass(frozen=True)
class ActivityLine:
    """Where one activity of the published plan stands, and the report that says so."""

    activity_id: int
    title: str
    office: OfficeRef
    area: str
    strategy: str
    status: str  # a key of STATUSES
    percent_complete: int | None
    period: ReportingPeriod | None  # of the accepted report the status comes from
    indicators: int
    behind: int
    core: Decimal | None
    extra: Decimal | None

    @property
    def status_label(self) -> str:
        return STATUSES[self.status]

    @property
    def office_id(self) -> int:
        return self.office.id


@dataclass(frozen=True)
class IndicatorLine:
    """An indicator of the published plan and how far it has come toward its target."""

    indicator_id: int
    statement: str
    office: OfficeRef
    activity_id: int
    activity: str
    area: str
    unit: str
    cumulative: bool
    sex_disaggregated: bool
    baseline: str  # as the plan gives it
    target: str
    baseline_date: date | None
    target_date: date | None
    achieved: Decimal | None
    percent: Decimal | None  # of the way from baseline to target
    expected_percent: Decimal | None  # of the straight line at the end of the period
    behind: bool
    female: Decimal | None
    male: Decimal | None
    readings: int  # accepted measurements counted
    period: ReportingPeriod | None  # of the latest of them
    value_text: str = ""  # the latest answer of a text indicator

    @property
    def measured(self) -> bool:
        return self.readings > 0

    @property
    def office_id(self) -> int:
        return self.office.id


class Overdue(NamedTuple):
    """A report not submitted by its due date."""

    office: OfficeRef
    period: ReportingPeriod
    days: int


class Awaiting(NamedTuple):
    """A submitted report the Gender Unit has not accepted or returned yet."""

    office: OfficeRef
    period: ReportingPeriod
    submitted_at: datetime | None


@dataclass(frozen=True)
class Trend:
    """The figures as they stood at the end of one period."""

    period: ReportingPeriod
    label: str
    offices: int  # offices expected to report
    accepted: int  # their reports accepted for the period
    awaiting: int  # submitted for the period, not yet reviewed
    activities: int
    going_well: int  # activities on track or completed
    indicators: int
    behind: int  # indicators behind the straight line


@dataclass(frozen=True)
class Participation:
    """What the cycle's workshops reached: people who attended at least one day (each person
    once, whatever the number of workshops) and the participants' evaluations."""

    trained: int
    women: int
    men: int
    responses: int
    useful: int  # responses finding the workshop very useful or useful

    @property
    def female_share(self) -> int | None:
        return round(100 * self.women / self.trained) if self.trained else None

    @property
    def useful_share(self) -> int | None:
        return round(100 * self.useful / self.responses) if self.responses else None


@dataclass(frozen=True)
class Figures:
    """Everything the dashboard, its drill-down pages and the review report show."""

    cycle: PlanCycle
    version: ActionPlanVersion | None  # the published version monitored, None before one is
    period: ReportingPeriod | None  # the figures stand as of the end of this period
    periods: list[ReportingPeriod]
    on: date
    offices: list[OfficeRef]  # offices with activities in the published plan
    areas: list[str]
    activities: list[ActivityLine]
    status_totals: dict[str, int]
    by_office: list[Row]
    by_area: list[Row]
    indicators: list[IndicatorLine]
    sex: tuple[Decimal, Decimal]  # women and men reached
    resources: dict
    participation: Participation
    overdue: list[Overdue]
    awaiting: list[Awaiting]
    trends: list[Trend]
    # The shown period's reports by status; "not_started" counts offices without one.
    reports: dict[str, int] = field(default_factory=dict)

    @property
    def behind(self) -> int:
        """Indicators behind the straight line from baseline to target."""
        return sum(1 for i in self.indicators if i.behind)

    @property
    def measured(self) -> int:
        """Indicators with at least one accepted measurement."""
        return sum(1 for i in self.indicators if i.measured)

    @property
    def going_well(self) -> int:
        return sum(self.status_totals[s] for s in GOING_WELL)

    @property
    def sex_disaggregated(self) -> int:
        return sum(1 for i in self.indicators if i.sex_disaggregated)


# -- loading -----------------------------------------------------------------------------------


def _day(value) -> date | None:
    if not value:
        return None
    return value if isinstance(value, date) else date.fromisoformat(value)


def _tidy(value: Decimal | None) -> Decimal | None:
    """A stored amount without the zeros the column pads it with: 12, 12.5."""
    if value is None:
        return None
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def _participation(cycle_id: int) -> Participation:
    """People who attended the cycle's workshops, by sex, and the evaluations' usefulness."""
    came = dict(db.session.execute(
        select(Nomination.sex, func.count(func.distinct(Nomination.id)))
        .select_from(Invitation)
        .join(Nomination, Nomination.id == Invitation.nomination_id)
        .join(Workshop, Workshop.id == Invitation.workshop_id)
        .join(Attendance, Attendance.invitation_id == Invitation.id)
        .where(Workshop.cycle_id == cycle_id,
               Attendance.status.in_(("present", "left_early")))
        .group_by(Nomination.sex)).all())
    workshops = list(db.session.scalars(select(Workshop.id)
                                        .where(Workshop.cycle_id == cycle_id)))
    evaluations = evaluation_figures(workshops, sessions=False)
    women, men = came.get("female", 0), came.get("male", 0)
    return Participation(trained=sum(came.values()), women=women, men=men,
                         responses=evaluations.responses, useful=evaluations.useful)


# -- working out -------------------------------------------------------------------------------


@dataclass
class _Tally:
    """A Row while it is being added up."""

    key: int | str
    label: str
    name: str = ""
    activities: int = 0
    statuses: dict = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    indicators: int = 0
    behind: int = 0
    core: Decimal = Decimal(0)
    extra: Decimal = Decimal(0)
    core_unknown: int = 0
    extra_unknown: int = 0

    def add(self, line: ActivityLine) -> None:
        self.activities += 1
        self.statuses[line.status] += 1
        self.indicators += line.indicators
        self.behind += line.behind
        if line.core is None:
            self.core_unknown += 1
        else:
            self.core += line.core
        if line.extra is None:
            self.extra_unknown += 1
        else:
            self.extra += line.extra

    def row(self) -> Row:
        return Row(self.key, self.label, self.activities, dict(self.statuses), self.indicators,
                   self.behind, self.core, self.extra, self.core_unknown, self.extra_unknown,
                   self.name)


class _Measure:
    """An indicator of the plan with what its progress is worked out from, read once."""

    __slots__ = ("baseline", "baseline_date", "cumulative", "data", "readings", "target",
                 "target_date")

    def __init__(self, data: dict, cumulative: bool, readings: list):
        self.data, self.cumulative, self.readings = data, cumulative, readings
        self.baseline, self.target = number(data["baseline_value"]), number(data["target_value"])
        self.baseline_date = _day(data["baseline_date"])
        self.target_date = _day(data["target_date"])

    def upto(self, number_upto: int) -> list:
        """(period, reading) of the periods up to `number_upto`, in order."""
        taken = self.readings
        if taken and taken[-1][0].number > number_upto:
            taken = [item for item in taken if item[0].number <= number_upto]
        return taken

    def progress(self, taken: list, upto: ReportingPeriod | None):
        return progress([reading for _, reading in taken], baseline=self.baseline,
                        target=self.target, cumulative=self.cumulative,
                        baseline_date=self.baseline_date, target_date=self.target_date,
                        on=upto.ends_on if upto else None)


class _Standing:
    """Activities' statuses and indicators' progress as of the end of a period, from the
    accepted reports' lines and measurements."""

    def __init__(self, plan: list[dict], offices: dict[int, OfficeRef], cumulative: dict,
                 lines: dict[int, list], readings: dict[int, list]):
        self.plan, self.offices, self.lines = plan, offices, lines
        self.measures = {a["id"]: [
            _Measure(i, i.get("cumulative", cumulative.get(i["id"], True)),
                     readings.get(i["id"], [])) for i in a["indicators"]] for a in plan}

    def _line(self, activity_id: int, number_upto: int) -> tuple:
        lines = self.lines.get(activity_id, ())
        for line in reversed(lines):
            if line[0].number <= number_upto:
                return line
        return None, NOT_REPORTED, None

    def counts(self, upto: ReportingPeriod) -> tuple[int, int]:
        """Activities completed or on track, and indicators behind, at the end of `upto`."""
        going_well = sum(1 for a in self.plan
                         if self._line(a["id"], upto.number)[1] in GOING_WELL)
        behind = 0
        for measures in self.measures.values():
            for m in measures:
                taken = m.upto(upto.number)
                if taken and m.progress(taken, upto).behind:
                    behind += 1
        return going_well, behind

    def _indicator(self, activity: dict, m: _Measure, upto: ReportingPeriod | None
                   ) -> IndicatorLine:
        i = m.data
        taken = m.upto(upto.number if upto else 0)
        reached = m.progress(taken, upto)
        readings = [reading for _, reading in taken]
        split = any(r.female is not None or r.male is not None for r in readings)
        female, male = by_sex(readings, m.cumulative) if split else (None, None)
        texts = [r.value_text for r in readings if r.value_text]
        return IndicatorLine(
            indicator_id=i["id"], statement=i["statement"],
            office=self.offices[activity["office_id"]], activity_id=activity["id"],
            activity=activity["title"], area=activity["thematic_area"] or NO_AREA,
            unit=i["unit"], cumulative=m.cumulative,
            sex_disaggregated=bool(i["sex_disaggregated"]),
            baseline=i["baseline_value"] or "", target=i["target_value"] or "",
            baseline_date=m.baseline_date, target_date=m.target_date,
            achieved=_tidy(reached.achieved), percent=reached.percent,
            expected_percent=reached.expected_percent, behind=reached.behind,
            female=_tidy(female), male=_tidy(male), readings=len(taken),
            period=taken[-1][0] if taken else None, value_text=texts[-1] if texts else "")

    def activities(self, upto: ReportingPeriod | None
                   ) -> tuple[list[ActivityLine], list[IndicatorLine]]:
        activities, indicators = [], []
        number_upto = upto.number if upto else 0
        for a in self.plan:
            period, status, percent = self._line(a["id"], number_upto)
            measured = [self._indicator(a, m, upto) for m in self.measures[a["id"]]]
            indicators += measured
            activities.append(ActivityLine(
                activity_id=a["id"], title=a["title"], office=self.offices[a["office_id"]],
                area=a["thematic_area"] or NO_AREA, strategy=a.get("strategy") or "",
                status=status, percent_complete=percent, period=period,
                indicators=len(measured), behind=sum(1 for i in measured if i.behind),
                core=amount(a["cost_core"]), extra=amount(a["cost_extra"])))
        return activities, indicators


class _Value(NamedTuple):
    """A measurement as read for progress: the Reading plus a text answer."""

    on: date
    value: Decimal | None
    female: Decimal | None
    male: Decimal | None
    value_text: str


def figures(cycle_id: int, period_id: int | None = None, *, on: date | None = None) -> Figures:
    """The cycle's monitoring figures as of the end of period `period_id` (by default the
    latest period with an accepted report), on day `on` (by default today) for what is overdue.

    Overdue and awaiting reports are those of the periods up to the one asked for; by default,
    of every period. A report is overdue when its period is still open, its due date has
    passed and it has not been submitted (a returned report is not submitted). Raises
    LookupError when `period_id` is not a period of the cycle.
    """
    on = on or today()
    cycle = db.session.get(PlanCycle, cycle_id)
    if cycle is None:
        raise LookupError(f"No plan cycle {cycle_id}")
    periods = list(db.session.scalars(select(ReportingPeriod)
                                      .where(ReportingPeriod.cycle_id == cycle_id)
                                      .order_by(ReportingPeriod.number)))
    by_id = {p.id: p for p in periods}
    if period_id is not None and period_id not in by_id:
        raise LookupError(f"No period {period_id} in cycle {cycle_id}")
    version = published_version(cycle_id)
    content = version.content if version else {"activities": [], "offices": [],
                                               "thematic_areas": []}

    # The plan's activities still on record, and whether their indicators are cumulative.
    known: set[int] = set()
    cumulative: dict[int, bool] = {}
    for activity_id, indicator_id, is_cumulative in db.session.execute(
            select(Activity.id, Indicator.id, Indicator.cumulative)
            .join(Activity.objective).join(Objective.plan)
            .outerjoin(Indicator, Indicator.activity_id == Activity.id)
            .where(WorkPlan.cycle_id == cycle_id)):
        known.add(activity_id)
        if indicator_id is not None:
            cumulative[indicator_id] = is_cumulative
    plan = [a for a in content["activities"] if a["id"] in known]
    names = {o["id"]: o for o in content["offices"]}
    offices: dict[int, OfficeRef] = {}
    for a in plan:
        if a["office_id"] not in offices:
            office = names.get(a["office_id"], {})
            offices[a["office_id"]] = OfficeRef(a["office_id"],
                                                office.get("acronym") or a["office"],
                                                office.get("name", ""))
    ordered_offices = sorted(offices.values(), key=lambda o: o.acronym)

    reports = db.session.execute(
        select(ProgressReport.id, ProgressReport.period_id, ProgressReport.office_id,
               ProgressReport.status, ProgressReport.submitted_at)
        .join(ProgressReport.period).where(ReportingPeriod.cycle_id == cycle_id)).all()
    accepted = {r.id: by_id[r.period_id] for r in reports if r.status == "accepted"}

    lines: dict[int, list] = defaultdict(list)
    for report_id, activity_id, status, percent in db.session.execute(
            select(ActivityProgress.report_id, ActivityProgress.activity_id,
                   ActivityProgress.status, ActivityProgress.percent_complete)
            .join(ActivityProgress.report).join(ProgressReport.period)
            .where(ReportingPeriod.cycle_id == cycle_id, ProgressReport.status == "accepted",
                   # A line the office left as it was started says nothing: the status of an
                   # earlier period stands.
                   or_(ActivityProgress.status != "not_started",
                       ActivityProgress.percent_complete.is_not(None),
                       ActivityProgress.narrative != ""))
            .order_by(ReportingPeriod.number)):
        lines[activity_id].append((accepted[report_id], status, percent))
    readings: dict[int, list] = defaultdict(list)
    for m in db.session.execute(
            select(Measurement.report_id, Measurement.indicator_id, Measurement.value_number,
                   Measurement.value_text, Measurement.female, Measurement.male)
            .join(Measurement.report).join(ProgressReport.period)
            .where(ReportingPeriod.cycle_id == cycle_id, ProgressReport.status == "accepted")):
        period = accepted[m.report_id]
        value = m.value_number if m.value_number is not None else number(m.value_text or None)
        readings[m.indicator_id].append((period, _Value(period.ends_on, value, m.female, m.male,
                                                        m.value_text or "")))
    for found in (*lines.values(), *readings.values()):
        found.sort(key=lambda item: item[0].number)

    if period_id is not None:
        period = by_id[period_id]
    else:
        period = max(accepted.values(), key=lambda p: p.number, default=None)
    standing = _Standing(plan, offices, cumulative, lines, readings)
    activities, indicators = standing.activities(period)

    # Offices and thematic areas, in the plan's order.
    areas = [a["name"] for a in content["thematic_areas"]]
    areas += list(dict.fromkeys(a.area for a in activities if a.area not in areas
                                 and a.area != NO_AREA))
    if any(a.area == NO_AREA for a in activities):
        areas.append(NO_AREA)
    office_rows = {o.id: _Tally(o.id, o.acronym, o.name) for o in ordered_offices}
    area_rows = {name: _Tally(name, name) for name in areas}
    for line in activities:
        office_rows[line.office.id].add(line)
        area_rows[line.area].add(line)
    status_totals = dict.fromkeys(STATUSES, 0)
    for line in activities:
        status_totals[line.status] += 1

    # Reports: late ones, those waiting for review, and the chosen period's by status.
    scope = [p for p in periods if period_id is None or p.number <= period.number]
    in_scope = {p.id for p in scope}
    report_of = {(r.period_id, r.office_id): r for r in reports}
    overdue = [Overdue(office, p, (on - p.due_on).days)
               for p in scope if p.status == "open" and p.due_on < on
               for office in ordered_offices
               if getattr(report_of.get((p.id, office.id)), "status", None)
               not in ("submitted", "accepted")]
    overdue.sort(key=lambda o: (-o.days, o.office.acronym))
    awaiting = sorted((Awaiting(offices[r.office_id], by_id[r.period_id], r.submitted_at)
                       for r in reports if r.status == "submitted"
                       and r.period_id in in_scope and r.office_id in offices),
                      key=lambda a: (a.period.number, a.office.acronym))
    counts: dict[str, int] = {}
    if period is not None:
        counts = {"not_started": 0, "draft": 0, "returned": 0, "submitted": 0, "accepted": 0}
        for office in ordered_offices:
            report = report_of.get((period.id, office.id))
            counts[report.status if report else "not_started"] += 1

    # Trends: each period up to the one shown (by default, up to the latest one started).
    last = period.number if period_id is not None else max(
        [p.number for p in periods if p.starts_on <= on] + [period.number if period else 0])
    tally = Counter((r.period_id, r.status) for r in reports if r.office_id in offices)
    trends = []
    for p in periods:
        if p.number > last:
            break
        if p is period:
            going_well = sum(1 for a in activities if a.status in GOING_WELL)
            behind = sum(1 for i in indicators if i.behind)
        else:
            going_well, behind = standing.counts(p)
        trends.append(Trend(
            period=p, label=p.label, offices=len(ordered_offices),
            accepted=tally[p.id, "accepted"], awaiting=tally[p.id, "submitted"],
            activities=len(activities), going_well=going_well, indicators=len(indicators),
            behind=behind))

    women = sum((i.female or Decimal(0) for i in indicators if i.sex_disaggregated), Decimal(0))
    men = sum((i.male or Decimal(0) for i in indicators if i.sex_disaggregated), Decimal(0))
    core = sum((a.core for a in activities if a.core is not None), Decimal(0))
    extra = sum((a.extra for a in activities if a.extra is not None), Decimal(0))
    resources = {"core": core, "extra": extra, "total": core + extra,
                 "core_unknown": sum(1 for a in activities if a.core is None),
                 "extra_unknown": sum(1 for a in activities if a.extra is None)}
    return Figures(
        cycle=cycle, version=version, period=period, periods=periods, on=on,
        offices=ordered_offices, areas=areas, activities=activities,
        status_totals=status_totals,
        by_office=[t.row() for t in office_rows.values()],
        by_area=[t.row() for t in area_rows.values()],
        indicators=indicators, sex=(_tidy(women), _tidy(men)), resources=resources,
        participation=_participation(cycle_id), overdue=overdue, awaiting=awaiting,
        trends=trends, reports=counts)

