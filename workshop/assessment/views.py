"""Needs-assessment pages: offices and their nominations, sessions with their findings, the
gap register and the summaries."""

from datetime import datetime

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import case, func, literal_column, select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from ..admin.models import FunctionalArea, GapCategory, Office, PlanCycle, StaffLevel, ThematicArea
from ..admin.services import current_cycle
from ..core.listing import Column, Filter, Listing
from ..core.models import today
from ..core.permissions import deny, permission_required, require
from ..core.validation import FieldError, apply_to_form
from ..extensions import db
from . import bp, queries
from .forms import (
    FindingForm,
    GapForm,
    MergeForm,
    NominationForm,
    OfficeChoiceForm,
    SessionForm,
)
from .models import (
    FORMATS,
    PRIORITIES,
    PRIORITY_RANK,
    SEXES,
    AssessmentSession,
    Finding,
    Gap,
    Nomination,
    visible_office,
)
from .queries import office_figures, priority_order, register_query, summary
from .services import (
    FindingInput,
    consultants_query,
    delete_nomination,
    delete_session,
    discard_draft,
    find_draft,
    group_findings,
    merge_gaps,
    nomination_coverage,
    save_draft,
    save_nomination,
    save_session,
    split_finding,
    update_gap,
)

ANY_READER = ("record_assessment", "view_office_assessment")


# -- helpers ------------------------------------------------------------------------------------


def _cycle() -> PlanCycle | None:
    """The cycle asked for with ?cycle=, else the active (or latest) one."""
    cycle_id = request.args.get("cycle", type=int)
    if cycle_id:
        return db.get_or_404(PlanCycle, cycle_id)
    return current_cycle()


def _cycles():
    return db.session.scalars(select(PlanCycle).order_by(PlanCycle.start_date.desc())).all()


def _no_cycle():
    return render_template("assessment/no_cycle.html", title="Needs assessment"), 200


def _office(office_id: int) -> Office:
    """The office, when the signed-in user may read its needs assessment."""
    office = db.get_or_404(Office, office_id)
    require(visible_office(current_user, office.id))
    return office


def _own_office_id() -> int:
    """An office user's office (they only ever see that one)."""
    if current_user.office_id is None:
        deny()
    return current_user.office_id


def _choices(model, empty: str | None = None):
    items = db.session.scalars(select(model).where(model.is_active)
                               .order_by(model.position, model.name)).all()
    choices = [("", empty)] if empty is not None else []
    return choices + [(item.id, item.name) for item in items]


def _offices():
    return db.session.scalars(select(Office).where(Office.active).order_by(Office.acronym)).all()


def _office_filter_choices():
    return [(str(o.id), o.acronym) for o in _offices()]


def _ref_filter_choices(model):
    return [(str(i), n) for i, n in db.session.execute(
        select(model.id, model.name).order_by(model.position, model.name))]


# -- overview and office pages -------------------------------------------------------------------


@bp.route("/")
@permission_required(*ANY_READER)
def index():
    """Consultants: every office's progress. Office staff: their own office's page."""
    if not current_user.can("record_assessment"):
        return redirect(url_for("assessment.office", office_id=_own_office_id()))
    cycle = _cycle()
    if cycle is None:
        return _no_cycle()
    rows = office_figures(cycle)
    coverage = nomination_coverage(cycle.id, [r["office"].id for r in rows])
    return render_template("assessment/index.html", title="Needs assessment", cycle=cycle,
                           cycles=_cycles(), rows=rows, coverage=coverage)


@bp.route("/offices/<int:office_id>")
@permission_required(*ANY_READER)
def office(office_id: int):
    """An office's nominations and how well they cover its levels and functions; for
    consultants, its sessions too."""
    office = _office(office_id)
    cycle = _cycle()
    if cycle is None:
        return _no_cycle()
    coverage = nomination_coverage(cycle.id, [office.id])[office.id]
    nominations = db.session.scalars(
        select(Nomination).where(Nomination.cycle_id == cycle.id,
                                 Nomination.office_id == office.id)
        .options(selectinload(Nomination.level), selectinload(Nomination.functional_area))
        .order_by(Nomination.name)).all()
    sessions = []
    if current_user.can("record_assessment"):
        sessions = db.session.scalars(
            select(AssessmentSession).where(AssessmentSession.cycle_id == cycle.id,
                                            AssessmentSession.office_id == office.id)
            .options(selectinload(AssessmentSession.participants),
                     selectinload(AssessmentSession.headcounts),
                     selectinload(AssessmentSession.findings),
                     selectinload(AssessmentSession.consultants))
            .order_by(AssessmentSession.held_at)).all()
    draft = find_draft(current_user.id, office.id, None) if current_user.can(
        "record_assessment") else None
    return render_template("assessment/office.html", title=f"Needs assessment · {office.acronym}",
                           office=office, cycle=cycle, cycles=_cycles(), coverage=coverage,
                           nominations=nominations, sessions=sessions, draft=draft,
                           can_record=current_user.can("record_assessment"))


