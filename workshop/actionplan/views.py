"""Pages of the departmental action plan: the live consolidation the Gender Unit works on, its
activities, gaps, overlaps and objectives, and the finalised versions everyone reads."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from ..admin.models import PlanCycle, ThematicArea
from ..admin.services import current_cycle
from ..core.charts import svg
from ..core.permissions import deny, permission_required
from ..core.validation import FieldError, apply_to_form
from ..extensions import db
from . import bp
from .charts import all_charts
from .consolidation import compare, consolidate
from .forms import DecisionForm, FinaliseForm, MappingForm, ObjectiveForm
from .models import DECISIONS, ActionPlanVersion, DepartmentalObjective, OverlapDecision
from .services import (
    decide_overlaps,
    delete_objective,
    finalise,
    live,
    map_activities,
    publish,
    published_version,
    save_objective,
    undo_decision,
    versions,
)

PAGE_SIZE = 200
GROUPS_PER_PAGE = 20


def _cycle(cycle_id: int) -> PlanCycle:
    return db.get_or_404(PlanCycle, cycle_id)


def _charts(consolidation) -> list[tuple[str, str, Markup]]:
    return [(chart_id, chart.title, svg(chart, chart_id=chart_id))
            for chart_id, chart in all_charts(consolidation)]


def _version(cycle: PlanCycle, number: int) -> ActionPlanVersion:
    version = db.session.scalar(select(ActionPlanVersion).where(
        ActionPlanVersion.cycle_id == cycle.id, ActionPlanVersion.number == number))
    if version is None:
        abort(404)
    # Unpublished versions are the Gender Unit's working copies.
    if not version.published and not current_user.can("consolidate_action_plan"):
        deny()
    return version


# -- the way in -----------------------------------------------------------------------------------


@bp.route("/")
@permission_required("read_action_plan")
def index():
    """The Gender Unit goes to the live plan; everyone else to the latest published version."""
    cycle_id = request.args.get("cycle", type=int)
    cycle = _cycle(cycle_id) if cycle_id else current_cycle()
    if cycle is None:
        return render_template("actionplan/not_published.html", title="Action plan",
                               cycle=None)
    if current_user.can("consolidate_action_plan"):
        return redirect(url_for("actionplan.overview", cycle_id=cycle.id))
    version = published_version(cycle.id)
    if version is None:
        return render_template("actionplan/not_published.html", title="Action plan",
                               cycle=cycle)
    return redirect(url_for("actionplan.version", cycle_id=cycle.id, number=version.number))


@bp.route("/<int:cycle_id>/")
@permission_required("consolidate_action_plan")
def overview(cycle_id: int):
    """The departmental plan as the approved office plans make it now."""
    cycle = _cycle(cycle_id)
    consolidation = live(cycle)
    return render_template("actionplan/overview.html", title=f"Action plan {cycle.name}",
                           cycle=cycle, c=consolidation, charts=_charts(consolidation),
                           versions=versions(cycle), finalise_form=FinaliseForm())


# -- activities and their mapping -----------------------------------------------------------


@bp.route("/<int:cycle_id>/activities")
@permission_required("consolidate_action_plan")
def activities(cycle_id: int):
    """Every activity of the approved office plans by thematic area, filtered, with the
    departmental objective each counts under."""
    cycle = _cycle(cycle_id)
    c = live(cycle)
    filters = {key: request.args.get(key, "") for key in ("area", "strategy", "office",
                                                          "objective")}
    rows = [a for _, items in c.activities_by_area for a in items
            if (not filters["area"] or (a["thematic_area"] or "") == filters["area"])
            and (not filters["strategy"] or a["strategy"] == filters["strategy"])
            and (not filters["office"] or a["office"] == filters["office"])
            and (not filters["objective"]
                 or (a["departmental_objective"] or "none") == filters["objective"])]
    page = max(request.args.get("page", 1, type=int), 1)
    pages = max((len(rows) + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    shown = rows[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
    form = MappingForm()
    form.objective_id.choices = [("", "None (remove the mapping)")] + [
        (o["id"], f"{o['code']} {o['title'][:90]}") for o in c.data["objectives"]]
    return render_template("actionplan/activities.html", title=f"Activities {cycle.name}",
                           cycle=cycle, c=c, rows=shown, total=len(rows), page=page,
                           pages=pages, filters=filters, form=form)


@bp.route("/<int:cycle_id>/activities/map", methods=["POST"])
@permission_required("consolidate_action_plan")
def map_selected(cycle_id: int):
    """Count the selected activities under a departmental objective."""
    cycle = _cycle(cycle_id)
    objectives = {o.id: o for o in db.session.scalars(select(DepartmentalObjective).where(
        DepartmentalObjective.cycle_id == cycle.id))}
    form = MappingForm()
    form.objective_id.choices = [("", "")] + [(i, "") for i in objectives]
    back = request.form.get("back") or url_for("actionplan.activities", cycle_id=cycle.id)
    if not back.startswith("/"):
        back = url_for("actionplan.activities", cycle_id=cycle.id)
    if not form.validate_on_submit():
        flash("Choose an objective from the list.", "danger")
        return redirect(back)
    try:
        ids = [int(i) for i in request.form.getlist("activity_ids")]
        changed = map_activities(cycle, ids, objectives.get(form.objective_id.data))
    except ValueError:
        flash("Select activities from the list.", "danger")
        return redirect(back)
    except FieldError as error:
        flash(error.message, "danger")
        return redirect(back)
    db.session.commit()
    target = objectives.get(form.objective_id.data)
    flash(f"{changed} activit{'y' if changed == 1 else 'ies'} "
          + (f"now count under {target.code}." if target else "no longer mapped."), "success")
    return redirect(back)


# -- gaps and overlaps ------------------------------------------------------------------------


@bp.route("/<int:cycle_id>/gaps")
@permission_required("consolidate_action_plan")
def gaps(cycle_id: int):
    """What the plan does not cover: thematic areas, strategies, high-priority needs, offices."""
    cycle = _cycle(cycle_id)
    return render_template("actionplan/gaps.html", title=f"Gaps {cycle.name}", cycle=cycle,
                           c=live(cycle))


@bp.route("/<int:cycle_id>/overlaps")
@permission_required("consolidate_action_plan")
def overlaps(cycle_id: int):
    """Activities of different offices that look alike, to coordinate, merge or keep apart."""
    cycle = _cycle(cycle_id)
    c = live(cycle)
    pages = max((len(c.groups) + GROUPS_PER_PAGE - 1) // GROUPS_PER_PAGE, 1)
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    first = (page - 1) * GROUPS_PER_PAGE
    return render_template("actionplan/overlaps.html", title=f"Overlaps {cycle.name}",
                           cycle=cycle, c=c, form=DecisionForm(), decisions=DECISIONS,
                           shown=list(enumerate(c.groups[first:first + GROUPS_PER_PAGE],
                                                start=first + 1)),
                           page=page, pages=pages)


@bp.route("/<int:cycle_id>/overlaps/decide", methods=["POST"])
@permission_required("consolidate_action_plan")
def decide(cycle_id: int):
    """Record a decision on the alike pairs among the ticked activities of a group."""
    cycle = _cycle(cycle_id)
    form = DecisionForm()
    anchor = request.form.get("group", "")
    back = url_for("actionplan.overlaps", cycle_id=cycle.id,
                   page=request.form.get("page", 1, type=int)) + (
        f"#group-{anchor}" if anchor.isdigit() else "")
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "danger")
        return redirect(back)
    try:
        ticked = {int(value) for value in request.form.getlist("activities")}
    except ValueError:
        flash("Tick activities from the list.", "danger")
        return redirect(back)
    chosen = [p for p in live(cycle).overlaps
              if p.first["id"] in ticked and p.second["id"] in ticked]
    if not chosen:
        flash("Tick at least two alike activities of the group.", "danger")
        return redirect(back)
    try:
        saved = decide_overlaps(cycle, [p.key for p in chosen], form.decision.data,
                                current_user, form.note.data, {p.key: p.score for p in chosen})
    except FieldError as error:
        flash(error.message, "danger")
        return redirect(back)
    db.session.commit()
    flash(f"Recorded “{DECISIONS[form.decision.data].lower()}” for {len(saved)} "
          f"pair{'s' if len(saved) != 1 else ''} of alike activities.", "success")
    return redirect(url_for("actionplan.overlaps", cycle_id=cycle.id))


@bp.route("/<int:cycle_id>/overlaps/<int:decision_id>/undo", methods=["POST"])
@permission_required("consolidate_action_plan")
def undo(cycle_id: int, decision_id: int):
    """Forget a decision; the pair is flagged again while it still looks alike."""
    cycle = _cycle(cycle_id)
    decision = db.get_or_404(OverlapDecision, decision_id)
    if decision.cycle_id != cycle.id:
        abort(404)
    undo_decision(decision)
    db.session.commit()
    flash("Decision removed.", "success")
    return redirect(url_for("actionplan.overlaps", cycle_id=cycle.id))


# -- departmental objectives -------------------------------------------------------------------


def _objective_form(objective=None) -> ObjectiveForm:
    form = ObjectiveForm(obj=objective)
    form.thematic_area_id.choices = [("", "Any")] + [
        (a.id, a.name) for a in db.session.scalars(
            select(ThematicArea).where(ThematicArea.is_active).order_by(ThematicArea.position))]
    return form


@bp.route("/<int:cycle_id>/objectives", methods=["GET", "POST"])
@permission_required("consolidate_action_plan")
def objectives(cycle_id: int):
    """The Gender Unit's departmental objectives, with how many activities serve each."""
    cycle = _cycle(cycle_id)
    form = _objective_form()
    if form.validate_on_submit():
        try:
            saved = save_objective(None, cycle, title=form.title.data,
                                   description=form.description.data,
                                   thematic_area_id=form.thematic_area_id.data)
        except FieldError as error:
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash(f"Objective {saved.code} added.", "success")
            return redirect(url_for("actionplan.objectives", cycle_id=cycle.id))
    c = live(cycle)
    return render_template("actionplan/objectives.html", title=f"Objectives {cycle.name}",
                           cycle=cycle, c=c, form=form,
                           figures={f.key: f for f in c.by_objective})


