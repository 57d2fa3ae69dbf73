"""Workshop pages: the curriculum and its versions, workshops with their agenda, invitations
and attendance, evaluations; and the anonymous evaluation form participants open by link."""

import secrets
from datetime import timedelta

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..admin.models import GapCategory, Office, PlanCycle, ThematicArea
from ..admin.services import current_cycle
from ..assessment.models import Gap, Nomination
from ..core.listing import Column, Filter, Listing
from ..core.permissions import login_required, permission_required, require
from ..core.validation import FieldError, apply_to_form
from ..extensions import db, limiter
from . import bp, public_bp
from .forms import (
    AgendaItemForm,
    EvaluationForm,
    ModuleForm,
    PublishForm,
    RevisionForm,
    WorkshopForm,
)
from .models import (
    ATTENDANCE,
    KINDS,
    RATINGS,
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
    close_evaluation,
    current_curriculum,
    delete_agenda_item,
    delete_module,
    draft_curriculum,
    evaluation_figures,
    facilitators_query,
    figures_by_workshop,
    has_answered,
    invite,
    open_evaluation,
    participation,
    publish_version,
    record_attendance,
    record_revision,
    save_agenda_item,
    save_module,
    save_workshop,
    start_revision,
    submit_evaluation,
    uncovered_gaps,
    uninvite,
)


def _refused(form) -> int:
    return 422 if form.errors else 200


def can_see_names(user, workshop: Workshop) -> bool:
    """Attendance names: those who run workshops, and staff of the workshop's own office."""
    return user.can("run_workshops") or (workshop.office_id is not None and
                                         user.belongs_to(workshop.office_id))


# -- the curriculum ----------------------------------------------------------------------------


@bp.route("/curriculum")
@login_required
def curriculum():
    """The current curriculum, the revision under way, and every version."""
    versions = db.session.scalars(select(CurriculumVersion).order_by(
        CurriculumVersion.number.desc()).options(selectinload(CurriculumVersion.modules))).all()
    return render_template("workshops/curriculum.html", title="Curriculum",
                           current=current_curriculum(), draft=draft_curriculum(),
                           versions=versions)


def compare(old: CurriculumVersion | None, new: CurriculumVersion) -> list[dict]:
    """The modules of `new` against `old`, by code: added, removed, changed (which fields)."""
    before = {m.code: m for m in old.modules} if old else {}
    rows = []
    for module in new.modules:
        previous = before.pop(module.code, None)
        if previous is None:
            rows.append({"code": module.code, "module": module, "state": "added", "fields": []})
            continue
        fields = [label for attr, label in (
            ("title", "title"), ("objectives", "objectives"), ("method", "method"),
            ("duration_minutes", "duration"), ("optional", "optional"))
            if getattr(previous, attr) != getattr(module, attr)]
        if {c.id for c in previous.categories} != {c.id for c in module.categories} or \
                {a.id for a in previous.thematic_areas} != {a.id for a in module.thematic_areas}:
            fields.append("gaps it answers")
        rows.append({"code": module.code, "module": module, "previous": previous,
                     "state": "changed" if fields else "same", "fields": fields})
    rows += [{"code": code, "module": m, "state": "removed", "fields": []}
             for code, m in before.items()]
    return rows


@bp.route("/curriculum/<int:version_id>")
@login_required
def version(version_id: int):
    """A version of the curriculum: its modules, what changed from the one before and why."""
    version = db.get_or_404(CurriculumVersion, version_id)
    publish_form = PublishForm() if version.status == "draft" else None
    return render_template("workshops/version.html", title=str(version), version=version,
                           changes=compare(version.based_on, version) if version.based_on
                           else None, publish_form=publish_form)


@bp.route("/curriculum/revise", methods=["POST"])
@permission_required("run_workshops")
def revise():
    """Start the next version as a copy of the current one."""
    try:
        version = start_revision()
    except FieldError as error:
        flash(error.message, "danger")
        return redirect(url_for("workshops.curriculum"))
    db.session.commit()
    flash(f"Version {version.number} is a draft: change its modules, record why, then "
          "publish it.", "success")
    return redirect(url_for("workshops.version", version_id=version.id))


