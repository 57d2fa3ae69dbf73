"""API resources of the work plans: each office's plan with its objectives, activities and
indicators, the quality checks, comments, the review from submission to approval, and the
versions kept at each submission.

Office staff draft their own office's plan and consultants help any office; the office's focal
point submits it; the Gender Unit reads every plan, comments, returns, approves and reopens.
Nobody else reads a plan, whatever its stage. Objectives, activities, indicators and plans carry
a `lock_version`: a change sent with an older one than the record's is refused with 409, so
that two people editing at once never overwrite each other.
"""

from functools import wraps

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import abort
from marshmallow import Schema, ValidationError, fields, validate
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..admin.models import MAX_POSITION, Office, PlanCycle
from ..admin.services import current_cycle
from ..assessment.api import UtcDateTime
from ..core.api import (
    ID,
    MAX_ID,
    Id,
    Text,
    api_blueprint,
    documented_errors,
    paginate,
    service_errors,
)
from ..core.permissions import permission_required, require
from ..core.validation import FieldError
from ..extensions import db
from .models import (
    ACTIVITY_STATUSES,
    DIRECTIONS,
    INDICATOR_KINDS,
    PLAN_STATUSES,
    UNITS,
    Activity,
    Indicator,
    Objective,
    PlanComment,
    PlanVersion,
    WorkPlan,
)
from .services import (
    MAX_COST,
    ActivityInput,
    ConflictError,
    IndicatorInput,
    add_comment,
    approve_plan,
    can_draft,
    can_read,
    delete_activity,
    delete_indicator,
    delete_objective,
    money,
    plan_for,
    quality_checks,
    reopen_plan,
    return_plan,
    save_activity,
    save_indicator,
    save_objective,
    submit_plan,
    unanswered_gaps,
)

blp = api_blueprint("work-plans-api", __name__,
                    "Work plans: each office's objectives, activities and indicators, their "
                    "quality checks, comments, review and versions.")

DRAFT = "draft_work_plans"
SUBMIT = "submit_work_plans"
REVIEW = "review_work_plans"

MAX_LINKS = 100  # gaps one activity answers: far above any real plan, low enough for one query
MONEY_ERROR = "Give an amount in US dollars, zero or more, or leave it empty when not known."


