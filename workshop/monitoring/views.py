"""Reporting periods and the offices' progress reports: the Gender Unit lays the periods out,
closes them and reviews the reports; office staff draft their office's report for a period and
the focal point submits it."""

from dataclasses import dataclass, field
from decimal import Decimal

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..actionplan.services import published_version
from ..admin.models import Office, PlanCycle
from ..admin.services import current_cycle
from ..core import models as clock
from ..core.exports import attachment_headers, csv_response
from ..core.permissions import permission_required, require
from ..core.validation import FieldError, apply_to_form
from ..extensions import db
from ..workplans.models import UNITS, Activity, Indicator
from . import bp, services
from .forms import PeriodsForm, ProgressForm, ReturnForm, SubmitForm, measurement_form
from .models import (
    PROGRESS_STATUSES,
    REPORT_STATUSES,
    ActivityProgress,
    EvidenceFile,
    Measurement,
    ProgressReport,
    ReportComment,
    ReportingPeriod,
)
from .progress import Progress, plain_number, progress

READERS = ("report_progress", "review_progress", "read_monitoring")


def _today():
    return clock.today()


def _office_user(office_id: int) -> bool:
    """Office staff report for their own office only."""
    return current_user.can("report_progress") and current_user.belongs_to(office_id)


def _can_read(office_id: int) -> bool:
    return (_office_user(office_id) or current_user.can("review_progress")
            or current_user.can("read_monitoring"))


def _cycle() -> PlanCycle | None:
    cycle_id = request.args.get("cycle", type=int)
    return db.get_or_404(PlanCycle, cycle_id) if cycle_id else current_cycle()


def _whole(text: str | None, field_name: str, message: str, low: int, high: int) -> int | None:
    """A whole number typed in a form, None when left empty; out of range is refused."""
    text = (text or "").strip().removesuffix("%").strip()
    if not text:
        return None
    try:
        value = int(text)
    except ValueError:
        raise FieldError(field_name, message) from None
    if not low <= value <= high:
        raise FieldError(field_name, message)
    return value


# -- the periods of a cycle -----------------------------------------------------------------------


@bp.get("/")
@permission_required("see_progress_reports")
def index():
    """The cycle's reporting periods: for the Gender Unit with every office's reports counted,
    for office staff with their own office's report."""
    return _index_page(_cycle())


def _index_page(cycle: PlanCycle | None, form: PeriodsForm | None = None,
                refused: dict[int, str] | None = None, status: int = 200):
    if cycle is None:
        return render_template("monitoring/index.html", title="Progress reports", cycle=None)
    on = _today()
    periods = db.session.scalars(select(ReportingPeriod)
                                 .where(ReportingPeriod.cycle_id == cycle.id)
                                 .order_by(ReportingPeriod.number)).all()
    expected = services.published_plan_activities(cycle.id)
    published = bool(expected) or published_version(cycle.id) is not None
    context = {"title": "Progress reports", "cycle": cycle, "periods": periods,
               "published": published, "on": on, "refused": refused or {},
               "statuses": REPORT_STATUSES,
               "cycles": db.session.scalars(select(PlanCycle)
                                            .order_by(PlanCycle.start_date.desc())).all()}
    if current_user.can("review_progress") or current_user.can("read_monitoring"):
        counts = {p.id: dict.fromkeys(REPORT_STATUSES, 0) for p in periods}
        reported: dict[int, set[int]] = {p.id: set() for p in periods}
        for period_id, office_id, report_status in db.session.execute(
                select(ProgressReport.period_id, ProgressReport.office_id, ProgressReport.status)
                .join(ProgressReport.period).where(ReportingPeriod.cycle_id == cycle.id)):
            counts[period_id][report_status] += 1
            if report_status in ("submitted", "accepted") and office_id in expected:
                reported[period_id].add(office_id)
        context.update(counts=counts, expected=len(expected),
                       not_reported={p.id: len(expected) - len(reported[p.id])
                                     for p in periods},
                       started=any(sum(c.values()) for c in counts.values()))
    if current_user.can("manage_periods"):
        context["form"] = form or PeriodsForm(formdata=None)
    office_id = current_user.office_id
    if current_user.can("report_progress") and office_id is not None:
        mine = {r.period_id: r for r in db.session.scalars(
            select(ProgressReport).join(ProgressReport.period)
            .where(ReportingPeriod.cycle_id == cycle.id, ProgressReport.office_id == office_id))}
        sent = {p for p, r in mine.items() if r.status in ("submitted", "accepted")}
        context["mine"] = [(p, mine.get(p.id),
                            0 if p.id in sent else services.days_overdue(p, on))
                           for p in periods]
        context["office_expected"] = office_id in expected
    return render_template("monitoring/index.html", **context), status


