"""Work-plan pages: the list of offices' plans, the editor a group uses on one projector, the
review (submit, return with comments, approve, reopen) and the comparison of versions."""

from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..admin.models import Office, PlanCycle, Strategy, ThematicArea
from ..admin.services import current_cycle
from ..assessment.models import Gap
from ..core.permissions import deny, login_required, require
from ..core.validation import FieldError, apply_to_form
from ..extensions import db
from . import bp
from .compare import changed_count, compare
from .forms import ActivityForm, CommentForm, IndicatorForm, ObjectiveForm
from .models import (
    PLAN_STATUSES,
    UNITS,
    Activity,
    Indicator,
    Objective,
    PlanComment,
    WorkPlan,
)
from .services import (
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
    move,
    parse_period,
    plan_for,
    quality_checks,
    reopen_plan,
    return_plan,
    save_activity,
    save_indicator,
    save_objective,
    snapshot,
    submit_plan,
    unanswered_gaps,
)


def _cycle() -> PlanCycle | None:
    cycle_id = request.args.get("cycle", type=int)
    return db.get_or_404(PlanCycle, cycle_id) if cycle_id else current_cycle()


def _readable(plan: WorkPlan) -> WorkPlan:
    require(can_read(current_user, plan))
    return plan


def _draftable(plan: WorkPlan) -> WorkPlan:
    require(can_draft(current_user, plan))
    if not plan.editable and request.method == "GET":
        flash(f"The plan is {plan.status_label.lower()}; it cannot change until the Gender "
              "Unit returns or reopens it.", "warning")
        abort(redirect(_back(plan)))
    return plan


def _back(plan: WorkPlan, anchor: str = "") -> str:
    return url_for("workplans.plan", plan_id=plan.id) + (f"#{anchor}" if anchor else "")


def _load(plan_id: int) -> WorkPlan:
    plan = db.session.scalar(select(WorkPlan).where(WorkPlan.id == plan_id).options(
        selectinload(WorkPlan.objectives).selectinload(Objective.activities)
        .selectinload(Activity.indicators),
        selectinload(WorkPlan.objectives).selectinload(Objective.activities)
        .selectinload(Activity.gaps),
        selectinload(WorkPlan.objectives).selectinload(Objective.activities)
        .selectinload(Activity.thematic_area),
        selectinload(WorkPlan.objectives).selectinload(Objective.activities)
        .selectinload(Activity.strategy),
        selectinload(WorkPlan.versions), selectinload(WorkPlan.comments)
        .selectinload(PlanComment.author), selectinload(WorkPlan.comments)
        .selectinload(PlanComment.indicator)))
    if plan is None:
        abort(404)
    return plan


# -- the list ------------------------------------------------------------------------------------


@bp.route("/")
@login_required
def index():
    """Every office's plan for the cycle, with its state; office staff go to their own."""
    if not (current_user.can("review_work_plans") or current_user.has_role("consultant")):
        if current_user.can("draft_work_plans") and current_user.office_id:
            cycle = current_cycle()
            if cycle is None:
                return render_template("workplans/no_cycle.html", title="Work plans")
            plan = plan_for(cycle.id, current_user.office_id, create=False)
            if plan is None:
                return render_template("workplans/start.html", title="Work plan",
                                       office=current_user.office, cycle=cycle)
            return redirect(url_for("workplans.plan", plan_id=plan.id))
        deny()
    cycle = _cycle()
    if cycle is None:
        return render_template("workplans/no_cycle.html", title="Work plans")
    activities = (select(Objective.plan_id, func.count(Activity.id).label("n"))
                  .join(Activity, Activity.objective_id == Objective.id)
                  .group_by(Objective.plan_id).subquery())
    plans = {p.office_id: (p, n) for p, n in db.session.execute(
        select(WorkPlan, func.coalesce(activities.c.n, 0))
        .outerjoin(activities, activities.c.plan_id == WorkPlan.id)
        .where(WorkPlan.cycle_id == cycle.id))}
    offices = db.session.scalars(select(Office).where(Office.active)
                                 .order_by(Office.acronym)).all()
    rows = [(office, *plans.get(office.id, (None, 0))) for office in offices]
    counts = {status: sum(1 for _, p, _ in rows if p and p.status == status)
              for status in PLAN_STATUSES}
    return render_template("workplans/index.html", title="Work plans", cycle=cycle, rows=rows,
                           counts=counts, statuses=PLAN_STATUSES)


