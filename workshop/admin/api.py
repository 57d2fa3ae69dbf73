"""API resources: offices, plan cycles, milestones and the reference lists."""

from flask.views import MethodView
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from ..core.api import ID, Id, Text, api_blueprint, documented_errors, paginate, service_errors
from ..core.permissions import login_required, permission_required
from ..extensions import db
from .models import (
    CYCLE_STATUSES,
    MAX_POSITION,
    MILESTONE_STATUSES,
    REFERENCE_LISTS,
    STAGES,
    Milestone,
    Office,
    PlanCycle,
)
from .services import (
    delete_cycle,
    delete_milestone,
    delete_office,
    delete_reference_item,
    save_cycle,
    save_milestone,
    save_office,
    save_reference_item,
)

blp = api_blueprint("offices-and-cycles", __name__,
                    "Offices, plan cycles with their timeline, and reference lists.")


# -- offices ----------------------------------------------------------------------------------


class OfficeSchema(Schema):
    """An office of the department."""

    id = fields.Integer(dump_only=True)
    name = Text(required=True, validate=validate.Length(min=1, max=200))
    acronym = Text(required=True, validate=validate.Length(min=1, max=20))
    description = Text(load_default="", validate=validate.Length(max=5000))
    active = fields.Boolean(load_default=True)
    head_id = Id(allow_none=True, load_default=None, metadata={
        "description": "The user who heads the office; overdue progress reports are "
                       "escalated to them."})


@blp.route("/offices")
class Offices(MethodView):
    """The department's offices."""

    @login_required
    @blp.response(200, OfficeSchema(many=True))
    @blp.paginate()
    @documented_errors(blp)
    def get(self, pagination_parameters):
        """List offices by acronym."""
        return paginate(select(Office).order_by(Office.acronym), pagination_parameters)

    @permission_required("manage_offices")
    @blp.arguments(OfficeSchema)
    @blp.response(201, OfficeSchema)
    @documented_errors(blp, 400, 422)
    @service_errors
    def post(self, data):
        """Add an office."""
        office = save_office(None, **data)
        db.session.commit()
        return office


@blp.route(f"/offices/<{ID}:office_id>")
class OfficeItem(MethodView):
    """One office."""

    @login_required
    @blp.response(200, OfficeSchema)
    @documented_errors(blp, 404)
    def get(self, office_id):
        """An office."""
        return db.get_or_404(Office, office_id)

    @permission_required("manage_offices")
    @blp.arguments(OfficeSchema(partial=True))
    @blp.response(200, OfficeSchema)
    @documented_errors(blp, 400, 404, 422)
    @service_errors
    def patch(self, data, office_id):
        """Change an office."""
        office = db.get_or_404(Office, office_id)
        values = {k: getattr(office, k) for k in ("name", "acronym", "description", "active",
                                                  "head_id")}
        values.update(data)
        save_office(office, **values)
        db.session.commit()
        return office

    @permission_required("manage_offices")
    @blp.response(204)
    @documented_errors(blp, 404, 409)
    @service_errors
    def delete(self, office_id):
        """Delete an office that nothing refers to."""
        delete_office(db.get_or_404(Office, office_id))
        db.session.commit()


# -- plan cycles ------------------------------------------------------------------------------


class CycleSchema(Schema):
    """A plan cycle."""

    id = fields.Integer(dump_only=True)
    name = Text(required=True, validate=validate.Length(min=1, max=40))
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)
    status = fields.String(load_default="planning", validate=validate.OneOf(list(CYCLE_STATUSES)))
    description = Text(load_default="", validate=validate.Length(max=5000))
    previous_id = Id(allow_none=True, load_default=None)


