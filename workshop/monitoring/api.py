"""API resources of monitoring: a cycle's reporting periods, the offices' progress reports with
their activities' progress and indicators' measurements, the review of reports, and each user's
notifications.

Office staff read and write their own office's reports only; the focal point submits; the
Gender Unit lays out and closes periods and accepts or returns reports; the Gender Unit, viewers
and administrators read every office's reports. A report's `lock_version` grows with every
change: a change that sends an older one is refused with 409 (sending none skips the check).
"""

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import abort
from marshmallow import Schema, fields, validate
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..admin.models import PlanCycle
from ..assessment.api import UtcDateTime
from ..core.api import (
    ID,
    MAX_ID,
    Id,
    Text,
    api_blueprint,
    documented_errors,
    paginate,
    service_errors,
)
from ..core.models import today
from ..core.permissions import permission_required, require
from ..extensions import db
from ..workplans.models import Indicator
from .dashboard import figures
from .models import (
    PERIOD_STATUSES,
    PROGRESS_STATUSES,
    REPORT_STATUSES,
    Measurement,
    Notification,
    ProgressReport,
    ReportingPeriod,
)
from .notifications import mark_read, unread
from .periods import DEFAULT_DUE_DAYS, FREQUENCIES
from .progress import plain_number
from .services import (
    accept_report,
    close_period,
    days_overdue,
    reopen_period,
    report_for,
    return_report,
    save_measurement,
    save_progress,
    set_periods,
    standings,
    submit_report,
)

blp = api_blueprint("monitoring-api", __name__,
                    "Monitoring of the published plan: reporting periods, the offices' progress "
                    "reports, their measurements and review, and notifications.")

REPORT, SUBMIT, REVIEW = "report_progress", "submit_progress", "review_progress"
READ_ALL, PERIODS = "read_monitoring", "manage_periods"
ANY_MONITORING = (REPORT, REVIEW, READ_ALL)


def LockVersion():  # noqa: N802 - reads as a field type
    """The report's version as the client last read it; a change sent with an older one is
    refused with 409, one sent without skips the check."""
    return fields.Integer(load_default=None, validate=validate.Range(1, MAX_ID), metadata={
        "description": "The report's version as last read; 409 when it has changed since."})


def _decimal(value):
    return None if value is None else plain_number(value)


def _reads_every_office() -> bool:
    return current_user.can(REVIEW) or current_user.can(READ_ALL)


def _readable(report: ProgressReport) -> ProgressReport:
    require(_reads_every_office() or current_user.belongs_to(report.office_id))
    return report


def _writable(report: ProgressReport, lock_version: int | None) -> ProgressReport:
    require(current_user.can(REPORT) and current_user.belongs_to(report.office_id))
    _fresh(report, lock_version)
    return report


def _fresh(report: ProgressReport, lock_version: int | None) -> None:
    if lock_version is not None and lock_version != report.lock_version:
        abort(409, message="Someone else changed this report since you read it; read it "
                           "again and repeat your change.")


def _report_or_404(report_id: int) -> ProgressReport:
    report = db.session.scalar(select(ProgressReport).where(ProgressReport.id == report_id)
                               .options(selectinload(ProgressReport.activities),
                                        selectinload(ProgressReport.measurements)
                                        .selectinload(Measurement.evidence),
                                        selectinload(ProgressReport.comments),
                                        selectinload(ProgressReport.period)))
    if report is None:
        abort(404)
    return report


def _report_overdue(report: ProgressReport) -> int:
    """Days past the due date of a report not yet with the Gender Unit (0 otherwise)."""
    if report.status in ("submitted", "accepted"):
        return 0
    return days_overdue(report.period, today())


# -- periods ------------------------------------------------------------------------------------


class PeriodSchema(Schema):
    """A reporting period of a cycle."""

    id = fields.Integer()
    cycle_id = fields.Integer()
    number = fields.Integer()
    label = fields.String(metadata={"example": "Q1 2027"})
    starts_on = fields.Date()
    ends_on = fields.Date()
    due_on = fields.Date(metadata={"description": "When the offices' reports are due."})
    status = fields.String(metadata={"enum": list(PERIOD_STATUSES)})
    closed_at = UtcDateTime(allow_none=True)