def _module_form(form: ModuleForm) -> ModuleForm:
    form.category_ids.choices = [(c.id, c.name) for c in db.session.scalars(
        select(GapCategory).order_by(GapCategory.position, GapCategory.name))]
    form.thematic_area_ids.choices = [(a.id, a.name) for a in db.session.scalars(
        select(ThematicArea).order_by(ThematicArea.position, ThematicArea.name))]
    return form


@bp.route("/curriculum/<int:version_id>/modules/new", methods=["GET", "POST"])
@permission_required("run_workshops")
def new_module(version_id: int):
    """Add a module to a draft version."""
    version = db.get_or_404(CurriculumVersion, version_id)
    return _module_page(version, None)


@bp.route("/curriculum/modules/<int:module_id>", methods=["GET", "POST"])
@permission_required("run_workshops")
def edit_module(module_id: int):
    """Change a module of a draft version."""
    module = db.get_or_404(CurriculumModule, module_id)
    return _module_page(module.version, module)


def _module_page(version: CurriculumVersion, module: CurriculumModule | None):
    data = None
    if module is not None and request.method == "GET":
        data = {"category_ids": [c.id for c in module.categories],
                "thematic_area_ids": [a.id for a in module.thematic_areas]}
    form = _module_form(ModuleForm(obj=module, data=data))
    if version.status != "draft":
        flash(f"Version {version.number} is published; start a revision to change it.",
              "warning")
        return redirect(url_for("workshops.version", version_id=version.id))
    if form.validate_on_submit():
        try:
            save_module(module, version, code=form.code.data, title=form.title.data,
                        duration_minutes=form.duration_minutes.data,
                        objectives=form.objectives.data, method=form.method.data,
                        optional=form.optional.data, category_ids=form.category_ids.data,
                        thematic_area_ids=form.thematic_area_ids.data,
                        position=form.position.data)
        except FieldError as error:
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash(f"Module {form.code.data.upper()} has been saved.", "success")
            return redirect(url_for("workshops.version", version_id=version.id))
    title = f"Edit {module.code}" if module else f"New module in version {version.number}"
    return render_template("workshops/module_form.html", title=title, form=form,
                           version=version, module=module), _refused(form)


@bp.route("/curriculum/modules/<int:module_id>/delete", methods=["POST"])
@permission_required("run_workshops")
def remove_module(module_id: int):
    """Take a module out of a draft version."""
    module = db.get_or_404(CurriculumModule, module_id)
    version_id = module.version_id
    try:
        delete_module(module)
    except FieldError as error:
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash("The module has been removed from the draft.", "success")
    return redirect(url_for("workshops.version", version_id=version_id))


@bp.route("/curriculum/<int:version_id>/revisions/new", methods=["GET", "POST"])
@permission_required("run_workshops")
def new_revision(version_id: int):
    """Record what changed in a draft version and why."""
    version = db.get_or_404(CurriculumVersion, version_id)
    form = RevisionForm()
    form.workshop_id.choices = [("", "None: observations")] + [
        (w.id, f"{w.title} ({w.start_date:%d %b %Y})") for w in db.session.scalars(
            select(Workshop).order_by(Workshop.start_date.desc()))]
    if form.validate_on_submit():
        try:
            record_revision(version, change=form.change.data, reason=form.reason.data,
                            module_code=form.module_code.data,
                            workshop_id=form.workshop_id.data, recorded_by=current_user)
        except FieldError as error:
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash("The revision has been recorded.", "success")
            return redirect(url_for("workshops.version", version_id=version.id))
    return render_template("workshops/revision_form.html", title="Record a revision",
                           form=form, version=version), _refused(form)


