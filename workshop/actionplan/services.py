"""What the Gender Unit does with the departmental plan: load it from the approved office plans,
set its objectives and map activities to them, decide on overlaps, finalise and publish versions.

Functions flush and never commit; the caller commits once.
"""

from collections import defaultdict

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..admin.models import Office, PlanCycle, Strategy, ThematicArea
from ..assessment.models import AssessmentSession, Finding, Gap
from ..core.models import utcnow
from ..core.validation import FieldError
from ..extensions import db
from ..workplans.models import (
    Activity,
    Indicator,
    Objective,
    PlanVersion,
    WorkPlan,
    activity_gaps,
)
from ..workplans.services import indicator_snapshot, plain
from .consolidation import DEFAULT_THRESHOLD, Consolidation, consolidate, find_overlaps
from .models import (
    DECISIONS,
    ActionPlanVersion,
    ActivityMapping,
    DepartmentalObjective,
    OverlapDecision,
)

FORMAT = 1  # of a version's stored content


def threshold() -> int:
    """The similarity score (0 to 100) from which two activities are flagged as alike."""
    return int(current_app.config.get("OVERLAP_THRESHOLD", DEFAULT_THRESHOLD))


def load_content(cycle: PlanCycle) -> dict:
    """The departmental plan's data as it stands: the approved office plans of `cycle` with
    their activities and indicators, the reference lists, the departmental objectives and
    mappings, the high-priority gaps and the overlap decisions. A fixed number of queries."""
    plans = {p.office_id: p for p in db.session.scalars(
        select(WorkPlan).where(WorkPlan.cycle_id == cycle.id))}
    versions = dict(db.session.execute(
        select(PlanVersion.plan_id, func.max(PlanVersion.number)).join(PlanVersion.plan)
        .where(WorkPlan.cycle_id == cycle.id).group_by(PlanVersion.plan_id)).all())
    approved = {p.id for p in plans.values() if p.status == "approved"}
    offices = db.session.scalars(select(Office).order_by(Office.acronym)).all()
    offices = [o for o in offices if o.active or (o.id in plans and plans[o.id].id in approved)]
    areas = db.session.scalars(select(ThematicArea).where(ThematicArea.is_active)
                               .order_by(ThematicArea.position, ThematicArea.name)).all()
    strategies = db.session.scalars(select(Strategy).where(Strategy.is_active)
                                    .order_by(Strategy.position, Strategy.name)).all()
    objectives = db.session.scalars(
        select(DepartmentalObjective).where(DepartmentalObjective.cycle_id == cycle.id)
        .options(selectinload(DepartmentalObjective.thematic_area))
        .order_by(DepartmentalObjective.number)).all()
    codes = {o.id: o.code for o in objectives}
    # Plain joins and whole-set queries rather than selectinload, whose IN lists are sent in
    # batches: the number of queries stays the same however many offices there are.
    in_approved = Objective.plan_id.in_(select(WorkPlan.id).where(
        WorkPlan.cycle_id == cycle.id, WorkPlan.status == "approved"))
    activities = db.session.execute(
        select(Activity, Objective.plan_id, Objective.title).join(Activity.objective)
        .where(in_approved)
        .order_by(Objective.position, Objective.id, Activity.position, Activity.id)).all()
    area_names = dict(db.session.execute(select(ThematicArea.id, ThematicArea.name)).all())
    strategy_names = dict(db.session.execute(select(Strategy.id, Strategy.name)).all())
    indicators: dict[int, list[Indicator]] = defaultdict(list)
    for indicator in db.session.scalars(
            select(Indicator).join(Indicator.activity).join(Activity.objective)
            .where(in_approved).order_by(Indicator.activity_id, Indicator.position,
                                         Indicator.id)):
        indicators[indicator.activity_id].append(indicator)
    gap_codes: dict[int, list[str]] = defaultdict(list)
    for activity_id, gap in db.session.execute(
            select(activity_gaps.c.activity_id, Gap)
            .join(Gap, Gap.id == activity_gaps.c.gap_id)
            .join(Activity, Activity.id == activity_gaps.c.activity_id)
            .join(Activity.objective).where(in_approved)
            .order_by(activity_gaps.c.activity_id, Gap.number)):
        gap_codes[activity_id].append(gap.code)
    mappings = dict(db.session.execute(
        select(ActivityMapping.activity_id, ActivityMapping.objective_id)
        .join(DepartmentalObjective)
        .where(DepartmentalObjective.cycle_id == cycle.id)).all())
    gap_offices: dict[int, set[str]] = {}
    for gap_id, acronym in db.session.execute(
            select(Finding.gap_id, Office.acronym).join(Finding.session)
            .join(Office, Office.id == AssessmentSession.office_id)
            .where(AssessmentSession.cycle_id == cycle.id).distinct()):
        gap_offices.setdefault(gap_id, set()).add(acronym)
    gaps = db.session.scalars(
        select(Gap).where(Gap.cycle_id == cycle.id, Gap.priority == "high",
                          Gap.merged_into_id.is_(None))
        .options(selectinload(Gap.category), selectinload(Gap.thematic_area))
        .order_by(Gap.number)).all()
    decisions = db.session.scalars(
        select(OverlapDecision).where(OverlapDecision.cycle_id == cycle.id)
        .options(selectinload(OverlapDecision.decided_by))
        .order_by(OverlapDecision.first_id, OverlapDecision.second_id)).all()
    office_of = {p.id: p.office_id for p in plans.values()}
    acronym = {o.id: o.acronym for o in offices}
    return {
        "format": FORMAT,
        "cycle": {"id": cycle.id, "name": cycle.name, "start_date": plain(cycle.start_date),
                  "end_date": plain(cycle.end_date)},
        "made_at": plain(utcnow().replace(microsecond=0)),
        "threshold": threshold(),
        "offices": [{
            "id": o.id, "acronym": o.acronym, "name": o.name,
            "plan_status": plans[o.id].status if o.id in plans else None,
            "plan_version": versions.get(plans[o.id].id) if o.id in plans else None,
        } for o in offices],
        "thematic_areas": [{"id": a.id, "name": a.name, "description": a.description}
                           for a in areas],
        "strategies": [{"id": s.id, "name": s.name} for s in strategies],
        "objectives": [{
            "id": o.id, "number": o.number, "code": o.code, "title": o.title,
            "description": o.description,
            "thematic_area": o.thematic_area.name if o.thematic_area else "",
        } for o in objectives],
        "activities": [{
            "id": a.id, "office_id": office_of[plan_id],
            "office": acronym.get(office_of[plan_id], ""),
            "objective": objective_title, "position": index,
            "title": a.title, "description": a.description,
            "thematic_area": area_names.get(a.thematic_area_id, ""),
            "strategy": strategy_names.get(a.strategy_id, ""),
            "expected_result": a.expected_result, "responsible": a.responsible,
            "starts_on": plain(a.starts_on), "ends_on": plain(a.ends_on),
            "cost_core": plain(a.cost_core), "cost_extra": plain(a.cost_extra),
            "status": a.status, "gaps": gap_codes.get(a.id, []),
            "departmental_objective": codes.get(mappings.get(a.id)),
            "indicators": [indicator_snapshot(i) for i in indicators.get(a.id, [])],
        } for index, (a, plan_id, objective_title) in enumerate(activities)],
        "priority_gaps": [{
            "id": g.id, "code": g.code, "title": g.title,
            "category": g.category.name if g.category else "",
            "thematic_area": g.thematic_area.name if g.thematic_area else "",
            "offices": sorted(gap_offices.get(g.id, ())),
        } for g in gaps],
        "decisions": [{
            "id": d.id, "first": d.first_id, "second": d.second_id, "decision": d.decision,
            "note": d.note, "score": d.score,
            "by": d.decided_by.name if d.decided_by else "",
            "at": plain(d.updated_at.date() if d.updated_at else None),
        } for d in decisions],
    }


