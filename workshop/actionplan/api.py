"""API resources of the departmental action plan: the approved office plans of a cycle
consolidated into figures, coverage, gaps and overlaps; the Gender Unit's departmental objectives
and the mapping of activities to them; decisions on overlapping activities; and the finalised,
numbered versions of the plan.

The Gender Unit works on the live plan, decides, finalises and publishes. Everyone signed in
reads the published versions; versions not yet published are the Gender Unit's working copies
and are refused to everyone else with 403, as on the pages. Amounts are US dollars given as
decimal strings, as in the work plans' API; an amount not known is counted, never taken as zero.
"""

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import abort
from marshmallow import Schema, fields, validate
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..admin.models import PlanCycle
from ..assessment.api import UtcDateTime
from ..core.api import ID, Id, Text, api_blueprint, documented_errors, service_errors
from ..core.permissions import permission_required, require
from ..core.validation import FieldError
from ..extensions import db
from .consolidation import Consolidation, Figures, consolidate
from .models import (
    DECISIONS,
    ActionPlanVersion,
    ActivityMapping,
    DepartmentalObjective,
    OverlapDecision,
)
from .services import (
    decide_overlaps,
    delete_objective,
    finalise,
    live,
    map_activities,
    publish,
    save_objective,
    undo_decision,
    versions,
)

blp = api_blueprint("action-plan-api", __name__,
                    "The departmental action plan: figures, coverage, gaps and overlaps of the "
                    "approved office plans, departmental objectives, decisions on overlaps, and "
                    "finalised and published versions.")

CONSOLIDATE = "consolidate_action_plan"
READ = "read_action_plan"

# Caps on the lists a body may carry: far above what one decision or mapping covers, low enough
# for one query.
MAX_PAIRS = 250
MAX_ACTIVITIES = 500


