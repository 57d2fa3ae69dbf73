"""Reporting periods set by the Gender Unit."""

from datetime import date

import pytest

from tests.factories import OfficeFactory, make_cycle
from tests.monitoring.helpers import reporting_office
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


def test_a_report_lists_the_offices_published_activities(ctx):
    ids, period, report = reporting_office()
    assert sorted(a.activity_id for a in report.activities) == sorted(
        [ids["activities"]["a1"], ids["activities"]["a2"]])
    from workshop.monitoring.services import report_for

    with pytest.raises(FieldError, match="no activity in the published plan"):
        report_for(period, ids["offices"]["PBPS"])  # its plan was never approved


def test_progress_and_measurements_are_checked_against_what_the_indicator_says(ctx):
    from workshop.monitoring.services import save_measurement, save_progress
    from workshop.workplans.models import Activity

    ids, period, report = reporting_office()
    a1 = db.session.get(Activity, ids["activities"]["a1"])
    people, share = a1.indicators
    people.sex_disaggregated = True
    share.unit = "percent"
    save_progress(report, a1.id, status="on_track", percent_complete=40,
                  narrative="Two of five sessions held.")
    with pytest.raises(FieldError, match="between 0 and 100"):
        save_progress(report, a1.id, status="on_track", percent_complete=140)
    with pytest.raises(FieldError, match="what worked"):
        save_progress(report, a1.id, status="completed", good_practice=True)
    line = save_progress(report, a1.id, status="completed")
    assert line.percent_complete == 100

    measured = save_measurement(report, people, value="", female="7", male="5",
                                source="Attendance sheets")
    assert (measured.value_number, measured.female, measured.male) == (12, 7, 5)
    for kwargs, message in [
            ({"value": "twelve"}, "must be a number"),
            ({"value": "12", "female": "7", "male": "6"}, "add up to 13, not 12"),
            ({"value": "-3"}, "below zero")]:
        with pytest.raises(FieldError, match=message):
            save_measurement(report, people, **kwargs)
    with pytest.raises(FieldError, match="at most 100"):
        save_measurement(report, share, value="120")
    with pytest.raises(FieldError, match="not split by sex"):
        save_measurement(report, share, value="45", female="3")
    # What was saved before the refused attempts is still there.
    assert (measured.value_number, measured.female, measured.male) == (12, 7, 5)
    close_period(period)
    with pytest.raises(FieldError, match="closed"):
        save_measurement(report, share, value="45")


def test_evidence_files_are_checked_for_type_and_size(ctx):
    from workshop.monitoring.models import EvidenceFile
    from workshop.monitoring.services import add_evidence, save_measurement
    from workshop.workplans.models import Activity

    ids, period, report = reporting_office()
    indicator = db.session.get(Activity, ids["activities"]["a1"]).indicators[0]
    measurement = save_measurement(report, indicator, value="12")
    kept = add_evidence(measurement, "C:\\Users\\focal\\attendance.pdf",
                        b"%PDF-1.4 attendance of the session", None)
    assert (kept.filename, kept.content_type, kept.size) == ("attendance.pdf",
                                                             "application/pdf", 34)
    for name, data, message in [
            ("photo.exe", b"MZ\x90\x00", "one of these types: CSV, DOCX, JPG, PDF, PNG, TXT"),
            ("minutes.pdf", b"<html>not a pdf</html>", "not a PDF file"),
            ("notes.txt", b"", "empty"),
            ("scan.png", b"\x89PNG\r\n\x1a\n" + b"0" * 2048,
             "The file is 3 KB; attach files of at most 1 KB")]:
        with pytest.raises(FieldError, match=message):
            add_evidence(measurement, name, data, None, max_bytes=1024)
    db.session.flush()
    assert [e.filename for e in db.session.query(EvidenceFile)] == ["attendance.pdf"]


def test_submit_return_correct_and_accept(ctx):
    from workshop.monitoring.services import (
        accept_report,
        return_report,
        save_progress,
        submit_report,
    )

    ids, period, report = reporting_office()
    a1 = ids["activities"]["a1"]
    with pytest.raises(FieldError, match="at least one activity"):
        submit_report(report, None)
    save_progress(report, a1, status="at_risk", percent_complete=20,
                  narrative="Trainer not recruited yet.")
    submit_report(report, None)
    with pytest.raises(FieldError, match="is submitted"):
        save_progress(report, a1, status="on_track")
    with pytest.raises(FieldError, match="correct"):
        return_report(report, None, "  ")
    return_report(report, None, "Give the date the trainer starts.", activity_id=a1)
    assert report.status == "returned" and report.comments[0].activity_id == a1
    save_progress(report, a1, status="at_risk", percent_complete=20,
                  narrative="Trainer starts on 1 October.")
    submit_report(report, None)
    accept_report(report, None)
    assert report.status == "accepted"
    close_period(period)
    with pytest.raises(FieldError, match="locked"):
        reopen_period(period)