@bp.post("/periods")
@permission_required("manage_periods")
def set_periods():
    """Lay the cycle's reporting periods out, again if need be until offices start reporting."""
    cycle = _cycle()
    if cycle is None:
        abort(404)
    form = PeriodsForm()
    if form.validate_on_submit():
        try:
            due_days = _whole(form.due_days.data, "due_days", "Give a whole number of days "
                              "between 0 and 90, such as 15.", 0, 90)
            periods = services.set_periods(
                cycle, form.frequency.data, starts_on=form.starts_on.data,
                due_days=services.DEFAULT_DUE_DAYS if due_days is None else due_days)
        except FieldError as error:
            db.session.rollback()
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash(f"{len(periods)} reporting period{'s' if len(periods) != 1 else ''} laid "
                  f"out: {periods[0].label} to {periods[-1].label}." if periods else
                  "No reporting period fits in the cycle from that day.", "success")
            return redirect(url_for("monitoring.index", cycle=cycle.id))
    return _index_page(cycle, form=form, status=422)


@bp.post("/periods/<int:period_id>/close")
@permission_required("manage_periods")
def close_period(period_id: int):
    """Close a period: its reports no longer change."""
    return _open_or_close(period_id, services.close_period, "{} is closed.")


@bp.post("/periods/<int:period_id>/reopen")
@permission_required("manage_periods")
def reopen_period(period_id: int):
    """Open a closed period again, unless every report in it is accepted."""
    return _open_or_close(period_id, services.reopen_period, "{} is open again.")


def _open_or_close(period_id: int, change, done: str):
    period = db.get_or_404(ReportingPeriod, period_id)
    try:
        change(period)
    except FieldError as error:
        db.session.rollback()
        period = db.session.get(ReportingPeriod, period_id)
        return _index_page(period.cycle, refused={period.id: error.message}, status=422)
    db.session.commit()
    flash(done.format(period.label), "success")
    return redirect(url_for("monitoring.index", cycle=period.cycle_id) + f"#period-{period.id}")


# -- one period: who has reported -------------------------------------------------------------


@bp.get("/periods/<int:period_id>")
@permission_required(*READERS)
def period(period_id: int):
    """Every office expected to report for the period, with its report, and who has not
    reported yet, with the days they are overdue. Office staff see their own office."""
    period = db.get_or_404(ReportingPeriod, period_id)
    everyone = current_user.can("review_progress") or current_user.can("read_monitoring")
    office_ids = None if everyone else {current_user.office_id}
    rows = services.standings(period, _today(), office_ids)
    if request.args.get("export") == "csv":
        return csv_response(
            f"progress-reports-{period.label.replace(' ', '-')}",
            ["Office", "Office name", "Report", "Submitted", "Days overdue",
             "Activities not reported on"],
            [(r.office.acronym, r.office.name,
              REPORT_STATUSES[r.report.status] if r.report else "Not started",
              r.report.submitted_at.date() if r.report and r.report.submitted_at else "",
              r.days_overdue,
              "" if r.reported else "; ".join(a["title"] for a in r.activities))
             for r in rows])
    return render_template("monitoring/period.html", title=f"Progress reports {period.label}",
                           period=period, rows=rows, missing=[r for r in rows if not r.reported],
                           everyone=everyone, statuses=REPORT_STATUSES, on=_today())