# -- nominations --------------------------------------------------------------------------------


@bp.route("/nominations")
@permission_required(*ANY_READER)
def nominations():
    """Every nomination of the cycle, filtered by office, level, sex and function."""
    cycle = _cycle()
    if cycle is None:
        return _no_cycle()
    query = (select(Nomination).where(Nomination.cycle_id == cycle.id)
             .options(selectinload(Nomination.office), selectinload(Nomination.level),
                      selectinload(Nomination.functional_area)))
    filters = []
    if current_user.can("record_assessment"):
        filters.append(Filter("office", "Office",
                              lambda q, v: q.where(Nomination.office_id == int(v)),
                              choices=_office_filter_choices()))
    else:
        query = query.where(Nomination.office_id == _own_office_id())
    can_edit = current_user.can("record_assessment")
    filters += [
        Filter("level", "Staff level", lambda q, v: q.where(Nomination.level_id == int(v)),
               choices=_ref_filter_choices(StaffLevel)),
        Filter("sex", "Sex", lambda q, v: q.where(Nomination.sex == v),
               choices=list(SEXES.items())),
        Filter("function", "Functional area",
               lambda q, v: q.where(Nomination.functional_area_id == int(v)),
               choices=_ref_filter_choices(FunctionalArea)),
    ]
    listing = Listing(
        query=query,
        columns=[
            Column("name", "Name", lambda n: n.name, sort=Nomination.name,
                   link=(lambda n: url_for("assessment.edit_nomination", nomination_id=n.id))
                   if can_edit else None),
            Column("office", "Office", lambda n: n.office.acronym, sort=Nomination.office_id),
            Column("sex", "Sex", lambda n: n.sex_label, sort=Nomination.sex),
            Column("level", "Staff level", lambda n: n.level.name, sort=Nomination.level_id),
            Column("function", "Functional area",
                   lambda n: n.functional_area.name if n.functional_area else ""),
            Column("job_title", "Job title", lambda n: n.job_title, sort=Nomination.job_title),
            Column("email", "E-mail", lambda n: n.email or ""),
            Column("nominated_by", "Nominated by", lambda n: n.nominated_by),
        ],
        filters=filters,
        search=[Nomination.name, Nomination.job_title, Nomination.email],
        default_sort="name",
        export_name=f"nominations-{cycle.name}",
    )
    return listing.export_response() or render_template(
        "assessment/nominations.html", title="Nominations", listing=listing, cycle=cycle)


def _nomination_form(form: NominationForm) -> NominationForm:
    form.level_id.choices = _choices(StaffLevel, "Choose a level")
    form.functional_area_id.choices = _choices(FunctionalArea, "Not stated")
    return form


@bp.route("/offices/<int:office_id>/nominations/new", methods=["GET", "POST"])
@permission_required("record_assessment")
def new_nomination(office_id: int):
    """Nominate a person of an office."""
    office = db.get_or_404(Office, office_id)
    cycle = current_cycle()
    if cycle is None:
        return _no_cycle()
    return _nomination_page(None, office, cycle)


@bp.route("/nominations/<int:nomination_id>", methods=["GET", "POST"])
@permission_required("record_assessment")
def edit_nomination(nomination_id: int):
    """Change a nomination."""
    nomination = db.get_or_404(Nomination, nomination_id)
    return _nomination_page(nomination, nomination.office, nomination.cycle)


def _nomination_page(nomination: Nomination | None, office: Office, cycle: PlanCycle):
    form = _nomination_form(NominationForm(obj=nomination))
    if form.validate_on_submit():
        try:
            saved = save_nomination(nomination, cycle_id=cycle.id, office_id=office.id,
                                    name=form.name.data, sex=form.sex.data,
                                    level_id=form.level_id.data, email=form.email.data,
                                    functional_area_id=form.functional_area_id.data,
                                    job_title=form.job_title.data,
                                    nominated_by=form.nominated_by.data)
        except FieldError as error:
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash(f"{saved.name} is nominated for {office.acronym}.", "success")
            if request.form.get("another"):
                return redirect(url_for("assessment.new_nomination", office_id=office.id))
            return redirect(url_for("assessment.office", office_id=office.id))
    title = f"Edit nomination: {nomination.name}" if nomination else \
        f"Nominate someone from {office.acronym}"
    return render_template("assessment/nomination_form.html", form=form, office=office,
                           cycle=cycle, nomination=nomination, title=title), (
        422 if form.errors else 200)