def live(cycle: PlanCycle) -> Consolidation:
    """The departmental plan as the approved office plans make it now."""
    return consolidate(load_content(cycle))


# -- departmental objectives and mapping ----------------------------------------------------------


def save_objective(objective: DepartmentalObjective | None, cycle: PlanCycle, *, title: str,
                   description: str = "", thematic_area_id: int | None = None
                   ) -> DepartmentalObjective:
    """Create or change a departmental objective; new ones take the next number."""
    title = (title or "").strip()
    if not title:
        raise FieldError("title", "Give the objective a title.")
    if len(title) > 300:
        raise FieldError("title", "Keep the title to 300 characters.")
    if thematic_area_id is not None and db.session.get(ThematicArea, thematic_area_id) is None:
        raise FieldError("thematic_area_id", "Choose a thematic area from the list.")
    if objective is None:
        number = (db.session.scalar(select(func.max(DepartmentalObjective.number))
                                    .where(DepartmentalObjective.cycle_id == cycle.id)) or 0)
        objective = DepartmentalObjective(cycle=cycle, number=number + 1)
        db.session.add(objective)
    objective.title = title
    objective.description = (description or "").strip()
    objective.thematic_area_id = thematic_area_id
    db.session.flush()
    return objective


def delete_objective(objective: DepartmentalObjective) -> None:
    """Remove an objective; its activities become unmapped. Its number is not reused while a
    higher one exists."""
    db.session.execute(db.delete(ActivityMapping)
                       .where(ActivityMapping.objective_id == objective.id))
    db.session.delete(objective)
    db.session.flush()