class LayOutSchema(Schema):
    """How to lay the cycle's reporting periods out."""

    frequency = fields.String(required=True, validate=validate.OneOf(list(FREQUENCIES)))
    starts_on = fields.Date(load_default=None, metadata={
        "description": "The first day of the first period; the start of the cycle when "
                       "not given."})
    due_days = fields.Integer(load_default=DEFAULT_DUE_DAYS, validate=validate.Range(0, 90),
                              metadata={"description": "Days after a period's end when its "
                                                       "reports are due."})


@blp.route(f"/cycles/<{ID}:cycle_id>/periods")
class Periods(MethodView):
    """A cycle's reporting periods."""

    @permission_required(*ANY_MONITORING)
    @blp.response(200, PeriodSchema(many=True))
    @documented_errors(blp, 404)
    def get(self, cycle_id):
        """The cycle's reporting periods in order."""
        db.get_or_404(PlanCycle, cycle_id)
        return db.session.scalars(select(ReportingPeriod).where(
            ReportingPeriod.cycle_id == cycle_id).order_by(ReportingPeriod.number))

    @permission_required(PERIODS)
    @blp.arguments(LayOutSchema)
    @blp.response(200, PeriodSchema(many=True))
    @documented_errors(blp, 400, 404, 422)
    @service_errors
    def put(self, data, cycle_id):
        """Lay the periods out as quarters or half-years (refused once reporting started)."""
        cycle = db.get_or_404(PlanCycle, cycle_id)
        periods = set_periods(cycle, data["frequency"], starts_on=data["starts_on"],
                              due_days=data["due_days"])
        db.session.commit()
        return periods


@blp.route(f"/periods/<{ID}:period_id>")
class PeriodItem(MethodView):
    """One reporting period."""

    @permission_required(*ANY_MONITORING)
    @blp.response(200, PeriodSchema)
    @documented_errors(blp, 404)
    def get(self, period_id):
        """A reporting period."""
        return db.get_or_404(ReportingPeriod, period_id)


class PeriodStatusSchema(Schema):
    """Open or close a period."""

    status = fields.String(required=True, validate=validate.OneOf(list(PERIOD_STATUSES)))


@blp.route(f"/periods/<{ID}:period_id>/status")
class PeriodStatus(MethodView):
    """Whether a period takes reports."""

    @permission_required(PERIODS)
    @blp.arguments(PeriodStatusSchema)
    @blp.response(200, PeriodSchema)
    @documented_errors(blp, 400, 404, 422)
    @service_errors
    def put(self, data, period_id):
        """Close a period, or open it again (refused when it is locked: closed with every
        report accepted)."""
        period = db.get_or_404(ReportingPeriod, period_id)
        (close_period if data["status"] == "closed" else reopen_period)(period)
        db.session.commit()
        return period


# -- reports ------------------------------------------------------------------------------------


class EvidenceSchema(Schema):
    """A file backing a measurement (download it from `url`)."""

    id = fields.Integer()
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer(metadata={"description": "Bytes."})
    sha256 = fields.String()
    url = fields.Function(lambda e: f"/monitoring/evidence/{e.id}")


class MeasurementSchema(Schema):
    """An indicator's value at the end of the period."""

    indicator_id = fields.Integer()
    value = fields.Function(lambda m: m.value_text if m.value_number is None
                            else plain_number(m.value_number),
                            metadata={"description": "As the indicator's unit says: a number, "
                                                     "a per cent, yes or no, or text."})
    female = fields.Function(lambda m: _decimal(m.female), allow_none=True)
    male = fields.Function(lambda m: _decimal(m.male), allow_none=True)
    source = fields.String()
    evidence = fields.List(fields.Nested(EvidenceSchema))


class ActivityProgressSchema(Schema):
    """Where one activity stands at the end of the period."""

    activity_id = fields.Integer()
    status = fields.String(metadata={"enum": list(PROGRESS_STATUSES)})
    percent_complete = fields.Integer(allow_none=True)
    narrative = fields.String()
    challenges = fields.String()
    next_steps = fields.String()
    good_practice = fields.Boolean()
    lesson = fields.String()