@bp.route("/nominations/<int:nomination_id>/delete", methods=["POST"])
@permission_required("record_assessment")
def remove_nomination(nomination_id: int):
    """Withdraw a nomination."""
    nomination = db.get_or_404(Nomination, nomination_id)
    office_id = nomination.office_id
    try:
        delete_nomination(nomination)
    except FieldError as error:
        flash(error.message, "danger")
        return redirect(url_for("assessment.edit_nomination", nomination_id=nomination_id))
    db.session.commit()
    flash("The nomination has been withdrawn.", "success")
    return redirect(url_for("assessment.office", office_id=office_id))


# -- sessions -----------------------------------------------------------------------------------


@bp.route("/sessions")
@permission_required("record_assessment")
def sessions():
    """Every assessment session of the cycle."""
    cycle = _cycle()
    if cycle is None:
        return _no_cycle()
    findings = (select(Finding.session_id, func.count(Finding.id).label("n"))
                .group_by(Finding.session_id).subquery())
    listing = Listing(
        query=select(AssessmentSession, func.coalesce(findings.c.n, 0))
        .outerjoin(findings, findings.c.session_id == AssessmentSession.id)
        .where(AssessmentSession.cycle_id == cycle.id)
        .options(selectinload(AssessmentSession.office),
                 selectinload(AssessmentSession.consultants),
                 selectinload(AssessmentSession.participants),
                 selectinload(AssessmentSession.headcounts)),
        columns=[
            Column("held_at", "Held", lambda r: r[0].held_at.strftime("%Y-%m-%d %H:%M"),
                   sort=AssessmentSession.held_at,
                   link=lambda r: url_for("assessment.session", session_id=r[0].id)),
            Column("office", "Office", lambda r: r[0].office.acronym,
                   sort=AssessmentSession.office_id),
            Column("format", "Format", lambda r: r[0].format_label,
                   sort=AssessmentSession.format),
            Column("people", "People met", lambda r: r[0].people_count, numeric=True),
            Column("findings", "Findings", lambda r: r[1], numeric=True,
                   sort=func.coalesce(findings.c.n, 0)),
            Column("consultants", "Consultants",
                   lambda r: ", ".join(u.name for u in r[0].consultants)),
            Column("topics", "Topics", lambda r: r[0].topics[:120]),
        ],
        filters=[
            Filter("office", "Office",
                   lambda q, v: q.where(AssessmentSession.office_id == int(v)),
                   choices=_office_filter_choices()),
            Filter("format", "Format", lambda q, v: q.where(AssessmentSession.format == v),
                   choices=list(FORMATS.items())),
        ],
        search=[AssessmentSession.topics],
        default_sort="held_at",
        export_name=f"assessment-sessions-{cycle.name}",
        scalars=False,
    )
    return listing.export_response() or render_template(
        "assessment/sessions.html", title="Assessment sessions", listing=listing, cycle=cycle,
        picker=_office_picker())


def _office_picker() -> OfficeChoiceForm:
    form = OfficeChoiceForm(request.args, meta={"csrf": False})
    form.office_id.choices = [("", "Choose an office")] + [
        (o.id, f"{o.acronym} · {o.name}") for o in _offices()]
    return form


@bp.route("/sessions/new", methods=["GET", "POST"])
@permission_required("record_assessment")
def new_session():
    """Record a session: first the office, then everything else on one page."""
    office_id = request.args.get("office", type=int)
    if not office_id:
        picker = _office_picker()
        return render_template("assessment/session_office.html", title="Record a session",
                               picker=picker)
    office = db.get_or_404(Office, office_id)
    cycle = current_cycle()
    if cycle is None:
        return _no_cycle()
    return _session_page(None, office, cycle)


@bp.route("/sessions/<int:session_id>")
@permission_required("record_assessment")
def session(session_id: int):
    """A session: who took part, what was said, and its findings."""
    record = db.get_or_404(AssessmentSession, session_id)
    return render_template("assessment/session.html", title=f"Session · {record.office.acronym}",
                           record=record)


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@permission_required("record_assessment")
def edit_session(session_id: int):
    """Change a session and its findings."""
    record = db.get_or_404(AssessmentSession, session_id)
    return _session_page(record, record.office, record.cycle)


