"""The implementation review: its report (PDF), the workbook of measurements and progress
(Excel), and starting the next cycle from what is left to do."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from wtforms import HiddenField, SubmitField
from wtforms.validators import InputRequired

from ..admin.models import PlanCycle
from ..admin.services import current_cycle
from ..core.exports import xlsx_download
from ..core.forms import OptionalIntSelectField
from ..core.hooks import nav_item
from ..core.pdf import pdf_response
from ..core.permissions import permission_required
from ..core.validation import FieldError, apply_to_form
from ..extensions import db
from ..workplans.reports import short_date
from . import bp
from .carryover import plan_for_next_cycle, start_next_cycle
from .dashboard import figures
from .models import ProgressReport, ReportingPeriod
from .reports import filename, lessons, measurements_workbook, review_pdf

nav_item("Implementation review", "monitoring.review", "read_monitoring", group="Monitoring",
         order=72)


class NextCycleForm(FlaskForm):
    """Start a cycle being planned from the unfinished activities of this one."""

    cycle_id = HiddenField()
    next_cycle_id = OptionalIntSelectField(
        "Cycle to start", choices=[], validators=[InputRequired("Choose the cycle to start.")],
        description="A cycle still being planned, starting after this one ends. Each office "
                    "with unfinished activities gets a draft plan holding them.")
    submit = SubmitField("Start the next cycle")


def _cycle() -> PlanCycle:
    """The cycle named in the request (?cycle= or the form), else the current one."""
    cycle_id = request.values.get("cycle", type=int) or request.form.get("cycle_id", type=int)
    cycle = db.session.get(PlanCycle, cycle_id) if cycle_id else current_cycle()
    if cycle is None:
        abort(404)
    return cycle


def _periods(cycle: PlanCycle) -> list[ReportingPeriod]:
    return list(db.session.scalars(select(ReportingPeriod)
                                   .where(ReportingPeriod.cycle_id == cycle.id)
                                   .order_by(ReportingPeriod.number)))


def latest_reviewed(cycle: PlanCycle) -> ReportingPeriod | None:
    """The latest period of the cycle with an accepted report."""
    return db.session.scalar(
        select(ReportingPeriod).join(ProgressReport, ProgressReport.period_id
                                     == ReportingPeriod.id)
        .where(ReportingPeriod.cycle_id == cycle.id, ProgressReport.status == "accepted")
        .order_by(ReportingPeriod.number.desc()).limit(1))


def _period(cycle: PlanCycle) -> ReportingPeriod | None:
    """The period asked for (?period=), which must be the cycle's; None when none is asked
    for (the figures then stand at the latest period with an accepted report)."""
    period_id = request.args.get("period", type=int)
    if period_id is None:
        return None
    period = db.session.get(ReportingPeriod, period_id)
    if period is None or period.cycle_id != cycle.id:
        abort(404)
    return period


def _next_cycle_form(cycle: PlanCycle, form: NextCycleForm | None = None) -> NextCycleForm:
    form = form or NextCycleForm(formdata=None, cycle_id=cycle.id)
    planning = db.session.scalars(select(PlanCycle).where(PlanCycle.status == "planning",
                                                          PlanCycle.id != cycle.id)
                                  .order_by(PlanCycle.start_date))
    form.next_cycle_id.choices = [("", "Choose a cycle")] + [
        (c.id, f"{c.name} ({short_date(c.start_date)} to {short_date(c.end_date)})")
        for c in planning]
    return form


def _review_page(cycle: PlanCycle, form: NextCycleForm | None = None, status: int = 200):
    periods = _periods(cycle)
    latest = latest_reviewed(cycle)
    can_start = current_user.can("start_next_cycle")
    return render_template(
        "monitoring/review.html", title=f"Implementation review {cycle.name}", cycle=cycle,
        cycles=db.session.scalars(select(PlanCycle).order_by(PlanCycle.start_date.desc())).all(),
        periods=periods, latest=latest, plan=plan_for_next_cycle(cycle.id),
        form=_next_cycle_form(cycle, form) if can_start else None), status


@bp.get("/review")
@permission_required("read_monitoring")
def review():
    """Where the review report and the workbook are downloaded and the next cycle started."""
    return _review_page(_cycle())


@bp.get("/review-report.pdf")
@permission_required("read_monitoring")
def review_report_pdf():
    """The implementation review of the plan up to a period, as a PDF."""
    cycle = _cycle()
    period = _period(cycle)
    standing = figures(cycle.id, period.id if period else None)
    data = review_pdf(cycle, standing, plan_for_next_cycle(cycle.id, standing=standing),
                      lessons(cycle.id, standing.period), current_app.config["DEPARTMENT_NAME"])
    return pdf_response(filename(cycle, "implementation-review", standing.period, "pdf"), data)


@bp.get("/measurements.xlsx")
@permission_required("read_monitoring")
def measurements_xlsx():
    """Every measurement and every activity's progress of the cycle, as a workbook."""
    cycle = _cycle()
    return xlsx_download(filename(cycle, "measurements", None, "xlsx"),
                         measurements_workbook(cycle))


@bp.post("/next-cycle")
@permission_required("start_next_cycle")
def next_cycle():
    """Start a cycle being planned from this cycle's unfinished activities."""
    cycle = _cycle()
    form = _next_cycle_form(cycle, NextCycleForm())
    if form.validate_on_submit():
        try:
            counts = start_next_cycle(cycle, db.session.get(PlanCycle, form.next_cycle_id.data),
                                      current_user)
        except FieldError as error:
            db.session.rollback()
            apply_to_form(form, error)
        else:
            target = db.session.get(PlanCycle, form.next_cycle_id.data)
            try:
                db.session.commit()
            except IntegrityError:  # someone started the same cycle at the same moment
                db.session.rollback()
                apply_to_form(form, FieldError("next_cycle_id", f"{target.name} was started "
                                               "by someone else just now; nothing was added."))
            else:
                flash(f"{target.name} has started: {_counts_words(counts)}", "success")
                return redirect(url_for("monitoring.review", cycle=cycle.id))
    return _review_page(cycle, form, 422)


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def _counts_words(counts: dict) -> str:
    """What starting the next cycle made, in a sentence."""
    text = (f"{_plural(counts['plans'], 'draft office plan')} with "
            f"{_plural(counts['activities'], 'activity', 'activities')} carried over and "
            f"{_plural(counts['indicators'], 'indicator')}, "
            f"{counts['new_baselines']:,} of them with a new baseline from the latest "
            "measurement.")
    if counts["finished"]:
        text += (f" {_plural(counts['finished'], 'activity', 'activities')} completed or "
                 "cancelled stayed behind.")
    return text
