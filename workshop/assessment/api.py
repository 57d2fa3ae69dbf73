"""API resources of the needs assessment: nominations, sessions with their findings, the gap
register and the summaries.

Consultants and the Gender Unit record and read everything. Focal points and participants read
their own office's nominations, gaps and summary, never sessions, findings or notes. The
department's summary is for those who follow the whole process.
"""

from datetime import UTC
from functools import wraps

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import abort
from marshmallow import Schema, ValidationError, fields, validate
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..admin.models import Office, PlanCycle
from ..admin.services import current_cycle
from ..core.api import (
    ID,
    Email,
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
    FORMATS,
    PRIORITIES,
    RESOURCE_KINDS,
    SEXES,
    AssessmentSession,
    Finding,
    Gap,
    Nomination,
    visible_office,
)
from .queries import register_query, summary
from .services import (
    MAX_HEADCOUNT,
    FindingInput,
    add_finding,
    delete_nomination,
    delete_session,
    group_findings,
    merge_gaps,
    remove_finding,
    save_nomination,
    save_session,
    update_finding,
    update_gap,
)

blp = api_blueprint("needs-assessment", __name__,
                    "Needs assessment: nominations, sessions, findings and the gap register.")

RECORD = "record_assessment"
OFFICE = "view_office_assessment"

# Caps on the lists a body may carry: far above any real session, low enough for one query.
MAX_PEOPLE = 500
MAX_FINDINGS = 200


