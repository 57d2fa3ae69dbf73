"""The next cycle starts from this one: what the offices have not finished carries over.

`plan_for_next_cycle` works out, as plain data, which activities of the published plan carry
over and with which baselines; the review report prints it and `start_next_cycle` builds the
draft office plans from it, so the two always agree.

What carries over, and how:

* An activity carries over unless its latest accepted progress says it is completed or
  cancelled. An activity never reported on carries over as it was.
* Its indicators come with it. The new baseline is what was achieved by the last accepted
  measurement, as the dashboard works it out: the latest reading of a cumulative indicator,
  or the old baseline plus every period's reading of a per-period one; for yes/no and text
  indicators the latest answer. The baseline date is the last day of the period of that
  measurement. An indicator never measured keeps its baseline and its date. Targets stay as
  they were: the office revises them in its draft.
* The activity keeps its title, description, thematic area, strategy, expected result, who
  is responsible and its estimated resources. Its start and end are kept when both fall
  within the new cycle, and left for the office to set otherwise. The needs it answered
  belong to this cycle's assessment, so they are not linked again. An activity under way
  (on track, at risk or off track) starts as ongoing, the others as planned.
* Each office gets a draft plan holding the objectives of its carried activities, in the
  order they had, and a comment from whoever started the cycle saying where it comes from.
  Every copy remembers its origin (`carried_from_id`).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from ..actionplan.consolidation import NO_AREA
from ..admin.models import Office, PlanCycle
from ..core.validation import FieldError
from ..extensions import db
from ..workplans.models import Activity, Indicator, Objective, PlanComment, WorkPlan
from ..workplans.reports import short_date
from .dashboard import NOT_REPORTED, Figures, IndicatorLine, OfficeRef, figures
from .models import ReportingPeriod
from .progress import plain_number

FINISHED = ("completed", "cancelled")
UNDER_WAY = ("on_track", "at_risk", "off_track")


@dataclass(frozen=True)
class CarriedIndicator:
    """An indicator as it goes into the next cycle: a new baseline where it was measured."""

    indicator_id: int
    statement: str
    unit: str
    cumulative: bool
    baseline_value: str
    baseline_date: date | None
    target_value: str
    target_date: date | None
    measured: bool  # the baseline comes from a measurement
    old_baseline_value: str
    old_baseline_date: date | None


@dataclass(frozen=True)
class CarriedActivity:
    """An unfinished activity with where it stood at its last accepted report."""

    activity_id: int
    title: str
    objective: str
    thematic_area: str
    strategy: str
    status: str | None  # the latest accepted status; None when never reported on
    percent_complete: int | None
    reported_in: str  # the label of the period of that report
    indicators: tuple[CarriedIndicator, ...]


@dataclass(frozen=True)
class OfficeCarryOver:
    """One office's activities that carry over."""

    office_id: int
    acronym: str
    activities: tuple[CarriedActivity, ...]

    @property
    def indicators(self) -> int:
        return sum(len(a.indicators) for a in self.activities)

    @property
    def new_baselines(self) -> int:
        return sum(1 for a in self.activities for i in a.indicators if i.measured)


@dataclass(frozen=True)
class NextCyclePlan:
    """What carries over from a cycle's published plan, office by office."""

    cycle_id: int
    published: bool  # the cycle has a published plan
    as_of: ReportingPeriod | None  # the last period counted; None before any is accepted
    offices: tuple[OfficeCarryOver, ...] = ()
    finished: tuple[dict, ...] = field(default=())  # activities that do not carry over

    @property
    def activities(self) -> int:
        return sum(len(o.activities) for o in self.offices)

    @property
    def indicators(self) -> int:
        return sum(o.indicators for o in self.offices)

    @property
    def new_baselines(self) -> int:
        return sum(o.new_baselines for o in self.offices)


def new_baseline(line: IndicatorLine) -> tuple[str, date | None, bool]:
    """(value, date, measured) of an indicator's baseline in the next cycle: what it had
    reached by its latest accepted measurement, dated the end of that period; its old
    baseline when it was never measured."""
    old = (line.baseline, line.baseline_date, False)
    if line.period is None:
        return old
    if line.unit in ("number", "percent"):
        if line.achieved is None:
            return old
        return plain_number(line.achieved), line.period.ends_on, True
    if not line.value_text.strip():
        return old
    return line.value_text.strip()[:200], line.period.ends_on, True


