"""A workshop's documents: agenda, attendance sheet and evaluation summary as PDF, the agenda
as an iCalendar file, attendance and evaluations as workbooks. What a reader finds in them is
what the agenda, the attendance and the responses hold."""

import io
import re
import subprocess
from datetime import date, datetime, time

import pytest
from icalendar import Calendar
from openpyxl import load_workbook

from tests.assessment.helpers import category, finding, level, nominate, record, thematic, world
from workshop.workshops.reports import (
    Invited,
    agenda_pdf,
    attendance_sheet_pdf,
    attendance_workbook,
    date_range,
    evaluation_pdf,
    evaluations_workbook,
    filename,
    workshop_ics,
)
from workshop.workshops.services import (
    evaluation_figures,
    invite,
    open_evaluation,
    participation,
    publish_version,
    record_attendance,
    save_module,
    save_workshop,
    start_revision,
    submit_evaluation,
    uncovered_gaps,
)

DEPARTMENT = "Département des opérations de paix"
VENUE = "Conference room B, second floor; main building"
CHECKLIST = "No gender checklist for mission planning documents"
SGBV = "Police unsure how to handle reports of SGBV"


def pdf_text(data: bytes, tmp_path, name: str = "report") -> str:
    """The text of a PDF as `pdftotext -layout` reads it, pages separated by form feeds. The
    PDF stays in tmp_path under `name`, to look at."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def pdf_info(data: bytes, tmp_path) -> str:
    path = tmp_path / "info.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                          text=True).stdout


def _curriculum():
    version = start_revision()
    save_module(None, version, code="M1", title="Why gender matters in peacekeeping",
                duration_minutes=90, category_ids=[category("Knowledge").id])
    save_module(None, version, code="M2", title="Gender analysis in mission planning",
                duration_minutes=180, category_ids=[category("Tools").id,
                                                    category("Guidance").id])
    save_module(None, version, code="M3", title="Drafting the office work plan",
                duration_minutes=240)
    save_module(None, version, code="M4", title="Protection from sexual violence",
                duration_minutes=120, optional=True,
                thematic_area_ids=[thematic("Protection").id])
    return publish_version(version, "First curriculum.")


@pytest.fixture
def held(ctx):
    """OO's two-day workshop, 14–15 April 2026. Agenda: day 1 M1 09:00–10:30, M2
    10:30–14:30 (gaps G-01, G-02); day 2 M3 09:00–14:00, M4 14:00–16:00 (G-02); G-03 is
    left uncovered.

    Invited Ana, Ben, Cleo, Dan: Ana present both days, Ben present then left early, Cleo
    present then absent, Dan absent both days: 3 of 4 attended, 2 of them women (67%), 2 of
    4 every day (50%).

    Six responses: 2 very useful, 2 useful, 1 somewhat, 1 not: 4 of 6 (67%) useful. M1 rated
    4, 4, 3, 1 (average 3.0, 3 of 4 useful: 75%); M2 rated 3, 2, 1 (2.0, 1 of 3: 33%)."""
    cycle, office, _, consultant = world()
    office.name = "Bureau des opérations"
    record(cycle, office, consultant, headcounts={level("Professional").id: (2, 2)},
           findings=[finding(CHECKLIST, "Tools", "high"),
                     finding(SGBV, "Guidance", "high",
                             thematic_area_id=thematic("Protection").id),
                     finding("Budget is not tracked by sex", "Institutional", "high")])
    _curriculum()
    workshop = save_workshop(None, cycle_id=cycle.id, kind="office", office_id=office.id,
                             title="OO workshop", start_date=date(2026, 4, 14), venue=VENUE,
                             facilitator_ids=[consultant.id])
    people = [nominate(cycle, office, "Dan Okafor", "male", "General service"),
              nominate(cycle, office, "Ana Sørensen", "female", "Senior management",
                       job_title="Head of office"),
              nominate(cycle, office, "Cleo Martin", "female", "Professional",
                       job_title="Planning officer"),
              nominate(cycle, office, "Ben Ito", "male", "Professional")]
    invitations = {i.nomination.name.split()[0]: i.id
                   for i in invite(workshop, [p.id for p in people])}
    record_attendance(workshop, {
        invitations["Ana"]: {1: "present", 2: "present"},
        invitations["Ben"]: {1: "present", 2: "left_early"},
        invitations["Cleo"]: {1: "present", 2: "absent"},
        invitations["Dan"]: {1: "absent", 2: "absent"},
    })
    open_evaluation(workshop)
    m1, m2 = workshop.agenda[0].id, workshop.agenda[1].id
    answers = [("very_useful", {m1: 4, m2: 3}, "Group work", "More time"),
               ("very_useful", {m1: 4}, "Group work", "Fewer slides"),
               ("useful", {m1: 3, m2: 2}, "The <checklist> exercise", ""),
               ("useful", {m2: 1}, "", "Start at 09:30"),
               ("somewhat_useful", {}, "", ""),
               ("not_useful", {m1: 1}, "", "More time")]
    for n, (usefulness, ratings, keep, change) in enumerate(answers):
        submit_evaluation(workshop, f"device-{n}", usefulness=usefulness, ratings=ratings,
                          keep=keep, change=change)
    comments = [(keep, change) for _, _, keep, change in answers]
    return workshop, comments


def test_agenda_lists_each_day_s_sessions_in_order_with_times_and_gaps(held, tmp_path):
    workshop, _ = held
    text = pdf_text(agenda_pdf(workshop, DEPARTMENT, uncovered=uncovered_gaps(workshop)),
                    tmp_path, "agenda")
    assert "Workshop agenda" in text
    assert "OO workshop · Bureau des opérations (OO) · 14–15 April 2026" in text
    assert "Facilitators: Ingrid S" in text
    order = ["Day 1 · Tuesday 14 April 2026", "09:00–10:30", "Why gender matters",
             "10:30–14:30", "Gender analysis in", "G-01 No gender checklist",
             "G-02 Police unsure how to", "Day 2 · Wednesday 15 April 2026", "09:00–14:00",
             "Drafting the office work",
             "14:00–16:00", "Protection from sexual",
             "High-priority gaps no session addresses", "G-03 Budget is not tracked by sex"]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)
    assert re.search(r"09:00–10:30\s+Why gender matters in\s+M1\s+Ingrid S\s+—", text)
    assert re.search(r"14:00–16:00\s+Protection from sexual violence\s+M4\s+Ingrid S\s+"
                     r"G-02 Police", text)
    assert text.count("G-01") == 1 and text.count("G-02") == 2
    lines = text.splitlines()
    first = next(n for n, line in enumerate(lines) if "G-01" in line)
    second = next(n for n, line in enumerate(lines) if "G-02" in line)
    assert second > first and lines[second].index("G-02") == lines[first].index("G-01")
    without = pdf_text(agenda_pdf(workshop, DEPARTMENT), tmp_path)
    assert "G-03" not in without and "High-priority" not in without


def test_attendance_sheet_lists_everyone_invited_with_a_signature_column_a_day(held,
                                                                               tmp_path):
    workshop, _ = held
    data = attendance_sheet_pdf(workshop, DEPARTMENT)
    text = pdf_text(data, tmp_path, "attendance")
    assert re.search(r"Page size:\s+841\.89 x 595\.\d+ pts", pdf_info(data, tmp_path))
    names = ["Ana Sørensen", "Ben Ito", "Cleo Martin", "Dan Okafor"]  # by name
    positions = [text.index(name) for name in names]
    assert positions == sorted(positions)
    assert re.search(r"1\s+Ana Sørensen\s+Head of office\s+Senior management\s+Female", text)
    assert re.search(r"4\s+Dan Okafor\s+General service\s+Male", text)
    assert text.count("Signature") == 2
    assert re.search(r"Day 1\s+Day 2", text) and re.search(r"Tue 14 Apr\s+Wed 15 Apr", text)
    assert "Present" not in text and "Absent" not in text  # a blank sheet to sign
    assert "4 invited." in text


def test_attendance_sheet_repeats_its_header_and_splits_long_workshops(ctx, tmp_path):
    cycle, _, _, _ = world()
    _curriculum()
    workshop = save_workshop(None, cycle_id=cycle.id, kind="pilot", title="Pilot",
                             start_date=date(2026, 3, 2), end_date=date(2026, 3, 8))
    people = [Invited(name=f"Participant {n:02d}", job_title="Officer", level="Professional",
                      sex="Female", functional_area="") for n in range(1, 31)]
    data = attendance_sheet_pdf(workshop, DEPARTMENT, people=people)
    pages = pdf_text(data, tmp_path, "attendance-long").split("\f")[:-1]
    assert len(pages) > 2
    for page in pages:
        assert "Name" in page and "Job title" in page  # the header row on every page
        assert "Professional" in page and "Female" in page  # not broken inside the word
    first_days = [p for p in pages if "Day 1" in p]
    later_days = [p for p in pages if "Day 5" in p]
    assert first_days and later_days and not set(first_days) & set(later_days)
    assert all(p.count("Signature") == 4 for p in first_days)  # days 1-4
    assert all(p.count("Signature") == 3 for p in later_days)  # days 5-7
    text = "".join(pages)
    assert all(f"Participant {n:02d}" in text for n in range(1, 31))


def test_evaluation_summary_holds_the_shares_computed_from_the_responses(held, tmp_path):
    workshop, comments = held
    figures = evaluation_figures([workshop.id])
    text = pdf_text(evaluation_pdf(workshop, figures, DEPARTMENT,
                                   participation=participation(workshop)),
                    tmp_path, "evaluation")
    assert "Workshop evaluation" in text
    assert "67 per cent found it very useful or useful (4 of 6 responses)." in text
    assert re.search(r"6\s+67%", text)  # the key figures: responses, share useful
    assert re.search(r"Very useful\s+2\s+33%", text)
    assert re.search(r"Useful\s+2\s+33%", text)
    assert re.search(r"Somewhat useful\s+1\s+17%", text)
    assert re.search(r"Not useful\s+1\s+17%", text)
    assert re.search(r"Total\s+6\n", text)
    assert re.search(r"Why gender matters in peacekeeping\s+Day 1, 09:00–10:30\s+4\s+3\.0\s+"
                     r"75%", text)
    assert re.search(r"Gender analysis in mission planning\s+Day 1, 10:30–14:30\s+3\s+2\.0\s+"
                     r"33%", text)
    assert re.search(r"Drafting the office work plan\s+Day 2, 09:00–14:00\s+0\s+—\s+—", text)
    assert re.search(r"4\s+3\s+67%\s+50%", text)  # invited, attended, women, every day
    assert re.search(r"Day 2\s+15 April 2026\s+2\s+1\s+1\s+1", text)
    for comment in ("Group work", "More time", "Fewer slides", "What to keep"):
        assert comment not in text  # comments only when asked for


def test_evaluation_comments_are_printed_only_when_given(held, tmp_path):
    workshop, comments = held
    figures = evaluation_figures([workshop.id])
    text = pdf_text(evaluation_pdf(workshop, figures, DEPARTMENT, comments=comments),
                    tmp_path, "evaluation-comments")
    keep, change = text.index("What to keep"), text.index("What to change")
    assert keep < change
    kept, changed = text[keep:change], text[change:]
    assert "Group work (2 responses)" in kept and "The <checklist> exercise" in kept
    assert changed.index("Fewer slides") < changed.index("More time (2 responses)") \
        < changed.index("Start at 09:30")  # sorted, not in the order they came
    assert "Invited" not in text  # no participation figures unless given


def test_evaluation_of_all_workshops_names_each_session_s_workshop(held, tmp_path):
    workshop, _ = held
    pilot = save_workshop(None, cycle_id=workshop.cycle_id, kind="pilot", title="Pilot run",
                          start_date=date(2026, 3, 2))
    figures = evaluation_figures([workshop.id, pilot.id])
    text = pdf_text(evaluation_pdf(None, figures, DEPARTMENT), tmp_path, "evaluation-all")
    assert "All workshops" in text
    assert re.search(r"OO workshop\s+Why gender matters", text)
    assert re.search(r"Pilot run\s+Why gender matters", text)
    empty = pdf_text(evaluation_pdf(pilot, evaluation_figures([pilot.id]), DEPARTMENT),
                     tmp_path)
    assert "No responses have been received yet." in empty and "%" not in empty


def test_the_calendar_file_holds_one_all_day_event_over_the_workshop(held, tmp_path):
    workshop, _ = held
    data = workshop_ics(workshop, url="https://workshop.example.org/workshops/1")
    (tmp_path / "workshop.ics").write_bytes(data)
    lines = data.decode().split("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines)  # folded
    assert "DTSTART;VALUE=DATE:20260414" in lines and "DTEND;VALUE=DATE:20260416" in lines
    assert "LOCATION:Conference room B\\, second floor\\; main building" in lines
    calendar = Calendar.from_ical(data)
    (event,) = calendar.walk("VEVENT")
    assert event["UID"] == f"workshop-{workshop.id}@workshop"
    assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (date(2026, 4, 14),
                                                                  date(2026, 4, 16))
    assert str(event["SUMMARY"]) == "OO workshop" and str(event["LOCATION"]) == VENUE
    description = str(event["DESCRIPTION"]).split("\n")
    assert description.index("Day 1 · Tuesday 14 April 2026") < description.index(
        "09:00–10:30  Why gender matters in peacekeeping (M1) – Ingrid S") < description.index(
        "Day 2 · Wednesday 15 April 2026")
    assert description[-1] == "https://workshop.example.org/workshops/1"
    assert isinstance(event.decoded("DTSTAMP"), datetime)
    assert workshop_ics(workshop, url="https://workshop.example.org/workshops/1") == data


def test_attendance_workbook_has_each_person_s_days_and_the_figures(held):
    workshop, _ = held
    book = load_workbook(io.BytesIO(attendance_workbook(workshop)))
    assert book.sheetnames == ["Attendance", "Participation", "By day", "By level"]
    rows = list(book["Attendance"].values)
    assert rows[0] == ("Name", "Job title", "Sex", "Level", "Functional area",
                       "Day 1 (2026-04-14)", "Day 2 (2026-04-15)")
    assert rows[1] == ("Ana Sørensen", "Head of office", "Female", "Senior management", None,
                       "Present", "Present")
    assert [r[0] for r in rows[1:]] == ["Ana Sørensen", "Ben Ito", "Cleo Martin", "Dan Okafor"]
    assert rows[2][5:] == ("Present", "Left early")
    figures = dict(list(book["Participation"].values)[1:])
    assert figures == {"Invited": 4, "Attended at least one day": 3, "Women": 2, "Men": 1,
                       "Women among participants (%)": 67, "Present every day": 2,
                       "Present every day, of those invited (%)": 50, "Nominated": 4,
                       "Present every day, of those nominated (%)": 50}
    by_day = list(book["By day"].values)[1:]
    assert by_day[1] == (2, datetime(2026, 4, 15), 2, 1, 1, 1)


def test_evaluations_workbook_has_a_row_per_workshop_and_per_session(held):
    workshop, _ = held
    pilot = save_workshop(None, cycle_id=workshop.cycle_id, kind="pilot", title="Pilot run",
                          start_date=date(2026, 3, 2))
    figures = {workshop.id: evaluation_figures([workshop.id])}  # none for the pilot
    book = load_workbook(io.BytesIO(evaluations_workbook([pilot, workshop], figures)))
    usefulness = list(book["Usefulness"].values)
    assert usefulness[0] == ("Workshop", "Office", "Start date", "Responses", "Very useful",
                             "Useful", "Somewhat useful", "Not useful", "% useful")
    assert usefulness[1] == ("Pilot run", "Pilot", datetime(2026, 3, 2), 0, 0, 0, 0, 0, None)
    assert usefulness[2] == ("OO workshop", "OO", datetime(2026, 4, 14), 6, 2, 2, 1, 1, 67)
    assert usefulness[3] == ("All workshops", None, None, 6, 2, 2, 1, 1, 67)
    sessions = list(book["Sessions"].values)
    assert sessions[1] == ("OO workshop", 1, "09:00–10:30",
                           "Why gender matters in peacekeeping", "M1", 4, 3, 75)
    assert sessions[2][4:] == ("M2", 3, 2, 33)
    assert sessions[3][4:] == ("M3", 0, None, None)
    assert len(sessions) == 5


def test_file_names_say_what_office_and_when(held):
    workshop, _ = held
    assert filename(workshop, "agenda", "pdf") == "agenda-OO-2026-04-14.pdf"
    pilot = save_workshop(None, cycle_id=workshop.cycle_id, kind="pilot", title="Pilot",
                          start_date=date(2026, 3, 2))
    assert filename(pilot, "attendance", ".xlsx") == "pilot-attendance-2026-03-02.xlsx"
    assert workshop.agenda[0].starts_at == time(9)


def test_dates_are_written_as_people_write_them():
    assert date_range(date(2026, 4, 14), date(2026, 4, 15)) == "14–15 April 2026"
    assert date_range(date(2026, 4, 14), date(2026, 4, 14)) == "14 April 2026"
    assert date_range(date(2026, 4, 30), date(2026, 5, 1)) == "30 April – 1 May 2026"
    assert date_range(date(2026, 12, 30), date(2027, 1, 2)) == \
        "30 December 2026 – 2 January 2027"