class CommentSchema(Schema):
    """A reviewer's comment."""

    id = fields.Integer()
    activity_id = fields.Integer(allow_none=True)
    author_id = fields.Integer(allow_none=True)
    body = fields.String()
    created_at = UtcDateTime()


class ReportSchema(Schema):
    """An office's progress report for a period."""

    id = fields.Integer()
    period_id = fields.Integer()
    office_id = fields.Integer()
    status = fields.String(metadata={"enum": list(REPORT_STATUSES)})
    submitted_at = UtcDateTime(allow_none=True)
    decided_at = UtcDateTime(allow_none=True)
    overdue_since = fields.Date(allow_none=True)
    days_overdue = fields.Function(_report_overdue)
    lock_version = fields.Integer()


class ReportDetailSchema(ReportSchema):
    """A report with everything in it."""

    activities = fields.List(fields.Nested(ActivityProgressSchema))
    measurements = fields.List(fields.Nested(MeasurementSchema))
    comments = fields.List(fields.Nested(CommentSchema))


class OfficeReportingSchema(Schema):
    """An office expected to report for a period, and where its report stands."""

    office_id = fields.Function(lambda s: s.office.id)
    office = fields.Function(lambda s: s.office.acronym, metadata={
        "description": "The office's acronym."})
    report_id = fields.Function(lambda s: s.report.id if s.report else None, allow_none=True)
    status = fields.Function(lambda s: s.report.status if s.report else "not_started",
                             metadata={"enum": ["not_started", *REPORT_STATUSES]})
    reported = fields.Boolean(metadata={
        "description": "True once the report is submitted or accepted."})
    days_overdue = fields.Integer(metadata={
        "description": "Days past the due date without a report with the Gender Unit."})
    activities = fields.Function(lambda s: [a["id"] for a in s.activities], metadata={
        "description": "The published activities the office reports on."})


@blp.route(f"/periods/<{ID}:period_id>/offices")
class PeriodOffices(MethodView):
    """Who has reported for a period, and who has not."""

    @permission_required(*ANY_MONITORING)
    @blp.response(200, OfficeReportingSchema(many=True))
    @documented_errors(blp, 404)
    def get(self, period_id):
        """Every office expected to report (an office's own, for office staff), by acronym,
        with its report's status and the days it is overdue today."""
        period = db.get_or_404(ReportingPeriod, period_id)
        mine = None if _reads_every_office() else {current_user.office_id}
        return standings(period, today(), mine)


@blp.route(f"/periods/<{ID}:period_id>/reports")
class PeriodReports(MethodView):
    """The reports of a period."""

    @permission_required(*ANY_MONITORING)
    @blp.response(200, ReportSchema(many=True))
    @blp.paginate()
    @documented_errors(blp, 404)
    def get(self, period_id, pagination_parameters):
        """The period's reports (an office's own, for office staff)."""
        db.get_or_404(ReportingPeriod, period_id)
        query = select(ProgressReport).where(ProgressReport.period_id == period_id).options(
            selectinload(ProgressReport.period)).order_by(ProgressReport.id)
        if not _reads_every_office():
            query = query.where(ProgressReport.office_id == current_user.office_id)
        return paginate(query, pagination_parameters)


class StartProgressReportSchema(Schema):
    """Start an office's report."""

    office_id = Id(required=True)


@blp.route(f"/periods/<{ID}:period_id>/start")
class StartReport(MethodView):
    """Starting an office's report for a period."""

    @permission_required(REPORT)
    @blp.arguments(StartProgressReportSchema)
    @blp.response(200, ReportDetailSchema)
    @documented_errors(blp, 400, 404, 422)
    @service_errors
    def post(self, data, period_id):
        """The office's report for the period, started with a line for each of its published
        activities (the one already started, when there is one)."""
        period = db.get_or_404(ReportingPeriod, period_id)
        require(current_user.belongs_to(data["office_id"]))
        report = report_for(period, data["office_id"])
        db.session.commit()
        return report