@blp.route("/cycles")
class Cycles(MethodView):
    """Plan cycles."""

    @login_required
    @blp.response(200, CycleSchema(many=True))
    @blp.paginate()
    @documented_errors(blp)
    def get(self, pagination_parameters):
        """List plan cycles, newest first."""
        return paginate(select(PlanCycle).order_by(PlanCycle.start_date.desc(), PlanCycle.id),
                        pagination_parameters)

    @permission_required("manage_cycles")
    @blp.arguments(CycleSchema)
    @blp.response(201, CycleSchema)
    @documented_errors(blp, 400, 422)
    @service_errors
    def post(self, data):
        """Create a plan cycle with a proposed timeline of milestones."""
        cycle = save_cycle(None, **data)
        db.session.commit()
        return cycle


@blp.route(f"/cycles/<{ID}:cycle_id>")
class CycleItem(MethodView):
    """One plan cycle."""

    @login_required
    @blp.response(200, CycleSchema)
    @documented_errors(blp, 404)
    def get(self, cycle_id):
        """A plan cycle."""
        return db.get_or_404(PlanCycle, cycle_id)

    @permission_required("manage_cycles")
    @blp.arguments(CycleSchema(partial=True))
    @blp.response(200, CycleSchema)
    @documented_errors(blp, 400, 404, 422)
    @service_errors
    def patch(self, data, cycle_id):
        """Change a plan cycle."""
        cycle = db.get_or_404(PlanCycle, cycle_id)
        values = {k: getattr(cycle, k) for k in ("name", "start_date", "end_date", "status",
                                                 "description", "previous_id")}
        values.update(data)
        save_cycle(cycle, **values)
        db.session.commit()
        return cycle

    @permission_required("manage_cycles")
    @blp.response(204)
    @documented_errors(blp, 404, 409)
    @service_errors
    def delete(self, cycle_id):
        """Delete a cycle still in planning."""
        delete_cycle(db.get_or_404(PlanCycle, cycle_id))
        db.session.commit()


# -- milestones -------------------------------------------------------------------------------


class MilestoneSchema(Schema):
    """A milestone of a cycle's process timeline."""

    id = fields.Integer(dump_only=True)
    cycle_id = fields.Integer(dump_only=True)
    title = Text(required=True, validate=validate.Length(min=1, max=200))
    stage = fields.String(required=True, validate=validate.OneOf(list(STAGES)))
    description = Text(load_default="", validate=validate.Length(max=5000))
    planned_start = fields.Date(required=True)
    planned_end = fields.Date(required=True)
    actual_start = fields.Date(allow_none=True, load_default=None)
    actual_end = fields.Date(allow_none=True, load_default=None)
    status = fields.String(load_default="planned",
                           validate=validate.OneOf(list(MILESTONE_STATUSES)))
    position = fields.Integer(validate=validate.Range(0, MAX_POSITION))
    late = fields.Method("_late", dump_only=True, metadata={
        "type": "boolean", "description": "The planned end has passed and it is not done."})

    def _late(self, milestone) -> bool:
        return milestone.is_late()


@blp.route(f"/cycles/<{ID}:cycle_id>/milestones")
class Milestones(MethodView):
    """The milestones of a cycle, in the order of the process."""

    @login_required
    @blp.response(200, MilestoneSchema(many=True))
    @documented_errors(blp, 404)
    def get(self, cycle_id):
        """A cycle's milestones."""
        return db.get_or_404(PlanCycle, cycle_id).milestones

    @permission_required("manage_timeline")
    @blp.arguments(MilestoneSchema)
    @blp.response(201, MilestoneSchema)
    @documented_errors(blp, 400, 404, 422)
    @service_errors
    def post(self, data, cycle_id):
        """Add a milestone to a cycle."""
        cycle = db.get_or_404(PlanCycle, cycle_id)
        milestone = save_milestone(None, cycle, **data)
        db.session.commit()
        return milestone