@bp.route("/curriculum/<int:version_id>/publish", methods=["POST"])
@permission_required("run_workshops")
def publish(version_id: int):
    """Make a draft the current curriculum."""
    version = db.get_or_404(CurriculumVersion, version_id)
    form = PublishForm()
    try:
        publish_version(version, form.summary.data or "")
    except FieldError as error:
        flash(error.message, "danger")
        return redirect(url_for("workshops.version", version_id=version.id))
    db.session.commit()
    flash(f"Version {version.number} is now the curriculum new workshops are built from.",
          "success")
    return redirect(url_for("workshops.version", version_id=version.id))


# -- workshops -----------------------------------------------------------------------------------


def _cycle() -> PlanCycle | None:
    cycle_id = request.args.get("cycle", type=int)
    return db.get_or_404(PlanCycle, cycle_id) if cycle_id else current_cycle()


@bp.route("/")
@login_required
def index():
    """Every workshop of the cycle, with participation and evaluation figures."""
    cycle = _cycle()
    if cycle is None:
        return render_template("workshops/no_cycle.html", title="Workshops")
    attended = (select(Invitation.workshop_id, func.count(func.distinct(Invitation.id))
                       .label("n"))
                .join(Attendance, Attendance.invitation_id == Invitation.id)
                .where(Attendance.status.in_(("present", "left_early")))
                .group_by(Invitation.workshop_id).subquery())
    answers = (select(EvaluationResponse.workshop_id, func.count().label("n"))
               .group_by(EvaluationResponse.workshop_id).subquery())
    offices = [(str(o.id), o.acronym) for o in db.session.scalars(
        select(Office).order_by(Office.acronym))]
    listing = Listing(
        query=select(Workshop, func.coalesce(attended.c.n, 0), func.coalesce(answers.c.n, 0))
        .outerjoin(attended, attended.c.workshop_id == Workshop.id)
        .outerjoin(answers, answers.c.workshop_id == Workshop.id)
        .where(Workshop.cycle_id == cycle.id)
        .options(selectinload(Workshop.office), selectinload(Workshop.curriculum_version)),
        columns=[
            Column("title", "Workshop", lambda r: r[0].title, sort=Workshop.title,
                   link=lambda r: url_for("workshops.workshop", workshop_id=r[0].id)),
            Column("kind", "Kind", lambda r: r[0].kind_label, sort=Workshop.kind),
            Column("office", "Office", lambda r: r[0].office.acronym if r[0].office else "—",
                   sort=Workshop.office_id),
            Column("start", "Dates", lambda r: f"{r[0].start_date:%Y-%m-%d} to "
                                               f"{r[0].end_date:%Y-%m-%d}",
                   sort=Workshop.start_date, nowrap=True),
            Column("status", "Status", lambda r: r[0].status_label, sort=Workshop.status,
                   badge=lambda r: {"planned": "info", "held": "primary"}.get(r[0].status,
                                                                               "success")),
            Column("version", "Curriculum", lambda r: f"v{r[0].curriculum_version.number}"),
            Column("attended", "Attended", lambda r: r[1], numeric=True,
                   sort=func.coalesce(attended.c.n, 0)),
            Column("responses", "Evaluations", lambda r: r[2], numeric=True,
                   sort=func.coalesce(answers.c.n, 0)),
        ],
        filters=[
            Filter("kind", "Kind", lambda q, v: q.where(Workshop.kind == v),
                   choices=list(KINDS.items())),
            Filter("office", "Office", lambda q, v: q.where(Workshop.office_id == int(v)),
                   choices=offices),
            Filter("status", "Status", lambda q, v: q.where(Workshop.status == v),
                   choices=list(WORKSHOP_STATUSES.items())),
        ],
        search=[Workshop.title, Workshop.venue],
        default_sort="start",
        export_name=f"workshops-{cycle.name}",
        scalars=False,
    )
    ids = list(db.session.scalars(select(Workshop.id).where(Workshop.cycle_id == cycle.id)))
    return listing.export_response() or render_template(
        "workshops/index.html", title="Workshops", listing=listing, cycle=cycle,
        figures=evaluation_figures(ids, sessions=False))