@blp.route(f"/reports/<{ID}:report_id>")
class ReportItem(MethodView):
    """One progress report."""

    @permission_required(*ANY_MONITORING)
    @blp.response(200, ReportDetailSchema)
    @documented_errors(blp, 404)
    def get(self, report_id):
        """A report with its activities, measurements and comments."""
        return _readable(_report_or_404(report_id))


class ProgressChangeSchema(Schema):
    """Where an activity stands."""

    status = fields.String(required=True, validate=validate.OneOf(list(PROGRESS_STATUSES)))
    percent_complete = fields.Integer(load_default=None, allow_none=True,
                                      validate=validate.Range(0, 100))
    narrative = Text(load_default="", validate=validate.Length(max=10000))
    challenges = Text(load_default="", validate=validate.Length(max=10000))
    next_steps = Text(load_default="", validate=validate.Length(max=10000))
    good_practice = fields.Boolean(load_default=False)
    lesson = Text(load_default="", validate=validate.Length(max=10000), metadata={
        "description": "What others can learn; needed when `good_practice` is true."})
    lock_version = LockVersion()


@blp.route(f"/reports/<{ID}:report_id>/activities/<{ID}:activity_id>")
class ReportActivity(MethodView):
    """An activity's progress in a report."""

    @permission_required(REPORT)
    @blp.arguments(ProgressChangeSchema)
    @blp.response(200, ReportDetailSchema)
    @documented_errors(blp, 400, 404, 409, 422)
    @service_errors
    def put(self, data, report_id, activity_id):
        """Say where the activity stands at the end of the period."""
        report = _writable(_report_or_404(report_id), data.pop("lock_version"))
        if activity_id not in {a.activity_id for a in report.activities}:
            abort(404)
        save_progress(report, activity_id, **data)
        db.session.commit()
        return report


class MeasurementChangeSchema(Schema):
    """An indicator's value."""

    value = Text(load_default="", validate=validate.Length(max=500), metadata={
        "description": "A number for a number or a per cent, yes or no, or text, as the "
                       "indicator's unit says; empty when not measured."})
    female = Text(load_default=None, allow_none=True, validate=validate.Length(max=40))
    male = Text(load_default=None, allow_none=True, validate=validate.Length(max=40))
    source = Text(load_default="", validate=validate.Length(max=300))
    lock_version = LockVersion()


@blp.route(f"/reports/<{ID}:report_id>/measurements")
class ReportMeasurements(MethodView):
    """The measurements of a report."""

    @permission_required(*ANY_MONITORING)
    @blp.response(200, MeasurementSchema(many=True))
    @documented_errors(blp, 404)
    def get(self, report_id):
        """Every measurement of the report, with its evidence files."""
        return _readable(_report_or_404(report_id)).measurements


@blp.route(f"/reports/<{ID}:report_id>/measurements/<{ID}:indicator_id>")
class ReportMeasurement(MethodView):
    """An indicator's measurement in a report."""

    @permission_required(REPORT)
    @blp.arguments(MeasurementChangeSchema)
    @blp.response(200, MeasurementSchema)
    @documented_errors(blp, 400, 404, 409, 422)
    @service_errors
    def put(self, data, report_id, indicator_id):
        """Record the indicator's value at the end of the period."""
        report = _writable(_report_or_404(report_id), data.pop("lock_version"))
        indicator = db.session.get(Indicator, indicator_id)
        if indicator is None or indicator.activity_id not in {
                a.activity_id for a in report.activities}:
            abort(404)
        measurement = save_measurement(report, indicator, **data)
        db.session.commit()
        return measurement


class ReportVersionSchema(Schema):
    """The report's version as last read."""

    lock_version = LockVersion()


@blp.route(f"/reports/<{ID}:report_id>/submit")
class ReportSubmit(MethodView):
    """Sending a report to the Gender Unit."""

    @permission_required(SUBMIT)
    @blp.arguments(ReportVersionSchema)
    @blp.response(200, ReportDetailSchema)
    @documented_errors(blp, 400, 404, 409, 422)
    @service_errors
    def post(self, data, report_id):
        """The focal point submits the office's report."""
        report = _writable(_report_or_404(report_id), data["lock_version"])
        submit_report(report, current_user)
        db.session.commit()
        return report


