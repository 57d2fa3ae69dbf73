"""Demo data of the departmental action plan: the Gender Unit consolidates the approved office
plans, finalises and publishes the plan, and an office plan reopened since leaves the published
version as it was.

During the consolidation milestone the Gender Adviser sets three departmental objectives and
counts every activity under them except those on relief and recovery, decides that the two
divisions' practice notes be coordinated, then finalises version 1 with every office's approved
plan and publishes it a few days later. The plan leaves gaps in view: no office plans to provide
goods and services, and nothing answers the high-priority need to hold managers to account for
gender results. To answer that need the Gender Unit then reopens the Best Practices Section's
plan and adds an activity, still to be completed by the section; until the plan is approved
again the live consolidation counts one office fewer, while version 1 keeps all five.

At larger scales every copy of the department tells the same story within the one plan.
"""

from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from ..admin.models import Office, PlanCycle, Strategy, ThematicArea
from ..auth.models import User
from ..core.hooks import demo_step
from ..extensions import db
from ..workplans.demo import (
    ADVISER,
    NORMATIVE,
    PARTICIPATION,
    POLICY,
    PREVENTION,
    PROTECTION,
    Clock,
    Measure,
    Task,
    activity_input,
    demo_office,
    indicator_input,
    office_gaps,
)
from ..workplans.models import Activity, Objective, PlanComment, WorkPlan
from ..workplans.services import add_comment, reopen_plan, save_activity, save_indicator
from .consolidation import find_overlaps
from .models import ActionPlanVersion, ActivityMapping, DepartmentalObjective, OverlapDecision
from .services import decide_overlaps, finalise, map_activities, publish, save_objective

# (title, description, thematic area or None, the thematic areas of the activities it counts)
OBJECTIVES = [
    ("Every plan, report and guideline of the department takes account of women and girls",
     "Planning, reporting, guidance and training ask how women, men, girls and boys are "
     "affected, and act on the answer.", None, (NORMATIVE, PREVENTION)),
    ("More women serve in peacekeeping and take part in the decisions that shape it",
     "More women are recruited, deployed and appointed to lead, and the women of host "
     "communities are heard.", PARTICIPATION, (PARTICIPATION,)),
    ("Women and girls are protected from violence, exploitation and abuse",
     "Missions prevent and answer sexual violence and misconduct, and those who report it are "
     "protected.", PROTECTION, (PROTECTION,)),
]

# Two activities of different offices that say the same thing, and what the Gender Unit decided.
COORDINATED = (
    ("MILDIV", "Write down the practice of women engagement teams with the Best Practices "
               "Section"),
    ("PD", "Write down the practice of women's police desks with the Best Practices Section"),
)
DECISION_NOTE = ("Both divisions write up a practice with the Best Practices Section: one call "
                 "to missions for material, one editor, and the notes published as one series.")
VERSION_NOTE = ("The first departmental action plan of the cycle: every office's approved plan, "
                "three departmental objectives and one decision on activities that look alike.")

# The office whose plan is reopened after publication, the objective the new activity goes
# under, what the Gender Unit wrote, and the activity (its resources and target not set yet).
REOPENED = "PBPS"
REOPENED_UNDER = "Training and guidance carry gender into every function"
REOPEN_NOTE = ("Reopened to add an activity: no approved plan answers the need to hold "
               "managers to account for gender results, a high priority of the needs "
               "assessment. Please add the resources and the target of the new activity, "
               "then submit the plan again.")
ADDED = Task(
    "Propose model gender objectives for managers' compacts and appraisals",
    "Draft objectives and indicators that directors and managers of every office can take "
    "into their compacts and performance appraisals, tested with two offices before they are "
    "issued.",
    "Managers answer for gender results in their compacts and appraisals.", NORMATIVE, POLICY,
    "Policy and guidance team with the Executive Office", (13, 18), None, None,
    ("accountability",), (
        Measure("Offices whose managers' compacts include a gender objective", "number", "0",
                "", "Compacts held by the Executive Office"),))

# Days of the consolidation milestone on which each step happened (at the given hour).
OBJECTIVES_SET, MAPPED, DECIDED = (2, 10), (4, 11), (9, 15)
FINALISED, PUBLISHED, REOPENED_ON = (23, 16), (28, 10), (45, 11)


def _backdate(model, where, when: datetime, created: datetime | None = None) -> None:
    """Put records on the day they were made without touching the audit trail (which records
    when the demo ran)."""
    db.session.execute(update(model).where(where).values(created_at=created or when,
                                                         updated_at=when))


def _objectives(cycle: PlanCycle, rows: list, areas: dict[str, int]) -> tuple[list, int]:
    """The departmental objectives, and how many activities now count under them."""
    objectives, mapped = [], 0
    for title, description, area, counts in OBJECTIVES:
        objective = save_objective(None, cycle, title=title, description=description,
                                   thematic_area_id=areas.get(area) if area else None)
        ids = [row.id for row in rows if row.area in counts]
        if ids:
            mapped += map_activities(cycle, ids, objective)
        objectives.append(objective)
    return objectives, mapped


def _decide(cycle: PlanCycle, rows: list, copies: dict[int, dict[str, int]], adviser) -> int:
    """The Gender Unit's decision on the divisions' practice notes, in every copy of the
    department; returns how many pairs were decided."""
    by_title = {(row.office_id, row.title): row for row in rows}
    pairs, scores = [], {}
    for offices in copies.values():
        found = [by_title.get((offices.get(base), title)) for base, title in COORDINATED]
        if None in found:
            continue
        alike = find_overlaps([{"id": row.id, "title": row.title, "office_id": row.office_id,
                                "thematic_area": row.area, "strategy": row.strategy}
                               for row in found], threshold=0)
        for first, second, score in alike:
            pairs.append((first, second))
            scores[first, second] = score
    if pairs:
        decide_overlaps(cycle, pairs, "coordinate", adviser, DECISION_NOTE, scores)
    return len(pairs)