# -- an office's report ---------------------------------------------------------------------------


@dataclass
class IndicatorView:
    """An indicator of the report with its measurement, its form and its progress so far."""

    indicator: Indicator
    measurement: Measurement | None
    form: object
    progress: Progress
    editing: bool

    @property
    def achieved(self) -> str:
        """What has been achieved so far, as the indicator counts it."""
        reached = self.progress.achieved
        if reached is None:
            return ""
        if self.indicator.unit == "yes_no":
            return "yes" if reached >= 1 else "no"
        return _plain_number(reached) + (" %" if self.indicator.unit == "percent" else "")

    @property
    def value(self) -> str:
        """This period's value as the office gave it."""
        m = self.measurement
        if m is None:
            return ""
        if self.indicator.unit == "yes_no":
            return m.value_text.capitalize()
        if m.value_number is not None:
            suffix = " %" if self.indicator.unit == "percent" else ""
            return _plain_number(m.value_number) + suffix
        return m.value_text

    @property
    def split(self) -> str:
        """Women and men, when given."""
        m = self.measurement
        if m is None or (m.female is None and m.male is None):
            return ""
        return (f"women {_plain_number(m.female) or '0'}, "
                f"men {_plain_number(m.male) or '0'}")


@dataclass
class LineView:
    """An activity of the report with its progress, its form, comments and indicators."""

    line: ActivityProgress
    form: ProgressForm
    editing: bool
    comments: list[ReportComment] = field(default_factory=list)
    indicators: list[IndicatorView] = field(default_factory=list)


def _load_report(period_id: int, office_id: int) -> ProgressReport | None:
    return db.session.scalar(
        select(ProgressReport).where(ProgressReport.period_id == period_id,
                                     ProgressReport.office_id == office_id)
        .options(
            selectinload(ProgressReport.activities).selectinload(ActivityProgress.activity)
            .selectinload(Activity.indicators),
            selectinload(ProgressReport.activities).selectinload(ActivityProgress.activity)
            .selectinload(Activity.thematic_area),
            selectinload(ProgressReport.measurements).selectinload(Measurement.evidence)
            .selectinload(EvidenceFile.uploaded_by),
            selectinload(ProgressReport.comments).selectinload(ReportComment.author)))


def _report_url(report: ProgressReport, anchor: str = "") -> str:
    return url_for("monitoring.report", period_id=report.period_id,
                   office_id=report.office_id) + (f"#{anchor}" if anchor else "")


def _plain_number(value: Decimal | None) -> str:
    return "" if value is None else plain_number(value)


def _file_size(count: int) -> str:
    """A file's size as people say it: 2.4 MB, 800 KB."""
    if count >= 1_048_576:
        return f"{count / 1_048_576:.1f} MB"
    return f"{max(round(count / 1024), 1)} KB"


def _measurement_data(measurement: Measurement | None, version: int) -> dict:
    if measurement is None:
        return {"lock_version": version}
    value = (_plain_number(measurement.value_number) if measurement.value_number is not None
             else measurement.value_text)
    return {"value": value, "female": _plain_number(measurement.female),
            "male": _plain_number(measurement.male), "source": measurement.source,
            "lock_version": version}


def _progress_data(line: ActivityProgress, version: int) -> dict:
    return {"status": line.status, "narrative": line.narrative, "challenges": line.challenges,
            "next_steps": line.next_steps, "good_practice": line.good_practice,
            "lesson": line.lesson, "lock_version": version,
            "percent_complete": "" if line.percent_complete is None
            else str(line.percent_complete)}