@bp.route("/start", methods=["POST"])
@login_required
def start():
    """Start an office's plan for the current cycle."""
    require(current_user.can("draft_work_plans"))
    cycle = current_cycle()
    office_id = request.form.get("office_id", type=int) or current_user.office_id
    if cycle is None or office_id is None:
        abort(404)
    office = db.get_or_404(Office, office_id)
    require(current_user.has_role("consultant") or (
        current_user.can("draft_work_plans") and current_user.belongs_to(office.id)))
    plan = plan_for(cycle.id, office.id)
    db.session.commit()
    return redirect(url_for("workplans.plan", plan_id=plan.id))


# -- the editor ----------------------------------------------------------------------------------


@bp.route("/<int:plan_id>")
@login_required
def plan(plan_id: int):
    """The plan as a table grouped by objective, with what to fix before submission."""
    plan = _readable(_load(plan_id))
    comment_form = CommentForm()
    comment_form.activity_id.choices = [("", "The whole plan")] + [
        (a.id, a.title[:80]) for o in plan.objectives for a in o.activities]
    comment_form.indicator_id.choices = [("", "None: the activity or the plan")] + [
        (i.id, f"{a.title[:40]} › {i.statement[:60]}") for o in plan.objectives
        for a in o.activities for i in a.indicators]
    by_activity: dict[int | None, list[PlanComment]] = {}
    for comment in plan.comments:
        by_activity.setdefault(comment.activity_id, []).append(comment)
    return render_template(
        "workplans/plan.html", title=f"Work plan · {plan.office.acronym}", plan=plan,
        checks=quality_checks(plan), unanswered=unanswered_gaps(plan),
        can_edit=plan.editable and can_draft(current_user, plan),
        can_submit=plan.editable and current_user.can("submit_work_plans")
        and current_user.belongs_to(plan.office_id),
        can_review=current_user.can("review_work_plans"), comment_form=comment_form,
        comments=by_activity, projector=request.args.get("view") == "projector", units=UNITS,
        totals=_totals(plan))


def _totals(plan: WorkPlan) -> dict:
    activities = [a for o in plan.objectives for a in o.activities]
    return {"activities": len(activities),
            "indicators": sum(len(a.indicators) for a in activities),
            "core": sum((a.cost_core or Decimal(0)) for a in activities),
            "extra": sum((a.cost_extra or Decimal(0)) for a in activities),
            "unknown": sum(1 for a in activities if a.cost_core is None and
                           a.cost_extra is None)}


@bp.route("/<int:plan_id>/objectives/new", methods=["GET", "POST"])
@login_required
def new_objective(plan_id: int):
    """Add an objective."""
    plan = _draftable(db.get_or_404(WorkPlan, plan_id))
    return _objective_page(plan, None)


@bp.route("/objectives/<int:objective_id>", methods=["GET", "POST"])
@login_required
def edit_objective(objective_id: int):
    """Change an objective."""
    objective = db.get_or_404(Objective, objective_id)
    _draftable(objective.plan)
    return _objective_page(objective.plan, objective)


def _row_page(form, plan: WorkPlan, record, save, *, noun: str, anchor, template: str,
              **context):
    """The form of one row of a plan under optimistic locking. On a valid post `save()`
    saves the row and the page goes back to it in the plan (at `anchor(saved)`). A stale
    save keeps the other person's row, shown as `theirs` beside what was typed (409); a
    refused value is shown beside its field (422)."""
    theirs = None
    if form.validate_on_submit():
        try:
            saved = save()
        except ConflictError:
            db.session.rollback()
            theirs = db.session.get(type(record), record.id)
            form.lock_version.data = theirs.lock_version
        except FieldError as error:
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash(f"The {noun} has been saved.", "success")
            return redirect(_back(plan, anchor(saved)))
    title = f"Edit {noun}" if record else f"Add an {noun}"
    return render_template(template, form=form, plan=plan, theirs=theirs, title=title,
                           **context), (409 if theirs else 422 if form.errors else 200)


def _objective_page(plan: WorkPlan, objective: Objective | None):
    form = ObjectiveForm(obj=objective)
    return _row_page(
        form, plan, objective,
        lambda: save_objective(objective, plan, title=form.title.data,
                               description=form.description.data,
                               expected_version=form.seen_version()),
        noun="objective", anchor=lambda saved: f"objective-{saved.id}",
        template="workplans/objective_form.html", objective=objective)