class Money(fields.Field):
    """US dollars with cents, as a decimal string or a number; null when not known (which is
    not zero). Given back as a decimal string, so that no cent is lost to floating point."""

    def __init__(self, **kwargs):
        metadata = {
            "description": "US dollars, such as \"12500.00\" or 12500; null when not known.",
            "anyOf": [{"type": "string", "pattern": r"^[0-9]{1,12}(\.[0-9]{1,2})?$",
                       "nullable": True},
                      {"type": "number", "minimum": 0, "maximum": float(MAX_COST)}],
            "example": "12500.00", **kwargs.pop("metadata", {})}
        super().__init__(allow_none=True, metadata=metadata, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else f"{value:.2f}"

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValidationError(MONEY_ERROR)
        try:
            return money(value)
        except ValueError:
            raise ValidationError(MONEY_ERROR) from None


def Position():  # noqa: N802 - reads as a field type
    """The order of a row among its siblings."""
    return fields.Integer(strict=True, validate=validate.Range(0, MAX_POSITION), metadata={
        "description": "Order among its siblings, lowest first; by default after the others."})


def LockVersion(**kwargs):  # noqa: N802 - reads as a field type
    """The version of a record a change starts from."""
    return fields.Integer(strict=True, validate=validate.Range(1, MAX_ID), metadata={
        "description": "The `lock_version` of the record as last read. When someone else has "
                       "changed it since, the change is refused with 409 and theirs is kept."},
        **kwargs)


def conflicts(func):
    """Answer a change based on an older version of the record with 409 and a JSON body
    saying that someone else changed it (inside `service_errors`, which would make it 422)."""

    @wraps(func)
    def wrapped(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except ConflictError as error:
            abort(409, message=error.message)
        return None

    return wrapped


def changes(schema_cls) -> Schema:
    """The body of a change: any field of `schema_cls` may be left out but `lock_version`."""
    return schema_cls(partial=tuple(name for name in schema_cls().load_fields
                                    if name != "lock_version"))


def _draftable(plan: WorkPlan) -> WorkPlan:
    require(can_draft(current_user, plan))
    return plan


def _readable(plan: WorkPlan) -> WorkPlan:
    require(can_read(current_user, plan))
    return plan


# -- rows of a plan -----------------------------------------------------------------------------


class IndicatorSchema(Schema):
    """How an activity's progress is measured: baseline and target with their dates."""

    id = fields.Integer(dump_only=True)
    activity_id = fields.Integer(dump_only=True)
    statement = Text(required=True, validate=validate.Length(min=1, max=500))
    kind = fields.String(load_default="quantitative", validate=validate.OneOf(
        list(INDICATOR_KINDS)))
    unit = fields.String(load_default="number", validate=validate.OneOf(list(UNITS)), metadata={
        "description": "Baseline and target are numbers for number and percent (0 to 100), "
                       "yes or no for yes_no, any text for text."})
    baseline_value = Text(load_default="", validate=validate.Length(max=200))
    baseline_date = fields.Date(allow_none=True, load_default=None)
    target_value = Text(load_default="", validate=validate.Length(max=200))
    target_date = fields.Date(allow_none=True, load_default=None)
    verification = Text(load_default="", validate=validate.Length(max=5000), metadata={
        "description": "Where the figures come from."})
    sex_disaggregated = fields.Boolean(load_default=False)
    direction = fields.String(load_default="increase", validate=validate.OneOf(
        list(DIRECTIONS)))
    cumulative = fields.Boolean(load_default=True, metadata={
        "description": "True: each period reports the value to date. False: each period "
                       "reports what happened in it, and the periods add up (numbers only)."})
    position = Position()
    lock_version = fields.Integer(dump_only=True, metadata={
        "description": "Grows with every change; send it back with the next one."})


class IndicatorChangeSchema(IndicatorSchema):
    """A change to an indicator, from the version last read."""

    lock_version = LockVersion(required=True)


class ActivitySchema(Schema):
    """What the office will do: who, when, with what resources, towards which result, and
    which gaps of the assessment it answers."""

    id = fields.Integer(dump_only=True)
    objective_id = fields.Integer(dump_only=True)
    title = Text(required=True, validate=validate.Length(min=1, max=300))
    description = Text(load_default="", validate=validate.Length(max=5000))
    thematic_area_id = Id(allow_none=True, load_default=None)
    strategy_id = Id(allow_none=True, load_default=None, metadata={
        "description": "The implementation strategy."})
    expected_result = Text(load_default="", validate=validate.Length(max=5000))
    responsible = Text(load_default="", validate=validate.Length(max=200))
    starts_on = fields.Date(allow_none=True, load_default=None)
    ends_on = fields.Date(allow_none=True, load_default=None, metadata={
        "description": "On or after `starts_on`."})
    cost_core = Money(load_default=None, metadata={
        "description": "Core resources in US dollars, such as \"12500.00\" or 12500; null "
                       "when not known."})
    cost_extra = Money(load_default=None, metadata={
        "description": "Extra-budgetary resources in US dollars; null when not known."})
    status = fields.String(load_default="planned", validate=validate.OneOf(
        list(ACTIVITY_STATUSES)))
    gap_ids = fields.List(Id(), load_default=list, validate=validate.Length(max=MAX_LINKS),
                          metadata={"description": "Gaps of the cycle's register it answers."})
    position = Position()
    lock_version = fields.Integer(dump_only=True, metadata={
        "description": "Grows with every change; send it back with the next one."})
    indicators = fields.List(fields.Nested(IndicatorSchema), dump_only=True)


class ActivityChangeSchema(ActivitySchema):
    """A change to an activity, from the version last read; it may move to another objective
    of the same plan."""

    objective_id = Id(metadata={"description": "An objective of the same plan, to move it."})
    lock_version = LockVersion(required=True)


class ObjectiveSchema(Schema):
    """An objective of a plan, with the activities that serve it."""

    id = fields.Integer(dump_only=True)
    plan_id = fields.Integer(dump_only=True)
    title = Text(required=True, validate=validate.Length(min=1, max=300))
    description = Text(load_default="", validate=validate.Length(max=5000))
    position = Position()
    lock_version = fields.Integer(dump_only=True, metadata={
        "description": "Grows with every change; send it back with the next one."})
    activities = fields.List(fields.Nested(ActivitySchema), dump_only=True)


class ObjectiveChangeSchema(ObjectiveSchema):
    """A change to an objective, from the version last read."""

    lock_version = LockVersion(required=True)


ACTIVITY_FIELDS = ("title", "description", "thematic_area_id", "strategy_id",
                   "expected_result", "responsible", "starts_on", "ends_on", "cost_core",
                   "cost_extra", "status")
INDICATOR_FIELDS = ("statement", "kind", "unit", "baseline_value", "baseline_date",
                    "target_value", "target_date", "verification", "sex_disaggregated",
                    "direction", "cumulative")


def _activity_data(activity: Activity) -> dict:
    """An activity with its indicators as the API shows it."""
    data = {k: getattr(activity, k) for k in ("id", "objective_id", *ACTIVITY_FIELDS,
                                              "position", "lock_version", "indicators")}
    data["gap_ids"] = [g.id for g in activity.gaps]
    return data


def _objective_data(objective: Objective) -> dict:
    """An objective with its activities as the API shows it."""
    data = {k: getattr(objective, k) for k in ("id", "plan_id", "title", "description",
                                               "position", "lock_version")}
    data["activities"] = [_activity_data(a) for a in objective.activities]
    return data


def _activity_input(values: dict) -> ActivityInput:
    """The service's input from an activity's values."""
    return ActivityInput(**{k: values[k] for k in (*ACTIVITY_FIELDS, "gap_ids")})


def _indicator_input(values: dict) -> IndicatorInput:
    """The service's input from an indicator's values."""
    return IndicatorInput(**{k: values[k] for k in INDICATOR_FIELDS})


# -- plans --------------------------------------------------------------------------------------


class CheckSchema(Schema):
    """Something to fix, or knowingly leave, before the plan is submitted."""

    message = fields.String()
    activity_id = fields.Integer(allow_none=True)
    indicator_id = fields.Integer(allow_none=True)


class PlanSchema(Schema):
    """An office's work plan for a cycle and where it stands in the review."""

    id = fields.Integer()
    cycle_id = fields.Integer()
    office_id = fields.Integer()
    status = fields.String(metadata={"description": ", ".join(PLAN_STATUSES)})
    editable = fields.Boolean(metadata={
        "description": "Drafts and returned plans change; submitted and approved ones do not."})
    lock_version = fields.Integer(metadata={
        "description": "Grows with every submission and decision; send it when submitting."})
    submitted_at = UtcDateTime(allow_none=True)
    decided_at = UtcDateTime(allow_none=True, metadata={
        "description": "When it was last returned or approved."})


class PlanDetailSchema(PlanSchema):
    """A plan with its objectives, activities and indicators, what to fix before submitting
    it, and the high-priority gaps of the office no activity answers yet."""

    objectives = fields.List(fields.Nested(ObjectiveSchema))
    checks = fields.List(fields.Nested(CheckSchema))
    unanswered_gap_ids = fields.List(fields.Integer(), metadata={
        "description": "High-priority gaps the office raised that no activity answers."})


class PlanQuerySchema(Schema):
    """Filters of the plans: all cycles unless narrowed; office staff see their own office's."""

    cycle_id = Id(strict=False)
    office_id = Id(strict=False)
    status = fields.String(validate=validate.OneOf(list(PLAN_STATUSES)))


class StartPlanSchema(Schema):
    """The office and cycle of a plan: the plan there is, or a new empty draft."""

    office_id = Id(required=True)
    cycle_id = Id(metadata={"description": "By default the current cycle."})


PLAN_FIELDS = ("id", "cycle_id", "office_id", "status", "editable", "lock_version",
               "submitted_at", "decided_at")


def _plan_data(plan: WorkPlan, detail: bool = False) -> dict:
    """A plan as the API shows it; with its rows, checks and unanswered gaps in `detail`."""
    data = {k: getattr(plan, k) for k in PLAN_FIELDS}
    if detail:
        data["objectives"] = [_objective_data(o) for o in plan.objectives]
        data["checks"] = quality_checks(plan)
        data["unanswered_gap_ids"] = [g.id for g in unanswered_gaps(plan)]
    return data


def _plan_or_404(plan_id: int) -> WorkPlan:
    """A plan with its rows loaded in a fixed number of queries, or 404."""
    activities = selectinload(WorkPlan.objectives).selectinload(Objective.activities)
    plan = db.session.scalar(select(WorkPlan).where(WorkPlan.id == plan_id).options(
        activities.selectinload(Activity.indicators), activities.selectinload(Activity.gaps),
        selectinload(WorkPlan.cycle)))
    if plan is None:
        abort(404)
    return plan


def _office_scope(args) -> int | None:
    """The office a list is limited to: the one asked for, and for office staff always their
    own (naming another office is refused)."""
    office_id = args.get("office_id")
    if current_user.can(REVIEW) or current_user.has_role("consultant"):
        return office_id
    if office_id is None:
        office_id = current_user.office_id
    require(current_user.belongs_to(office_id))
    return office_id


@blp.route("/plans")
class Plans(MethodView):
    """The offices' work plans."""

    @permission_required(DRAFT, REVIEW)
    @blp.arguments(PlanQuerySchema, location="query")
    @blp.response(200, PlanSchema(many=True))
    @blp.paginate()
    @documented_errors(blp, 422)
    def get(self, args, pagination_parameters):
        """List the plans, latest cycle first, by office (office staff: their own office's)."""
        office_id = _office_scope(args)
        query = (select(WorkPlan).join(PlanCycle, PlanCycle.id == WorkPlan.cycle_id)
                 .join(Office, Office.id == WorkPlan.office_id)
                 .order_by(PlanCycle.start_date.desc(), Office.acronym, WorkPlan.id))
        if office_id is not None:
            query = query.where(WorkPlan.office_id == office_id)
        for name in ("cycle_id", "status"):
            if name in args:
                query = query.where(getattr(WorkPlan, name) == args[name])
        return [_plan_data(p) for p in paginate(query, pagination_parameters)]

    @permission_required(DRAFT)
    @blp.arguments(StartPlanSchema)
    @blp.response(201, PlanDetailSchema)
    @documented_errors(blp, 400, 422)
    @service_errors
    def post(self, data):
        """Start an office's plan for a cycle: the plan there is already, else an empty
        draft (office staff: their own office's)."""
        cycle_id = data.get("cycle_id")
        if cycle_id is None:
            cycle = current_cycle()
            if cycle is None:
                raise FieldError("cycle_id", "There is no plan cycle yet.")
            cycle_id = cycle.id
        plan = plan_for(cycle_id, data["office_id"], create=False)
        # The rule of drafting, applied to the plan the office would have.
        _draftable(plan or WorkPlan(office_id=data["office_id"]))
        if plan is None:
            plan = plan_for(cycle_id, data["office_id"])
            db.session.commit()
        return _plan_data(_plan_or_404(plan.id), detail=True)


@blp.route(f"/plans/<{ID}:plan_id>")
class PlanItem(MethodView):
    """One plan."""

    @permission_required(DRAFT, REVIEW)
    @blp.response(200, PlanDetailSchema)
    @documented_errors(blp, 404)
    def get(self, plan_id):
        """A plan with its objectives, activities and indicators, the quality checks and the
        high-priority gaps no activity answers."""
        return _plan_data(_readable(_plan_or_404(plan_id)), detail=True)


@blp.route(f"/plans/<{ID}:plan_id>/objectives")
class PlanObjectives(MethodView):
    """The objectives of a plan."""

    @permission_required(DRAFT)
    @blp.arguments(ObjectiveSchema)
    @blp.response(201, ObjectiveSchema)
    @documented_errors(blp, 400, 404, 422)
    @service_errors
    def post(self, data, plan_id):
        """Add an objective to a draft or returned plan."""
        plan = _draftable(db.get_or_404(WorkPlan, plan_id))
        objective = save_objective(None, plan, **data)
        db.session.commit()
        return _objective_data(objective)


@blp.route(f"/objectives/<{ID}:objective_id>")
class ObjectiveItem(MethodView):
    """One objective."""

    @permission_required(DRAFT)
    @blp.arguments(changes(ObjectiveChangeSchema))
    @blp.response(200, ObjectiveSchema)
    @documented_errors(blp, 400, 404, 409, 422)
    @service_errors
    @conflicts
    def patch(self, data, objective_id):
        """Change an objective; 409 when someone else changed it since `lock_version`."""
        objective = db.get_or_404(Objective, objective_id)
        plan = _draftable(objective.plan)
        values = {"title": objective.title, "description": objective.description, **data}
        save_objective(objective, plan, title=values["title"],
                       description=values["description"], position=values.get("position"),
                       expected_version=values["lock_version"])
        db.session.commit()
        return _objective_data(objective)

    @permission_required(DRAFT)
    @blp.response(204)
    @documented_errors(blp, 404, 422)
    @service_errors
    def delete(self, objective_id):
        """Remove an objective with its activities and indicators."""
        objective = db.get_or_404(Objective, objective_id)
        _draftable(objective.plan)
        delete_objective(objective)
        db.session.commit()


@blp.route(f"/objectives/<{ID}:objective_id>/activities")
class ObjectiveActivities(MethodView):
    """The activities serving an objective."""

    @permission_required(DRAFT)
    @blp.arguments(ActivitySchema)
    @blp.response(201, ActivitySchema)
    @documented_errors(blp, 400, 404, 422)
    @service_errors
    def post(self, data, objective_id):
        """Add an activity under an objective."""
        objective = db.get_or_404(Objective, objective_id)
        _draftable(objective.plan)
        activity = save_activity(None, objective, _activity_input(data),
                                 position=data.get("position"))
        db.session.commit()
        return _activity_data(activity)


@blp.route(f"/activities/<{ID}:activity_id>")
class ActivityItem(MethodView):
    """One activity."""

    @permission_required(DRAFT)
    @blp.arguments(changes(ActivityChangeSchema))
    @blp.response(200, ActivitySchema)
    @documented_errors(blp, 400, 404, 409, 422)
    @service_errors
    @conflicts
    def patch(self, data, activity_id):
        """Change an activity, or move it to another objective of the same plan; 409 when
        someone else changed it since `lock_version`."""
        activity = db.get_or_404(Activity, activity_id)
        plan = _draftable(activity.objective.plan)
        objective = activity.objective
        if "objective_id" in data:
            # Its activities loaded now: loading them while the activity moves would flush
            # the activity, out of its old objective, as an orphan to delete.
            objective = db.session.scalar(select(Objective).where(
                Objective.id == data["objective_id"]).options(selectinload(Objective.activities)))
            if objective is None or objective.plan_id != plan.id:
                raise FieldError("objective_id", "Choose an objective of the same plan.")
        values = {k: getattr(activity, k) for k in ACTIVITY_FIELDS}
        values["gap_ids"] = [g.id for g in activity.gaps]
        values.update(data)
        save_activity(activity, objective, _activity_input(values),
                      position=data.get("position"), expected_version=data["lock_version"])
        db.session.commit()
        return _activity_data(activity)

    @permission_required(DRAFT)
    @blp.response(204)
    @documented_errors(blp, 404, 422)
    @service_errors
    def delete(self, activity_id):
        """Remove an activity with its indicators."""
        activity = db.get_or_404(Activity, activity_id)
        _draftable(activity.objective.plan)
        delete_activity(activity)
        db.session.commit()


@blp.route(f"/activities/<{ID}:activity_id>/indicators")
class ActivityIndicators(MethodView):
    """The indicators of an activity."""

    @permission_required(DRAFT)
    @blp.arguments(IndicatorSchema)
    @blp.response(201, IndicatorSchema)
    @documented_errors(blp, 400, 404, 422)
    @service_errors
    def post(self, data, activity_id):
        """Add an indicator to an activity."""
        activity = db.get_or_404(Activity, activity_id)
        _draftable(activity.objective.plan)
        indicator = save_indicator(None, activity, _indicator_input(data),
                                   position=data.get("position"))
        db.session.commit()
        return indicator


@blp.route(f"/indicators/<{ID}:indicator_id>")
class IndicatorItem(MethodView):
    """One indicator."""

    @permission_required(DRAFT)
    @blp.arguments(changes(IndicatorChangeSchema))
    @blp.response(200, IndicatorSchema)
    @documented_errors(blp, 400, 404, 409, 422)
    @service_errors
    @conflicts
    def patch(self, data, indicator_id):
        """Change an indicator; 409 when someone else changed it since `lock_version`."""
        indicator = db.get_or_404(Indicator, indicator_id)
        _draftable(indicator.activity.objective.plan)
        values = {k: getattr(indicator, k) for k in INDICATOR_FIELDS}
        values.update(data)
        save_indicator(indicator, indicator.activity, _indicator_input(values),
                       position=data.get("position"), expected_version=data["lock_version"])
        db.session.commit()
        return indicator

    @permission_required(DRAFT)
    @blp.response(204)
    @documented_errors(blp, 404, 422)
    @service_errors
    def delete(self, indicator_id):
        """Remove an indicator."""
        indicator = db.get_or_404(Indicator, indicator_id)
        _draftable(indicator.activity.objective.plan)
        delete_indicator(indicator)
        db.session.commit()


# -- comments -----------------------------------------------------------------------------------


class PlanCommentSchema(Schema):
    """A reviewer's or the office's comment on a plan, or on one of its activities or
    indicators."""

    id = fields.Integer(dump_only=True)
    plan_id = fields.Integer(dump_only=True)
    body = Text(required=True, validate=validate.Length(min=1, max=5000))
    activity_id = Id(allow_none=True, load_default=None, metadata={
        "description": "An activity of the plan the comment is about."})
    indicator_id = Id(allow_none=True, load_default=None, metadata={
        "description": "An indicator of the plan the comment is about."})
    version_number = fields.Integer(dump_only=True, allow_none=True, metadata={
        "description": "The version under review when it was written; null before the first "
                       "submission."})
    author_id = fields.Integer(dump_only=True, allow_none=True)
    author = fields.String(dump_only=True, allow_none=True, metadata={
        "description": "The author's name."})
    resolved = fields.Boolean(dump_only=True)
    created_at = UtcDateTime(dump_only=True)


def _comment_data(comment: PlanComment) -> dict:
    """A comment as the API shows it."""
    data = {k: getattr(comment, k) for k in ("id", "plan_id", "body", "activity_id",
                                             "indicator_id", "version_number", "author_id",
                                             "resolved", "created_at")}
    data["author"] = comment.author.name if comment.author else None
    return data


@blp.route(f"/plans/<{ID}:plan_id>/comments")
class PlanComments(MethodView):
    """The comments on a plan."""

    @permission_required(DRAFT, REVIEW)
    @blp.response(200, PlanCommentSchema(many=True))
    @documented_errors(blp, 404)
    def get(self, plan_id):
        """The comments on a plan and its rows, oldest first."""
        plan = _readable(db.get_or_404(WorkPlan, plan_id))
        return [_comment_data(c) for c in db.session.scalars(
            select(PlanComment).where(PlanComment.plan_id == plan.id)
            .options(selectinload(PlanComment.author)).order_by(PlanComment.id))]

    @permission_required(DRAFT, REVIEW)
    @blp.arguments(PlanCommentSchema)
    @blp.response(201, PlanCommentSchema)
    @documented_errors(blp, 400, 404, 422)
    @service_errors
    def post(self, data, plan_id):
        """Comment on a plan, or on one of its activities or indicators."""
        plan = _readable(_plan_or_404(plan_id))
        comment = add_comment(plan, current_user, data["body"],
                              activity_id=data["activity_id"],
                              indicator_id=data["indicator_id"])
        db.session.commit()
        return _comment_data(comment)


# -- versions -----------------------------------------------------------------------------------


class SnapshotIndicatorSchema(Schema):
    """An indicator as it stood when the version was submitted."""

    id = fields.Integer()
    statement = fields.String()
    kind = fields.String()
    unit = fields.String()
    baseline_value = fields.String()
    baseline_date = fields.String(allow_none=True, metadata={"format": "date"})
    target_value = fields.String()
    target_date = fields.String(allow_none=True, metadata={"format": "date"})
    verification = fields.String()
    sex_disaggregated = fields.Boolean()
    direction = fields.String()
    cumulative = fields.Boolean(load_default=True)


class SnapshotActivitySchema(Schema):
    """An activity as it stood when the version was submitted."""

    id = fields.Integer()
    title = fields.String()
    description = fields.String()
    thematic_area = fields.String(metadata={"description": "Its name; empty when none."})
    strategy = fields.String(metadata={"description": "Its name; empty when none."})
    expected_result = fields.String()
    responsible = fields.String()
    starts_on = fields.String(allow_none=True, metadata={"format": "date"})
    ends_on = fields.String(allow_none=True, metadata={"format": "date"})
    cost_core = fields.String(allow_none=True, metadata={"description": "US dollars."})
    cost_extra = fields.String(allow_none=True, metadata={"description": "US dollars."})
    status = fields.String()
    gaps = fields.List(fields.String(), metadata={"description": "Codes of the gaps it "
                                                                 "answers, such as G-01."})
    indicators = fields.List(fields.Nested(SnapshotIndicatorSchema))


class SnapshotObjectiveSchema(Schema):
    """An objective as it stood when the version was submitted."""

    id = fields.Integer()
    title = fields.String()
    description = fields.String()
    activities = fields.List(fields.Nested(SnapshotActivitySchema))


class SnapshotSchema(Schema):
    """The whole plan as it was sent for review."""

    objectives = fields.List(fields.Nested(SnapshotObjectiveSchema))


class PlanVersionSchema(Schema):
    """A submission of the plan and what the Gender Unit decided on it."""

    number = fields.Integer()
    outcome = fields.String(metadata={"description": "submitted (awaiting a decision), "
                                                     "returned or approved."})
    submitted_at = UtcDateTime()
    submitted_by_id = fields.Integer(allow_none=True)
    submitted_by = fields.String(allow_none=True, metadata={
        "description": "The name of the person who submitted it."})


class PlanVersionDetailSchema(PlanVersionSchema):
    """A version with the plan as it was submitted."""

    content = fields.Nested(SnapshotSchema)


def _version_data(version: PlanVersion, detail: bool = False) -> dict:
    """A version as the API shows it; with its content in `detail`."""
    data = {"number": version.number, "outcome": version.outcome,
            "submitted_at": version.created_at, "submitted_by_id": version.submitted_by_id,
            "submitted_by": version.submitted_by.name if version.submitted_by else None}
    if detail:
        data["content"] = version.content
    return data


@blp.route(f"/plans/<{ID}:plan_id>/versions")
class PlanVersions(MethodView):
    """The versions of a plan, one per submission."""

    @permission_required(DRAFT, REVIEW)
    @blp.response(200, PlanVersionSchema(many=True))
    @documented_errors(blp, 404)
    def get(self, plan_id):
        """The versions of a plan, first submission first."""
        plan = _readable(db.get_or_404(WorkPlan, plan_id))
        return [_version_data(v) for v in db.session.scalars(
            select(PlanVersion).where(PlanVersion.plan_id == plan.id)
            .options(selectinload(PlanVersion.submitted_by)).order_by(PlanVersion.number))]


@blp.route(f"/plans/<{ID}:plan_id>/versions/<{ID}:number>")
class PlanVersionItem(MethodView):
    """One version of a plan."""

    @permission_required(DRAFT, REVIEW)
    @blp.response(200, PlanVersionDetailSchema)
    @documented_errors(blp, 404)
    def get(self, plan_id, number):
        """A version with the plan as it was submitted."""
        plan = _readable(db.get_or_404(WorkPlan, plan_id))
        version = db.session.scalar(select(PlanVersion).where(PlanVersion.plan_id == plan.id,
                                                              PlanVersion.number == number))
        if version is None:
            abort(404)
        return _version_data(version, detail=True)


# -- the review ---------------------------------------------------------------------------------


class SubmitPlanSchema(Schema):
    """Sending the plan, as last read, to the Gender Unit."""

    lock_version = LockVersion(required=True)


class ReturnPlanSchema(Schema):
    """Sending the plan back to the office with what to change."""

    comment = Text(load_default="", validate=validate.Length(max=5000), metadata={
        "description": "What the office should change. May be left empty when comments on "
                       "this version already say it."})


class ApprovePlanSchema(Schema):
    """No data: the submitted version is approved as it stands."""


class ReopenPlanSchema(Schema):
    """No data: the approved plan becomes a draft again."""


@blp.route(f"/plans/<{ID}:plan_id>/submit")
class PlanSubmit(MethodView):
    """Submitting a plan for review."""

    @permission_required(SUBMIT)
    @blp.arguments(SubmitPlanSchema)
    @blp.response(200, PlanDetailSchema)
    @documented_errors(blp, 400, 404, 409, 422)
    @service_errors
    @conflicts
    def post(self, data, plan_id):
        """Submit a draft or returned plan of one's own office; a version keeps it as sent.
        409 when the plan was submitted or decided on since `lock_version`."""
        plan = _plan_or_404(plan_id)
        require(current_user.belongs_to(plan.office_id))
        submit_plan(plan, current_user, expected_version=data["lock_version"])
        db.session.commit()
        return _plan_data(plan, detail=True)


@blp.route(f"/plans/<{ID}:plan_id>/return")
class PlanReturn(MethodView):
    """Returning a plan to its office."""

    @permission_required(REVIEW)
    @blp.arguments(ReturnPlanSchema)
    @blp.response(200, PlanDetailSchema)
    @documented_errors(blp, 400, 404, 422)
    @service_errors
    def post(self, data, plan_id):
        """Send a submitted plan back to the office with a comment on what to change."""
        plan = _readable(_plan_or_404(plan_id))
        try:
            return_plan(plan, current_user, data["comment"])
        except FieldError as error:
            if error.field != "body":
                raise
            raise FieldError("comment", error.message) from None
        db.session.commit()
        return _plan_data(plan, detail=True)


@blp.route(f"/plans/<{ID}:plan_id>/approve")
class PlanApprove(MethodView):
    """Approving a plan."""

    @permission_required(REVIEW)
    @blp.arguments(ApprovePlanSchema)
    @blp.response(200, PlanDetailSchema)
    @documented_errors(blp, 400, 404, 422)
    @service_errors
    def post(self, data, plan_id):
        """Approve a submitted plan; it does not change until reopened."""
        plan = _readable(_plan_or_404(plan_id))
        approve_plan(plan, current_user)
        db.session.commit()
        return _plan_data(plan, detail=True)


@blp.route(f"/plans/<{ID}:plan_id>/reopen")
class PlanReopen(MethodView):
    """Reopening an approved plan."""

    @permission_required(REVIEW)
    @blp.arguments(ReopenPlanSchema)
    @blp.response(200, PlanDetailSchema)
    @documented_errors(blp, 400, 404, 422)
    @service_errors
    def post(self, data, plan_id):
        """Make an approved plan a draft again, for changes."""
        plan = _readable(_plan_or_404(plan_id))
        reopen_plan(plan, current_user)
        db.session.commit()
        return _plan_data(plan, detail=True)


def register_api(api) -> None:
    """Add the work plans' resources to the API."""
    api.register_blueprint(blp, url_prefix="/api/v1/work-plans")