def _report_page(period: ReportingPeriod, office: Office, *, failed: dict | None = None,
                 stale: str | None = None, alert: str | None = None, status: int = 200):
    """The report page; `failed` holds the forms of a refused change (shown as typed, with
    their messages), `stale` the key of one refused because the report changed meanwhile."""
    failed = failed or {}
    on = _today()
    report = _load_report(period.id, office.id)
    office_user = _office_user(office.id)
    context = {"title": f"Progress report {office.acronym} {period.label}", "period": period,
               "office": office, "report": report, "alert": alert, "stale": stale,
               "office_user": office_user, "units": UNITS, "statuses": REPORT_STATUSES,
               "progress_statuses": PROGRESS_STATUSES, "on": on,
               "file_size": _file_size}
    if report is None:
        context.update(activities=services.published_activities(period.cycle_id, office.id),
                       days_overdue=services.days_overdue(period, on))
        return render_template("monitoring/report.html", **context), status
    editable = report.period.status == "open" and report.status in ("draft", "returned")
    can_edit = editable and office_user
    version = report.lock_version
    readings = services.readings_to_date(report)
    measured = {m.indicator_id: m for m in report.measurements}
    comments: dict[int | None, list[ReportComment]] = {}
    for comment in report.comments:
        comments.setdefault(comment.activity_id, []).append(comment)
    lines = []
    for line in report.activities:
        key = f"a{line.activity_id}"
        view = LineView(line, failed.get(key) or ProgressForm(
            formdata=None, prefix=key, data=_progress_data(line, version)),
            can_edit or key in failed, comments.get(line.activity_id, []))
        for indicator in line.activity.indicators:
            key = f"i{indicator.id}"
            measurement = measured.get(indicator.id)
            form = failed.get(key) or measurement_form(
                indicator, formdata=None, prefix=key,
                data=_measurement_data(measurement, version))
            view.indicators.append(IndicatorView(
                indicator, measurement, form,
                progress(readings.get(indicator.id, []), baseline=indicator.baseline_value,
                         target=indicator.target_value, cumulative=indicator.cumulative,
                         baseline_date=indicator.baseline_date,
                         target_date=indicator.target_date, on=period.ends_on),
                can_edit or key in failed))
        lines.append(view)
    return_form = failed.get("return") or ReturnForm(formdata=None)
    return_form.activity_id.choices = [("", "The whole report")] + [
        (v.line.activity_id, v.line.activity.title[:90]) for v in lines]
    reported = report.status in ("submitted", "accepted")
    context.update(
        lines=lines, can_edit=can_edit, general_comments=comments.get(None, []),
        days_overdue=0 if reported else services.days_overdue(period, on),
        can_submit=editable and current_user.can("submit_progress") and office_user,
        can_review=report.status == "submitted" and current_user.can("review_progress"),
        submit_form=failed.get("submit") or SubmitForm(formdata=None,
                                                       data={"lock_version": version}),
        return_form=return_form, review_error=failed.get("accept"))
    return render_template("monitoring/report.html", **context), status


@bp.get("/periods/<int:period_id>/offices/<int:office_id>")
@permission_required(*READERS)
def report(period_id: int, office_id: int):
    """An office's report for a period: each activity's progress and each indicator's
    measurement with its evidence; drafted by the office, reviewed by the Gender Unit."""
    period = db.get_or_404(ReportingPeriod, period_id)
    office = db.get_or_404(Office, office_id)
    require(_can_read(office.id))
    return _report_page(period, office)