def _workshop_form(form: WorkshopForm, workshop: Workshop | None = None) -> WorkshopForm:
    form.office_id.choices = [("", "Choose an office")] + [
        (o.id, f"{o.acronym} · {o.name}") for o in db.session.scalars(
            select(Office).where(Office.active).order_by(Office.acronym))]
    people = list(db.session.scalars(facilitators_query()))
    if workshop is not None:
        people += [u for u in workshop.facilitators if u not in people]
    form.facilitator_ids.choices = [(u.id, u.name) for u in people]
    return form


@bp.route("/new", methods=["GET", "POST"])
@permission_required("run_workshops")
def new():
    """Plan a workshop; its agenda is proposed from the current curriculum."""
    cycle = current_cycle()
    if cycle is None:
        return render_template("workshops/no_cycle.html", title="Workshops")
    kind = request.args.get("kind", "office")
    form = _workshop_form(WorkshopForm(data={"kind": kind if kind in KINDS else "office",
                                             "office_id": request.args.get("office", type=int),
                                             "facilitator_ids": [current_user.id]}))
    if form.validate_on_submit():
        try:
            workshop = save_workshop(None, cycle_id=cycle.id, kind=form.kind.data,
                                     office_id=form.office_id.data, title=form.title.data,
                                     start_date=form.start_date.data,
                                     end_date=form.end_date.data, venue=form.venue.data,
                                     facilitator_ids=form.facilitator_ids.data,
                                     status=form.status.data,
                                     observations=form.observations.data)
        except FieldError as error:
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash(f"“{workshop.title}” is planned with an agenda of {len(workshop.agenda)} "
                  f"sessions proposed from curriculum version "
                  f"{workshop.curriculum_version.number}; adjust it as needed.", "success")
            return redirect(url_for("workshops.workshop", workshop_id=workshop.id))
    return render_template("workshops/workshop_form.html", title="Plan a workshop", form=form,
                           workshop=None, cycle=cycle,
                           curriculum=current_curriculum()), _refused(form)


@bp.route("/<int:workshop_id>/edit", methods=["GET", "POST"])
@permission_required("run_workshops")
def edit(workshop_id: int):
    """Change a workshop's details and status."""
    workshop = db.get_or_404(Workshop, workshop_id)
    data = None if request.method == "POST" else {
        "facilitator_ids": [u.id for u in workshop.facilitators]}
    form = _workshop_form(WorkshopForm(obj=workshop, data=data), workshop)
    if form.validate_on_submit():
        try:
            save_workshop(workshop, cycle_id=workshop.cycle_id, kind=form.kind.data,
                          office_id=form.office_id.data, title=form.title.data,
                          start_date=form.start_date.data, end_date=form.end_date.data,
                          venue=form.venue.data, facilitator_ids=form.facilitator_ids.data,
                          status=form.status.data, observations=form.observations.data)
        except FieldError as error:
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash("The workshop has been saved.", "success")
            return redirect(url_for("workshops.workshop", workshop_id=workshop.id))
    return render_template("workshops/workshop_form.html", title=f"Edit {workshop.title}",
                           form=form, workshop=workshop, cycle=workshop.cycle,
                           curriculum=workshop.curriculum_version), _refused(form)


@bp.route("/<int:workshop_id>")
@login_required
def workshop(workshop_id: int):
    """A workshop: its agenda by day, the gaps no session covers, who came, what they said."""
    workshop = db.session.scalar(select(Workshop).where(Workshop.id == workshop_id).options(
        selectinload(Workshop.agenda).selectinload(AgendaItem.gaps),
        selectinload(Workshop.agenda).selectinload(AgendaItem.module),
        selectinload(Workshop.facilitators)))
    if workshop is None:
        abort(404)
    days = {}
    for item in workshop.agenda:
        days.setdefault(item.day, []).append(item)
    day_dates = {d: workshop.start_date + timedelta(days=d - 1)
                 for d in range(1, workshop.days + 1)}
    return render_template("workshops/workshop.html", title=workshop.title, workshop=workshop,
                           days=days, day_dates=day_dates, usefulness=USEFULNESS,
                           uncovered=uncovered_gaps(workshop),
                           people=participation(workshop),
                           figures=evaluation_figures([workshop.id]),
                           manage=current_user.can("run_workshops"))