@bp.route("/<int:cycle_id>/objectives/<int:objective_id>", methods=["GET", "POST"])
@permission_required("consolidate_action_plan")
def objective(cycle_id: int, objective_id: int):
    """Change a departmental objective."""
    cycle = _cycle(cycle_id)
    record = db.get_or_404(DepartmentalObjective, objective_id)
    if record.cycle_id != cycle.id:
        abort(404)
    form = _objective_form(record)
    if form.validate_on_submit():
        try:
            save_objective(record, cycle, title=form.title.data,
                           description=form.description.data,
                           thematic_area_id=form.thematic_area_id.data)
        except FieldError as error:
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash(f"Objective {record.code} saved.", "success")
            return redirect(url_for("actionplan.objectives", cycle_id=cycle.id))
    return render_template("actionplan/objective.html", title=f"Objective {record.code}",
                           cycle=cycle, objective=record, form=form)


@bp.route("/<int:cycle_id>/objectives/<int:objective_id>/delete", methods=["POST"])
@permission_required("consolidate_action_plan")
def remove_objective(cycle_id: int, objective_id: int):
    """Remove a departmental objective; its activities become unmapped."""
    cycle = _cycle(cycle_id)
    record = db.get_or_404(DepartmentalObjective, objective_id)
    if record.cycle_id != cycle.id:
        abort(404)
    code = record.code
    delete_objective(record)
    db.session.commit()
    flash(f"Objective {code} removed; its activities are no longer mapped.", "success")
    return redirect(url_for("actionplan.objectives", cycle_id=cycle.id))