def cycle_activity_ids(cycle: PlanCycle, ids) -> set[int]:
    """Those of `ids` that are activities of an office plan of `cycle`."""
    ids = {int(i) for i in ids}
    if not ids:
        return set()
    return set(db.session.scalars(
        select(Activity.id).join(Activity.objective).join(Objective.plan)
        .where(WorkPlan.cycle_id == cycle.id, Activity.id.in_(ids))))


def map_activities(cycle: PlanCycle, activity_ids, objective: DepartmentalObjective | None
                   ) -> int:
    """Count `activity_ids` under `objective`, or under none; returns how many changed."""
    ids = {int(i) for i in activity_ids}
    if not ids:
        raise FieldError("activity_ids", "Select at least one activity.")
    known = cycle_activity_ids(cycle, ids)
    if known != ids:
        raise FieldError("activity_ids", "Choose activities of this cycle's office plans.")
    if objective is not None and objective.cycle_id != cycle.id:
        raise FieldError("objective_id", "Choose an objective of this cycle.")
    existing = {m.activity_id: m for m in db.session.scalars(
        select(ActivityMapping).where(ActivityMapping.activity_id.in_(ids)))}
    changed = 0
    for activity_id in sorted(ids):
        mapping = existing.get(activity_id)
        if objective is None:
            if mapping is not None:
                db.session.delete(mapping)
                changed += 1
        elif mapping is None:
            db.session.add(ActivityMapping(activity_id=activity_id, objective=objective))
            changed += 1
        elif mapping.objective_id != objective.id:
            mapping.objective = objective
            changed += 1
    db.session.flush()
    return changed


# -- overlaps -----------------------------------------------------------------------------------