def plan_for_next_cycle(cycle_id: int, as_of: ReportingPeriod | None = None, *,
                        standing: Figures | None = None) -> NextCyclePlan:
    """Which activities of the cycle's published plan carry over to the next cycle, by office,
    with their indicators' new baselines, as the accepted reports up to `as_of` leave them
    (by default up to the latest period with one).

    Read from the dashboard's figures (`standing`, worked out here when not given), so that
    the review report's progress and its plan for the next cycle tell the same story; a fixed
    number of queries whatever the number of offices."""
    f = standing or figures(cycle_id, as_of.id if as_of else None)
    if f.version is None:
        return NextCyclePlan(cycle_id, False, f.period)
    objectives = {a["id"]: a.get("objective") or "" for a in f.version.content["activities"]}
    indicators: dict[int, list[IndicatorLine]] = defaultdict(list)
    for line in f.indicators:
        indicators[line.activity_id].append(line)
    by_office: dict[OfficeRef, list[CarriedActivity]] = defaultdict(list)
    finished = []
    for a in f.activities:
        reported_in = a.period.label if a.period else ""
        if a.status in FINISHED:
            finished.append({"activity_id": a.activity_id, "office": a.office.acronym,
                             "title": a.title, "status": a.status,
                             "reported_in": reported_in})
            continue
        carried = []
        for i in indicators.get(a.activity_id, []):
            value, when, measured = new_baseline(i)
            carried.append(CarriedIndicator(
                i.indicator_id, i.statement, i.unit, i.cumulative, value, when, i.target,
                i.target_date, measured, i.baseline, i.baseline_date))
        by_office[a.office].append(CarriedActivity(
            a.activity_id, a.title, objectives.get(a.activity_id, ""),
            "" if a.area == NO_AREA else a.area, a.strategy,
            None if a.status == NOT_REPORTED else a.status, a.percent_complete, reported_in,
            tuple(carried)))
    offices = tuple(OfficeCarryOver(office.id, office.acronym, tuple(rows))
                    for office, rows in sorted(by_office.items(),
                                               key=lambda item: item[0].acronym))
    return NextCyclePlan(cycle_id, True, f.period, offices, tuple(finished))


# -- starting the next cycle ---------------------------------------------------------------------


def _check(cycle: PlanCycle, next_cycle: PlanCycle | None) -> None:
    if next_cycle is None:
        raise FieldError("next_cycle_id", "Choose the cycle to start.")
    if next_cycle.id == cycle.id:
        raise FieldError("next_cycle_id", f"Choose a cycle other than {cycle.name}, the one "
                                          "whose plan carries over.")
    if next_cycle.status != "planning":
        raise FieldError("next_cycle_id", f"{next_cycle.name} is "
                                          f"{next_cycle.status_label.lower()}; choose a cycle "
                                          "that is still being planned.")
    if next_cycle.start_date <= cycle.end_date:
        raise FieldError("next_cycle_id",
                         f"{next_cycle.name} starts on {short_date(next_cycle.start_date)}, "
                         f"before {cycle.name} ends on {short_date(cycle.end_date)}; choose a "
                         "cycle that starts after it.")
    if next_cycle.previous_id not in (None, cycle.id):
        raise FieldError("next_cycle_id", f"{next_cycle.name} already follows "
                                          f"{next_cycle.previous.name}.")


def _within(activity: Activity, cycle: PlanCycle) -> bool:
    return (activity.starts_on is not None and activity.ends_on is not None
            and cycle.contains(activity.starts_on) and cycle.contains(activity.ends_on))


