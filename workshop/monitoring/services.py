"""What the Gender Unit and the offices do while the plan is monitored.

Functions flush and never commit; the caller commits once.
"""

from datetime import date

from sqlalchemy import func, select

from ..admin.models import PlanCycle
from ..core.models import utcnow
from ..core.validation import FieldError
from ..extensions import db
from .models import ProgressReport, ReportingPeriod
from .periods import DEFAULT_DUE_DAYS, FREQUENCIES, lay_out


def set_periods(cycle: PlanCycle, frequency: str, *, starts_on: date | None = None,
                due_days: int = DEFAULT_DUE_DAYS) -> list[ReportingPeriod]:
    """Lay the cycle's reporting periods out as quarters or half-years from `starts_on` (the
    start of the cycle by default) to its end. Refused once any office has started a report,
    so that no report loses its period."""
    if frequency not in FREQUENCIES:
        raise FieldError("frequency", "Choose quarterly or half-yearly.")
    if not 0 <= due_days <= 90:
        raise FieldError("due_days", "Give between 0 and 90 days after the end of a period.")
    starts_on = starts_on or cycle.start_date
    if not cycle.start_date <= starts_on <= cycle.end_date:
        raise FieldError("starts_on", f"Choose a date within the cycle, {cycle.start_date:%d %b %Y}"
                                      f" to {cycle.end_date:%d %b %Y}.")
    started = db.session.scalar(
        select(func.count()).select_from(ProgressReport).join(ProgressReport.period)
        .where(ReportingPeriod.cycle_id == cycle.id))
    if started:
        raise FieldError("frequency", "Offices have started reporting; the periods can no "
                                      "longer be laid out again.")
    for period in db.session.scalars(select(ReportingPeriod)
                                     .where(ReportingPeriod.cycle_id == cycle.id)):
        db.session.delete(period)
    db.session.flush()
    periods = [ReportingPeriod(cycle_id=cycle.id, number=p.number, label=p.label,
                               starts_on=p.starts_on, ends_on=p.ends_on, due_on=p.due_on)
               for p in lay_out(starts_on, cycle.end_date, frequency, due_days)]
    db.session.add_all(periods)
    db.session.flush()
    return periods


def close_period(period: ReportingPeriod) -> None:
    """Close a period: no more reports are taken for it."""
    if period.status == "closed":
        raise FieldError(None, f"{period.label} is already closed.")
    period.status, period.closed_at = "closed", utcnow()
    db.session.flush()


def reopen_period(period: ReportingPeriod) -> None:
    """Open a closed period again, unless every report in it is accepted (then it is locked)."""
    if period.status == "open":
        raise FieldError(None, f"{period.label} is open.")
    if period.reports and all(r.status == "accepted" for r in period.reports):
        raise FieldError(None, f"{period.label} is closed and every report in it is accepted; "
                               "it is locked.")
    period.status, period.closed_at = "open", None
    db.session.flush()