class Dollars(fields.String):
    """An amount in US dollars with cents, as a decimal string (no cent lost to floating
    point), as the work plans' costs are given."""

    def __init__(self, **kwargs):
        metadata = {"description": "US dollars, such as \"12500.00\".",
                    "pattern": r"^[0-9]+\.[0-9]{2}$", "example": "12500.00",
                    **kwargs.pop("metadata", {})}
        super().__init__(dump_only=True, metadata=metadata, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else f"{value:.2f}"


def _cycle_or_404(cycle_id: int) -> PlanCycle:
    return db.get_or_404(PlanCycle, cycle_id)


# -- figures ------------------------------------------------------------------------------------


class TotalsSchema(Schema):
    """Counts and resources of a set of activities of the approved office plans."""

    key = fields.String(metadata={
        "description": "What the row counts by: the thematic area's or strategy's name, the "
                       "office's acronym or the objective's code (empty for the activities "
                       "mapped to no objective); `all` for the department."})
    label = fields.String()
    activities = fields.Integer()
    indicators = fields.Integer()
    offices = fields.Integer(metadata={"description": "Offices with at least one of them."})
    core = Dollars(metadata={"description": "Core resources known, in US dollars."})
    extra = Dollars(metadata={"description": "Extra-budgetary resources known, in US dollars."})
    total = Dollars(metadata={"description": "Core and extra-budgetary together."})
    core_unknown = fields.Integer(metadata={
        "description": "Activities whose core resources are not known (not counted as zero)."})
    extra_unknown = fields.Integer(metadata={
        "description": "Activities whose extra-budgetary resources are not known."})
    unknown = fields.Integer(metadata={
        "description": "Activities with at least one amount not known."})


class OfficeTotalsSchema(TotalsSchema):
    """The figures of one office with an approved plan."""

    office_id = fields.Integer()


class ObjectiveTotalsSchema(TotalsSchema):
    """The figures of the activities counted under one departmental objective."""

    objective_id = fields.Integer(allow_none=True, metadata={
        "description": "Null for the activities mapped to no objective."})


class CoverageCellSchema(Schema):
    """One office's activities in one thematic area: a cell of the coverage matrix."""

    office_id = fields.Integer()
    office = fields.String(metadata={"description": "The office's acronym."})
    thematic_area = fields.String()
    activities = fields.Integer()
    indicators = fields.Integer()
    core = Dollars()
    extra = Dollars()
    total = Dollars()
    core_unknown = fields.Integer()
    extra_unknown = fields.Integer()


class ActionPlanFiguresSchema(Schema):
    """The departmental plan in figures: the department, each thematic area, strategy, office
    and departmental objective, and the coverage matrix of offices by thematic area."""

    cycle_id = fields.Integer()
    offices_total = fields.Integer(metadata={"description": "Offices of the department."})
    offices_approved = fields.Integer(metadata={
        "description": "Offices whose plan for the cycle is approved, and so counted."})
    totals = fields.Nested(TotalsSchema)
    by_thematic_area = fields.List(fields.Nested(TotalsSchema))
    by_strategy = fields.List(fields.Nested(TotalsSchema))
    by_office = fields.List(fields.Nested(OfficeTotalsSchema))
    by_objective = fields.List(fields.Nested(ObjectiveTotalsSchema))
    matrix = fields.List(fields.Nested(CoverageCellSchema), metadata={
        "description": "Every office with an approved plan by every thematic area, office by "
                       "office."})


CELL_FIELDS = ("activities", "indicators", "core", "extra", "total", "core_unknown",
               "extra_unknown")


def _cell_data(office: dict, area: str, figures: Figures) -> dict:
    data = {name: getattr(figures, name) for name in CELL_FIELDS}
    return {"office_id": office["id"], "office": office["acronym"], "thematic_area": area,
            **data}


def _figures_data(c: Consolidation) -> dict:
    """The figures of a consolidation as the API shows them."""
    objective_ids = {o["code"]: o["id"] for o in c.data["objectives"]}
    return {
        "cycle_id": c.data["cycle"]["id"],
        "offices_total": c.offices_total,
        "offices_approved": len(c.offices),
        "totals": c.totals.as_dict(),
        "by_thematic_area": [f.as_dict() for f in c.by_area],
        "by_strategy": [f.as_dict() for f in c.by_strategy],
        # by_office holds the offices with an approved plan, in the same order.
        "by_office": [{**f.as_dict(), "office_id": office["id"]}
                      for office, f in zip(c.offices, c.by_office, strict=True)],
        "by_objective": [{**f.as_dict(), "objective_id": objective_ids.get(f.key)}
                         for f in c.by_objective],
        "matrix": [_cell_data(office, area, c.cell(office["id"], area))
                   for office in c.offices for area in c.areas],
    }


# -- gaps ---------------------------------------------------------------------------------------


class OfficeAreasWithoutSchema(Schema):
    """The thematic areas an office's approved plan has no activity in."""

    office_id = fields.Integer()
    office = fields.String(metadata={"description": "The office's acronym."})
    thematic_areas = fields.List(fields.String())


class OfficeStrategiesWithoutSchema(Schema):
    """The strategies an office's approved plan has no activity with."""

    office_id = fields.Integer()
    office = fields.String(metadata={"description": "The office's acronym."})
    strategies = fields.List(fields.String())


class UnansweredGapSchema(Schema):
    """A high-priority gap of the needs assessment no approved activity answers."""

    gap_id = fields.Integer()
    code = fields.String(metadata={"description": "Such as G-01."})
    title = fields.String()
    category = fields.String()
    thematic_area = fields.String()
    offices = fields.List(fields.String(), metadata={
        "description": "Acronyms of the offices that raised it."})


class OfficeWithoutPlanSchema(Schema):
    """An office whose plan for the cycle is not approved, so not counted."""

    office_id = fields.Integer()
    office = fields.String(metadata={"description": "The office's acronym."})
    name = fields.String()
    plan_status = fields.String(allow_none=True, metadata={
        "description": "Where its plan stands: draft, submitted or returned; null when it has "
                       "none."})


class ActionPlanGapsSchema(Schema):
    """What the departmental plan does not cover yet."""

    count = fields.Integer(metadata={"description": "How many gaps are listed below."})
    thematic_areas_without = fields.List(fields.String(), metadata={
        "description": "Thematic areas no approved activity is in."})
    strategies_without = fields.List(fields.String(), metadata={
        "description": "Strategies no approved activity uses."})
    office_thematic_areas_without = fields.List(fields.Nested(OfficeAreasWithoutSchema))
    office_strategies_without = fields.List(fields.Nested(OfficeStrategiesWithoutSchema))
    unanswered_gaps = fields.List(fields.Nested(UnansweredGapSchema))
    offices_without_plan = fields.List(fields.Nested(OfficeWithoutPlanSchema))


def _gaps_data(c: Consolidation) -> dict:
    """The gaps of a consolidation as the API shows them."""
    gaps = c.gaps
    return {
        "count": gaps.count,
        "thematic_areas_without": gaps.areas_without,
        "strategies_without": gaps.strategies_without,
        "office_thematic_areas_without": [
            {"office_id": o["id"], "office": o["acronym"], "thematic_areas": names}
            for o, names in gaps.office_areas_without],
        "office_strategies_without": [
            {"office_id": o["id"], "office": o["acronym"], "strategies": names}
            for o, names in gaps.office_strategies_without],
        "unanswered_gaps": [
            {"gap_id": g["id"], "code": g["code"], "title": g["title"],
             "category": g["category"], "thematic_area": g["thematic_area"],
             "offices": g["offices"]} for g in gaps.unanswered_gaps],
        "offices_without_plan": [
            {"office_id": o["id"], "office": o["acronym"], "name": o["name"],
             "plan_status": o.get("plan_status")} for o in gaps.offices_without_plan],
    }


# -- overlaps -----------------------------------------------------------------------------------


class OverlapActivitySchema(Schema):
    """One of two activities that look alike."""

    id = fields.Integer()
    office_id = fields.Integer()
    office = fields.String(metadata={"description": "The office's acronym."})
    title = fields.String()
    thematic_area = fields.String()
    strategy = fields.String()


class OverlapSchema(Schema):
    """Two activities of different offices, in the same thematic area and strategy, whose
    titles look alike, and on which the Gender Unit has not decided yet."""

    first = fields.Nested(OverlapActivitySchema, metadata={
        "description": "The activity with the lower id."})
    second = fields.Nested(OverlapActivitySchema)
    score = fields.Integer(metadata={"description": "How alike the titles are, 0 to 100."})
    group = fields.Integer(metadata={
        "description": "Pairs sharing an activity form a group, to decide together; groups "
                       "are numbered from 1, the most alike first."})


def _brief(activity: dict) -> dict:
    return {k: activity[k] for k in ("id", "office_id", "office", "title", "thematic_area",
                                     "strategy")}


def _overlaps_data(c: Consolidation) -> list[dict]:
    """The undecided pairs of a consolidation, group by group, most alike first."""
    group_of = {pair.key: n for n, group in enumerate(c.groups, start=1)
                for pair in group.pairs}
    pairs = sorted(c.overlaps, key=lambda p: (group_of[p.key], -p.score, p.key))
    return [{"first": _brief(p.first), "second": _brief(p.second), "score": p.score,
             "group": group_of[p.key]} for p in pairs]


class OverlapDecisionSchema(Schema):
    """What the Gender Unit decided about two activities of different offices."""

    id = fields.Integer()
    cycle_id = fields.Integer()
    first_id = fields.Integer(metadata={"description": "The activity with the lower id."})
    second_id = fields.Integer()
    decision = fields.String(metadata={"description": ", ".join(DECISIONS)})
    note = fields.String()
    score = fields.Integer(metadata={
        "description": "How alike the titles were when decided, 0 to 100; 0 for a pair that "
                       "was not flagged."})
    decided_by_id = fields.Integer(allow_none=True)
    decided_by = fields.String(allow_none=True, metadata={
        "description": "The name of the person who decided."})
    decided_at = UtcDateTime()


class DecideOverlapsSchema(Schema):
    """One decision on pairs of activities of different offices of the cycle; a pair decided
    before takes the new decision."""

    pairs = fields.List(
        fields.List(Id(), validate=validate.Length(equal=2)), required=True,
        validate=validate.Length(min=1, max=MAX_PAIRS), metadata={
            "description": "Pairs of activity ids, such as [[12, 31], [12, 40]], in any order."})
    decision = fields.String(required=True, validate=validate.OneOf(list(DECISIONS)),
                             metadata={"description": "coordinate (the offices work together), "
                                                      "merge (one activity) or distinct."})
    note = Text(load_default="", validate=validate.Length(max=2000))


def _decision_data(decision: OverlapDecision) -> dict:
    """A decision as the API shows it."""
    data = {k: getattr(decision, k) for k in ("id", "cycle_id", "first_id", "second_id",
                                              "decision", "note", "score", "decided_by_id")}
    data["decided_by"] = decision.decided_by.name if decision.decided_by else None
    data["decided_at"] = decision.updated_at
    return data


# -- departmental objectives and mapping --------------------------------------------------------


class DepartmentalObjectiveSchema(Schema):
    """One of the Gender Unit's objectives for the department, served by office activities."""

    id = fields.Integer(dump_only=True)
    cycle_id = fields.Integer(dump_only=True)
    number = fields.Integer(dump_only=True)
    code = fields.String(dump_only=True, metadata={"description": "D1, D2, ..."})
    title = Text(required=True, validate=validate.Length(min=1, max=300))
    description = Text(load_default="", validate=validate.Length(max=5000))
    thematic_area_id = Id(allow_none=True, load_default=None)
    activity_ids = fields.List(fields.Integer(), dump_only=True, metadata={
        "description": "The office activities counted under it."})


class MapActivitiesSchema(Schema):
    """Activities of the cycle's office plans to count under a departmental objective, or
    under none."""

    activity_ids = fields.List(Id(), required=True,
                               validate=validate.Length(min=1, max=MAX_ACTIVITIES))
    objective_id = Id(required=True, allow_none=True, metadata={
        "description": "A departmental objective of the cycle; null to map the activities to "
                       "none."})


class MappedActivitiesSchema(Schema):
    """Where the activities sent now count."""

    objective_id = fields.Integer(allow_none=True)
    activity_ids = fields.List(fields.Integer())
    changed = fields.Integer(metadata={
        "description": "How many of them were mapped elsewhere, or not at all, before."})


OBJECTIVE_FIELDS = ("id", "cycle_id", "number", "code", "title", "description",
                    "thematic_area_id")


def _mapped(objective_ids) -> dict[int, list[int]]:
    """The activities counted under each of `objective_ids`, in one query."""
    result: dict[int, list[int]] = {i: [] for i in objective_ids}
    if result:
        for objective_id, activity_id in db.session.execute(
                select(ActivityMapping.objective_id, ActivityMapping.activity_id)
                .where(ActivityMapping.objective_id.in_(result))
                .order_by(ActivityMapping.activity_id)):
            result[objective_id].append(activity_id)
    return result


def _objective_data(objective: DepartmentalObjective, activity_ids: list[int]) -> dict:
    """A departmental objective as the API shows it."""
    return {**{k: getattr(objective, k) for k in OBJECTIVE_FIELDS},
            "activity_ids": activity_ids}


def _objective_or_404(objective_id: int) -> DepartmentalObjective:
    return db.get_or_404(DepartmentalObjective, objective_id)


# -- versions -----------------------------------------------------------------------------------


class ActionPlanVersionSchema(Schema):
    """A finalised version of the departmental plan: the plan frozen as it stood."""

    number = fields.Integer()
    note = fields.String()
    finalised_at = UtcDateTime()
    finalised_by_id = fields.Integer(allow_none=True)
    finalised_by = fields.String(allow_none=True, metadata={
        "description": "The name of the person who finalised it."})
    published = fields.Boolean(metadata={
        "description": "Published versions are read by everyone signed in; the others only "
                       "by the Gender Unit."})
    published_at = UtcDateTime(allow_none=True)
    published_by_id = fields.Integer(allow_none=True)
    published_by = fields.String(allow_none=True)


class ActionPlanVersionDetailSchema(ActionPlanVersionSchema):
    """A version with its figures, gaps and undecided overlaps as they were when it was
    finalised."""

    figures = fields.Nested(ActionPlanFiguresSchema)
    gaps = fields.Nested(ActionPlanGapsSchema)
    overlaps = fields.List(fields.Nested(OverlapSchema))


class FinaliseActionPlanSchema(Schema):
    """Freezing the plan as it stands into the next numbered version, not yet published."""

    note = Text(load_default="", validate=validate.Length(max=2000), metadata={
        "description": "What the version is for, or what changed since the last one."})


class PublishActionPlanSchema(Schema):
    """No data: the version is published as it was finalised."""


def _version_data(version: ActionPlanVersion, detail: bool = False) -> dict:
    """A version as the API shows it; with its figures, gaps and overlaps in `detail`."""
    data = {"number": version.number, "note": version.note,
            "finalised_at": version.created_at, "finalised_by_id": version.finalised_by_id,
            "finalised_by": version.finalised_by.name if version.finalised_by else None,
            "published": version.published, "published_at": version.published_at,
            "published_by_id": version.published_by_id,
            "published_by": version.published_by.name if version.published_by else None}
    if detail:
        c = consolidate(version.content)
        data.update(figures=_figures_data(c), gaps=_gaps_data(c),
                    overlaps=_overlaps_data(c))
    return data


def _version_or_404(cycle: PlanCycle, number: int) -> ActionPlanVersion:
    """A version of the cycle's plan, refused to all but the Gender Unit while unpublished."""
    version = db.session.scalar(select(ActionPlanVersion).where(
        ActionPlanVersion.cycle_id == cycle.id, ActionPlanVersion.number == number))
    if version is None:
        abort(404)
    require(version.published or current_user.can(CONSOLIDATE))
    return version


# -- the live plan ------------------------------------------------------------------------------


@blp.route(f"/cycles/<{ID}:cycle_id>/figures")
class CycleFigures(MethodView):
    """The live plan's figures."""

    @permission_required(CONSOLIDATE)
    @blp.response(200, ActionPlanFiguresSchema)
    @documented_errors(blp, 404)
    def get(self, cycle_id):
        """The plan as the approved office plans make it now: the department's totals, by
        thematic area, strategy, office and departmental objective, and the coverage matrix."""
        return _figures_data(live(_cycle_or_404(cycle_id)))


@blp.route(f"/cycles/<{ID}:cycle_id>/gaps")
class CycleGaps(MethodView):
    """What the live plan does not cover."""

    @permission_required(CONSOLIDATE)
    @blp.response(200, ActionPlanGapsSchema)
    @documented_errors(blp, 404)
    def get(self, cycle_id):
        """Thematic areas and strategies without activities, in the department and office by
        office, high-priority gaps no activity answers, and offices without an approved plan."""
        return _gaps_data(live(_cycle_or_404(cycle_id)))


@blp.route(f"/cycles/<{ID}:cycle_id>/overlaps")
class CycleOverlaps(MethodView):
    """Activities of different offices that look alike."""

    @permission_required(CONSOLIDATE)
    @blp.response(200, OverlapSchema(many=True))
    @documented_errors(blp, 404)
    def get(self, cycle_id):
        """The pairs not decided yet, group by group, the most alike first."""
        return _overlaps_data(live(_cycle_or_404(cycle_id)))


@blp.route(f"/cycles/<{ID}:cycle_id>/decisions")
class CycleDecisions(MethodView):
    """The Gender Unit's decisions on overlapping activities."""

    @permission_required(CONSOLIDATE)
    @blp.response(200, OverlapDecisionSchema(many=True))
    @documented_errors(blp, 404)
    def get(self, cycle_id):
        """The decisions of the cycle, pair by pair."""
        cycle = _cycle_or_404(cycle_id)
        return [_decision_data(d) for d in db.session.scalars(
            select(OverlapDecision).where(OverlapDecision.cycle_id == cycle.id)
            .options(selectinload(OverlapDecision.decided_by))
            .order_by(OverlapDecision.first_id, OverlapDecision.second_id))]

    @permission_required(CONSOLIDATE)
    @blp.arguments(DecideOverlapsSchema)
    @blp.response(201, OverlapDecisionSchema(many=True))
    @documented_errors(blp, 400, 404, 422)
    @service_errors
    def post(self, data, cycle_id):
        """Coordinate, merge or keep apart pairs of activities of different offices; a
        decided pair is no longer flagged."""
        cycle = _cycle_or_404(cycle_id)
        c = live(cycle)
        scores = {pair.key: pair.score for pair in (*c.overlaps, *c.decided)}
        saved = decide_overlaps(cycle, [tuple(pair) for pair in data["pairs"]],
                                data["decision"], current_user, data["note"], scores)
        db.session.commit()
        return [_decision_data(d) for d in saved]


@blp.route(f"/decisions/<{ID}:decision_id>")
class DecisionItem(MethodView):
    """One decision on overlapping activities."""

    @permission_required(CONSOLIDATE)
    @blp.response(204)
    @documented_errors(blp, 404)
    def delete(self, decision_id):
        """Forget a decision; the pair is flagged again while it still looks alike."""
        undo_decision(db.get_or_404(OverlapDecision, decision_id))
        db.session.commit()


@blp.route(f"/cycles/<{ID}:cycle_id>/objectives")
class CycleObjectives(MethodView):
    """The departmental objectives of a cycle."""

    @permission_required(CONSOLIDATE)
    @blp.response(200, DepartmentalObjectiveSchema(many=True))
    @documented_errors(blp, 404)
    def get(self, cycle_id):
        """The departmental objectives by number, with the activities counted under each."""
        cycle = _cycle_or_404(cycle_id)
        objectives = db.session.scalars(
            select(DepartmentalObjective).where(DepartmentalObjective.cycle_id == cycle.id)
            .order_by(DepartmentalObjective.number)).all()
        mapped = _mapped([o.id for o in objectives])
        return [_objective_data(o, mapped[o.id]) for o in objectives]

    @permission_required(CONSOLIDATE)
    @blp.arguments(DepartmentalObjectiveSchema)
    @blp.response(201, DepartmentalObjectiveSchema)
    @documented_errors(blp, 400, 404, 422)
    @service_errors
    def post(self, data, cycle_id):
        """Add a departmental objective; it takes the next number."""
        objective = save_objective(None, _cycle_or_404(cycle_id), **data)
        db.session.commit()
        return _objective_data(objective, [])


@blp.route(f"/objectives/<{ID}:objective_id>")
class ObjectiveItem(MethodView):
    """One departmental objective."""

    @permission_required(CONSOLIDATE)
    @blp.response(200, DepartmentalObjectiveSchema)
    @documented_errors(blp, 404)
    def get(self, objective_id):
        """A departmental objective with the activities counted under it."""
        objective = _objective_or_404(objective_id)
        return _objective_data(objective, _mapped([objective.id])[objective.id])

    @permission_required(CONSOLIDATE)
    @blp.arguments(DepartmentalObjectiveSchema(partial=True))
    @blp.response(200, DepartmentalObjectiveSchema)
    @documented_errors(blp, 400, 404, 422)
    @service_errors
    def patch(self, data, objective_id):
        """Change a departmental objective; what is not sent stays."""
        objective = _objective_or_404(objective_id)
        values = {"title": objective.title, "description": objective.description,
                  "thematic_area_id": objective.thematic_area_id, **data}
        save_objective(objective, objective.cycle, **values)
        db.session.commit()
        return _objective_data(objective, _mapped([objective.id])[objective.id])

    @permission_required(CONSOLIDATE)
    @blp.response(204)
    @documented_errors(blp, 404)
    def delete(self, objective_id):
        """Remove a departmental objective; its activities are then mapped to none."""
        delete_objective(_objective_or_404(objective_id))
        db.session.commit()


@blp.route(f"/cycles/<{ID}:cycle_id>/mappings")
class CycleMappings(MethodView):
    """Which departmental objective each activity counts under."""

    @permission_required(CONSOLIDATE)
    @blp.arguments(MapActivitiesSchema)
    @blp.response(200, MappedActivitiesSchema)
    @documented_errors(blp, 400, 404, 422)
    @service_errors
    def post(self, data, cycle_id):
        """Count activities of the cycle's office plans under a departmental objective, or
        under none; each activity counts under one objective at most."""
        cycle = _cycle_or_404(cycle_id)
        objective = None
        if data["objective_id"] is not None:
            objective = db.session.get(DepartmentalObjective, data["objective_id"])
            if objective is None:
                raise FieldError("objective_id", "Choose an objective of this cycle.")
        changed = map_activities(cycle, data["activity_ids"], objective)
        db.session.commit()
        return {"objective_id": data["objective_id"],
                "activity_ids": sorted(set(data["activity_ids"])), "changed": changed}


# -- versions -----------------------------------------------------------------------------------


@blp.route(f"/cycles/<{ID}:cycle_id>/versions")
class CycleVersions(MethodView):
    """The finalised versions of a cycle's plan."""

    @permission_required(READ)
    @blp.response(200, ActionPlanVersionSchema(many=True))
    @documented_errors(blp, 404)
    def get(self, cycle_id):
        """The versions, newest first: all of them for the Gender Unit, the published ones
        for everyone else."""
        cycle = _cycle_or_404(cycle_id)
        return [_version_data(v) for v in versions(
            cycle, published_only=not current_user.can(CONSOLIDATE))]

    @permission_required(CONSOLIDATE)
    @blp.arguments(FinaliseActionPlanSchema)
    @blp.response(201, ActionPlanVersionSchema)
    @documented_errors(blp, 400, 404, 422)
    @service_errors
    def post(self, data, cycle_id):
        """Finalise the plan as it stands into the next numbered version, to check and then
        publish."""
        version = finalise(_cycle_or_404(cycle_id), current_user, data["note"])
        db.session.commit()
        return _version_data(version)


@blp.route(f"/cycles/<{ID}:cycle_id>/versions/<{ID}:number>")
class CycleVersionItem(MethodView):
    """One finalised version of a cycle's plan."""

    @permission_required(READ)
    @blp.response(200, ActionPlanVersionDetailSchema)
    @documented_errors(blp, 404)
    def get(self, cycle_id, number):
        """A version with its figures, gaps and undecided overlaps as they were when it was
        finalised (unpublished versions: the Gender Unit only)."""
        return _version_data(_version_or_404(_cycle_or_404(cycle_id), number), detail=True)


@blp.route(f"/cycles/<{ID}:cycle_id>/versions/<{ID}:number>/publish")
class CycleVersionPublish(MethodView):
    """Publishing a version."""

    @permission_required(CONSOLIDATE)
    @blp.arguments(PublishActionPlanSchema)
    @blp.response(200, ActionPlanVersionSchema)
    @documented_errors(blp, 400, 404, 422)
    @service_errors
    def post(self, data, cycle_id, number):
        """Publish a finalised version: everyone signed in reads it from then on."""
        version = _version_or_404(_cycle_or_404(cycle_id), number)
        publish(version, current_user)
        db.session.commit()
        return _version_data(version)


def register_api(api) -> None:
    """Add the departmental action plan's resources to the API."""
    api.register_blueprint(blp, url_prefix="/api/v1/action-plan")