# -- the agenda ---------------------------------------------------------------------------------


def _agenda_form(form: AgendaItemForm, workshop: Workshop) -> AgendaItemForm:
    form.module_id.choices = [("", "No module")] + [
        (m.id, f"{m.code} · {m.title}") for m in workshop.curriculum_version.modules]
    gaps = db.session.scalars(select(Gap).where(Gap.cycle_id == workshop.cycle_id,
                                                Gap.merged_into_id.is_(None))
                              .order_by(Gap.number)).all()
    form.gap_ids.choices = [(g.id, f"{g.code} {g.title}") for g in gaps]
    return form


@bp.route("/<int:workshop_id>/agenda/new", methods=["GET", "POST"])
@permission_required("run_workshops")
def new_session(workshop_id: int):
    """Add a session to the agenda."""
    workshop = db.get_or_404(Workshop, workshop_id)
    return _agenda_page(workshop, None)


@bp.route("/agenda/<int:agenda_id>", methods=["GET", "POST"])
@permission_required("run_workshops")
def edit_session(agenda_id: int):
    """Change a session of the agenda."""
    item = db.get_or_404(AgendaItem, agenda_id)
    return _agenda_page(item.workshop, item)


def _agenda_page(workshop: Workshop, item: AgendaItem | None):
    data = None
    if item is not None and request.method == "GET":
        data = {"gap_ids": [g.id for g in item.gaps]}
    form = _agenda_form(AgendaItemForm(obj=item, data=data), workshop)
    if form.validate_on_submit():
        try:
            save_agenda_item(item, workshop, day=form.day.data, starts_at=form.starts_at.data,
                             ends_at=form.ends_at.data, title=form.title.data,
                             module_id=form.module_id.data, facilitator=form.facilitator.data,
                             gap_ids=form.gap_ids.data)
        except FieldError as error:
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash("The agenda has been saved.", "success")
            return redirect(url_for("workshops.workshop", workshop_id=workshop.id) + "#agenda")
    title = "Edit session" if item else "Add a session"
    return render_template("workshops/agenda_form.html", title=title, form=form,
                           workshop=workshop, item=item), _refused(form)


@bp.route("/agenda/<int:agenda_id>/delete", methods=["POST"])
@permission_required("run_workshops")
def remove_session(agenda_id: int):
    """Take a session out of the agenda."""
    item = db.get_or_404(AgendaItem, agenda_id)
    workshop_id = item.workshop_id
    delete_agenda_item(item)
    db.session.commit()
    flash("The session has been removed from the agenda.", "success")
    return redirect(url_for("workshops.workshop", workshop_id=workshop_id) + "#agenda")


# -- invitations and attendance -----------------------------------------------------------------


MAX_OFFICES_AT_ONCE = 12  # beyond this, the pilot's invitation list shows one office at a time