# -- versions --------------------------------------------------------------------------------------


@bp.route("/<int:cycle_id>/finalise", methods=["POST"])
@permission_required("consolidate_action_plan")
def finalise_version(cycle_id: int):
    """Freeze the plan as it stands into a new numbered version."""
    cycle = _cycle(cycle_id)
    form = FinaliseForm()
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "danger")
        return redirect(url_for("actionplan.overview", cycle_id=cycle.id))
    try:
        version = finalise(cycle, current_user, form.note.data)
    except FieldError as error:
        flash(error.message, "danger")
        return redirect(url_for("actionplan.overview", cycle_id=cycle.id))
    db.session.commit()
    flash(f"{version.label} finalised. Check it, then publish it.", "success")
    return redirect(url_for("actionplan.version", cycle_id=cycle.id, number=version.number))


@bp.route("/<int:cycle_id>/versions/<int:number>")
@permission_required("read_action_plan")
def version(cycle_id: int, number: int):
    """A finalised version, read-only: the plan as it was frozen."""
    cycle = _cycle(cycle_id)
    record = _version(cycle, number)
    c = consolidate(record.content)
    readable = versions(cycle, published_only=not current_user.can("consolidate_action_plan"))
    return render_template("actionplan/version.html", title=f"Action plan {cycle.name}, "
                           f"version {record.number}", cycle=cycle, version=record, c=c,
                           charts=_charts(c), versions=readable)


