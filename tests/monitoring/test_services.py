"""Reporting periods set by the Gender Unit."""

from datetime import date

import pytest

from tests.factories import OfficeFactory, make_cycle
from workshop.core.validation import FieldError
from workshop.extensions import db
from workshop.monitoring.models import ProgressReport, ReportingPeriod
from workshop.monitoring.services import close_period, reopen_period, set_periods


def test_periods_are_laid_out_and_can_be_laid_out_again_until_reporting_starts(ctx):
    cycle = make_cycle(start=date(2026, 1, 1), end=date(2027, 12, 31))
    periods = set_periods(cycle, "quarterly", starts_on=date(2026, 10, 1))
    assert [p.label for p in periods] == ["Q4 2026", "Q1 2027", "Q2 2027", "Q3 2027",
                                          "Q4 2027"]
    periods = set_periods(cycle, "half_yearly", starts_on=date(2026, 10, 1), due_days=30)
    assert [(p.label, p.due_on) for p in periods] == [
        ("H2 2026", date(2027, 1, 30)), ("H1 2027", date(2027, 7, 30)),
        ("H2 2027", date(2028, 1, 30))]
    db.session.add(ProgressReport(period=periods[0], office=OfficeFactory()))
    db.session.flush()
    with pytest.raises(FieldError, match="can no longer be laid out"):
        set_periods(cycle, "quarterly")
    assert db.session.query(ReportingPeriod).count() == 3
    with pytest.raises(FieldError, match="within the cycle"):
        set_periods(cycle, "quarterly", starts_on=date(2028, 1, 1))


def test_a_closed_period_with_every_report_accepted_is_locked(ctx):
    cycle = make_cycle()
    period = set_periods(cycle, "half_yearly")[0]
    report = ProgressReport(period=period, office=OfficeFactory(), status="submitted")
    db.session.add(report)
    close_period(period)
    reopen_period(period)  # a report still waits for review: the period can open again
    close_period(period)
    report.status = "accepted"
    with pytest.raises(FieldError, match="locked"):
        reopen_period(period)
    assert period.status == "closed"