@bp.route("/sessions/<int:session_id>/delete", methods=["POST"])
@permission_required("record_assessment")
def remove_session(session_id: int):
    """Delete a session and its findings (the gaps stay in the register)."""
    record = db.get_or_404(AssessmentSession, session_id)
    office_id = record.office_id
    delete_session(record)
    db.session.commit()
    flash("The session and its findings have been deleted.", "success")
    return redirect(url_for("assessment.office", office_id=office_id))


def _gap_choices(cycle: PlanCycle):
    gaps = db.session.execute(select(Gap.id, Gap.number, Gap.title).where(
        Gap.cycle_id == cycle.id, Gap.merged_into_id.is_(None)).order_by(Gap.number)).all()
    return [("", "A new gap")] + [(g.id, f"G-{g.number:02d} · {g.title[:80]}") for g in gaps]


class _Choices:
    """The options of a session form's selects, loaded once per request."""

    def __init__(self, cycle: PlanCycle, office: Office, session: AssessmentSession | None):
        self.cycle = cycle
        self.levels = db.session.scalars(select(StaffLevel).order_by(
            StaffLevel.position, StaffLevel.name)).all()
        self.categories = _choices(GapCategory, "Choose a category")
        self.thematic = _choices(ThematicArea, "Not stated")
        self.functional = _choices(FunctionalArea, "Not stated")
        self.gaps = _gap_choices(cycle)
        consultants = list(db.session.scalars(consultants_query()))
        if session is not None:  # people recorded before, who may have left since
            consultants += [u for u in session.consultants if u not in consultants]
        self.consultants = [(u.id, u.name) for u in consultants]
        people = db.session.scalars(select(Nomination).where(
            Nomination.cycle_id == cycle.id, Nomination.office_id == office.id)
            .options(selectinload(Nomination.level)).order_by(Nomination.name)).all()
        self.people = [(p.id, f"{p.name} · {p.level.name} · {p.sex_label}") for p in people]

    def apply(self, form: SessionForm) -> None:
        form.consultant_ids.choices = self.consultants
        form.participant_ids.choices = self.people
        for entry in form.findings:
            self.apply_finding(entry.form)

    def apply_finding(self, finding: FindingForm) -> None:
        finding.category_id.choices = self.categories
        finding.thematic_area_id.choices = self.thematic
        finding.functional_area_id.choices = self.functional
        finding.gap_id.choices = self.gaps


def _session_data(record: AssessmentSession | None, choices: _Choices) -> dict:
    """The form's initial values: the session as saved, or an empty session."""
    counts = {h.level_id: h for h in record.headcounts} if record else {}
    data = {"headcounts": [{"level_id": lv.id,
                            "women": counts[lv.id].women if lv.id in counts else None,
                            "men": counts[lv.id].men if lv.id in counts else None}
                           for lv in choices.levels if lv.is_active or lv.id in counts]}
    if record is None:
        data["consultant_ids"] = [current_user.id] if any(
            current_user.id == c for c, _ in choices.consultants) else []
        if choices.cycle.contains(today()):  # sessions are mostly recorded on the day
            data["held_on"] = today()
        return data
    data.update(held_on=record.held_at.date(), held_time=record.held_at.time(),
                format=record.format, topics=record.topics, notes=record.notes,
                notes_confidential=record.notes_confidential,
                consultant_ids=[u.id for u in record.consultants],
                participant_ids=[p.id for p in record.participants])
    data["findings"] = [{"id": f.id, "category_id": f.category_id, "title": f.title,
                         "description": f.description, "priority": f.priority,
                         "thematic_area_id": f.thematic_area_id,
                         "functional_area_id": f.functional_area_id,
                         "resources": f.resources, "resources_detail": f.resources_detail,
                         "quote": f.quote, "gap_id": f.gap_id} for f in record.findings]
    return data


