"""Admin pages: users, offices, plan cycles and milestones, reference lists, the audit trail;
and the process timeline that every signed-in user can read."""

from datetime import date, datetime, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..auth.models import User, UserRole
from ..auth.roles import ROLES
from ..auth.services import UserError, create_user, reset_password, update_user
from ..core.audit import ACTIONS, AuditEntry, audited_entity_types
from ..core.listing import Column, Filter, Listing
from ..core.models import today
from ..core.permissions import login_required, permission_required
from ..core.validation import FieldError, apply_to_form
from ..extensions import db
from . import bp, public_bp
from .forms import (
    CycleForm,
    MilestoneForm,
    NewUserForm,
    OfficeForm,
    ReferenceItemForm,
    ResetPasswordForm,
    UserForm,
)
from .models import REFERENCE_LISTS, STAGES, Milestone, Office, PlanCycle
from .services import (
    current_cycle,
    delete_cycle,
    delete_milestone,
    delete_office,
    delete_reference_item,
    save_cycle,
    save_milestone,
    save_office,
    save_reference_item,
    timeline_position,
)


def _office_choices(empty: str = "No office"):
    offices = db.session.scalars(select(Office).order_by(Office.acronym))
    return [("", empty)] + [(o.id, f"{o.acronym} · {o.name}") for o in offices]


# -- users ------------------------------------------------------------------------------------


@bp.route("/users")
@permission_required("manage_users")
def users():
    """List users, filtered by role, office and state."""
    offices = db.session.execute(select(Office.id, Office.acronym).order_by(Office.acronym)).all()
    listing = Listing(
        query=select(User).options(selectinload(User.role_links)),
        columns=[
            Column("name", "Name", lambda u: u.name, sort=User.name,
                   link=lambda u: url_for("admin.edit_user", user_id=u.id)),
            Column("email", "E-mail", lambda u: u.email, sort=User.email),
            Column("roles", "Roles", lambda u: ", ".join(u.role_labels)),
            Column("office", "Office", lambda u: u.office.acronym if u.office else "",
                   sort=User.office_id),
            Column("active", "Active", lambda u: u.active, sort=User.active),
            Column("last_sign_in", "Last sign-in",
                   lambda u: u.last_sign_in_at.strftime("%Y-%m-%d %H:%M")
                   if u.last_sign_in_at else "", sort=User.last_sign_in_at),
        ],
        filters=[
            Filter("role", "Role", lambda q, v: q.where(User.role_links.any(UserRole.role == v)),
                   choices=list(ROLES.items())),
            Filter("office", "Office", lambda q, v: q.where(User.office_id == int(v)),
                   choices=[(str(i), a) for i, a in offices]),
            Filter("state", "State", lambda q, v: q.where(User.active == (v == "active")),
                   choices=[("active", "Active"), ("inactive", "Inactive")]),
        ],
        search=[User.name, User.email],
        default_sort="name",
        export_name="users",
    )
    return listing.export_response() or render_template("admin/users.html", listing=listing)


@bp.route("/users/new", methods=["GET", "POST"])
@permission_required("manage_users")
def new_user():
    """Create a user with a temporary password."""
    form = NewUserForm()
    form.office_id.choices = _office_choices()
    if form.validate_on_submit():
        try:
            user = create_user(email=form.email.data, name=form.name.data,
                               password=form.password.data, roles=form.roles.data,
                               office_id=form.office_id.data, must_change_password=True)
            if not form.active.data:
                user.active = False
        except FieldError as error:
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash(f"{user.name} can now sign in with the temporary password you set.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None,
                           title="New user"), 422 if form.errors else 200


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@permission_required("manage_users")
def edit_user(user_id: int):
    """Change a user's details, roles, office or state."""
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user, data=None if request.method == "POST" else {
        "roles": sorted(user.roles)})
    form.office_id.choices = _office_choices()
    if form.validate_on_submit():
        try:
            update_user(user, email=form.email.data, name=form.name.data, roles=form.roles.data,
                        office_id=form.office_id.data, active=form.active.data,
                        acting_user=current_user)
        except FieldError as error:
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash(f"{user.name} has been updated.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user,
                           reset_form=ResetPasswordForm(), title=f"Edit {user.name}"), (
        422 if form.errors else 200)