class UtcDateTime(fields.AwareDateTime):
    """A date and time, stored in UTC without a zone (as every time in the database): one sent
    without an offset is taken as UTC, and each is given back with its offset."""

    def __init__(self, **kwargs):
        super().__init__(default_timezone=UTC, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            return moment.astimezone(UTC).replace(tzinfo=None)
        except OverflowError as error:  # year 1 or 9999 pushed over the edge by the offset
            raise ValidationError("Not a valid datetime.") from error


def _cycle_id(args) -> int | None:
    """The cycle a request asks for, else the current one; None when there is no cycle."""
    if "cycle_id" in args:
        return args["cycle_id"]
    cycle = current_cycle()
    return cycle.id if cycle is not None else None


def _office_scope(args) -> int | None:
    """The office a list is limited to: the one asked for, and for office staff always their
    own (naming another office is refused)."""
    office_id = args.get("office_id")
    if current_user.can(RECORD):
        return office_id
    if office_id is None:
        office_id = current_user.office_id
    require(visible_office(current_user, office_id))
    return office_id


def _paginate_rows(query, pagination_parameters) -> list:
    """As `paginate`, for a query of several columns: one page of its rows."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pagination_parameters.item_count = total
    size, page = pagination_parameters.page_size, pagination_parameters.page
    if (page - 1) * size >= total:
        return []
    return list(db.session.execute(query.limit(size).offset((page - 1) * size)))


def _records(model, ids: list[int], field: str, label: str) -> list:
    """The records of `ids` in the order given, or a field error naming the ones not found."""
    found = {r.id: r for r in db.session.scalars(select(model).where(model.id.in_(ids)))}
    unknown = [i for i in ids if i not in found]
    if unknown:
        raise FieldError(field, f"No {label} has the id {', '.join(map(str, unknown))}.")
    return [found[i] for i in ids]


# -- nominations --------------------------------------------------------------------------------


class NominationSchema(Schema):
    """A person an office nominated for the assessment and the workshop."""

    id = fields.Integer(dump_only=True)
    cycle_id = Id(metadata={"description": "By default the current cycle."})
    office_id = Id(required=True)
    name = Text(required=True, validate=validate.Length(min=1, max=120))
    email = Email(allow_none=True, load_default=None)
    sex = fields.String(required=True, validate=validate.OneOf(list(SEXES)))
    level_id = Id(required=True, metadata={"description": "The person's staff level."})
    functional_area_id = Id(allow_none=True, load_default=None)
    job_title = Text(load_default="", validate=validate.Length(max=200))
    nominated_by = Text(load_default="", validate=validate.Length(max=120))


class NominationQuerySchema(Schema):
    """Filters of the nominations: by default the current cycle; office staff see their own
    office only."""

    cycle_id = Id(strict=False)
    office_id = Id(strict=False)


NOMINATION_FIELDS = ("cycle_id", "office_id", "name", "email", "sex", "level_id",
                     "functional_area_id", "job_title", "nominated_by")


@blp.route("/nominations")
class Nominations(MethodView):
    """The people offices nominated."""

    @permission_required(RECORD, OFFICE)
    @blp.arguments(NominationQuerySchema, location="query")
    @blp.response(200, NominationSchema(many=True))
    @blp.paginate()
    @documented_errors(blp, 422)
    def get(self, args, pagination_parameters):
        """List the nominations of a cycle by office and name."""
        office_id, cycle_id = _office_scope(args), _cycle_id(args)
        query = (select(Nomination).join(Office, Office.id == Nomination.office_id)
                 .where(Nomination.cycle_id == cycle_id)
                 .order_by(Office.acronym, Nomination.name, Nomination.id))
        if office_id is not None:
            query = query.where(Nomination.office_id == office_id)
        return paginate(query, pagination_parameters)

    @permission_required(RECORD)
    @blp.arguments(NominationSchema)
    @blp.response(201, NominationSchema)
    @documented_errors(blp, 400, 422)
    @service_errors
    def post(self, data):
        """Nominate a person of an office."""
        data.setdefault("cycle_id", _cycle_id(data))
        nomination = save_nomination(None, **data)
        db.session.commit()
        return nomination


@blp.route(f"/nominations/<{ID}:nomination_id>")
class NominationItem(MethodView):
    """One nomination."""

    @permission_required(RECORD, OFFICE)
    @blp.response(200, NominationSchema)
    @documented_errors(blp, 404)
    def get(self, nomination_id):
        """A nomination (office staff: of their own office)."""
        nomination = db.get_or_404(Nomination, nomination_id)
        require(visible_office(current_user, nomination.office_id))
        return nomination

    @permission_required(RECORD)
    @blp.arguments(NominationSchema(partial=True))
    @blp.response(200, NominationSchema)
    @documented_errors(blp, 400, 404, 422)
    @service_errors
    def patch(self, data, nomination_id):
        """Change a nomination."""
        nomination = db.get_or_404(Nomination, nomination_id)
        values = {k: getattr(nomination, k) for k in NOMINATION_FIELDS}
        values.update(data)
        save_nomination(nomination, **values)
        db.session.commit()
        return nomination

    @permission_required(RECORD)
    @blp.response(204)
    @documented_errors(blp, 404, 409)
    @service_errors
    def delete(self, nomination_id):
        """Withdraw a nomination of someone who has not taken part in a session."""
        delete_nomination(db.get_or_404(Nomination, nomination_id))
        db.session.commit()


# -- findings -----------------------------------------------------------------------------------


class FindingSchema(Schema):
    """A need raised in a session, filed under a gap of the register."""

    id = fields.Integer(dump_only=True)
    session_id = fields.Integer(dump_only=True)
    category_id = Id(required=True, metadata={"description": "The category of the gap."})
    title = Text(required=True, validate=validate.Length(min=1, max=200))
    description = Text(load_default="", validate=validate.Length(max=5000))
    functional_area_id = Id(allow_none=True, load_default=None)
    thematic_area_id = Id(allow_none=True, load_default=None)
    priority = fields.String(load_default="medium", validate=validate.OneOf(list(PRIORITIES)))
    resources = fields.List(fields.String(validate=validate.OneOf(list(RESOURCE_KINDS))),
                            load_default=list, metadata={
                                "description": "Kinds of resources that would help."})
    resources_detail = Text(load_default="", validate=validate.Length(max=5000))
    quote = Text(load_default="", validate=validate.Length(max=5000))
    gap_id = Id(allow_none=True, load_default=None, metadata={
        "description": "The gap of the register to file it under. Left out or null: a new gap "
                       "of its own for a new finding; where it is for a finding changed."})
    gap_code = fields.String(attribute="gap.code", dump_only=True)
    position = fields.Integer(dump_only=True)


class SessionFindingSchema(FindingSchema):
    """A finding as part of a session: with the id of one of the session's findings to change
    it; without, a new finding."""

    id = Id(metadata={"description": "A finding of this session, to change it."})


FINDING_FIELDS = ("category_id", "title", "priority", "description", "functional_area_id",
                  "thematic_area_id", "resources", "resources_detail", "quote")


def _finding_input(data: dict) -> FindingInput:
    """The service's input from a finding's values."""
    return FindingInput(**{k: data[k] for k in (*FINDING_FIELDS, "gap_id", "id") if k in data})


def _nested_errors(func):
    """Place a service's errors about one of the findings sent where the API sent it:
    `findings-2-title` becomes {"findings": {"2": {"title": [...]}}}."""

    @wraps(func)
    def wrapped(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except FieldError as error:
            parts = (error.field or "").split("-", 2)
            if len(parts) != 3 or parts[0] != "findings" or not parts[1].isdigit():
                raise
            abort(422, message="The data sent is not valid.", errors={"json": {
                "findings": {parts[1]: {parts[2]: [error.message]}}}})
        return None

    return wrapped


@blp.route(f"/sessions/<{ID}:session_id>/findings")
class SessionFindings(MethodView):
    """The findings of a session, in the order recorded."""

    @permission_required(RECORD)
    @blp.response(200, FindingSchema(many=True))
    @documented_errors(blp, 404)
    def get(self, session_id):
        """A session's findings."""
        return db.get_or_404(AssessmentSession, session_id).findings

    @permission_required(RECORD)
    @blp.arguments(FindingSchema)
    @blp.response(201, FindingSchema)
    @documented_errors(blp, 400, 404, 422)
    @service_errors
    def post(self, data, session_id):
        """Add a finding to a session, in a gap of its own unless `gap_id` names one."""
        session = db.get_or_404(AssessmentSession, session_id)
        finding = add_finding(session, _finding_input(data))
        db.session.commit()
        return finding


@blp.route(f"/findings/<{ID}:finding_id>")
class FindingItem(MethodView):
    """One finding."""

    @permission_required(RECORD)
    @blp.response(200, FindingSchema)
    @documented_errors(blp, 404)
    def get(self, finding_id):
        """A finding."""
        return db.get_or_404(Finding, finding_id)

    @permission_required(RECORD)
    @blp.arguments(FindingSchema(partial=True))
    @blp.response(200, FindingSchema)
    @documented_errors(blp, 400, 404, 422)
    @service_errors
    def patch(self, data, finding_id):
        """Change a finding; a `gap_id` moves it to that gap of the register."""
        finding = db.get_or_404(Finding, finding_id)
        values = {k: getattr(finding, k) for k in FINDING_FIELDS}
        values.update(data)
        update_finding(finding, _finding_input(values))
        db.session.commit()
        return finding

    @permission_required(RECORD)
    @blp.response(204)
    @documented_errors(blp, 404)
    def delete(self, finding_id):
        """Remove a finding; its gap stays in the register."""
        remove_finding(db.get_or_404(Finding, finding_id))
        db.session.commit()


# -- sessions -----------------------------------------------------------------------------------


def _one_per_level(headcounts: list[dict]) -> None:
    """Refuse a staff level counted twice."""
    levels = [h["level_id"] for h in headcounts]
    if len(levels) != len(set(levels)):
        raise ValidationError("Give each staff level once.")


class HeadcountSchema(Schema):
    """How many women and men of one staff level took part without being named."""

    level_id = Id(required=True)
    women = fields.Integer(strict=True, load_default=0,
                           validate=validate.Range(0, MAX_HEADCOUNT))
    men = fields.Integer(strict=True, load_default=0, validate=validate.Range(0, MAX_HEADCOUNT))


class SessionSchema(Schema):
    """An interview or group discussion held by consultants with staff of one office."""

    id = fields.Integer(dump_only=True)
    cycle_id = Id(metadata={"description": "By default the current cycle."})
    office_id = Id(required=True)
    held_at = UtcDateTime(required=True, metadata={
        "description": "When it was held, within the cycle; UTC when no offset is given."})
    format = fields.String(required=True, validate=validate.OneOf(list(FORMATS)))
    consultant_ids = fields.List(Id(), load_default=list,
                                 validate=validate.Length(max=MAX_PEOPLE), metadata={
                                     "description": "Consultants or Gender Unit staff present."})
    participant_ids = fields.List(Id(), load_default=list,
                                  validate=validate.Length(max=MAX_PEOPLE), metadata={
                                      "description": "Nominations of the office who took part."})
    headcounts = fields.List(fields.Nested(HeadcountSchema), load_default=list,
                             validate=[validate.Length(max=MAX_PEOPLE), _one_per_level],
                             metadata={"description": "People met without being named, by "
                                                      "staff level."})
    topics = Text(load_default="", validate=validate.Length(max=5000))
    notes = Text(load_default="", validate=validate.Length(max=50_000))
    notes_confidential = fields.Boolean(load_default=False)
    findings = fields.List(fields.Nested(SessionFindingSchema),
                           validate=validate.Length(max=MAX_FINDINGS), metadata={
                               "description": "When sent, the session's findings from then on: "
                                              "those of the session left out are removed."})
    people_count = fields.Integer(dump_only=True)
    recorded_by_id = fields.Integer(dump_only=True, allow_none=True)


SESSION_FIELDS = ("cycle_id", "office_id", "held_at", "format", "topics", "notes",
                  "notes_confidential")


def _session_data(session: AssessmentSession) -> dict:
    """A session as the API shows it; its notes only to those who may read them."""
    data = {k: getattr(session, k) for k in ("id", *SESSION_FIELDS, "people_count",
                                             "recorded_by_id", "findings")}
    data["consultant_ids"] = [u.id for u in session.consultants]
    data["participant_ids"] = [p.id for p in session.participants]
    data["headcounts"] = sorted(session.headcounts, key=lambda h: h.level_id)
    if not session.can_read_notes(current_user):
        del data["notes"]
    return data


def _save_session(session: AssessmentSession | None, values: dict) -> AssessmentSession:
    """Record or change a session from the values of a body; findings, when sent, replace the
    session's own."""
    values = dict(values)
    findings = values.pop("findings", None)
    headcounts = {h["level_id"]: (h["women"], h["men"]) for h in values.pop("headcounts")}
    return save_session(session, **values, headcounts=headcounts,
                        findings=[_finding_input(f) for f in findings or ()],
                        replace_findings=findings is not None)


class SessionQuerySchema(Schema):
    """Filters of the sessions: by default the current cycle."""

    cycle_id = Id(strict=False)
    office_id = Id(strict=False)


def _with_details(query):
    """Load with the sessions what their output shows, in a fixed number of queries."""
    return query.options(selectinload(AssessmentSession.consultants),
                         selectinload(AssessmentSession.participants),
                         selectinload(AssessmentSession.headcounts),
                         selectinload(AssessmentSession.findings).selectinload(Finding.gap))


@blp.route("/sessions")
class Sessions(MethodView):
    """Assessment sessions."""

    @permission_required(RECORD)
    @blp.arguments(SessionQuerySchema, location="query")
    @blp.response(200, SessionSchema(many=True))
    @blp.paginate()
    @documented_errors(blp, 422)
    def get(self, args, pagination_parameters):
        """List the sessions of a cycle, latest first."""
        query = _with_details(select(AssessmentSession).where(
            AssessmentSession.cycle_id == _cycle_id(args)).order_by(
            AssessmentSession.held_at.desc(), AssessmentSession.id.desc()))
        if "office_id" in args:
            query = query.where(AssessmentSession.office_id == args["office_id"])
        return [_session_data(s) for s in paginate(query, pagination_parameters)]

    @permission_required(RECORD)
    @blp.arguments(SessionSchema)
    @blp.response(201, SessionSchema)
    @documented_errors(blp, 400, 422)
    @service_errors
    @_nested_errors
    def post(self, data):
        """Record a session with the people met and its findings."""
        data.setdefault("cycle_id", _cycle_id(data))
        session = _save_session(None, {**data, "recorded_by": current_user})
        db.session.commit()
        return _session_data(session)


@blp.route(f"/sessions/<{ID}:session_id>")
class SessionItem(MethodView):
    """One session."""

    @permission_required(RECORD)
    @blp.response(200, SessionSchema)
    @documented_errors(blp, 404)
    def get(self, session_id):
        """A session with the people met, its notes and findings."""
        return _session_data(db.get_or_404(AssessmentSession, session_id))

    @permission_required(RECORD)
    @blp.arguments(SessionSchema(partial=(*SESSION_FIELDS, "consultant_ids",
                                          "participant_ids", "headcounts", "findings")))
    @blp.response(200, SessionSchema)
    @documented_errors(blp, 400, 404, 422)
    @service_errors
    @_nested_errors
    def patch(self, data, session_id):
        """Change a session; `findings`, when sent, replaces its findings."""
        session = db.get_or_404(AssessmentSession, session_id)
        values = {k: getattr(session, k) for k in SESSION_FIELDS}
        values["consultant_ids"] = [u.id for u in session.consultants]
        values["participant_ids"] = [p.id for p in session.participants]
        values["headcounts"] = [{"level_id": h.level_id, "women": h.women, "men": h.men}
                                for h in session.headcounts]
        values.update(data)
        _save_session(session, values)
        db.session.commit()
        return _session_data(session)

    @permission_required(RECORD)
    @blp.response(204)
    @documented_errors(blp, 404)
    def delete(self, session_id):
        """Delete a session and its findings; their gaps stay in the register."""
        delete_session(db.get_or_404(AssessmentSession, session_id))
        db.session.commit()


# -- the gap register ---------------------------------------------------------------------------


class GapSchema(Schema):
    """An entry of the gap register, with how often and how widely it was raised."""

    id = fields.Integer(dump_only=True)
    cycle_id = fields.Integer(dump_only=True)
    number = fields.Integer(dump_only=True)
    code = fields.String(dump_only=True, metadata={"description": "G-01, G-02, ..."})
    title = Text(required=True, validate=validate.Length(min=1, max=200))
    description = Text(load_default="", validate=validate.Length(max=5000))
    category_id = Id(required=True)
    thematic_area_id = Id(allow_none=True, load_default=None)
    functional_area_id = Id(allow_none=True, load_default=None)
    priority = fields.String(required=True, validate=validate.OneOf(list(PRIORITIES)))
    merged_into_id = fields.Integer(dump_only=True, allow_none=True, metadata={
        "description": "The gap that took this one's findings, when it was merged."})
    frequency = fields.Integer(dump_only=True, metadata={
        "description": "Findings filed under it (of the office asked for, if any)."})
    levels = fields.Integer(dump_only=True, metadata={
        "description": "Staff levels among the people who raised it."})
    offices = fields.Integer(dump_only=True, metadata={
        "description": "Offices it was raised in."})


GAP_FIELDS = ("title", "description", "category_id", "thematic_area_id", "functional_area_id",
              "priority")


def _gap_data(gap: Gap, frequency: int = 0, levels: int = 0, offices: int = 0) -> dict:
    """A gap as the API shows it, with its figures."""
    data = {k: getattr(gap, k) for k in ("id", "cycle_id", "number", "code", *GAP_FIELDS,
                                         "merged_into_id")}
    return {**data, "frequency": frequency, "levels": levels, "offices": offices}


def _gap_figures(gap: Gap, office_id: int | None = None) -> dict:
    """A gap with its figures (those of one office's findings when `office_id` is given)."""
    row = db.session.execute(register_query(gap.cycle_id, office_id)
                             .where(Gap.id == gap.id)).first()
    return _gap_data(*row) if row is not None else _gap_data(gap)


def _raised_by_own_office(gap: Gap) -> bool:
    """True when the user's office raised a finding filed under the gap (or the gap that
    took its findings)."""
    return db.session.scalar(
        select(Finding.id).join(AssessmentSession, AssessmentSession.id == Finding.session_id)
        .where(Finding.gap_id == gap.current().id,
               AssessmentSession.office_id == current_user.office_id).limit(1)) is not None


class GapQuerySchema(Schema):
    """Filters of the register: by default the current cycle; office staff see the gaps their
    office raised, with its figures."""

    cycle_id = Id(strict=False)
    office_id = Id(strict=False)
    thematic_area_id = Id(strict=False)
    category_id = Id(strict=False)
    priority = fields.String(validate=validate.OneOf(list(PRIORITIES)))


class GapMergeSchema(Schema):
    """Gaps whose findings move into this one."""

    gap_ids = fields.List(Id(), required=True, validate=validate.Length(min=1, max=MAX_FINDINGS))


class GapGroupSchema(Schema):
    """Findings to file under one gap."""

    finding_ids = fields.List(Id(), required=True,
                              validate=validate.Length(min=1, max=MAX_FINDINGS))
    gap_id = Id(allow_none=True, load_default=None, metadata={
        "description": "The gap to file them under; by default the oldest of their gaps."})


@blp.route("/gaps")
class Gaps(MethodView):
    """The gap register."""

    @permission_required(RECORD, OFFICE)
    @blp.arguments(GapQuerySchema, location="query")
    @blp.response(200, GapSchema(many=True))
    @blp.paginate()
    @documented_errors(blp, 422)
    def get(self, args, pagination_parameters):
        """The register of a cycle, by priority and then frequency; merged gaps left out."""
        office_id, cycle_id = _office_scope(args), _cycle_id(args)
        if cycle_id is None:
            pagination_parameters.item_count = 0
            return []
        query = register_query(cycle_id, office_id)
        for name in ("thematic_area_id", "category_id", "priority"):
            if name in args:
                query = query.where(getattr(Gap, name) == args[name])
        return [_gap_data(*row) for row in _paginate_rows(query, pagination_parameters)]


@blp.route("/gaps/group")
class GapGroup(MethodView):
    """Filing findings together."""

    @permission_required(RECORD)
    @blp.arguments(GapGroupSchema)
    @blp.response(200, GapSchema)
    @documented_errors(blp, 400, 422)
    @service_errors
    def post(self, data):
        """File findings under one gap: the one named, or the oldest of theirs."""
        findings = _records(Finding, data["finding_ids"], "finding_ids", "finding")
        target = None
        if data["gap_id"] is not None:
            target = db.session.get(Gap, data["gap_id"])
            if target is None:
                raise FieldError("gap_id", f"No gap has the id {data['gap_id']}.")
        gap = group_findings(findings, target)
        db.session.commit()
        return _gap_figures(gap)


@blp.route(f"/gaps/<{ID}:gap_id>")
class GapItem(MethodView):
    """One gap of the register."""

    @permission_required(RECORD, OFFICE)
    @blp.response(200, GapSchema)
    @documented_errors(blp, 404)
    def get(self, gap_id):
        """A gap (office staff: one their office raised, with their office's figures)."""
        gap = db.get_or_404(Gap, gap_id)
        if current_user.can(RECORD):
            return _gap_figures(gap)
        require(_raised_by_own_office(gap))
        return _gap_figures(gap, current_user.office_id)

    @permission_required(RECORD)
    @blp.arguments(GapSchema(partial=True))
    @blp.response(200, GapSchema)
    @documented_errors(blp, 400, 404, 422)
    @service_errors
    def patch(self, data, gap_id):
        """Change how a gap reads in the register."""
        gap = db.get_or_404(Gap, gap_id)
        values = {k: getattr(gap, k) for k in GAP_FIELDS}
        values.update(data)
        update_gap(gap, **values)
        db.session.commit()
        return _gap_figures(gap)


@blp.route(f"/gaps/<{ID}:gap_id>/merge")
class GapMerge(MethodView):
    """Merging gaps into one."""

    @permission_required(RECORD)
    @blp.arguments(GapMergeSchema)
    @blp.response(200, GapSchema)
    @documented_errors(blp, 400, 404, 422)
    @service_errors
    def post(self, data, gap_id):
        """Move the findings of other gaps into this one; they point at it from then on."""
        target = db.get_or_404(Gap, gap_id)
        gap = merge_gaps(target, _records(Gap, data["gap_ids"], "gap_ids", "gap"))
        db.session.commit()
        return _gap_figures(gap)


# -- summaries ----------------------------------------------------------------------------------


class PeopleMetSchema(Schema):
    """People met at one staff level."""

    level = fields.String()
    female = fields.Integer()
    male = fields.Integer()
    total = fields.Integer()


class TopGapSchema(Schema):
    """A gap among the most pressing."""

    gap_id = fields.Integer()
    code = fields.String()
    title = fields.String()
    priority = fields.String()
    frequency = fields.Integer()
    levels = fields.Integer()


class ResourceNeedSchema(Schema):
    """How many findings and gaps ask for one kind of resource."""

    kind = fields.String()
    label = fields.String()
    findings = fields.Integer()
    gaps = fields.Integer()


class OfficeFiguresSchema(Schema):
    """One office's figures in the department's summary."""

    office_id = fields.Integer()
    acronym = fields.String()
    name = fields.String()
    nominated = fields.Integer()
    sessions = fields.Integer()
    female = fields.Integer()
    male = fields.Integer()
    people = fields.Integer()
    findings = fields.Integer()
    gaps = fields.Integer()


class SummarySchema(Schema):
    """What the needs assessment found in an office, or in the department."""

    cycle_id = fields.Integer()
    office_id = fields.Integer(allow_none=True)
    scope = fields.String()
    sessions = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "Sessions held, by format."})
    sessions_total = fields.Integer()
    people = fields.List(fields.Nested(PeopleMetSchema))
    female = fields.Integer()
    male = fields.Integer()
    people_total = fields.Integer()
    female_share = fields.Integer(allow_none=True, metadata={
        "description": "Per cent of the people met who are women; null when nobody was met."})
    nominated = fields.Integer()
    nominated_met = fields.Integer()
    findings = fields.Integer()
    gaps = fields.Integer()
    top_gaps = fields.List(fields.Nested(TopGapSchema))
    resources = fields.List(fields.Nested(ResourceNeedSchema))
    offices = fields.List(fields.Nested(OfficeFiguresSchema), metadata={
        "description": "Each office's figures; in the department's summary only."})