def _activity_form(form: ActivityForm, plan: WorkPlan) -> ActivityForm:
    form.objective_id.choices = [(o.id, o.title[:90]) for o in plan.objectives]
    form.thematic_area_id.choices = [("", "Choose a thematic area")] + [
        (t.id, t.name) for t in db.session.scalars(select(ThematicArea).where(
            ThematicArea.is_active).order_by(ThematicArea.position, ThematicArea.name))]
    form.strategy_id.choices = [("", "Choose a strategy")] + [
        (s.id, s.name) for s in db.session.scalars(select(Strategy).where(
            Strategy.is_active).order_by(Strategy.position, Strategy.name))]
    from ..assessment.queries import register

    office_gaps = [r.gap for r in register(plan.cycle_id, plan.office_id)]
    others = db.session.scalars(select(Gap).where(
        Gap.cycle_id == plan.cycle_id, Gap.merged_into_id.is_(None),
        Gap.id.not_in([g.id for g in office_gaps] or [0])).order_by(Gap.number)).all()
    form.gap_ids.choices = [(g.id, f"{g.code} {g.title} ({g.priority_label.lower()})")
                            for g in office_gaps] + [(g.id, f"{g.code} {g.title} (raised "
                                                            "elsewhere)") for g in others]
    return form


def _period_text(day) -> str:
    return f"{day:%Y-%m}" if day else ""


@bp.route("/objectives/<int:objective_id>/activities/new", methods=["GET", "POST"])
@login_required
def new_activity(objective_id: int):
    """Add an activity under an objective."""
    objective = db.get_or_404(Objective, objective_id)
    _draftable(objective.plan)
    return _activity_page(objective.plan, objective, None)


@bp.route("/activities/<int:activity_id>", methods=["GET", "POST"])
@login_required
def edit_activity(activity_id: int):
    """Change an activity."""
    activity = db.get_or_404(Activity, activity_id)
    _draftable(activity.objective.plan)
    return _activity_page(activity.objective.plan, activity.objective, activity)


def _activity_page(plan: WorkPlan, objective: Objective, activity: Activity | None):
    data = {"objective_id": objective.id}
    if activity is not None and request.method == "GET":
        data.update(starts=_period_text(activity.starts_on),
                    ends=_period_text(activity.ends_on),
                    core="" if activity.cost_core is None else f"{activity.cost_core:f}",
                    extra="" if activity.cost_extra is None else f"{activity.cost_extra:f}",
                    gap_ids=[g.id for g in activity.gaps])
    form = _activity_form(ActivityForm(obj=activity, data=data), plan)

    def save():
        values = _activity_values(form)
        target = db.session.get(Objective, form.objective_id.data) or objective
        if target.plan_id != plan.id:
            raise FieldError("objective_id", "Choose an objective of this plan.")
        try:
            return save_activity(activity, target, values,
                                 expected_version=form.seen_version())
        except ConflictError:
            raise
        except FieldError as error:  # the service's names for the form's fields
            raise FieldError(FORM_NAMES.get(error.field, error.field), error.message) from None

    return _row_page(form, plan, activity, save, noun="activity",
                     anchor=lambda saved: f"activity-{saved.id}",
                     template="workplans/activity_form.html", activity=activity)


FORM_NAMES = {"starts_on": "starts", "ends_on": "ends", "cost_core": "core",
              "cost_extra": "extra"}


def _activity_values(form: ActivityForm) -> ActivityInput:
    """The form's text as typed, read into values; a bad value names its field."""
    values = {}
    for name, field, end in (("starts_on", "starts", False), ("ends_on", "ends", True)):
        try:
            values[name] = parse_period(getattr(form, field).data, end=end)
        except ValueError:
            raise FieldError(field, "Give a month such as 2026-04 or a quarter such as "
                                    "2026-Q2.") from None
    for name, field in (("cost_core", "core"), ("cost_extra", "extra")):
        try:
            values[name] = money(getattr(form, field).data)
        except ValueError:
            raise FieldError(field, "Give an amount in US dollars, zero or more, or leave it "
                                    "empty when not known.") from None
    return ActivityInput(title=form.title.data, description=form.description.data,
                         thematic_area_id=form.thematic_area_id.data,
                         strategy_id=form.strategy_id.data,
                         expected_result=form.expected_result.data,
                         responsible=form.responsible.data, status=form.status.data,
                         gap_ids=tuple(form.gap_ids.data or ()), **values)


@bp.route("/activities/<int:activity_id>/indicators/new", methods=["GET", "POST"])
@login_required
def new_indicator(activity_id: int):
    """Add an indicator to an activity."""
    activity = db.get_or_404(Activity, activity_id)
    _draftable(activity.objective.plan)
    return _indicator_page(activity, None)


@bp.route("/indicators/<int:indicator_id>", methods=["GET", "POST"])
@login_required
def edit_indicator(indicator_id: int):
    """Change an indicator."""
    indicator = db.get_or_404(Indicator, indicator_id)
    _draftable(indicator.activity.objective.plan)
    return _indicator_page(indicator.activity, indicator)