@blp.route(f"/milestones/<{ID}:milestone_id>")
class MilestoneItem(MethodView):
    """One milestone."""

    @login_required
    @blp.response(200, MilestoneSchema)
    @documented_errors(blp, 404)
    def get(self, milestone_id):
        """A milestone."""
        return db.get_or_404(Milestone, milestone_id)

    @permission_required("manage_timeline")
    @blp.arguments(MilestoneSchema(partial=True))
    @blp.response(200, MilestoneSchema)
    @documented_errors(blp, 400, 404, 422)
    @service_errors
    def patch(self, data, milestone_id):
        """Change a milestone's dates, status or notes."""
        milestone = db.get_or_404(Milestone, milestone_id)
        values = {k: getattr(milestone, k) for k in (
            "title", "stage", "description", "planned_start", "planned_end", "actual_start",
            "actual_end", "status", "position")}
        values.update(data)
        save_milestone(milestone, milestone.cycle, **values)
        db.session.commit()
        return milestone

    @permission_required("manage_timeline")
    @blp.response(204)
    @documented_errors(blp, 404)
    def delete(self, milestone_id):
        """Remove a milestone."""
        delete_milestone(db.get_or_404(Milestone, milestone_id))
        db.session.commit()


# -- reference lists --------------------------------------------------------------------------


class ReferenceItemSchema(Schema):
    """An entry of a reference list."""

    id = fields.Integer(dump_only=True)
    name = Text(required=True, validate=validate.Length(min=1, max=120))
    description = Text(load_default="", validate=validate.Length(max=2000))
    position = fields.Integer(validate=validate.Range(0, MAX_POSITION), metadata={
        "description": "Order in lists; by default after the last entry."})
    is_active = fields.Boolean(load_default=True)


def _reference_resources(kind: str, model, label: str) -> None:
    """Register the list and item resources of one reference list."""

    class ReferenceCollection(MethodView):
        @login_required
        @blp.response(200, ReferenceItemSchema(many=True))
        @documented_errors(blp)
        def get(self):
            return db.session.scalars(select(model).order_by(model.position, model.name)).all()

        @permission_required("manage_reference_lists")
        @blp.arguments(ReferenceItemSchema)
        @blp.response(201, ReferenceItemSchema)
        @documented_errors(blp, 400, 422)
        @service_errors
        def post(self, data):
            item = save_reference_item(model, None, **data)
            db.session.commit()
            return item

    class ReferenceEntry(MethodView):
        @login_required
        @blp.response(200, ReferenceItemSchema)
        @documented_errors(blp, 404)
        def get(self, item_id):
            return db.get_or_404(model, item_id)

        @permission_required("manage_reference_lists")
        @blp.arguments(ReferenceItemSchema(partial=True))
        @blp.response(200, ReferenceItemSchema)
        @documented_errors(blp, 400, 404, 422)
        @service_errors
        def patch(self, data, item_id):
            item = db.get_or_404(model, item_id)
            values = {k: getattr(item, k) for k in ("name", "description", "position",
                                                    "is_active")}
            values.update(data)
            save_reference_item(model, item, **values)
            db.session.commit()
            return item

        @permission_required("manage_reference_lists")
        @blp.response(204)
        @documented_errors(blp, 404, 409)
        @service_errors
        def delete(self, item_id):
            delete_reference_item(db.get_or_404(model, item_id))
            db.session.commit()

    lower = label[0].lower() + label[1:]
    ReferenceCollection.get.__doc__ = f"List the {lower}."
    ReferenceCollection.post.__doc__ = f"Add an entry to the {lower}."
    ReferenceEntry.get.__doc__ = f"An entry of the {lower}."
    ReferenceEntry.patch.__doc__ = f"Change an entry of the {lower}."
    ReferenceEntry.delete.__doc__ = f"Delete an entry of the {lower} that nothing refers to."
    endpoint = kind.replace("-", "_")
    blp.route(f"/reference/{kind}", endpoint=f"{endpoint}_list")(ReferenceCollection)
    blp.route(f"/reference/{kind}/<{ID}:item_id>", endpoint=f"{endpoint}_item")(ReferenceEntry)


for _kind, (_model, _label, _) in REFERENCE_LISTS.items():
    _reference_resources(_kind, _model, _label)


def register_api(api) -> None:
    """Add these resources under /api/v1."""
    api.register_blueprint(blp, url_prefix="/api/v1")