@bp.route("/<int:workshop_id>/attendance", methods=["GET", "POST"])
@login_required
def attendance(workshop_id: int):
    """Who is invited and who came, day by day; those who run workshops mark it."""
    workshop = db.get_or_404(Workshop, workshop_id)
    require(can_see_names(current_user, workshop))
    invitations = db.session.scalars(
        select(Invitation).join(Nomination).where(Invitation.workshop_id == workshop.id)
        .options(selectinload(Invitation.nomination).selectinload(Nomination.level),
                 selectinload(Invitation.nomination).selectinload(Nomination.office))
        .order_by(Nomination.name)).all()
    marks = {(a.invitation_id, a.day): a.status for a in db.session.scalars(
        select(Attendance).join(Invitation).where(Invitation.workshop_id == workshop.id))}
    errors = []
    if request.method == "POST":
        require(current_user.can("run_workshops"))
        wanted = {}
        for invitation in invitations:
            for day in range(1, workshop.days + 1):
                value = request.form.get(f"a-{invitation.id}-{day}", "")
                wanted.setdefault(invitation.id, {})[day] = value or None
        try:
            record_attendance(workshop, wanted)
        except FieldError as error:
            errors.append(error.message)
        else:
            db.session.commit()
            flash("Attendance has been saved.", "success")
            return redirect(url_for("workshops.attendance", workshop_id=workshop.id))
    query = select(Nomination).where(Nomination.cycle_id == workshop.cycle_id,
                                     Nomination.id.not_in(select(Invitation.nomination_id).where(
                                         Invitation.workshop_id == workshop.id))).options(
        selectinload(Nomination.level), selectinload(Nomination.office))
    offices, office_id = [], None
    if workshop.office_id is not None:
        query = query.where(Nomination.office_id == workshop.office_id)
    else:  # the pilot invites from every office: one office at a time when there are many
        offices = db.session.execute(select(Office.id, Office.acronym).where(
            Office.id.in_(select(Nomination.office_id).where(
                Nomination.cycle_id == workshop.cycle_id))).order_by(Office.acronym)).all()
        office_id = request.args.get("office", type=int)
        if office_id is None and len(offices) > MAX_OFFICES_AT_ONCE:
            office_id = offices[0][0]
        if office_id is not None:
            query = query.where(Nomination.office_id == office_id)
    uninvited = db.session.scalars(query.order_by(Nomination.name)).all()
    return render_template("workshops/attendance.html", title=f"Attendance · {workshop.title}",
                           workshop=workshop, invitations=invitations, marks=marks,
                           uninvited=uninvited, statuses=ATTENDANCE, errors=errors,
                           offices=offices, office_id=office_id,
                           max_offices=MAX_OFFICES_AT_ONCE,
                           people=participation(workshop),
                           manage=current_user.can("run_workshops")), 422 if errors else 200


@bp.route("/<int:workshop_id>/invitations", methods=["POST"])
@permission_required("run_workshops")
def invitations(workshop_id: int):
    """Invite the nominated people ticked."""
    workshop = db.get_or_404(Workshop, workshop_id)
    ids = request.form.getlist("nomination_ids", type=int)
    try:
        added = invite(workshop, ids)
    except FieldError as error:
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash(f"{len(added)} people invited.", "success")
    return redirect(url_for("workshops.attendance", workshop_id=workshop.id))


@bp.route("/invitations/<int:invitation_id>/delete", methods=["POST"])
@permission_required("run_workshops")
def remove_invitation(invitation_id: int):
    """Withdraw an invitation."""
    invitation = db.get_or_404(Invitation, invitation_id)
    workshop_id = invitation.workshop_id
    uninvite(invitation)
    db.session.commit()
    flash("The invitation has been withdrawn.", "success")
    return redirect(url_for("workshops.attendance", workshop_id=workshop_id))


# -- evaluations --------------------------------------------------------------------------------


@bp.route("/<int:workshop_id>/evaluation")
@permission_required("run_workshops")
def evaluation(workshop_id: int):
    """The evaluation link and QR code to show in the room, and the results so far."""
    workshop = db.get_or_404(Workshop, workshop_id)
    link = url_for("evaluate.form", key=workshop.evaluation_key, _external=True)
    comments = db.session.execute(
        select(EvaluationResponse.keep, EvaluationResponse.change)
        .where(EvaluationResponse.workshop_id == workshop.id,
               (EvaluationResponse.keep != "") | (EvaluationResponse.change != ""))
        .order_by(EvaluationResponse.id)).all()
    return render_template("workshops/evaluation.html", title=f"Evaluation · {workshop.title}",
                           workshop=workshop, link=link, figures=evaluation_figures(
                               [workshop.id]), comments=comments)


@bp.route("/<int:workshop_id>/evaluation/qr.svg")
@permission_required("run_workshops")
def evaluation_qr(workshop_id: int):
    """The evaluation link as a QR code."""
    import io

    import segno

    workshop = db.get_or_404(Workshop, workshop_id)
    link = url_for("evaluate.form", key=workshop.evaluation_key, _external=True)
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="svg", scale=8, border=2,
                                     title="Evaluation link")
    response = make_response(buffer.getvalue())
    response.mimetype = "image/svg+xml"
    return response