@bp.route("/users/<int:user_id>/reset-password", methods=["POST"])
@permission_required("manage_users")
def reset_user_password(user_id: int):
    """Set a temporary password that the user must change at next sign-in."""
    user = db.get_or_404(User, user_id)
    reset_form = ResetPasswordForm()
    if reset_form.validate_on_submit():
        try:
            reset_password(user, reset_form.password.data)
        except UserError as error:
            apply_to_form(reset_form, error)
        else:
            db.session.commit()
            flash(f"{user.name}'s password was reset; they must change it at next sign-in.",
                  "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    form = UserForm(obj=user, data={"roles": sorted(user.roles)})
    form.office_id.choices = _office_choices()
    return render_template("admin/user_form.html", form=form, user=user, reset_form=reset_form,
                           title=f"Edit {user.name}"), 422


# -- offices ----------------------------------------------------------------------------------


@bp.route("/offices")
@permission_required("manage_offices")
def offices():
    """List the department's offices with their number of users."""
    counts = (select(User.office_id, func.count(User.id).label("n")).group_by(User.office_id)
              .subquery())
    listing = Listing(
        query=select(Office, func.coalesce(counts.c.n, 0).label("users"))
        .outerjoin(counts, counts.c.office_id == Office.id),
        columns=[
            Column("acronym", "Acronym", lambda r: r[0].acronym, sort=Office.acronym,
                   link=lambda r: url_for("admin.edit_office", office_id=r[0].id)),
            Column("name", "Name", lambda r: r[0].name, sort=Office.name),
            Column("users", "Users", lambda r: r[1], sort=func.coalesce(counts.c.n, 0)),
            Column("active", "Active", lambda r: r[0].active, sort=Office.active),
        ],
        filters=[Filter("state", "State", lambda q, v: q.where(Office.active == (v == "active")),
                        choices=[("active", "Active"), ("inactive", "Inactive")])],
        search=[Office.name, Office.acronym],
        default_sort="acronym",
        export_name="offices",
        scalars=False,
    )
    return listing.export_response() or render_template("admin/offices.html", listing=listing)


@bp.route("/offices/new", methods=["GET", "POST"])
@permission_required("manage_offices")
def new_office():
    """Add an office."""
    return _office_form(None)


@bp.route("/offices/<int:office_id>", methods=["GET", "POST"])
@permission_required("manage_offices")
def edit_office(office_id: int):
    """Change an office."""
    return _office_form(db.get_or_404(Office, office_id))


def _office_form(office: Office | None):
    form = OfficeForm(obj=office)
    form.head_id.choices = [(None, "Not set")] + [
        (u.id, f"{u.name} ({u.email})") for u in db.session.scalars(
            select(User).where(User.active).order_by(User.name))]
    if form.validate_on_submit():
        try:
            office = save_office(office, name=form.name.data, acronym=form.acronym.data,
                                 description=form.description.data, active=form.active.data,
                                 head_id=form.head_id.data)
        except FieldError as error:
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash(f"{office.name} has been saved.", "success")
            return redirect(url_for("admin.offices"))
    title = f"Edit {office.acronym}" if office else "New office"
    return render_template("admin/office_form.html", form=form, office=office, title=title), (
        422 if form.errors else 200)


@bp.route("/offices/<int:office_id>/delete", methods=["POST"])
@permission_required("manage_offices")
def remove_office(office_id: int):
    """Delete an office that nothing refers to."""
    office = db.get_or_404(Office, office_id)
    try:
        delete_office(office)
    except FieldError as error:
        flash(error.message, "danger")
        return redirect(url_for("admin.edit_office", office_id=office.id))
    db.session.commit()
    flash(f"{office.name} has been deleted.", "success")
    return redirect(url_for("admin.offices"))


# -- plan cycles and milestones ---------------------------------------------------------------


@bp.route("/cycles")
@permission_required("manage_cycles")
def cycles():
    """List the plan cycles."""
    listing = Listing(
        query=select(PlanCycle),
        columns=[
            Column("name", "Name", lambda c: c.name, sort=PlanCycle.name,
                   link=lambda c: url_for("admin.cycle", cycle_id=c.id)),
            Column("start", "Starts", lambda c: c.start_date.isoformat(),
                   sort=PlanCycle.start_date),
            Column("end", "Ends", lambda c: c.end_date.isoformat(), sort=PlanCycle.end_date),
            Column("status", "Status", lambda c: c.status_label, sort=PlanCycle.status,
                   badge=lambda c: {"active": "success", "planning": "info"}.get(
                       c.status, "secondary")),
        ],
        filters=[Filter("status", "Status", lambda q, v: q.where(PlanCycle.status == v),
                        choices=[("planning", "Planning"), ("active", "Active"),
                                 ("closed", "Closed")])],
        search=[PlanCycle.name],
        default_sort="-start",
        export_name="plan-cycles",
    )
    return listing.export_response() or render_template("admin/cycles.html", listing=listing)


def _cycle_choices(exclude: int | None):
    cycles = db.session.scalars(select(PlanCycle).order_by(PlanCycle.start_date.desc()))
    return [("", "None (first cycle)")] + [(c.id, c.name) for c in cycles if c.id != exclude]


@bp.route("/cycles/new", methods=["GET", "POST"])
@permission_required("manage_cycles")
def new_cycle():
    """Create a plan cycle with a proposed timeline."""
    return _cycle_form(None)


@bp.route("/cycles/<int:cycle_id>/edit", methods=["GET", "POST"])
@permission_required("manage_cycles")
def edit_cycle(cycle_id: int):
    """Change a plan cycle."""
    return _cycle_form(db.get_or_404(PlanCycle, cycle_id))


def _cycle_form(cycle: PlanCycle | None):
    form = CycleForm(obj=cycle)
    form.previous_id.choices = _cycle_choices(cycle.id if cycle else None)
    if form.validate_on_submit():
        try:
            cycle = save_cycle(cycle, name=form.name.data, start_date=form.start_date.data,
                               end_date=form.end_date.data, status=form.status.data,
                               description=form.description.data,
                               previous_id=form.previous_id.data)
        except FieldError as error:
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash(f"Cycle {cycle.name} has been saved.", "success")
            return redirect(url_for("admin.cycle", cycle_id=cycle.id))
    title = f"Edit cycle {cycle.name}" if cycle else "New plan cycle"
    return render_template("admin/cycle_form.html", form=form, cycle=cycle, title=title), (
        422 if form.errors else 200)


@bp.route("/cycles/<int:cycle_id>")
@permission_required("manage_cycles", "manage_timeline")
def cycle(cycle_id: int):
    """A cycle's details and its milestones, for editing."""
    cycle = db.get_or_404(PlanCycle, cycle_id)
    return render_template("admin/cycle.html", cycle=cycle, title=f"Cycle {cycle.name}",
                           on=today())


@bp.route("/cycles/<int:cycle_id>/delete", methods=["POST"])
@permission_required("manage_cycles")
def remove_cycle(cycle_id: int):
    """Delete a cycle still in planning."""
    cycle = db.get_or_404(PlanCycle, cycle_id)
    try:
        delete_cycle(cycle)
    except FieldError as error:
        flash(error.message, "danger")
        return redirect(url_for("admin.cycle", cycle_id=cycle.id))
    db.session.commit()
    flash(f"Cycle {cycle.name} has been deleted.", "success")
    return redirect(url_for("admin.cycles"))


@bp.route("/cycles/<int:cycle_id>/milestones/new", methods=["GET", "POST"])
@permission_required("manage_timeline")
def new_milestone(cycle_id: int):
    """Add a milestone to a cycle's timeline."""
    cycle = db.get_or_404(PlanCycle, cycle_id)
    return _milestone_form(cycle, None)


@bp.route("/milestones/<int:milestone_id>", methods=["GET", "POST"])
@permission_required("manage_timeline")
def edit_milestone(milestone_id: int):
    """Change a milestone: its dates, status and notes."""
    milestone = db.get_or_404(Milestone, milestone_id)
    return _milestone_form(milestone.cycle, milestone)


def _milestone_form(cycle: PlanCycle, milestone: Milestone | None):
    form = MilestoneForm(obj=milestone)
    if form.validate_on_submit():
        try:
            milestone = save_milestone(
                milestone, cycle, title=form.title.data, stage=form.stage.data,
                planned_start=form.planned_start.data, planned_end=form.planned_end.data,
                actual_start=form.actual_start.data, actual_end=form.actual_end.data,
                status=form.status.data, description=form.description.data)
        except FieldError as error:
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash(f"Milestone “{milestone.title}” has been saved.", "success")
            return redirect(url_for("admin.cycle", cycle_id=cycle.id))
    title = "Edit milestone" if milestone else f"New milestone in {cycle.name}"
    return render_template("admin/milestone_form.html", form=form, cycle=cycle,
                           milestone=milestone, title=title), 422 if form.errors else 200


@bp.route("/milestones/<int:milestone_id>/delete", methods=["POST"])
@permission_required("manage_timeline")
def remove_milestone(milestone_id: int):
    """Remove a milestone from the timeline."""
    milestone = db.get_or_404(Milestone, milestone_id)
    cycle_id = milestone.cycle_id
    delete_milestone(milestone)
    db.session.commit()
    flash("The milestone has been removed.", "success")
    return redirect(url_for("admin.cycle", cycle_id=cycle_id))


# -- the timeline, for everyone ---------------------------------------------------------------


def timeline_geometry(cycle: PlanCycle, on: date) -> dict:
    """Positions of the bars of the timeline chart, in SVG units."""
    left, width, row = 230, 740, 30
    span = max(1, (cycle.end_date - cycle.start_date).days + 1)

    def x(day: date) -> float:
        offset = min(max((day - cycle.start_date).days, 0), span)
        return round(left + width * offset / span, 1)

    rows = []
    for index, m in enumerate(cycle.milestones):
        y = 40 + index * row
        planned = (x(m.planned_start), max(2.0, x(m.planned_end + timedelta(days=1))
                                           - x(m.planned_start)))
        actual = None
        if m.actual_start:
            end = m.actual_end or min(on, cycle.end_date)
            actual = (x(m.actual_start), max(2.0, x(end + timedelta(days=1))
                                             - x(m.actual_start)))
        rows.append({"m": m, "y": y, "planned": planned, "actual": actual,
                     "late": m.is_late(on)})
    months, cursor = [], date(cycle.start_date.year, cycle.start_date.month, 1)
    while cursor <= cycle.end_date:
        if cursor >= cycle.start_date:
            months.append((x(cursor), cursor))
        cursor = date(cursor.year + (cursor.month // 12), cursor.month % 12 + 1, 1)
    step = max(1, len(months) // 12)
    return {
        "left": left, "width": width, "height": 50 + len(rows) * row, "rows": rows,
        "months": months[::step],
        "today": x(on) if cycle.contains(on) else None,
    }


@public_bp.route("/timeline")
@public_bp.route("/timeline/<int:cycle_id>")
@login_required
def timeline(cycle_id: int | None = None):
    """Where the department stands: the cycle's milestones, planned against actual."""
    picked = request.args.get("cycle", type=int)
    cycle_id = cycle_id or picked
    cycle = db.get_or_404(PlanCycle, cycle_id) if cycle_id else current_cycle()
    all_cycles = db.session.scalars(select(PlanCycle).order_by(PlanCycle.start_date.desc())).all()
    on = today()
    context = {"cycle": cycle, "cycles": all_cycles, "on": on, "title": "Process timeline"}
    if cycle is not None:
        context.update(position=timeline_position(cycle, on),
                       chart=timeline_geometry(cycle, on), stages=STAGES)
    return render_template("admin/timeline.html", **context)


# -- reference lists --------------------------------------------------------------------------


def _reference(kind: str):
    if kind not in REFERENCE_LISTS:
        abort(404)
    return REFERENCE_LISTS[kind]


@bp.route("/reference-lists")
@permission_required("manage_reference_lists")
def reference_lists():
    """The reference lists and how many entries each has."""
    counts = {kind: db.session.scalar(select(func.count()).select_from(model))
              for kind, (model, _, _) in REFERENCE_LISTS.items()}
    return render_template("admin/reference_lists.html", lists=REFERENCE_LISTS, counts=counts,
                           title="Reference lists")


@bp.route("/reference-lists/<kind>")
@permission_required("manage_reference_lists")
def reference_list(kind: str):
    """The entries of one reference list."""
    model, label, description_label = _reference(kind)
    listing = Listing(
        query=select(model),
        columns=[
            Column("position", "Order", lambda i: i.position, sort=model.position),
            Column("name", "Name", lambda i: i.name, sort=model.name,
                   link=lambda i: url_for("admin.edit_reference_item", kind=kind, item_id=i.id)),
            Column("description", description_label, lambda i: i.description),
            Column("active", "In use", lambda i: i.is_active, sort=model.is_active),
        ],
        search=[model.name, model.description],
        default_sort="position",
        export_name=kind,
        page_size=100,
    )
    return listing.export_response() or render_template(
        "admin/reference_list.html", listing=listing, kind=kind, label=label, title=label)


@bp.route("/reference-lists/<kind>/new", methods=["GET", "POST"])
@permission_required("manage_reference_lists")
def new_reference_item(kind: str):
    """Add an entry to a reference list."""
    return _reference_form(kind, None)


@bp.route("/reference-lists/<kind>/<int:item_id>", methods=["GET", "POST"])
@permission_required("manage_reference_lists")
def edit_reference_item(kind: str, item_id: int):
    """Change an entry of a reference list."""
    model = _reference(kind)[0]
    return _reference_form(kind, db.get_or_404(model, item_id))


def _reference_form(kind: str, item):
    model, label, description_label = _reference(kind)
    form = ReferenceItemForm(obj=item)
    form.description.label.text = description_label
    if form.validate_on_submit():
        try:
            item = save_reference_item(model, item, name=form.name.data,
                                       description=form.description.data,
                                       position=form.position.data,
                                       is_active=form.is_active.data)
        except FieldError as error:
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash(f"“{item.name}” has been saved.", "success")
            return redirect(url_for("admin.reference_list", kind=kind))
    return render_template("admin/reference_form.html", form=form, item=item, kind=kind,
                           label=label, title=f"{label}: {'edit' if item else 'new entry'}"), (
        422 if form.errors else 200)


@bp.route("/reference-lists/<kind>/<int:item_id>/delete", methods=["POST"])
@permission_required("manage_reference_lists")
def remove_reference_item(kind: str, item_id: int):
    """Delete an entry nothing refers to."""
    model = _reference(kind)[0]
    item = db.get_or_404(model, item_id)
    try:
        delete_reference_item(item)
    except FieldError as error:
        flash(error.message, "danger")
        return redirect(url_for("admin.edit_reference_item", kind=kind, item_id=item.id))
    db.session.commit()
    flash(f"“{item.name}” has been deleted.", "success")
    return redirect(url_for("admin.reference_list", kind=kind))


# -- audit trail ------------------------------------------------------------------------------


def _parse_day(value: str) -> date | None:
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()  # noqa: DTZ007 - a plain date
    except ValueError:
        return None


def _since(query, value):
    day = _parse_day(value)
    return query.where(AuditEntry.at >= datetime.combine(day, datetime.min.time())) if day else (
        query)


def _until(query, value):
    day = _parse_day(value)
    if not day:
        return query
    return query.where(AuditEntry.at < datetime.combine(day + timedelta(days=1),
                                                        datetime.min.time()))


def describe_changes(entry: AuditEntry) -> str:
    """A one-line summary of what an audit entry changed."""
    if entry.action != "update":
        return ", ".join(sorted(entry.changes))
    return "; ".join(f"{field}: {before!s} → {after!s}"
                     for field, (before, after) in sorted(entry.changes.items()))


@bp.route("/audit")
@permission_required("view_audit_trail")
def audit():
    """Browse and filter the audit trail."""
    listing = Listing(
        query=select(AuditEntry),
        columns=[
            Column("at", "When", lambda e: e.at.strftime("%Y-%m-%d %H:%M:%S"), sort=AuditEntry.at,
                   link=lambda e: url_for("admin.audit_entry", entry_id=e.id)),
            Column("actor", "Who", lambda e: e.actor_label, sort=AuditEntry.actor_label),
            Column("action", "Action", lambda e: e.action, sort=AuditEntry.action,
                   badge=lambda e: {"create": "success", "update": "primary",
                                    "delete": "danger"}[e.action]),
            Column("type", "Record type", lambda e: e.entity_type, sort=AuditEntry.entity_type),
            Column("record", "Record", lambda e: e.entity_label, sort=AuditEntry.entity_label),
            Column("changes", "What changed", describe_changes),
        ],
        filters=[
            Filter("type", "Record type", lambda q, v: q.where(AuditEntry.entity_type == v),
                   choices=[(t, t) for t in audited_entity_types()]),
            Filter("action", "Action", lambda q, v: q.where(AuditEntry.action == v),
                   choices=[(a, a.capitalize()) for a in ACTIONS]),
            Filter("actor", "Who (e-mail)",
                   lambda q, v: q.where(AuditEntry.actor_label.ilike(f"%{v}%"))),
            Filter("since", "From (YYYY-MM-DD)", _since),
            Filter("until", "To (YYYY-MM-DD)", _until),
        ],
        search=[AuditEntry.entity_label],
        default_sort="-at",
        export_name="audit-trail",
        page_size=50,
    )
    return listing.export_response() or render_template("admin/audit.html", listing=listing,
                                                        title="Audit trail")


@bp.route("/audit/<int:entry_id>")
@permission_required("view_audit_trail")
def audit_entry(entry_id: int):
    """One audit entry with every value before and after."""
    entry = db.get_or_404(AuditEntry, entry_id)
    history_query = (select(AuditEntry)
                     .where(AuditEntry.entity_type == entry.entity_type,
                            AuditEntry.entity_id == entry.entity_id)
                     .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(50))
    history = db.session.scalars(history_query).all()
    return render_template("admin/audit_entry.html", entry=entry, history=history,
                           title="Audit entry")
