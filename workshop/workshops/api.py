"""API resources of the workshops stage: the curriculum and its revisions, workshops with their
agenda, invitations and attendance, and the participation and evaluation figures.

Consultants and the Gender Unit design the curriculum and run the workshops. Every signed-in
user reads the curriculum, the workshops with their agenda, and the figures. Names of the people
invited are for those who run workshops and for staff of the workshop's own office. What
participants wrote in their evaluations never leaves the workshop's evaluation page: the API
gives figures only.
"""

from datetime import date

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import abort
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..admin.models import MAX_POSITION, PlanCycle
from ..admin.services import current_cycle
from ..assessment.api import UtcDateTime
from ..assessment.models import Nomination
from ..core.api import ID, Id, Text, api_blueprint, documented_errors, paginate, service_errors
from ..core.permissions import login_required, permission_required, require
from ..extensions import db
from .models import (
    ATTENDANCE,
    KINDS,
    USEFULNESS,
    WORKSHOP_STATUSES,
    AgendaItem,
    Attendance,
    CurriculumModule,
    CurriculumVersion,
    EvaluationResponse,
    Invitation,
    Workshop,
)
from .services import (
    EvaluationFigures,
    delete_agenda_item,
    delete_module,
    delete_workshop,
    evaluation_figures,
    invite,
    participation,
    publish_version,
    record_attendance,
    record_revision,
    save_agenda_item,
    save_module,
    save_workshop,
    start_revision,
    uncovered_gaps,
)
from .views import can_see_names  # the rule the attendance page applies, so the two agree

blp = api_blueprint("workshops-api", __name__,
                    "Workshops: the curriculum and its revisions, workshops with their agenda, "
                    "invitations, attendance, and participation and evaluation figures.")

RUN = "run_workshops"
OFFICE = "view_office_assessment"

MAX_DAYS = 14  # a workshop lasts at most two weeks
# Caps on the lists a body may carry: far above any real workshop, low enough for one query.
MAX_PEOPLE = 500
MAX_LINKS = 100
MAX_MARKS = MAX_PEOPLE * MAX_DAYS