@bp.route("/<int:workshop_id>/evaluation/<any(open, close):action>", methods=["POST"])
@permission_required("run_workshops")
def switch_evaluation(workshop_id: int, action: str):
    """Open the evaluation to responses, or close it."""
    workshop = db.get_or_404(Workshop, workshop_id)
    try:
        (open_evaluation if action == "open" else close_evaluation)(workshop)
    except FieldError as error:
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash("The evaluation is open: show the link or the QR code in the room."
              if action == "open" else "The evaluation is closed; no more responses are "
                                       "taken.", "success")
    return redirect(url_for("workshops.evaluation", workshop_id=workshop.id))


# -- the anonymous evaluation form --------------------------------------------------------------

DEVICE_COOKIE = "evaluation_device"


@public_bp.route("/evaluate/<key>", methods=["GET", "POST"])
@limiter.limit("20 per minute;200 per hour", methods=["POST"])
@limiter.limit("120 per minute")
def form(key: str):
    """The evaluation a participant opens from the room's link or QR code, without signing in.

    Nothing identifies the participant; a random value kept in a cookie of their browser
    stops a second response from the same device.
    """
    if len(key) > 64:
        abort(404)
    workshop = db.session.scalar(select(Workshop).where(Workshop.evaluation_key == key)
                                 .options(selectinload(Workshop.agenda)))
    if workshop is None:
        abort(404)
    device = request.cookies.get(DEVICE_COOKIE, "")
    if not (16 <= len(device) <= 64 and device.replace("-", "").replace("_", "").isalnum()):
        device = ""
    state = "open"
    if not workshop.evaluation_open:
        state = "closed"
    elif device and has_answered(workshop, device):
        state = "answered"
    form = EvaluationForm()
    ratings, rating_errors = {}, {}
    if state == "open" and request.method == "POST":
        for item in workshop.agenda:
            value = request.form.get(f"rating-{item.id}", "")
            if value:
                try:
                    ratings[item.id] = int(value)
                except ValueError:
                    rating_errors[item.id] = "Choose a rating from the scale."
        if not device:
            form.form_errors.append("Your browser did not keep this page's cookie; allow "
                                    "cookies for this site and send the form again.")
        elif form.validate_on_submit() and not rating_errors:
            try:
                submit_evaluation(workshop, device, usefulness=form.usefulness.data,
                                  ratings=ratings, keep=form.keep.data,
                                  change=form.change.data)
            except FieldError as error:
                if error.field and error.field.startswith("rating-"):
                    rating_errors[int(error.field.split("-")[1])] = error.message
                else:
                    apply_to_form(form, error)
            else:
                db.session.commit()
                state = "thanks"
    status = 200
    if state == "closed" and request.method == "POST":
        status = 409
    elif form.errors or form.form_errors or rating_errors:
        status = 422
    response = make_response(render_template(
        "workshops/evaluate.html", title="Workshop evaluation", workshop=workshop, form=form,
        state=state, ratings=ratings, rating_errors=rating_errors, scale=RATINGS), status)
    if not device:
        response.set_cookie(DEVICE_COOKIE, secrets.token_urlsafe(24), max_age=400 * 24 * 3600,
                            httponly=True, samesite="Lax",
                            secure=request.is_secure)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


# -- printables and exports ---------------------------------------------------------------------


def _department() -> str:
    from flask import current_app

    return current_app.config["DEPARTMENT_NAME"]


@bp.route("/<int:workshop_id>/agenda.pdf")
@login_required
def agenda_pdf(workshop_id: int):
    """The agenda to print or send with the invitations."""
    from ..core.pdf import pdf_response
    from .reports import agenda_pdf as build
    from .reports import filename

    workshop = db.get_or_404(Workshop, workshop_id)
    return pdf_response(filename(workshop, "agenda", "pdf"), build(workshop, _department()))