@blp.route(f"/reports/<{ID}:report_id>/accept")
class ReportAccept(MethodView):
    """Accepting a report."""

    @permission_required(REVIEW)
    @blp.arguments(ReportVersionSchema)
    @blp.response(200, ReportDetailSchema)
    @documented_errors(blp, 400, 404, 409, 422)
    @service_errors
    def post(self, data, report_id):
        """The Gender Unit accepts a submitted report; its figures count from now on."""
        report = _report_or_404(report_id)
        _fresh(report, data["lock_version"])
        accept_report(report, current_user)
        db.session.commit()
        return report


class ReturnReportSchema(Schema):
    """What the office should correct."""

    comment = Text(required=True, validate=validate.Length(min=1, max=5000))
    activity_id = Id(load_default=None, allow_none=True, metadata={
        "description": "The activity the comment is about, if one."})
    lock_version = LockVersion()


@blp.route(f"/reports/<{ID}:report_id>/return")
class ReportReturn(MethodView):
    """Returning a report to its office."""

    @permission_required(REVIEW)
    @blp.arguments(ReturnReportSchema)
    @blp.response(200, ReportDetailSchema)
    @documented_errors(blp, 400, 404, 409, 422)
    @service_errors
    def post(self, data, report_id):
        """The Gender Unit returns a submitted report with what to correct."""
        report = _report_or_404(report_id)
        _fresh(report, data["lock_version"])
        return_report(report, current_user, data["comment"], activity_id=data["activity_id"])
        db.session.commit()
        return report


# -- the dashboard's figures ---------------------------------------------------------------------


class StatusRowSchema(Schema):
    """Activities of an office or a thematic area by their latest accepted status."""

    key = fields.String(metadata={"description": "The office's id or the area's name."})
    label = fields.String()
    activities = fields.Integer()
    statuses = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "Activities by status; `not_reported` for those with no accepted "
                       "report yet."})
    indicators = fields.Integer()
    behind = fields.Integer(metadata={"description": "Indicators behind the straight line."})
    core = fields.Function(lambda r: _decimal(r.core))
    extra = fields.Function(lambda r: _decimal(r.extra))
    core_unknown = fields.Integer()
    extra_unknown = fields.Integer()


class IndicatorFigureSchema(Schema):
    """Where an indicator stands as of the period."""

    indicator_id = fields.Integer()
    statement = fields.String()
    office = fields.Function(lambda i: str(i.office))
    activity_id = fields.Integer()
    area = fields.String()
    unit = fields.String()
    cumulative = fields.Boolean()
    baseline = fields.String()
    target = fields.String()
    achieved = fields.Function(lambda i: _decimal(i.achieved), allow_none=True)
    percent = fields.Function(lambda i: _decimal(i.percent), allow_none=True, metadata={
        "description": "Per cent of the way from baseline to target."})
    expected_percent = fields.Function(lambda i: _decimal(i.expected_percent),
                                       allow_none=True, metadata={
        "description": "Per cent of the way the straight line reaches by the period's end."})
    behind = fields.Boolean()
    female = fields.Function(lambda i: _decimal(i.female), allow_none=True)
    male = fields.Function(lambda i: _decimal(i.male), allow_none=True)


class TrendSchema(Schema):
    """One period of the trend."""

    period_id = fields.Function(lambda t: t.period.id)
    label = fields.String()
    offices = fields.Integer()
    accepted = fields.Integer()
    awaiting = fields.Integer()
    activities = fields.Integer()
    going_well = fields.Integer(metadata={"description": "Activities on track or completed."})
    indicators = fields.Integer()
    behind = fields.Integer()