def _session_page(record: AssessmentSession | None, office: Office, cycle: PlanCycle):
    choices = _Choices(cycle, office, record)
    session_id = record.id if record else None
    draft = None
    restored = False
    if request.method == "POST":
        form = SessionForm()
    else:
        draft = find_draft(current_user.id, office.id, session_id)
        if draft is not None:
            form = SessionForm(formdata=MultiDict(
                [(k, v) for k, values in draft.data.items() for v in values]))
            restored = True
        else:
            form = SessionForm(data=_session_data(record, choices))
    choices.apply(form)
    levels = {lv.id: lv for lv in choices.levels}
    if request.method == "POST" and "add_finding" in request.form:
        form.findings.append_entry()
        choices.apply_finding(form.findings.entries[-1].form)
        save_draft(current_user.id, office.id, session_id, request.form.to_dict(flat=False))
        db.session.commit()
    elif form.validate_on_submit():
        try:
            saved = _save_session_form(form, record, office, cycle)
        except FieldError as error:
            db.session.rollback()
            _show_session_error(form, error)
        else:
            discard_draft(current_user.id, office.id, session_id)
            db.session.commit()
            flash(f"The session with {office.acronym} has been saved with "
                  f"{len(saved.findings)} finding(s).", "success")
            return redirect(url_for("assessment.session", session_id=saved.id))
    template = FindingForm(prefix="findings-__index__-")
    choices.apply_finding(template)
    title = f"Edit session · {office.acronym}" if record else f"Record a session · {office.acronym}"
    return render_template(
        "assessment/session_form.html", title=title, form=form, office=office, cycle=cycle,
        record=record, levels=levels, restored=restored, draft=draft, template=template,
        refused=bool(form.errors or getattr(form, "refused", False)),
        draft_url=url_for("assessment.session_draft", office_id=office.id,
                          session=session_id),
    ), 422 if form.errors or getattr(form, "refused", False) else 200


def _save_session_form(form: SessionForm, record, office: Office, cycle: PlanCycle):
    """Hand the form's values to the service; remember which row each finding came from."""
    held_at = datetime.combine(form.held_on.data, form.held_time.data)
    headcounts = {}
    for entry in form.headcounts:
        try:
            level_id = int(entry.form.level_id.data)
        except (TypeError, ValueError):
            continue
        headcounts[level_id] = (entry.form.women.data, entry.form.men.data)
    findings, rows = [], []
    for index, entry in enumerate(form.findings):
        f = entry.form
        if f.remove.data or f.is_blank():
            continue
        try:
            finding_id = int(f.id.data) if f.id.data else None
        except ValueError:
            finding_id = None
        findings.append(FindingInput(
            id=finding_id, category_id=f.category_id.data, title=f.title.data or "",
            priority=f.priority.data, description=f.description.data or "",
            thematic_area_id=f.thematic_area_id.data,
            functional_area_id=f.functional_area_id.data, resources=f.resources.data or [],
            resources_detail=f.resources_detail.data or "", quote=f.quote.data or "",
            gap_id=f.gap_id.data))
        rows.append(index)
    form._finding_rows = rows
    return save_session(record, cycle_id=cycle.id, office_id=office.id, held_at=held_at,
                        format=form.format.data, consultant_ids=form.consultant_ids.data,
                        participant_ids=form.participant_ids.data, headcounts=headcounts,
                        topics=form.topics.data, notes=form.notes.data,
                        notes_confidential=form.notes_confidential.data, findings=findings,
                        recorded_by=current_user)


def _show_session_error(form: SessionForm, error: FieldError) -> None:
    """Put a service error beside the field of the session form it is about."""
    name = error.field or ""
    target = None
    if name == "held_at":
        target = form.held_on
    elif name.startswith("headcount-"):
        _, level_id, sex = name.split("-")
        for entry in form.headcounts:
            if str(entry.form.level_id.data) == level_id:
                target = getattr(entry.form, sex)
    elif name.startswith("findings-"):
        _, index, field = name.split("-", 2)
        rows = getattr(form, "_finding_rows", [])
        if int(index) < len(rows):
            target = getattr(form.findings.entries[rows[int(index)]].form, field, None)
    else:
        target = getattr(form, name, None)
    if target is not None:
        target.errors = [*target.errors, error.message]
    else:
        form.form_errors.append(error.message)
    form._errors = None  # WTForms caches `form.errors` after validation
    form.refused = True  # nested fields' errors do not reach `form.errors`


@bp.route("/offices/<int:office_id>/sessions/draft", methods=["POST"])
@permission_required("record_assessment")
def session_draft(office_id: int):
    """Keep what has been typed into a session form so far (sent as the consultant types)."""
    office = db.get_or_404(Office, office_id)
    session_id = request.args.get("session", type=int)
    if session_id is not None:
        record = db.get_or_404(AssessmentSession, session_id)
        if record.office_id != office.id:
            abort(404)
    if request.form.get("discard"):
        discard_draft(current_user.id, office.id, session_id)
        db.session.commit()
        flash("The draft has been discarded.", "info")
        if session_id:
            return redirect(url_for("assessment.edit_session", session_id=session_id))
        return redirect(url_for("assessment.new_session", office=office.id))
    draft = save_draft(current_user.id, office.id, session_id, request.form.to_dict(flat=False))
    db.session.commit()
    return jsonify(saved_at=draft.saved_at.strftime("%H:%M:%S"))