def _indicator_page(activity: Activity, indicator: Indicator | None):
    plan = activity.objective.plan
    form = IndicatorForm(obj=indicator)
    if indicator is not None and not form.is_submitted():
        form.counting.data = "cumulative" if indicator.cumulative else "per_period"
    return _row_page(
        form, plan, indicator,
        lambda: save_indicator(indicator, activity, IndicatorInput(
            statement=form.statement.data, kind=form.kind.data, unit=form.unit.data,
            baseline_value=form.baseline_value.data, baseline_date=form.baseline_date.data,
            target_value=form.target_value.data, target_date=form.target_date.data,
            verification=form.verification.data,
            sex_disaggregated=form.sex_disaggregated.data, direction=form.direction.data,
            cumulative=form.counting.data != "per_period"),
            expected_version=form.seen_version()),
        noun="indicator", anchor=lambda saved: f"activity-{saved.activity_id}",
        template="workplans/indicator_form.html", activity=activity, indicator=indicator)


_KINDS = {"objective": Objective, "activity": Activity, "indicator": Indicator}


def _owner_plan(record) -> WorkPlan:
    if isinstance(record, Objective):
        return record.plan
    if isinstance(record, Activity):
        return record.objective.plan
    return record.activity.objective.plan


@bp.route("/<any(objective, activity, indicator):row>/<int:record_id>/move",
          methods=["POST"])
@login_required
def reorder(row: str, record_id: int):
    """Move a row up or down, and come back to it."""
    kind = row
    record = db.get_or_404(_KINDS[kind], record_id)
    plan = _draftable(_owner_plan(record))
    step = -1 if request.form.get("direction") == "up" else 1
    try:
        move(record, step)
    except FieldError as error:
        flash(error.message, "danger")
    else:
        db.session.commit()
    anchor = {"objective": f"objective-{record_id}",
              "activity": f"activity-{record_id}",
              "indicator": f"activity-{getattr(record, 'activity_id', 0)}"}[kind]
    return redirect(_back(plan, anchor))


@bp.route("/<any(objective, activity, indicator):row>/<int:record_id>/delete",
          methods=["POST"])
@login_required
def remove(row: str, record_id: int):
    """Delete a row (with what is under it)."""
    kind = row
    record = db.get_or_404(_KINDS[kind], record_id)
    plan = _draftable(_owner_plan(record))
    version = request.form.get("lock_version", type=int)
    remover = {"objective": delete_objective, "activity": delete_activity,
               "indicator": delete_indicator}[kind]
    try:
        remover(record, version)
    except FieldError as error:
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash(f"The {kind} has been deleted.", "success")
    return redirect(_back(plan))


# -- review --------------------------------------------------------------------------------------


@bp.route("/<int:plan_id>/comments", methods=["POST"])
@login_required
def comment(plan_id: int):
    """Comment on the plan or on one of its activities."""
    plan = _readable(db.get_or_404(WorkPlan, plan_id))
    form = CommentForm()
    form.activity_id.choices = [("", "")] + [(a.id, "") for o in plan.objectives
                                             for a in o.activities]
    indicators = {i.id: i for o in plan.objectives for a in o.activities for i in a.indicators}
    form.indicator_id.choices = [("", "")] + [(i, "") for i in indicators]
    if form.validate_on_submit():
        activity_id = form.activity_id.data
        if form.indicator_id.data in indicators:  # shown beside the indicator's activity
            activity_id = indicators[form.indicator_id.data].activity_id
        try:
            saved = add_comment(plan, current_user, form.body.data, activity_id=activity_id,
                                indicator_id=form.indicator_id.data)
        except FieldError as error:
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash("The comment has been added.", "success")
            anchor = f"activity-{saved.activity_id}" if saved.activity_id else "comments"
            return redirect(_back(plan, anchor))
    else:
        flash(" ".join(e for errors in form.errors.values() for e in errors), "danger")
    return redirect(_back(plan, "comments"))