class DashboardSchema(Schema):
    """The Gender Unit's dashboard: the cycle's monitoring figures as of a period's end, from
    accepted reports only."""

    cycle_id = fields.Function(lambda f: f.cycle.id)
    period_id = fields.Function(lambda f: f.period.id if f.period else None, allow_none=True)
    status_totals = fields.Dict(keys=fields.String(), values=fields.Integer())
    behind = fields.Integer(metadata={"description": "Indicators behind target."})
    women = fields.Function(lambda f: _decimal(f.sex[0]), metadata={
        "description": "Women reached, over the sex-disaggregated indicators."})
    men = fields.Function(lambda f: _decimal(f.sex[1]))
    resources = fields.Function(lambda f: {k: v if isinstance(v, int) else _decimal(v)
                                           for k, v in f.resources.items()})
    participation = fields.Function(lambda f: {
        "trained": f.participation.trained, "women": f.participation.women,
        "female_share": f.participation.female_share,
        "useful_share": f.participation.useful_share})
    overdue = fields.Function(lambda f: [
        {"office_id": o.office.id, "office": o.office.acronym, "period_id": o.period.id,
         "days": o.days} for o in f.overdue])
    by_office = fields.List(fields.Nested(StatusRowSchema))
    by_area = fields.List(fields.Nested(StatusRowSchema))
    indicators = fields.List(fields.Nested(IndicatorFigureSchema))
    trends = fields.List(fields.Nested(TrendSchema))


class DashboardQuerySchema(Schema):
    """Which period the figures stand at."""

    period_id = Id(strict=False, load_default=None, metadata={
        "description": "The period; by default the latest with an accepted report."})


@blp.route(f"/cycles/<{ID}:cycle_id>/dashboard")
class Dashboard(MethodView):
    """The monitoring figures of a cycle."""

    @permission_required(READ_ALL)
    @blp.arguments(DashboardQuerySchema, location="query")
    @blp.response(200, DashboardSchema)
    @documented_errors(blp, 404, 422)
    def get(self, args, cycle_id):
        """Activities by status, by office and by thematic area, indicators and how far they
        are behind, women and men reached, resources, workshop participation, overdue reports
        and the trend across periods."""
        try:
            return figures(cycle_id, args["period_id"])
        except LookupError:
            abort(404)


# -- notifications --------------------------------------------------------------------------------


class NotificationSchema(Schema):
    """A message for the signed-in user."""

    id = fields.Integer()
    kind = fields.String()
    title = fields.String()
    body = fields.String()
    url = fields.String()
    created_at = UtcDateTime()
    read_at = UtcDateTime(allow_none=True)


class NotificationQuerySchema(Schema):
    """Which notifications to list."""

    unread = fields.Boolean(load_default=False, metadata={
        "description": "Only those not read yet."})


class UnreadSchema(Schema):
    """How many notifications are unread."""

    unread = fields.Integer()


@blp.route("/notifications")
class Notifications(MethodView):
    """The signed-in user's notifications."""

    @permission_required()
    @blp.arguments(NotificationQuerySchema, location="query")
    @blp.response(200, NotificationSchema(many=True))
    @blp.paginate()
    @documented_errors(blp, 422)
    def get(self, args, pagination_parameters):
        """Newest first."""
        query = select(Notification).where(Notification.user_id == current_user.id).order_by(
            Notification.created_at.desc(), Notification.id.desc())
        if args["unread"]:
            query = query.where(Notification.read_at.is_(None))
        return paginate(query, pagination_parameters)


class MarkReadSchema(Schema):
    """Which of the signed-in user's notifications to mark read."""

    ids = fields.List(Id(), load_default=None, validate=validate.Length(max=500), metadata={
        "description": "Those notifications (another user's are left alone); all of them when "
                       "not given."})


@blp.route("/notifications/read")
class NotificationsRead(MethodView):
    """Marking notifications read."""

    @permission_required()
    @blp.arguments(MarkReadSchema)
    @blp.response(200, UnreadSchema)
    @documented_errors(blp, 400, 422)
    def post(self, data):
        """Mark the signed-in user's notifications read, those given or all; answers how many
        are still unread."""
        mark_read(current_user.id, data["ids"])
        db.session.commit()
        return {"unread": unread(current_user.id)}


def register_api(api) -> None:
    """Add monitoring's resources to the API."""
    api.register_blueprint(blp, url_prefix="/api/v1/monitoring")