@bp.route("/<int:cycle_id>/versions/<int:number>/publish", methods=["POST"])
@permission_required("consolidate_action_plan")
def publish_version(cycle_id: int, number: int):
    """Publish a finalised version for every signed-in user."""
    cycle = _cycle(cycle_id)
    record = _version(cycle, number)
    try:
        publish(record, current_user)
    except FieldError as error:
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash(f"{record.label} is published.", "success")
    return redirect(url_for("actionplan.version", cycle_id=cycle.id, number=number))


@bp.route("/<int:cycle_id>/compare")
@permission_required("read_action_plan")
def compare_versions(cycle_id: int):
    """Two versions side by side: activities added, removed and changed, and the totals."""
    cycle = _cycle(cycle_id)
    first = _version(cycle, request.args.get("a", type=int) or abort(404))
    second = _version(cycle, request.args.get("b", type=int) or abort(404))
    return render_template("actionplan/compare.html", title=f"Compare versions {cycle.name}",
                           cycle=cycle, first=first, second=second,
                           diff=compare(first.content, second.content))


@bp.route("/<int:cycle_id>/versions/<int:number>/plan.pdf")
@permission_required("read_action_plan")
def version_pdf(cycle_id: int, number: int):
    """A finalised version as a PDF the department can table."""
    from .reports import plan_pdf_response

    cycle = _cycle(cycle_id)
    record = _version(cycle, number)
    return plan_pdf_response(consolidate(record.content), record)


@bp.route("/<int:cycle_id>/versions/<int:number>/plan.xlsx")
@permission_required("read_action_plan")
def version_xlsx(cycle_id: int, number: int):
    """A finalised version as an Excel workbook."""
    from .reports import plan_workbook_response

    cycle = _cycle(cycle_id)
    record = _version(cycle, number)
    return plan_workbook_response(consolidate(record.content), record)


@bp.route("/<int:cycle_id>/draft.pdf")
@permission_required("consolidate_action_plan")
def draft_pdf(cycle_id: int):
    """The live plan as a PDF marked as a working draft."""
    from .reports import plan_pdf_response

    return plan_pdf_response(live(_cycle(cycle_id)), None)


@bp.route("/<int:cycle_id>/draft.xlsx")
@permission_required("consolidate_action_plan")
def draft_xlsx(cycle_id: int):
    """The live plan as an Excel workbook marked as a working draft."""
    from .reports import plan_workbook_response

    return plan_workbook_response(live(_cycle(cycle_id)), None)