def start_next_cycle(cycle: PlanCycle, next_cycle: PlanCycle | None, user) -> dict:
    """Start `next_cycle` from `cycle`: a draft plan for every office with unfinished
    activities in the published plan, holding those activities with their objectives and
    indicators and the latest measured values as baselines (see the module's notes).

    Refused, with nothing changed, when `next_cycle` is this cycle, is not being planned,
    starts before this cycle ends or already follows another cycle, when this cycle has no
    published plan or nothing left to carry over, or when an office concerned already has
    a plan in `next_cycle`. Returns the counts of what was made."""
    _check(cycle, next_cycle)
    plan = plan_for_next_cycle(cycle.id)
    if not plan.published:
        raise FieldError(None, f"{cycle.name} has no published plan to carry over.")
    if not plan.offices:
        raise FieldError(None, f"Every activity of the {cycle.name} plan is completed or "
                               "cancelled; nothing carries over.")
    office_ids = [o.office_id for o in plan.offices]
    taken = db.session.scalars(
        select(Office.acronym).join(WorkPlan, WorkPlan.office_id == Office.id)
        .where(WorkPlan.cycle_id == next_cycle.id, Office.id.in_(office_ids))
        .order_by(Office.acronym)).all()
    if taken:
        names = ", ".join(taken[:-1]) + (" and " if len(taken) > 1 else "") + taken[-1]
        raise FieldError("next_cycle_id",
                         f"{names} already {'has' if len(taken) == 1 else 'have'} a plan in "
                         f"{next_cycle.name}; the plans of {next_cycle.name} can only be "
                         "started from an earlier cycle before any office has one.")

    carried = {a.activity_id: a for o in plan.offices for a in o.activities}
    rows = db.session.execute(
        select(Activity, Objective).join(Activity.objective)
        .where(Activity.id.in_(list(carried)))
        .order_by(Objective.position, Objective.id, Activity.position, Activity.id)).all()
    indicators: dict[int, list[Indicator]] = defaultdict(list)
    for indicator in db.session.scalars(
            select(Indicator).where(Indicator.activity_id.in_(list(carried)))
            .order_by(Indicator.activity_id, Indicator.position, Indicator.id)):
        indicators[indicator.activity_id].append(indicator)
    office_of = {a.activity_id: o.office_id for o in plan.offices for a in o.activities}

    counts = {"plans": 0, "objectives": 0, "activities": 0, "indicators": 0,
              "new_baselines": 0, "finished": len(plan.finished)}
    plans: dict[int, WorkPlan] = {}
    objectives: dict[int, Objective] = {}
    for old_activity, old_objective in rows:
        office_id = office_of[old_activity.id]
        if office_id not in plans:
            plans[office_id] = WorkPlan(cycle_id=next_cycle.id, office_id=office_id,
                                        status="draft")
            db.session.add(plans[office_id])
            counts["plans"] += 1
        new_plan = plans[office_id]
        if old_objective.id not in objectives:
            objectives[old_objective.id] = Objective(
                position=len(new_plan.objectives), title=old_objective.title,
                description=old_objective.description)
            new_plan.objectives.append(objectives[old_objective.id])
            counts["objectives"] += 1
        objective = objectives[old_objective.id]
        state = carried[old_activity.id]
        keep_dates = _within(old_activity, next_cycle)
        activity = Activity(
            position=len(objective.activities), title=old_activity.title,
            description=old_activity.description,
            thematic_area_id=old_activity.thematic_area_id,
            strategy_id=old_activity.strategy_id,
            expected_result=old_activity.expected_result,
            responsible=old_activity.responsible,
            starts_on=old_activity.starts_on if keep_dates else None,
            ends_on=old_activity.ends_on if keep_dates else None,
            cost_core=old_activity.cost_core, cost_extra=old_activity.cost_extra,
            status="ongoing" if state.status in UNDER_WAY else "planned",
            carried_from_id=old_activity.id)
        objective.activities.append(activity)
        counts["activities"] += 1
        baselines = {i.indicator_id: i for i in state.indicators}
        for old in indicators.get(old_activity.id, []):
            new = baselines.get(old.id)
            activity.indicators.append(Indicator(
                position=len(activity.indicators), statement=old.statement, kind=old.kind,
                unit=old.unit,
                baseline_value=new.baseline_value if new else old.baseline_value,
                baseline_date=new.baseline_date if new else old.baseline_date,
                target_value=old.target_value, target_date=old.target_date,
                verification=old.verification, sex_disaggregated=old.sex_disaggregated,
                direction=old.direction, cumulative=old.cumulative, carried_from_id=old.id))
            counts["indicators"] += 1
            counts["new_baselines"] += bool(new and new.measured)
    for office in plan.offices:
        plans[office.office_id].comments.append(PlanComment(author=user, body=_note(
            cycle, office)))
    if next_cycle.previous_id is None:
        next_cycle.previous_id = cycle.id
    db.session.flush()
    return counts


def _note(cycle: PlanCycle, office: OfficeCarryOver) -> str:
    """What the office finds at the top of its new draft."""
    activities = len(office.activities)
    text = (f"This draft starts from the {cycle.name} plan: "
            f"{activities} unfinished {'activity' if activities == 1 else 'activities'} "
            "carried over with {count}.")
    measured = office.new_baselines
    count = (f"{measured} {'indicator' if measured == 1 else 'indicators'} starting from the "
             "value of the latest accepted report" if measured else "their indicators")
    return (text.format(count=count) + " Check the targets, set the start and end of each "
            "activity within this cycle and link the needs it answers.")