@bp.route("/<int:workshop_id>/calendar.ics")
@login_required
def calendar(workshop_id: int):
    """The workshop as a calendar entry."""
    from .reports import filename, workshop_ics

    workshop = db.get_or_404(Workshop, workshop_id)
    link = url_for("workshops.workshop", workshop_id=workshop.id, _external=True)
    response = make_response(workshop_ics(workshop, link))
    response.mimetype = "text/calendar"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{filename(workshop, "workshop", "ics")}"')
    return response


@bp.route("/<int:workshop_id>/attendance-sheet.pdf")
@login_required
def attendance_sheet(workshop_id: int):
    """The sheet invited people sign, one column a day."""
    from ..core.pdf import pdf_response
    from .reports import attendance_sheet_pdf, filename

    workshop = db.get_or_404(Workshop, workshop_id)
    require(can_see_names(current_user, workshop))
    return pdf_response(filename(workshop, "attendance-sheet", "pdf"),
                        attendance_sheet_pdf(workshop, _department()))


@bp.route("/<int:workshop_id>/attendance.xlsx")
@login_required
def attendance_xlsx(workshop_id: int):
    """Attendance and participation figures as an Excel workbook."""
    from ..core.exports import xlsx_download
    from .reports import attendance_workbook, filename

    workshop = db.get_or_404(Workshop, workshop_id)
    require(can_see_names(current_user, workshop))
    return xlsx_download(filename(workshop, "attendance", "xlsx"), attendance_workbook(workshop))


@bp.route("/<int:workshop_id>/evaluation.pdf")
@login_required
def evaluation_pdf(workshop_id: int):
    """The evaluation summary; comments are printed for those who run workshops."""
    from ..core.pdf import pdf_response
    from .reports import evaluation_pdf as build
    from .reports import filename

    workshop = db.get_or_404(Workshop, workshop_id)
    comments = None
    if current_user.can("run_workshops"):
        comments = db.session.execute(select(EvaluationResponse.keep, EvaluationResponse.change)
                                      .where(EvaluationResponse.workshop_id == workshop.id)
                                      ).all()
    return pdf_response(filename(workshop, "evaluation", "pdf"), build(
        workshop, evaluation_figures([workshop.id]), _department(),
        participation=participation(workshop), comments=comments))


def _cycle_workshops() -> tuple[PlanCycle, list[Workshop]]:
    cycle = _cycle()
    if cycle is None:
        abort(404)
    return cycle, db.session.scalars(select(Workshop).where(Workshop.cycle_id == cycle.id)
                                     .options(selectinload(Workshop.office),
                                              selectinload(Workshop.agenda))
                                     .order_by(Workshop.start_date)).all()


@bp.route("/evaluations.xlsx")
@login_required
def evaluations_xlsx():
    """Every workshop's evaluation figures, by workshop and by session, in Excel."""
    from ..core.exports import xlsx_download
    from .reports import evaluations_workbook

    cycle, workshops = _cycle_workshops()
    figures = figures_by_workshop([w.id for w in workshops])
    return xlsx_download(f"workshop-evaluations-{cycle.name}.xlsx",
                         evaluations_workbook(workshops, figures))


@bp.route("/evaluations.pdf")
@login_required
def evaluations_pdf():
    """The evaluation figures of all the cycle's workshops together."""
    from ..core.pdf import pdf_response
    from .reports import evaluation_pdf as build

    cycle, workshops = _cycle_workshops()
    return pdf_response(f"workshop-evaluations-{cycle.name}.pdf",
                        build(None, evaluation_figures([w.id for w in workshops]),
                              _department()))


@bp.route("/<int:workshop_id>/delete", methods=["POST"])
@permission_required("run_workshops")
def remove(workshop_id: int):
    """Delete a workshop planned by mistake (not once people attended or evaluated it)."""
    from .services import delete_workshop

    workshop = db.get_or_404(Workshop, workshop_id)
    try:
        delete_workshop(workshop)
    except FieldError as error:
        flash(error.message, "danger")
        return redirect(url_for("workshops.workshop", workshop_id=workshop.id))
    db.session.commit()
    flash("The workshop has been deleted.", "success")
    return redirect(url_for("workshops.index"))