@bp.post("/periods/<int:period_id>/offices/<int:office_id>/start")
@permission_required("report_progress")
def start_report(period_id: int, office_id: int):
    """Start the office's report for the period, with a line for each published activity."""
    period = db.get_or_404(ReportingPeriod, period_id)
    office = db.get_or_404(Office, office_id)
    require(_office_user(office.id))
    try:
        report = services.report_for(period, office.id)
        db.session.commit()
    except FieldError as error:
        db.session.rollback()
        return _report_page(period, office, alert=error.message, status=422)
    except IntegrityError:  # a colleague started it at the same moment: theirs is the report
        db.session.rollback()
        return redirect(url_for("monitoring.report", period_id=period.id, office_id=office.id))
    flash(f"The report for {period.label} has been started. Report on each activity, then "
          "the focal point submits it.", "success")
    return redirect(_report_url(report))


def _office_report(report_id: int) -> ProgressReport:
    report = db.get_or_404(ProgressReport, report_id)
    require(_office_user(report.office_id))
    return report


def _refused_save(report: ProgressReport, key: str, form, error: FieldError):
    """Show a refused change as typed: 409 when the report changed meanwhile, else 422."""
    db.session.rollback()
    report = db.session.get(ProgressReport, report.id)
    if isinstance(error, services.StaleReportError):
        form.lock_version.data = report.lock_version  # saving again replaces what is saved
        form.form_errors.append("Not saved: the report changed since you opened it.")
        form._errors = None
        return _report_page(report.period, report.office, failed={key: form}, stale=key,
                            alert=error.message, status=409)
    apply_to_form(form, error)
    return _report_page(report.period, report.office, failed={key: form},
                        alert="Your change was not saved: " + error.message, status=422)


@bp.post("/reports/<int:report_id>/activities/<int:activity_id>")
@permission_required("report_progress")
def save_activity(report_id: int, activity_id: int):
    """Save where an activity stands at the end of the period."""
    report = _office_report(report_id)
    if activity_id not in {a.activity_id for a in report.activities}:
        abort(404)
    key = f"a{activity_id}"
    form = ProgressForm(prefix=key)
    if not form.validate_on_submit():
        return _report_page(report.period, report.office, failed={key: form},
                            alert="Your change was not saved: see the messages below.",
                            status=422)
    try:
        services.claim_report(report, form.seen_version())
        services.save_progress(
            report, activity_id, status=form.status.data,
            percent_complete=_whole(form.percent_complete.data, "percent_complete",
                                    "Give the per cent complete as a whole number from 0 to "
                                    "100.", 0, 100),
            narrative=form.narrative.data or "", challenges=form.challenges.data or "",
            next_steps=form.next_steps.data or "", good_practice=form.good_practice.data,
            lesson=form.lesson.data or "")
    except FieldError as error:
        return _refused_save(report, key, form, error)
    db.session.commit()
    flash("Progress on the activity has been saved.", "success")
    return redirect(_report_url(report, f"activity-{activity_id}"))


def _evidence_limit() -> int:
    return current_app.config.get("EVIDENCE_MAX_BYTES", services.EVIDENCE_MAX_BYTES)


@bp.post("/reports/<int:report_id>/indicators/<int:indicator_id>")
@permission_required("report_progress")
def save_measurement(report_id: int, indicator_id: int):
    """Save an indicator's value for the period, with an evidence file if one is attached:
    both or neither."""
    report = _office_report(report_id)
    indicator = db.get_or_404(Indicator, indicator_id)
    if indicator.activity_id not in {a.activity_id for a in report.activities}:
        abort(404)
    key = f"i{indicator.id}"
    form = measurement_form(indicator, prefix=key)
    if not form.validate_on_submit():
        return _report_page(report.period, report.office, failed={key: form},
                            alert="Your change was not saved: see the messages below.",
                            status=422)
    upload = form.file.data
    try:
        services.claim_report(report, form.seen_version())
        measurement = services.save_measurement(
            report, indicator, value=form.value.data or "",
            female=form.female.data if form.female else None,
            male=form.male.data if form.male else None, source=form.source.data or "")
        if upload is not None and upload.filename:
            services.add_evidence(measurement, upload.filename, upload.read(), current_user,
                                  max_bytes=_evidence_limit())
    except FieldError as error:
        return _refused_save(report, key, form, error)
    db.session.commit()
    attached = upload is not None and upload.filename
    flash("The measurement has been saved" + (" with its evidence file." if attached else "."),
          "success")
    return redirect(_report_url(report, f"indicator-{indicator.id}"))