# -- findings -----------------------------------------------------------------------------------


@bp.route("/findings")
@permission_required("record_assessment")
def findings():
    """Every finding of the cycle, to read across sessions and group into gaps."""
    cycle = _cycle()
    if cycle is None:
        return _no_cycle()
    query = (select(Finding).join(AssessmentSession)
             .where(AssessmentSession.cycle_id == cycle.id)
             .options(selectinload(Finding.session).selectinload(AssessmentSession.office),
                      selectinload(Finding.gap), selectinload(Finding.category),
                      selectinload(Finding.thematic_area)))
    listing = Listing(
        query=query,
        columns=[
            Column("title", "Finding", lambda f: f.title, sort=Finding.title),
            Column("office", "Office", lambda f: f.session.office.acronym,
                   sort=AssessmentSession.office_id),
            Column("held_at", "Session", lambda f: f.session.held_at.strftime("%Y-%m-%d %H:%M"),
                   sort=AssessmentSession.held_at,
                   link=lambda f: url_for("assessment.session", session_id=f.session_id)),
            Column("category", "Category", lambda f: f.category.name, sort=Finding.category_id),
            Column("thematic", "Thematic area",
                   lambda f: f.thematic_area.name if f.thematic_area else ""),
            Column("priority", "Priority", lambda f: f.priority_label,
                   sort=case(PRIORITY_RANK, value=Finding.priority, else_=9),
                   badge=lambda f: _priority_colour(f.priority)),
            Column("gap", "Gap", lambda f: f.gap.code, sort=Finding.gap_id, nowrap=True,
                   link=lambda f: url_for("assessment.gap", gap_id=f.gap_id)),
        ],
        filters=[
            Filter("office", "Office",
                   lambda q, v: q.where(AssessmentSession.office_id == int(v)),
                   choices=_office_filter_choices()),
            Filter("category", "Category", lambda q, v: q.where(Finding.category_id == int(v)),
                   choices=_ref_filter_choices(GapCategory)),
            Filter("thematic", "Thematic area",
                   lambda q, v: q.where(Finding.thematic_area_id == int(v)),
                   choices=_ref_filter_choices(ThematicArea)),
            Filter("priority", "Priority", lambda q, v: q.where(Finding.priority == v),
                   choices=list(PRIORITIES.items())),
        ],
        search=[Finding.title, Finding.description],
        default_sort="gap",
        export_name=f"findings-{cycle.name}",
        page_size=50,
    )
    select_rows = {"name": "finding_ids", "form": "group-form", "value": lambda f: f.id,
                   "label": lambda f: f.title}
    return listing.export_response() or render_template(
        "assessment/findings.html", title="Findings", listing=listing, cycle=cycle,
        select=select_rows)


def _priority_colour(priority: str) -> str:
    return {"high": "danger", "medium": "warning", "low": "secondary"}[priority]


@bp.route("/findings/group", methods=["POST"])
@permission_required("record_assessment")
def group():
    """File the findings ticked in the list under one gap."""
    ids = request.form.getlist("finding_ids", type=int)
    chosen = db.session.scalars(select(Finding).where(Finding.id.in_(ids))).all() if ids else []
    back = request.form.get("next") or url_for("assessment.findings")
    if not back.startswith("/") or back.startswith("//"):
        back = url_for("assessment.findings")
    try:
        gap = group_findings(chosen)
    except FieldError as error:
        flash(error.message, "danger")
        return redirect(back)
    db.session.commit()
    flash(f"{len(chosen)} findings are now filed under {gap.code} “{gap.title}”.", "success")
    return redirect(url_for("assessment.gap", gap_id=gap.id))


@bp.route("/findings/<int:finding_id>/split", methods=["POST"])
@permission_required("record_assessment")
def split(finding_id: int):
    """Take a finding out of its gap into a gap of its own."""
    finding = db.get_or_404(Finding, finding_id)
    old = finding.gap
    try:
        gap = split_finding(finding)
    except FieldError as error:
        flash(error.message, "danger")
        return redirect(url_for("assessment.gap", gap_id=old.id))
    db.session.commit()
    flash(f"“{finding.title}” now has a gap of its own, {gap.code}.", "success")
    return redirect(url_for("assessment.gap", gap_id=gap.id))


# -- the gap register ---------------------------------------------------------------------------