@bp.route("/<int:plan_id>/<any(submit, return, approve, reopen):step>", methods=["POST"])
@login_required
def review(plan_id: int, step: str):
    """Submit (focal point), return with comments, approve or reopen (Gender Unit)."""
    plan = _readable(db.get_or_404(WorkPlan, plan_id))
    action = step
    if action == "submit":
        require(current_user.can("submit_work_plans") and
                current_user.belongs_to(plan.office_id))
    else:
        require(current_user.can("review_work_plans"))
    try:
        if action == "submit":
            version = submit_plan(plan, current_user,
                                  request.form.get("lock_version", type=int))
            message = f"Version {version.number} has been submitted to the Gender Unit."
        elif action == "return":
            return_plan(plan, current_user, request.form.get("body", ""))
            message = "The plan has been returned to the office with your comments."
        elif action == "approve":
            approve_plan(plan, current_user)
            message = "The plan is approved."
        else:
            reopen_plan(plan, current_user)
            message = "The plan is open for changes again."
    except FieldError as error:
        flash(error.message, "danger")
        return redirect(_back(plan))
    db.session.commit()
    flash(message, "success")
    return redirect(_back(plan))


@bp.route("/<int:plan_id>/versions")
@login_required
def versions(plan_id: int):
    """The plan's versions; any two side by side with the changes marked."""
    plan = _readable(db.get_or_404(WorkPlan, plan_id))
    numbers = [v.number for v in plan.versions]
    if not numbers:
        return render_template("workplans/versions.html", title="Versions", plan=plan,
                               result=None)
    b = request.args.get("b", type=int) or numbers[-1]
    a = request.args.get("a", type=int) or (numbers[-2] if len(numbers) > 1 else 0)
    versions_by_number = {v.number: v for v in plan.versions}
    if b != 0 and b not in versions_by_number or a != 0 and a not in versions_by_number:
        abort(404)
    old = versions_by_number[a].content if a else {"objectives": []}
    new = versions_by_number[b].content if b else snapshot(plan)
    result = compare(old, new)
    return render_template("workplans/versions.html", title="Versions", plan=plan,
                           result=result, a=a, b=b, changes=changed_count(result),
                           numbers=numbers)



# -- files: the offline workbook and the PDF -----------------------------------------------------


@bp.route("/<int:plan_id>/workbook.xlsx")
@login_required
def workbook(plan_id: int):
    """The plan as a workbook to fill in without network (drop-down lists included)."""
    from ..core.exports import xlsx_download
    from .reports import filename
    from .workbook import plan_workbook

    plan = _readable(db.get_or_404(WorkPlan, plan_id))
    return xlsx_download(filename(plan, "xlsx"), plan_workbook(plan))


@bp.route("/template.xlsx")
@login_required
def template():
    """A blank workbook for the signed-in person's office (or ?office= for consultants)."""
    from ..core.exports import xlsx_download
    from .workbook import blank_workbook

    cycle = current_cycle()
    office_id = request.args.get("office", type=int) or current_user.office_id
    require(current_user.can("draft_work_plans") or current_user.can("review_work_plans"))
    if cycle is None or office_id is None:
        abort(404)
    office = db.get_or_404(Office, office_id)
    require(current_user.has_role("consultant") or current_user.can("review_work_plans")
            or current_user.belongs_to(office.id))
    return xlsx_download(f"work-plan-template-{office.acronym}-{cycle.name}.xlsx",
                         blank_workbook(cycle, office))


@bp.route("/<int:plan_id>/upload", methods=["GET", "POST"])
@login_required
def upload(plan_id: int):
    """Upload a filled workbook: checked whole, errors listed by sheet, row and column, nothing
    saved until the file is clean."""
    from .forms import UploadForm
    from .workbook import apply_workbook

    plan = _draftable(db.get_or_404(WorkPlan, plan_id))
    form = UploadForm()
    errors, report = [], None
    if form.validate_on_submit():
        data = form.file.data.read(MAX_UPLOAD + 1)
        if len(data) > MAX_UPLOAD:
            form.file.errors = [f"The file is larger than {MAX_UPLOAD // 1_000_000} MB."]
        else:
            try:
                report = apply_workbook(plan, data, current_user)
            except FieldError as error:
                db.session.rollback()
                form.file.errors = [error.message]
                report = None
            else:
                if report.ok:
                    db.session.commit()
                    flash("The workbook has been applied. " + report.summary(), "success")
                    return redirect(_back(plan))
                db.session.rollback()
                errors = report.errors
    status = 422 if (form.errors or errors) else 200
    return render_template("workplans/upload.html", title="Upload a workbook", plan=plan,
                           form=form, errors=errors), status


MAX_UPLOAD = 5_000_000


@bp.route("/<int:plan_id>/plan.pdf")
@login_required
def pdf(plan_id: int):
    """The plan as a landscape PDF, office, version and status on every page."""
    from flask import current_app

    from ..core.pdf import pdf_response
    from .reports import filename, plan_pdf

    plan = _readable(_load(plan_id))
    return pdf_response(filename(plan, "pdf"),
                        plan_pdf(plan, current_app.config["DEPARTMENT_NAME"]))