def decide_overlaps(cycle: PlanCycle, pairs, decision: str, user, note: str = "",
                    scores: dict | None = None) -> list[OverlapDecision]:
    """Record the Gender Unit's decision on each pair (first id, second id) of activities of
    different offices; a pair decided before takes the new decision."""
    if decision not in DECISIONS:
        raise FieldError("decision", "Choose coordinate, merge or distinct.")
    note = (note or "").strip()
    if len(note) > 2000:
        raise FieldError("note", "Keep the note to 2,000 characters.")
    pairs = sorted({tuple(sorted((int(a), int(b)))) for a, b in pairs})
    if not pairs:
        raise FieldError("pairs", "Choose at least one pair of activities.")
    ids = {i for pair in pairs for i in pair}
    office = dict(db.session.execute(
        select(Activity.id, WorkPlan.office_id).join(Activity.objective).join(Objective.plan)
        .where(WorkPlan.cycle_id == cycle.id, Activity.id.in_(ids))).all())
    for first, second in pairs:
        if first not in office or second not in office:
            raise FieldError("pairs", "Choose activities of this cycle's office plans.")
        if office[first] == office[second]:
            raise FieldError("pairs", "An overlap is between activities of two different "
                                      "offices.")
    existing = {(d.first_id, d.second_id): d for d in db.session.scalars(
        select(OverlapDecision).where(OverlapDecision.cycle_id == cycle.id,
                                      OverlapDecision.first_id.in_(ids)))}
    saved = []
    for first, second in pairs:
        record = existing.get((first, second))
        if record is None:
            record = OverlapDecision(cycle_id=cycle.id, first_id=first, second_id=second)
            db.session.add(record)
        record.decision, record.note, record.decided_by = decision, note, user
        record.score = int((scores or {}).get((first, second), record.score or 0))
        saved.append(record)
    db.session.flush()
    return saved


def undo_decision(decision: OverlapDecision) -> None:
    """Forget a decision: the pair is flagged again if it still looks alike."""
    db.session.delete(decision)
    db.session.flush()


# -- versions -------------------------------------------------------------------------------------


def versions(cycle: PlanCycle, published_only: bool = False) -> list[ActionPlanVersion]:
    """The cycle's versions, newest first (without their content)."""
    query = (select(ActionPlanVersion).where(ActionPlanVersion.cycle_id == cycle.id)
             .options(selectinload(ActionPlanVersion.finalised_by),
                      selectinload(ActionPlanVersion.published_by))
             .order_by(ActionPlanVersion.number.desc()))
    if published_only:
        query = query.where(ActionPlanVersion.published_at.is_not(None))
    return list(db.session.scalars(query))


def finalise(cycle: PlanCycle, user, note: str = "") -> ActionPlanVersion:
    """Freeze the plan as it stands into the next numbered version (not yet published)."""
    note = (note or "").strip()
    if len(note) > 2000:
        raise FieldError("note", "Keep the note to 2,000 characters.")
    content = load_content(cycle)
    if not content["activities"]:
        raise FieldError(None, "No office plan of this cycle is approved yet, so there is no "
                               "plan to finalise.")
    content["overlaps"] = [{"first": f, "second": s, "score": score} for f, s, score in
                           find_overlaps(content["activities"], content["threshold"])]
    number = (db.session.scalar(select(func.max(ActionPlanVersion.number))
                                .where(ActionPlanVersion.cycle_id == cycle.id)) or 0) + 1
    version = ActionPlanVersion(cycle=cycle, number=number, note=note, finalised_by=user,
                                content=content)
    db.session.add(version)
    db.session.flush()
    return version


def publish(version: ActionPlanVersion, user) -> None:
    """Make a finalised version the published plan that every signed-in user reads."""
    if version.published:
        raise FieldError(None, f"{version.label} is already published.")
    version.published_at, version.published_by = utcnow(), user
    db.session.flush()


def published_version(cycle_id: int) -> ActionPlanVersion | None:
    """The latest published version of the cycle's plan."""
    return db.session.scalar(
        select(ActionPlanVersion).where(ActionPlanVersion.cycle_id == cycle_id,
                                        ActionPlanVersion.published_at.is_not(None))
        .order_by(ActionPlanVersion.number.desc()).limit(1))