def _register_listing(cycle: PlanCycle, office: Office | None) -> Listing:
    office_id = office.id if office else None
    filters = []
    if office is None:
        picked = request.args.get("office", "")
        offices = _office_filter_choices()
        if picked in {value for value, _ in offices}:
            office_id = int(picked)
        filters.append(Filter("office", "Office", lambda q, v: q, choices=offices))
    filters += [
        Filter("thematic", "Thematic area",
               lambda q, v: q.where(Gap.thematic_area_id == int(v)),
               choices=_ref_filter_choices(ThematicArea)),
        Filter("category", "Category", lambda q, v: q.where(Gap.category_id == int(v)),
               choices=_ref_filter_choices(GapCategory)),
        Filter("priority", "Priority", lambda q, v: q.where(Gap.priority == v),
               choices=list(PRIORITIES.items())),
    ]
    columns = [
        Column("code", "Gap", lambda r: r[0].code, sort=Gap.number, nowrap=True,
               link=lambda r: url_for("assessment.gap", gap_id=r[0].id)),
        Column("title", "Title", lambda r: r[0].title, sort=Gap.title),
        Column("category", "Category", lambda r: r[0].category.name, sort=Gap.category_id),
        Column("thematic", "Thematic area",
               lambda r: r[0].thematic_area.name if r[0].thematic_area else ""),
        Column("priority", "Priority", lambda r: r[0].priority_label, sort=priority_order,
               badge=lambda r: _priority_colour(r[0].priority)),
        Column("frequency", "Times raised", lambda r: r[1], numeric=True,
               sort=literal_column("frequency")),
        Column("levels", "Levels", lambda r: r[2], sort=literal_column("levels"), numeric=True),
    ]
    if office is None:
        columns.append(Column("offices", "Offices", lambda r: r[3], numeric=True,
                              sort=literal_column("offices")))
    return Listing(query=register_query(cycle.id, office_id), columns=columns, filters=filters,
                   search=[Gap.title, Gap.description], default_sort="",
                   export_name=f"gap-register-{office.acronym if office else 'department'}-"
                               f"{cycle.name}", scalars=False, page_size=50)


@bp.route("/gaps")
@permission_required(*ANY_READER)
def register():
    """The department's gap register: every office's findings grouped into gaps."""
    if not current_user.can("record_assessment"):
        return redirect(url_for("assessment.office_register", office_id=_own_office_id()))
    cycle = _cycle()
    if cycle is None:
        return _no_cycle()
    listing = _register_listing(cycle, None)
    return listing.export_response() or render_template(
        "assessment/register.html", title="Gap register", listing=listing, cycle=cycle,
        cycles=_cycles(), office=None)


@bp.route("/offices/<int:office_id>/gaps")
@permission_required(*ANY_READER)
def office_register(office_id: int):
    """An office's gap register: the gaps its staff raised, how often and at how many levels."""
    office = _office(office_id)
    cycle = _cycle()
    if cycle is None:
        return _no_cycle()
    listing = _register_listing(cycle, office)
    return listing.export_response() or render_template(
        "assessment/register.html", title=f"Gap register · {office.acronym}", listing=listing,
        cycle=cycle, cycles=_cycles(), office=office)


def _gap_readable(gap: Gap) -> bool:
    if current_user.can("record_assessment"):
        return True
    if not current_user.can("view_office_assessment") or current_user.office_id is None:
        return False
    return db.session.scalar(select(func.count(Finding.id)).join(AssessmentSession).where(
        Finding.gap_id == gap.current().id,
        AssessmentSession.office_id == current_user.office_id)) > 0


@bp.route("/gaps/<int:gap_id>")
@permission_required(*ANY_READER)
def gap(gap_id: int):
    """A gap: what it is, where and how often it was raised, the findings filed under it."""
    gap = db.get_or_404(Gap, gap_id)
    require(_gap_readable(gap))
    if gap.merged_into_id is not None:
        target = gap.current()
        flash(f"{gap.code} was merged into {target.code}; its findings are here.", "info")
        return redirect(url_for("assessment.gap", gap_id=target.id))
    full = current_user.can("record_assessment")
    query = (select(Finding).where(Finding.gap_id == gap.id).join(AssessmentSession)
             .options(selectinload(Finding.session).selectinload(AssessmentSession.office),
                      selectinload(Finding.category))
             .order_by(AssessmentSession.held_at, Finding.id))
    if not full:
        query = query.where(AssessmentSession.office_id == current_user.office_id)
    gap_findings = db.session.scalars(query).all()
    scope = None if full else current_user.office_id
    figures = next((r for r in queries.register(gap.cycle_id, scope) if r.gap.id == gap.id),
                   None)
    merge_form = None
    if full:
        merge_form = MergeForm()
        merge_form.gap_ids.choices = [(g_id, label) for g_id, label in _gap_choices(gap.cycle)
                                      if g_id not in ("", gap.id)]
    return render_template("assessment/gap.html", title=f"{gap.code} {gap.title}", gap=gap,
                           findings=gap_findings, figures=figures, full=full,
                           merge_form=merge_form)