@bp.get("/evidence/<int:evidence_id>")
@permission_required(*READERS)
def evidence(evidence_id: int):
    """An evidence file, downloaded as it was uploaded."""
    record = db.get_or_404(EvidenceFile, evidence_id)
    require(_can_read(record.measurement.report.office_id))
    return Response(record.data, mimetype=record.content_type,
                    headers=attachment_headers(record.filename))


@bp.post("/evidence/<int:evidence_id>/remove")
@permission_required("report_progress")
def remove_evidence(evidence_id: int):
    """Take an evidence file off its measurement while the report can change."""
    record = db.get_or_404(EvidenceFile, evidence_id)
    measurement = record.measurement
    report = _office_report(measurement.report_id)
    name, indicator_id = record.filename, measurement.indicator_id
    try:
        services.remove_evidence(record)
    except FieldError as error:
        db.session.rollback()
        return _report_page(report.period, report.office, alert=error.message, status=422)
    db.session.commit()
    flash(f"{name} has been removed.", "success")
    return redirect(_report_url(report, f"indicator-{indicator_id}"))


# -- submission and review ------------------------------------------------------------------------


@bp.post("/reports/<int:report_id>/submit")
@permission_required("submit_progress")
def submit_report(report_id: int):
    """The focal point sends the office's report to the Gender Unit."""
    report = _office_report(report_id)
    form = SubmitForm()
    if form.validate_on_submit():
        try:
            services.claim_report(report, form.seen_version())
            services.submit_report(report, current_user)
        except FieldError as error:
            return _refused_save(report, "submit", form, error)
        db.session.commit()
        flash(f"The report for {report.period.label} has been submitted to the Gender Unit.",
              "success")
        return redirect(_report_url(report))
    return _report_page(report.period, report.office, failed={"submit": form}, status=422)


@bp.post("/reports/<int:report_id>/accept")
@permission_required("review_progress")
def accept_report(report_id: int):
    """The Gender Unit accepts the report; its figures count from now on."""
    report = db.get_or_404(ProgressReport, report_id)
    try:
        services.accept_report(report, current_user)
    except FieldError as error:
        db.session.rollback()
        report = db.session.get(ProgressReport, report_id)
        return _report_page(report.period, report.office, failed={"accept": error.message},
                            alert=error.message, status=422)
    db.session.commit()
    flash(f"The report of {report.office.acronym} for {report.period.label} is accepted.",
          "success")
    return redirect(_report_url(report))


@bp.post("/reports/<int:report_id>/return")
@permission_required("review_progress")
def return_report(report_id: int):
    """The Gender Unit sends the report back to the office with what to correct."""
    report = db.get_or_404(ProgressReport, report_id)
    form = ReturnForm()
    form.activity_id.choices = [("", "")] + [(a.activity_id, "") for a in report.activities]
    if form.validate_on_submit():
        try:
            services.return_report(report, current_user, form.body.data,
                                   activity_id=form.activity_id.data)
        except FieldError as error:
            db.session.rollback()
            report = db.session.get(ProgressReport, report_id)
            apply_to_form(form, error)
        else:
            db.session.commit()
            flash(f"The report has been returned to {report.office.acronym} with your "
                  "comment.", "success")
            anchor = f"activity-{form.activity_id.data}" if form.activity_id.data else ""
            return redirect(_report_url(report, anchor))
    messages = [*form.form_errors, *(e for errors in form.errors.values() for e in errors
                                     if isinstance(e, str))]
    return _report_page(report.period, report.office, failed={"return": form},
                        alert="The report was not returned: " + " ".join(dict.fromkeys(
                            messages)), status=422)