def _reopen(cycle: PlanCycle, plans: list[WorkPlan], adviser, when: datetime) -> None:
    """Reopen each plan, say why, and add the activity the need calls for."""
    if not plans:
        return
    refs = {item.name: item.id for item in (*db.session.scalars(select(ThematicArea)),
                                            *db.session.scalars(select(Strategy)))}
    gaps = office_gaps(cycle.id, plans[0].office_id)  # the same register for every copy
    comments = []
    for plan in plans:
        reopen_plan(plan, adviser)
        comments.append(add_comment(plan, adviser, REOPEN_NOTE).id)
        objective = next((o for o in plan.objectives if o.title == REOPENED_UNDER),
                         plan.objectives[-1])
        data = activity_input(ADDED, cycle, refs, gaps)
        activity = save_activity(None, objective, data)
        for measure in ADDED.measures:
            save_indicator(None, activity, indicator_input(measure, data.starts_on,
                                                           data.ends_on))
    _backdate(PlanComment, PlanComment.id.in_(comments), when)


@demo_step(50)
def demo_action_plan(scale: int, on: date) -> str:
    """The departmental plan of the current cycle: objectives, a decision, version 1
    published, and an office plan reopened since."""
    cycle = db.session.scalar(select(PlanCycle).where(PlanCycle.status == "active"))
    if cycle is None:
        return "Action plan: no active cycle, nothing added."
    if db.session.scalar(select(func.count()).select_from(ActionPlanVersion)
                         .where(ActionPlanVersion.cycle_id == cycle.id)):
        return f"Action plan {cycle.name}: a version exists already, nothing added."
    offices = db.session.scalars(select(Office).where(Office.active).order_by(Office.id)).all()
    plans = {p.office_id: p for p in db.session.scalars(
        select(WorkPlan).where(WorkPlan.cycle_id == cycle.id))}
    approved = [p.id for p in plans.values() if p.status == "approved"]
    if not approved:
        return f"Action plan {cycle.name}: no office plan is approved, nothing to consolidate."
    adviser = db.session.scalar(select(User).where(User.email == ADVISER))
    clock = Clock(cycle, on, stage="consolidation", month=9)
    rows = db.session.execute(
        select(Activity.id, Activity.title, WorkPlan.office_id,
               ThematicArea.name.label("area"), Strategy.name.label("strategy"))
        .join(Activity.objective).join(Objective.plan)
        .outerjoin(ThematicArea, ThematicArea.id == Activity.thematic_area_id)
        .outerjoin(Strategy, Strategy.id == Activity.strategy_id)
        .where(WorkPlan.id.in_(approved))).all()
    areas = dict(db.session.execute(select(ThematicArea.name, ThematicArea.id)).all())
    copies: dict[int, dict[str, int]] = {}  # the offices of each copy of the department
    base_of: dict[int, str] = {}
    for index, office in enumerate(offices):
        base, copy = demo_office(office, index)
        copies.setdefault(copy, {})[base] = office.id
        base_of[office.id] = base

    objectives, mapped = _objectives(cycle, rows, areas)
    ids = [o.id for o in objectives]
    _backdate(DepartmentalObjective, DepartmentalObjective.id.in_(ids),
              clock.at(*OBJECTIVES_SET))
    _backdate(ActivityMapping, ActivityMapping.objective_id.in_(ids), clock.at(*MAPPED))
    decided = _decide(cycle, rows, copies, adviser)
    _backdate(OverlapDecision, OverlapDecision.cycle_id == cycle.id, clock.at(*DECIDED))

    finalised, published = clock.at(*FINALISED), clock.at(*PUBLISHED)
    version = finalise(cycle, adviser, VERSION_NOTE)
    version.content = {**version.content, "made_at": finalised.isoformat()}
    publish(version, adviser)
    db.session.execute(update(ActionPlanVersion).where(ActionPlanVersion.id == version.id)
                       .values(created_at=finalised, updated_at=published,
                               published_at=published))
    content = version.content

    # The plans to reopen, loaded whole: adding a comment checks its activities and indicators.
    reopened = db.session.scalars(
        select(WorkPlan).where(WorkPlan.id.in_(
            [p.id for p in plans.values()
             if p.status == "approved" and base_of.get(p.office_id) == REOPENED]))
        .options(selectinload(WorkPlan.objectives).selectinload(Objective.activities)
                 .selectinload(Activity.indicators))
        .order_by(WorkPlan.office_id)).all()
    _reopen(cycle, reopened, adviser, clock.at(*REOPENED_ON))
    db.session.flush()

    names = ", ".join(p.office.acronym for p in reopened[:3]) + (
        ", ..." if len(reopened) > 3 else "")
    live = sum(p.status == "approved" for p in plans.values())
    offices_in = sum(o["plan_status"] == "approved" for o in content["offices"])
    alike = len(content["overlaps"])
    line = (f"Action plan {cycle.name}: version 1 finalised {finalised:%d %b} and published "
            f"{published:%d %b %Y} with {offices_in} offices, {len(content['activities'])} "
            f"activities and {len(objectives)} departmental objectives ({mapped} activities "
            f"counted under them); {alike} pair{'s' if alike != 1 else ''} of alike "
            f"activities flagged, {decided} decided.")
    if reopened:
        line += (f" Since then {len(reopened)} plan{'s' if len(reopened) != 1 else ''} "
                 f"reopened to add an activity ({names}): the live plan counts {live} "
                 f"approved offices of {len(offices)}.")
    return line