class SummaryQuerySchema(Schema):
    """The cycle of a summary: by default the current one."""

    cycle_id = Id(strict=False)


def _summary_cycle(args) -> PlanCycle:
    """The cycle asked for or the current one; 404 when there is none."""
    if "cycle_id" in args:
        return db.get_or_404(PlanCycle, args["cycle_id"])
    cycle = current_cycle()
    if cycle is None:
        abort(404, message="There is no plan cycle yet.")
    return cycle


def _summary_data(figures) -> dict:
    """The figures of a summary as the API shows them."""
    data = {k: getattr(figures, k) for k in (
        "sessions", "sessions_total", "people", "female", "male", "people_total",
        "female_share", "nominated", "nominated_met", "findings", "gaps", "resources", "scope")}
    data["cycle_id"] = figures.cycle.id
    data["office_id"] = figures.office.id if figures.office else None
    data["top_gaps"] = [{"gap_id": r.gap.id, "code": r.gap.code, "title": r.gap.title,
                         "priority": r.gap.priority, "frequency": r.frequency,
                         "levels": r.levels} for r in figures.top_gaps]
    data["offices"] = [{**{k: v for k, v in row.items() if k != "office"},
                        "office_id": row["office"].id, "acronym": row["office"].acronym,
                        "name": row["office"].name} for row in figures.offices]
    return data


@blp.route("/summary")
class DepartmentSummary(MethodView):
    """The department's needs assessment in figures."""

    @permission_required("view_assessment_summary")
    @blp.arguments(SummaryQuerySchema, location="query")
    @blp.response(200, SummarySchema)
    @documented_errors(blp, 404, 422)
    def get(self, args):
        """Sessions, people met, findings, the most pressing gaps and each office's figures."""
        return _summary_data(summary(_summary_cycle(args)))


@blp.route(f"/offices/<{ID}:office_id>/summary")
class OfficeSummary(MethodView):
    """One office's needs assessment in figures."""

    @permission_required(RECORD, OFFICE)
    @blp.arguments(SummaryQuerySchema, location="query")
    @blp.response(200, SummarySchema)
    @documented_errors(blp, 404, 422)
    def get(self, args, office_id):
        """Sessions, people met, findings and the most pressing gaps of an office."""
        office = db.get_or_404(Office, office_id)
        require(visible_office(current_user, office.id))
        return _summary_data(summary(_summary_cycle(args), office))


def register_api(api) -> None:
    """Add the needs-assessment resources to the API."""
    api.register_blueprint(blp, url_prefix="/api/v1/assessment")