@bp.route("/gaps/<int:gap_id>/edit", methods=["GET", "POST"])
@permission_required("record_assessment")
def edit_gap(gap_id: int):
    """Change how a gap reads in the register."""
    gap = db.get_or_404(Gap, gap_id)
    form = GapForm(obj=gap)
    form.category_id.choices = _choices(GapCategory, "Choose a category")
    form.thematic_area_id.choices = _choices(ThematicArea, "Not stated")
    form.functional_area_id.choices = _choices(FunctionalArea, "Not stated")
    if form.validate_on_submit():
        try:
            update_gap(gap, title=form.title.data, category_id=form.category_id.data,
                       priority=form.priority.data, description=form.description.data,
                       thematic_area_id=form.thematic_area_id.data,
                       functional_area_id=form.functional_area_id.data)
        except FieldError as error:
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash(f"{gap.code} has been saved.", "success")
            return redirect(url_for("assessment.gap", gap_id=gap.id))
    return render_template("assessment/gap_form.html", title=f"Edit {gap.code}", form=form,
                           gap=gap), 422 if form.errors else 200


@bp.route("/gaps/<int:gap_id>/merge", methods=["POST"])
@permission_required("record_assessment")
def merge(gap_id: int):
    """Merge other gaps that say the same thing into this one."""
    gap = db.get_or_404(Gap, gap_id)
    ids = request.form.getlist("gap_ids", type=int)
    others = db.session.scalars(select(Gap).where(Gap.id.in_(ids))).all() if ids else []
    try:
        target = merge_gaps(gap, others)
    except FieldError as error:
        flash(error.message, "danger")
        return redirect(url_for("assessment.gap", gap_id=gap.id))
    db.session.commit()
    flash(f"Merged {', '.join(g.code for g in others)} into {target.code}.", "success")
    return redirect(url_for("assessment.gap", gap_id=target.id))


# -- summaries ----------------------------------------------------------------------------------


@bp.route("/summary", endpoint="summary")
@permission_required("view_assessment_summary", "view_office_assessment")
def summary_page():
    """The department's needs-assessment summary (office staff see their office's)."""
    if not current_user.can("view_assessment_summary"):
        return redirect(url_for("assessment.office_summary", office_id=_own_office_id()))
    cycle = _cycle()
    if cycle is None:
        return _no_cycle()
    return render_template("assessment/summary.html", title="Needs-assessment summary",
                           s=summary(cycle), cycle=cycle, cycles=_cycles(), office=None)


@bp.route("/offices/<int:office_id>/summary")
@permission_required(*ANY_READER)
def office_summary(office_id: int):
    """An office's needs-assessment summary."""
    office = _office(office_id)
    cycle = _cycle()
    if cycle is None:
        return _no_cycle()
    return render_template("assessment/summary.html",
                           title=f"Needs-assessment summary · {office.acronym}",
                           s=summary(cycle, office), cycle=cycle, cycles=_cycles(), office=office)


@bp.route("/summary.<any(pdf, xlsx):fmt>")
@permission_required("view_assessment_summary")
def summary_file(fmt: str):
    """The department's summary as PDF or Excel."""
    cycle = _cycle()
    if cycle is None:
        abort(404)
    return _summary_download(summary(cycle), fmt)


@bp.route("/offices/<int:office_id>/summary.<any(pdf, xlsx):fmt>")
@permission_required(*ANY_READER)
def office_summary_file(office_id: int, fmt: str):
    """An office's summary as PDF or Excel."""
    office = _office(office_id)
    cycle = _cycle()
    if cycle is None:
        abort(404)
    return _summary_download(summary(cycle, office), fmt)


def _summary_download(result, fmt: str):
    from flask import current_app

    from ..core.exports import xlsx_download
    from ..core.pdf import pdf_response
    from .reports import filename, summary_pdf, summary_workbook

    if fmt == "pdf":
        return pdf_response(filename(result, "pdf"),
                            summary_pdf(result, current_app.config["DEPARTMENT_NAME"]))
    return xlsx_download(filename(result, "xlsx"), summary_workbook(result))