class ClockTime(fields.Time):
    """A time of day at the venue, such as 09:00: without a UTC offset, which a local clock
    does not have."""

    def __init__(self, **kwargs):
        metadata = {"description": "A time of day at the venue on a 24-hour clock, HH:MM or "
                                   "HH:MM:SS.", "example": "09:00", **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        if moment.tzinfo is not None:
            raise ValidationError("Give the time of day at the venue, without an offset.")
        return moment


def _current_cycle_id() -> int | None:
    """The id of the current cycle, None when there is no cycle."""
    cycle = current_cycle()
    return cycle.id if cycle is not None else None


# -- the curriculum -----------------------------------------------------------------------------


class CurriculumModuleSchema(Schema):
    """A module of a curriculum version: what a workshop session teaches and how."""

    id = fields.Integer(dump_only=True)
    version_id = fields.Integer(dump_only=True)
    code = Text(required=True, validate=validate.Length(min=1, max=10), metadata={
        "description": "Short and kept from one version to the next, such as M3."})
    title = Text(required=True, validate=validate.Length(min=1, max=200))
    objectives = Text(load_default="", validate=validate.Length(max=5000))
    method = Text(load_default="", validate=validate.Length(max=5000))
    duration_minutes = fields.Integer(strict=True, required=True, validate=validate.Range(1, 480))
    optional = fields.Boolean(load_default=False, metadata={
        "description": "Joins an office's agenda only when the office raised a high-priority "
                       "gap it answers."})
    category_ids = fields.List(Id(), load_default=list, validate=validate.Length(max=MAX_LINKS),
                               metadata={"description": "Gap categories the module answers."})
    thematic_area_ids = fields.List(Id(), load_default=list,
                                    validate=validate.Length(max=MAX_LINKS), metadata={
                                        "description": "Thematic areas the module answers."})
    position = fields.Integer(strict=True, validate=validate.Range(0, MAX_POSITION), metadata={
        "description": "Order within the version; by default after the others."})


class CurriculumRevisionSchema(Schema):
    """A change made in a new version of the curriculum, and why."""

    id = fields.Integer(dump_only=True)
    version_id = fields.Integer(dump_only=True)
    module_code = Text(load_default="", validate=validate.Length(max=10), metadata={
        "description": "The module changed, if one."})
    change = Text(required=True, validate=validate.Length(min=1, max=5000))
    reason = Text(required=True, validate=validate.Length(min=1, max=5000), metadata={
        "description": "The evaluations or observations that called for the change."})
    workshop_id = Id(allow_none=True, load_default=None, metadata={
        "description": "The workshop whose evaluations or observations caused it."})
    recorded_by_id = fields.Integer(dump_only=True, allow_none=True)
    created_at = UtcDateTime(dump_only=True)


class CurriculumVersionSchema(Schema):
    """A numbered version of the standard curriculum, with its modules."""

    id = fields.Integer()
    number = fields.Integer()
    status = fields.String(metadata={"description": "draft or published."})
    summary = fields.String()
    published_at = UtcDateTime(allow_none=True)
    based_on_id = fields.Integer(allow_none=True)
    minutes = fields.Integer(metadata={"description": "The length of all its modules."})
    modules = fields.List(fields.Nested(CurriculumModuleSchema))


class CurriculumVersionDetailSchema(CurriculumVersionSchema):
    """A version of the curriculum with its modules and the revisions that made it."""

    revisions = fields.List(fields.Nested(CurriculumRevisionSchema))


class StartRevisionSchema(Schema):
    """No data: the draft of the next version starts as a copy of the current one."""


class PublishVersionSchema(Schema):
    """Publishing a draft: it becomes the curriculum new workshops are built from."""

    summary = Text(load_default="", validate=validate.Length(max=5000), metadata={
        "description": "What the version changes, in a sentence or two."})


MODULE_FIELDS = ("code", "title", "objectives", "method", "duration_minutes", "optional")


def _module_data(module: CurriculumModule) -> dict:
    """A module as the API shows it."""
    data = {k: getattr(module, k) for k in ("id", "version_id", *MODULE_FIELDS, "position")}
    data["category_ids"] = [c.id for c in module.categories]
    data["thematic_area_ids"] = [a.id for a in module.thematic_areas]
    return data


def _version_data(version: CurriculumVersion) -> dict:
    """A version with its modules and revisions as the API shows it."""
    data = {k: getattr(version, k) for k in ("id", "number", "status", "summary",
                                             "published_at", "based_on_id", "minutes",
                                             "revisions")}
    data["modules"] = [_module_data(m) for m in version.modules]
    return data


def _versions():
    """Versions with what their output shows, loaded in a fixed number of queries."""
    modules = selectinload(CurriculumVersion.modules)
    return select(CurriculumVersion).options(
        modules.selectinload(CurriculumModule.categories),
        modules.selectinload(CurriculumModule.thematic_areas),
        selectinload(CurriculumVersion.revisions))


def _version_or_404(version_id: int) -> CurriculumVersion:
    version = db.session.scalar(_versions().where(CurriculumVersion.id == version_id))
    if version is None:
        abort(404)
    return version


@blp.route("/curriculum/versions")
class CurriculumVersions(MethodView):
    """The versions of the curriculum."""

    @login_required
    @blp.response(200, CurriculumVersionSchema(many=True))
    @blp.paginate()
    @documented_errors(blp, 422)
    def get(self, pagination_parameters):
        """List the versions of the curriculum with their modules, newest first."""
        query = _versions().order_by(CurriculumVersion.number.desc())
        return [_version_data(v) for v in paginate(query, pagination_parameters)]

    @permission_required(RUN)
    @blp.arguments(StartRevisionSchema)
    @blp.response(201, CurriculumVersionDetailSchema)
    @documented_errors(blp, 400, 422)
    @service_errors
    def post(self, data):
        """Start a revision: a draft of the next version, a copy of the current one."""
        version = start_revision()
        db.session.commit()
        return _version_data(version)


@blp.route(f"/curriculum/versions/<{ID}:version_id>")
class CurriculumVersionItem(MethodView):
    """One version of the curriculum."""

    @login_required
    @blp.response(200, CurriculumVersionDetailSchema)
    @documented_errors(blp, 404)
    def get(self, version_id):
        """A version with its modules and the revisions that made it."""
        return _version_data(_version_or_404(version_id))


@blp.route(f"/curriculum/versions/<{ID}:version_id>/modules")
class CurriculumModules(MethodView):
    """The modules of a version."""

    @permission_required(RUN)
    @blp.arguments(CurriculumModuleSchema)
    @blp.response(201, CurriculumModuleSchema)
    @documented_errors(blp, 400, 404, 422)
    @service_errors
    def post(self, data, version_id):
        """Add a module to a draft version (a published one no longer changes)."""
        version = db.get_or_404(CurriculumVersion, version_id)
        module = save_module(None, version, **data)
        db.session.commit()
        return _module_data(module)


@blp.route(f"/curriculum/modules/<{ID}:module_id>")
class CurriculumModuleItem(MethodView):
    """One module of a version."""

    @permission_required(RUN)
    @blp.arguments(CurriculumModuleSchema(partial=True))
    @blp.response(200, CurriculumModuleSchema)
    @documented_errors(blp, 400, 404, 422)
    @service_errors
    def patch(self, data, module_id):
        """Change a module of a draft version."""
        module = db.get_or_404(CurriculumModule, module_id)
        values = _module_data(module)
        del values["id"], values["version_id"]
        values.update(data)
        save_module(module, module.version, **values)
        db.session.commit()
        return _module_data(module)

    @permission_required(RUN)
    @blp.response(204)
    @documented_errors(blp, 404, 422)
    @service_errors
    def delete(self, module_id):
        """Take a module out of a draft version."""
        delete_module(db.get_or_404(CurriculumModule, module_id))
        db.session.commit()


@blp.route(f"/curriculum/versions/<{ID}:version_id>/revisions")
class CurriculumRevisions(MethodView):
    """The revisions recorded in a version."""

    @permission_required(RUN)
    @blp.arguments(CurriculumRevisionSchema)
    @blp.response(201, CurriculumRevisionSchema)
    @documented_errors(blp, 400, 404, 422)
    @service_errors
    def post(self, data, version_id):
        """Record a change made in a draft version and why."""
        version = db.get_or_404(CurriculumVersion, version_id)
        revision = record_revision(version, **data, recorded_by=current_user)
        db.session.commit()
        return revision


@blp.route(f"/curriculum/versions/<{ID}:version_id>/publish")
class CurriculumPublish(MethodView):
    """Publishing a draft version."""

    @permission_required(RUN)
    @blp.arguments(PublishVersionSchema)
    @blp.response(200, CurriculumVersionDetailSchema)
    @documented_errors(blp, 400, 404, 422)
    @service_errors
    def post(self, data, version_id):
        """Publish a draft with modules and, after the first version, its revisions; new
        workshops are built from it."""
        version = _version_or_404(version_id)
        publish_version(version, data["summary"])
        db.session.commit()
        return _version_data(version)


# -- workshops and their agenda -----------------------------------------------------------------


class AgendaItemSchema(Schema):
    """A session of a workshop's agenda, with the gaps of the register it addresses."""

    id = fields.Integer(dump_only=True)
    workshop_id = fields.Integer(dump_only=True)
    day = fields.Integer(strict=True, required=True, validate=validate.Range(1, MAX_DAYS),
                         metadata={"description": "1 for the first day of the workshop."})
    starts_at = ClockTime(required=True)
    ends_at = ClockTime(required=True)
    title = Text(load_default="", validate=validate.Length(max=200), metadata={
        "description": "By default the module's title."})
    module_id = Id(allow_none=True, load_default=None, metadata={
        "description": "A module of the workshop's curriculum version."})
    module_code = fields.String(dump_only=True, allow_none=True)
    facilitator = Text(load_default="", validate=validate.Length(max=120))
    gap_ids = fields.List(Id(), load_default=list, validate=validate.Length(max=MAX_LINKS),
                          metadata={"description": "Gaps of the cycle's register it addresses."})
    gap_codes = fields.List(fields.String(), dump_only=True, metadata={
        "description": "The codes of those gaps, G-01, G-02, ..."})


AGENDA_FIELDS = ("day", "starts_at", "ends_at", "title", "module_id", "facilitator")


def _agenda_item_data(item: AgendaItem) -> dict:
    """A session of the agenda as the API shows it."""
    data = {k: getattr(item, k) for k in ("id", "workshop_id", *AGENDA_FIELDS)}
    data["module_code"] = item.module.code if item.module is not None else None
    data["gap_ids"] = [g.id for g in item.gaps]
    data["gap_codes"] = [g.code for g in item.gaps]
    return data


class WorkshopSchema(Schema):
    """The pilot workshop, or an office's workshop, built on a curriculum version."""

    id = fields.Integer(dump_only=True)
    cycle_id = Id(metadata={"description": "By default the current cycle; set when the "
                                           "workshop is planned."})
    kind = fields.String(required=True, validate=validate.OneOf(list(KINDS)))
    office_id = Id(allow_none=True, load_default=None, metadata={
        "description": "The office an office workshop is for; none for the pilot."})
    title = Text(required=True, validate=validate.Length(min=1, max=200))
    start_date = fields.Date(required=True, validate=validate.Range(
        max=date(9999, 12, 30)))
    end_date = fields.Date(allow_none=True, load_default=None, metadata={
        "description": "By default the day after the first: two days."})
    venue = Text(load_default="", validate=validate.Length(max=200))
    status = fields.String(load_default="planned",
                           validate=validate.OneOf(list(WORKSHOP_STATUSES)))
    facilitator_ids = fields.List(Id(), load_default=list,
                                  validate=validate.Length(max=MAX_LINKS), metadata={
                                      "description": "Consultants or Gender Unit staff."})
    observations = Text(load_default="", validate=validate.Length(max=5000), metadata={
        "description": "The facilitators' observations."})
    curriculum_version_id = fields.Integer(dump_only=True)
    days = fields.Integer(dump_only=True)
    evaluation_open = fields.Boolean(dump_only=True)


class WorkshopDetailSchema(WorkshopSchema):
    """A workshop with its agenda and the high-priority gaps no session addresses."""

    agenda = fields.List(fields.Nested(AgendaItemSchema), dump_only=True)
    uncovered_gap_ids = fields.List(fields.Integer(), dump_only=True, metadata={
        "description": "High-priority gaps of the office (the department, for the pilot) "
                       "that no session addresses."})


class WorkshopQuerySchema(Schema):
    """Filters of the workshops: all of them unless narrowed."""

    cycle_id = Id(strict=False)
    office_id = Id(strict=False)
    kind = fields.String(validate=validate.OneOf(list(KINDS)))
    status = fields.String(validate=validate.OneOf(list(WORKSHOP_STATUSES)))


WORKSHOP_FIELDS = ("cycle_id", "kind", "office_id", "title", "start_date", "end_date", "venue",
                   "status", "observations")


def _workshop_data(workshop: Workshop, detail: bool = False) -> dict:
    """A workshop as the API shows it; with its agenda and uncovered gaps in `detail`."""
    data = {k: getattr(workshop, k) for k in ("id", *WORKSHOP_FIELDS, "curriculum_version_id",
                                              "days", "evaluation_open")}
    data["facilitator_ids"] = [u.id for u in workshop.facilitators]
    if detail:
        data["agenda"] = [_agenda_item_data(i) for i in workshop.agenda]
        data["uncovered_gap_ids"] = [g.id for g in uncovered_gaps(workshop)]
    return data


def _workshop_or_404(workshop_id: int) -> Workshop:
    """A workshop with its agenda and facilitators loaded, or 404."""
    agenda = selectinload(Workshop.agenda)
    workshop = db.session.scalar(select(Workshop).where(Workshop.id == workshop_id).options(
        agenda.selectinload(AgendaItem.gaps), agenda.selectinload(AgendaItem.module),
        selectinload(Workshop.facilitators)))
    if workshop is None:
        abort(404)
    return workshop


@blp.route("/workshops")
class Workshops(MethodView):
    """The pilot and office workshops."""

    @login_required
    @blp.arguments(WorkshopQuerySchema, location="query")
    @blp.response(200, WorkshopSchema(many=True))
    @blp.paginate()
    @documented_errors(blp, 422)
    def get(self, args, pagination_parameters):
        """List the workshops by first day."""
        query = (select(Workshop).options(selectinload(Workshop.facilitators))
                 .order_by(Workshop.start_date, Workshop.id))
        for name in ("cycle_id", "office_id", "kind", "status"):
            if name in args:
                query = query.where(getattr(Workshop, name) == args[name])
        return [_workshop_data(w) for w in paginate(query, pagination_parameters)]

    @permission_required(RUN)
    @blp.arguments(WorkshopSchema)
    @blp.response(201, WorkshopDetailSchema)
    @documented_errors(blp, 400, 422)
    @service_errors
    def post(self, data):
        """Plan a workshop; its agenda is proposed from the current curriculum and the gaps
        its office raised."""
        data.setdefault("cycle_id", _current_cycle_id())
        workshop = save_workshop(None, **data)
        db.session.commit()
        return _workshop_data(workshop, detail=True)


@blp.route(f"/workshops/<{ID}:workshop_id>")
class WorkshopItem(MethodView):
    """One workshop."""

    @login_required
    @blp.response(200, WorkshopDetailSchema)
    @documented_errors(blp, 404)
    def get(self, workshop_id):
        """A workshop with its agenda and the high-priority gaps no session addresses."""
        return _workshop_data(_workshop_or_404(workshop_id), detail=True)

    @permission_required(RUN)
    @blp.arguments(WorkshopSchema(partial=True, exclude=("cycle_id",)))
    @blp.response(200, WorkshopDetailSchema)
    @documented_errors(blp, 400, 404, 422)
    @service_errors
    def patch(self, data, workshop_id):
        """Change a workshop's details and status (its cycle stays)."""
        workshop = _workshop_or_404(workshop_id)
        values = {k: getattr(workshop, k) for k in WORKSHOP_FIELDS}
        values["facilitator_ids"] = [u.id for u in workshop.facilitators]
        values.update(data)
        save_workshop(workshop, **values)
        db.session.commit()
        return _workshop_data(workshop, detail=True)

    @permission_required(RUN)
    @blp.response(204)
    @documented_errors(blp, 404, 409)
    @service_errors
    def delete(self, workshop_id):
        """Delete a workshop nobody has attended or evaluated yet, with its agenda and
        invitations."""
        delete_workshop(db.get_or_404(Workshop, workshop_id))
        db.session.commit()


@blp.route(f"/workshops/<{ID}:workshop_id>/agenda")
class Agenda(MethodView):
    """A workshop's agenda."""

    @login_required
    @blp.response(200, AgendaItemSchema(many=True))
    @documented_errors(blp, 404)
    def get(self, workshop_id):
        """The sessions of the agenda by day and time."""
        return [_agenda_item_data(i) for i in _workshop_or_404(workshop_id).agenda]

    @permission_required(RUN)
    @blp.arguments(AgendaItemSchema)
    @blp.response(201, AgendaItemSchema)
    @documented_errors(blp, 400, 404, 422)
    @service_errors
    def post(self, data, workshop_id):
        """Add a session to the agenda."""
        workshop = db.get_or_404(Workshop, workshop_id)
        item = save_agenda_item(None, workshop, **data)
        db.session.commit()
        return _agenda_item_data(item)


@blp.route(f"/agenda/<{ID}:agenda_id>")
class AgendaItemResource(MethodView):
    """One session of an agenda."""

    @permission_required(RUN)
    @blp.arguments(AgendaItemSchema(partial=True))
    @blp.response(200, AgendaItemSchema)
    @documented_errors(blp, 400, 404, 422)
    @service_errors
    def patch(self, data, agenda_id):
        """Change a session of the agenda."""
        item = db.get_or_404(AgendaItem, agenda_id)
        values = {k: getattr(item, k) for k in AGENDA_FIELDS}
        values["gap_ids"] = [g.id for g in item.gaps]
        values.update(data)
        save_agenda_item(item, item.workshop, **values)
        db.session.commit()
        return _agenda_item_data(item)

    @permission_required(RUN)
    @blp.response(204)
    @documented_errors(blp, 404)
    def delete(self, agenda_id):
        """Take a session out of the agenda."""
        delete_agenda_item(db.get_or_404(AgendaItem, agenda_id))
        db.session.commit()


# -- invitations and attendance -----------------------------------------------------------------


class InvitationSchema(Schema):
    """A nominated person invited to a workshop."""

    id = fields.Integer()
    workshop_id = fields.Integer()
    nomination_id = fields.Integer()
    name = fields.String()
    office_id = fields.Integer()
    sex = fields.String()
    level_id = fields.Integer()


class InviteSchema(Schema):
    """People to invite: nominations of the cycle (of the workshop's office, for an office
    workshop). Those already invited stay as they are."""

    nomination_ids = fields.List(Id(), required=True,
                                 validate=validate.Length(min=1, max=MAX_PEOPLE))


class DayStatusSchema(Schema):
    """Whether an invited person came on one day; null when not marked."""

    day = fields.Integer()
    status = fields.String(allow_none=True, metadata={
        "description": "present, absent, left_early, or null when not marked."})


class AttendanceSchema(Schema):
    """An invited person and their attendance day by day."""

    invitation_id = fields.Integer()
    nomination_id = fields.Integer()
    name = fields.String()
    days = fields.List(fields.Nested(DayStatusSchema))


class AttendanceMarkSchema(Schema):
    """Attendance of one invited person on one day; a null status clears it."""

    invitation_id = Id(required=True)
    day = fields.Integer(strict=True, required=True, validate=validate.Range(1, MAX_DAYS))
    status = fields.String(required=True, allow_none=True,
                           validate=validate.OneOf(list(ATTENDANCE)))

    @validates_schema(pass_collection=True)
    def _once_each(self, data, many, **kwargs):
        """Refuse more marks than a workshop can have, and a person's day marked twice."""
        if not many:
            return
        if len(data) > MAX_MARKS:
            raise ValidationError(f"Send at most {MAX_MARKS} marks.")
        keys = [(m["invitation_id"], m["day"]) for m in data]
        if len(keys) != len(set(keys)):
            raise ValidationError("Mark each invited person's day once.")


def _invitations(workshop: Workshop) -> list[Invitation]:
    """The workshop's invitations with their nominations, by name."""
    return list(db.session.scalars(
        select(Invitation).join(Nomination, Nomination.id == Invitation.nomination_id)
        .where(Invitation.workshop_id == workshop.id)
        .options(selectinload(Invitation.nomination)).order_by(Nomination.name, Invitation.id)))


def _invitation_data(invitation: Invitation) -> dict:
    person = invitation.nomination
    return {"id": invitation.id, "workshop_id": invitation.workshop_id,
            "nomination_id": person.id, "name": person.name, "office_id": person.office_id,
            "sex": person.sex, "level_id": person.level_id}


def _attendance(workshop: Workshop) -> list[dict]:
    """Everyone invited, by name, with their status on each day of the workshop."""
    marks = {(a.invitation_id, a.day): a.status for a in db.session.scalars(
        select(Attendance).join(Invitation).where(Invitation.workshop_id == workshop.id))}
    return [{"invitation_id": i.id, "nomination_id": i.nomination_id, "name": i.nomination.name,
             "days": [{"day": day, "status": marks.get((i.id, day))}
                      for day in range(1, workshop.days + 1)]}
            for i in _invitations(workshop)]


@blp.route(f"/workshops/<{ID}:workshop_id>/attendance")
class WorkshopAttendance(MethodView):
    """Who was invited to a workshop and who came, day by day."""

    @permission_required(RUN, OFFICE)
    @blp.response(200, AttendanceSchema(many=True))
    @documented_errors(blp, 404)
    def get(self, workshop_id):
        """Everyone invited with their attendance (office staff: of their own office's
        workshop)."""
        workshop = db.get_or_404(Workshop, workshop_id)
        require(can_see_names(current_user, workshop))
        return _attendance(workshop)

    @permission_required(RUN)
    @blp.arguments(AttendanceMarkSchema(many=True))
    @blp.response(200, AttendanceSchema(many=True))
    @documented_errors(blp, 400, 404, 422)
    @service_errors
    def put(self, data, workshop_id):
        """Mark attendance: each mark sets one invited person's status on one day; people
        and days not sent stay as they are."""
        workshop = db.get_or_404(Workshop, workshop_id)
        marks: dict[int, dict[int, str | None]] = {}
        for mark in data:
            marks.setdefault(mark["invitation_id"], {})[mark["day"]] = mark["status"]
        record_attendance(workshop, marks)
        db.session.commit()
        return _attendance(workshop)


@blp.route(f"/workshops/<{ID}:workshop_id>/invitations")
class WorkshopInvitations(MethodView):
    """The people invited to a workshop."""

    @permission_required(RUN)
    @blp.response(200, InvitationSchema(many=True))
    @documented_errors(blp, 404)
    def get(self, workshop_id):
        """The invitations of a workshop, by name."""
        return [_invitation_data(i) for i in _invitations(db.get_or_404(Workshop, workshop_id))]

    @permission_required(RUN)
    @blp.arguments(InviteSchema)
    @blp.response(201, InvitationSchema(many=True))
    @documented_errors(blp, 400, 404, 422)
    @service_errors
    def post(self, data, workshop_id):
        """Invite nominated people; answers with all the workshop's invitations."""
        workshop = db.get_or_404(Workshop, workshop_id)
        invite(workshop, data["nomination_ids"])
        db.session.commit()
        return [_invitation_data(i) for i in _invitations(workshop)]


# -- figures ------------------------------------------------------------------------------------


class ParticipationDaySchema(Schema):
    """The people who came on one day."""

    day = fields.Integer()
    present = fields.Integer(metadata={"description": "Present, leaving early or not."})
    female = fields.Integer()
    male = fields.Integer()
    left_early = fields.Integer()


class ParticipationLevelSchema(Schema):
    """The people of one staff level who came on at least one day."""

    level = fields.String()
    female = fields.Integer()
    male = fields.Integer()
    total = fields.Integer()


class ParticipationSchema(Schema):
    """Who came to a workshop, in figures: by day, sex and staff level, never by name."""

    workshop_id = fields.Integer()
    invited = fields.Integer()
    attended = fields.Integer(metadata={"description": "Invited people who came on at least "
                                                       "one day."})
    female = fields.Integer()
    male = fields.Integer()
    female_share = fields.Integer(allow_none=True, metadata={
        "description": "Per cent of those who came who are women; null when nobody came."})
    all_days = fields.Integer(metadata={"description": "Invited people who came every day."})
    all_days_share = fields.Integer(allow_none=True, metadata={
        "description": "Per cent of those invited who came every day; null when nobody was "
                       "invited."})
    days = fields.List(fields.Nested(ParticipationDaySchema))
    by_level = fields.List(fields.Nested(ParticipationLevelSchema))


class SessionFiguresSchema(Schema):
    """How participants rated one session of the agenda."""

    agenda_item_id = fields.Integer()
    day = fields.Integer()
    starts_at = fields.Time()
    title = fields.String()
    responses = fields.Integer(metadata={"description": "Responses that rated it."})
    average = fields.Float(allow_none=True, metadata={
        "description": "From 4 (very useful) to 1 (not useful); null without ratings."})
    useful_share = fields.Integer(allow_none=True, metadata={
        "description": "Per cent of its ratings that are useful or very useful."})


def _answer_counts():
    """The number of responses per answer to "how useful was the workshop"."""
    return fields.Dict(keys=fields.String(validate=validate.OneOf(list(USEFULNESS))),
                       values=fields.Integer(), metadata={
                           "description": "Responses per answer: " + ", ".join(USEFULNESS)})


class EvaluationFiguresSchema(Schema):
    """What the anonymous evaluations of a workshop add up to; never what anyone wrote."""

    workshop_id = fields.Integer()
    evaluation_open = fields.Boolean()
    responses = fields.Integer()
    usefulness = _answer_counts()
    useful_share = fields.Integer(allow_none=True, metadata={
        "description": "Per cent who found it very useful or useful; null without responses."})
    sessions = fields.List(fields.Nested(SessionFiguresSchema))


class WorkshopFiguresSchema(Schema):
    """One workshop's evaluation figures among those of a cycle."""

    workshop_id = fields.Integer()
    title = fields.String()
    kind = fields.String()
    office_id = fields.Integer(allow_none=True)
    start_date = fields.Date()
    responses = fields.Integer()
    usefulness = _answer_counts()
    useful_share = fields.Integer(allow_none=True)


class CycleEvaluationSchema(Schema):
    """The evaluations of every workshop of a cycle, together and one by one."""

    cycle_id = fields.Integer()
    responses = fields.Integer()
    usefulness = _answer_counts()
    useful_share = fields.Integer(allow_none=True)
    workshops = fields.List(fields.Nested(WorkshopFiguresSchema))


class FiguresQuerySchema(Schema):
    """The cycle of the figures: by default the current one."""

    cycle_id = Id(strict=False)


def _counts_data(figures: EvaluationFigures) -> dict:
    """The counts of evaluation figures as the API shows them."""
    return {"responses": figures.responses, "usefulness": dict(figures.usefulness),
            "useful_share": figures.useful_share}


@blp.route(f"/workshops/<{ID}:workshop_id>/participation")
class WorkshopParticipation(MethodView):
    """A workshop's participation figures."""

    @login_required
    @blp.response(200, ParticipationSchema)
    @documented_errors(blp, 404)
    def get(self, workshop_id):
        """Who came, by day, sex and staff level."""
        workshop = db.get_or_404(Workshop, workshop_id)
        people = participation(workshop)
        return {"workshop_id": workshop.id, "invited": people.invited,
                "attended": people.attended, "female": people.female, "male": people.male,
                "female_share": people.female_share, "all_days": people.both_days,
                "all_days_share": people.all_days_share, "days": people.days,
                "by_level": people.by_level}


@blp.route(f"/workshops/<{ID}:workshop_id>/evaluation")
class WorkshopEvaluation(MethodView):
    """A workshop's evaluation figures."""

    @login_required
    @blp.response(200, EvaluationFiguresSchema)
    @documented_errors(blp, 404)
    def get(self, workshop_id):
        """The responses by answer and each session's ratings, in figures."""
        workshop = db.get_or_404(Workshop, workshop_id)
        figures = evaluation_figures([workshop.id])
        sessions = [{"agenda_item_id": s["item"].id, "day": s["item"].day,
                     "starts_at": s["item"].starts_at, "title": s["item"].title,
                     "responses": s["responses"], "average": s["average"],
                     "useful_share": s["useful_share"]} for s in figures.sessions]
        return {"workshop_id": workshop.id, "evaluation_open": workshop.evaluation_open,
                **_counts_data(figures), "sessions": sessions}


@blp.route("/evaluation/figures")
class EvaluationSummary(MethodView):
    """The evaluations of a cycle's workshops."""

    @login_required
    @blp.arguments(FiguresQuerySchema, location="query")
    @blp.response(200, CycleEvaluationSchema)
    @documented_errors(blp, 404, 422)
    def get(self, args):
        """The responses of all the cycle's workshops by answer, and each workshop's."""
        if "cycle_id" in args:
            cycle = db.get_or_404(PlanCycle, args["cycle_id"])
        else:
            cycle = current_cycle()
            if cycle is None:
                abort(404, message="There is no plan cycle yet.")
        workshops = db.session.scalars(select(Workshop).where(Workshop.cycle_id == cycle.id)
                                       .order_by(Workshop.start_date, Workshop.id)).all()
        counts = {w.id: dict.fromkeys(USEFULNESS, 0) for w in workshops}
        for workshop_id, answer, n in db.session.execute(
                select(EvaluationResponse.workshop_id, EvaluationResponse.usefulness,
                       func.count())
                .join(Workshop, Workshop.id == EvaluationResponse.workshop_id)
                .where(Workshop.cycle_id == cycle.id)
                .group_by(EvaluationResponse.workshop_id, EvaluationResponse.usefulness)):
            counts[workshop_id][answer] = n
        total = dict.fromkeys(USEFULNESS, 0)
        rows = []
        for workshop in workshops:
            figures = EvaluationFigures(sum(counts[workshop.id].values()),
                                        counts[workshop.id], [])
            for answer, n in figures.usefulness.items():
                total[answer] += n
            rows.append({"workshop_id": workshop.id, "title": workshop.title,
                         "kind": workshop.kind, "office_id": workshop.office_id,
                         "start_date": workshop.start_date, **_counts_data(figures)})
        return {"cycle_id": cycle.id, **_counts_data(EvaluationFigures(sum(total.values()),
                                                                       total, [])),
                "workshops": rows}


def register_api(api) -> None:
    """Add the workshops' resources to the API."""
    api.register_blueprint(blp, url_prefix="/api/v1/workshops")
