"""The needs-assessment summary printed and exported: the figures a reader finds in them are the
ones the sessions recorded."""

import io
import re
import subprocess
from datetime import datetime

import pytest
from openpyxl import load_workbook

from tests.assessment.helpers import finding, level, nominate, record, thematic, world
from workshop.assessment.queries import summary
from workshop.assessment.reports import filename, summary_pdf, summary_workbook

DEPARTMENT = "Département des opérations de paix"
HIGH, MEDIUM, LOW = "No gender checklist", "Little knowledge of 1325", "Data not by sex"
FORMULA = "=1+1 is not a formula"


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "summary.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


@pytest.fixture
def assessment(ctx):
    """Two offices met. In OO (Bureau des opérations): Senior management 3 women and 1 man,
    Professional 1 man, General service 3 women and 1 man (6 women, 3 men); 4 nominated, 3 of
    them met; 4 findings under 3 gaps. In PD: Professional 1 woman and 7 men, 1 finding."""
    cycle, office, other, consultant = world()
    office.name = "Bureau des opérations"
    ana = nominate(cycle, office, "Ana Sørensen", "female", "Senior management")
    carl = nominate(cycle, office, "Carl Tomás", "male", "Senior management")
    ben = nominate(cycle, office, "Ben", "male", "Professional")
    nominate(cycle, office, "Never met", "female", "Professional")
    first = record(cycle, office, consultant, format="individual", participants=[ana],
                   findings=[finding(MEDIUM, "Knowledge", "medium"),
                             finding(LOW, "Tools", "low")])
    medium_gap = first.findings[0].gap
    record(cycle, office, consultant, when=datetime(2026, 2, 18, 9, 0),
           participants=[ana, carl, ben],
           headcounts={level("Senior management").id: (2, 0),
                       level("General service").id: (3, 1)},
           findings=[finding(HIGH, "Tools", "high", resources=["training", "tools"],
                             thematic_area_id=thematic("Participation").id),
                     finding("Gender unclear to staff", "Knowledge", "medium",
                             resources=["training"], gap_id=medium_gap.id)])
    record(cycle, other, consultant, headcounts={level("Professional").id: (1, 7)},
           findings=[finding(FORMULA, "Guidance", "high")])
    return cycle, office, other


def test_office_pdf_shows_the_people_met_and_the_top_gaps_in_order(assessment, tmp_path):
    cycle, office, _ = assessment
    text = pdf_text(summary_pdf(summary(cycle, office), DEPARTMENT), tmp_path)
    assert "Needs assessment summary" in text
    assert "Bureau des opérations (OO), plan cycle 2026-2027" in text
    assert DEPARTMENT in text
    assert "Page 1 of 1" in text
    # Key figures, values over labels: interviews, discussions, people met, women share; then
    # nominated, nominated and met, findings, gaps.
    assert re.search(r"1\s+1\s+9\s+67%\n", text) and re.search(r"4\s+3\s+4\s+3\n", text)
    assert re.search(r"Senior management\s+3\s+1\s+4\n", text)
    assert re.search(r"Professional\s+0\s+1\s+1\n", text)
    assert re.search(r"General service\s+3\s+1\s+4\n", text)
    assert re.search(r"Field and national staff\s+0\s+0\s+0\n", text)
    assert re.search(r"Total\s+6\s+3\s+9\n", text)
    assert text.index(HIGH) < text.index(MEDIUM) < text.index(LOW)
    assert re.search(rf"1\s+G-03\s+{HIGH}\s+Tools\s+Participation\s+High\s+1\s+3", text)
    assert re.search(rf"2\s+G-01\s+{MEDIUM}\s+Knowledge\s+—\s+Medium\s+2\s+3", text)
    assert re.search(rf"3\s+G-02\s+{LOW}\s+Tools\s+—\s+Low\s+1\s+1", text)
    assert re.search(r"Training\s+2\s+2\n", text) and re.search(r"Tools\s+1\s+1\n", text)
    assert FORMULA not in text  # PD's finding stays out of OO's summary
    assert "By office" not in text


def test_department_pdf_lists_every_office(assessment, tmp_path):
    cycle, office, other = assessment
    text = pdf_text(summary_pdf(summary(cycle), DEPARTMENT), tmp_path)
    assert "All offices, plan cycle 2026-2027" in text
    assert re.search(r"Professional\s+1\s+8\s+9\n", text)
    assert re.search(r"Total\s+7\s+10\s+17\n", text)
    assert "By office" in text
    assert re.search(r"OO\s+Bureau des opérations\s+4\s+2\s+6\s+3\s+9\s+4\s+3\n", text)
    assert re.search(rf"PD\s+{other.name}\s+0\s+1\s+1\s+7\s+8\s+1\s+1\n", text)
    assert FORMULA in text  # printed as typed
    assert text.index(HIGH) < text.index(MEDIUM) < text.index(LOW)


def _rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


def test_workbook_holds_the_same_figures_as_numbers(assessment):
    cycle, office, other = assessment
    book = load_workbook(io.BytesIO(summary_workbook(summary(cycle, office))))
    assert book.sheetnames == ["Summary", "People met", "Top gaps", "Resources"]
    figures = dict(_rows(book["Summary"])[1:])
    assert figures == {
        "Office": "Bureau des opérations (OO)", "Plan cycle": "2026-2027",
        "Individual interviews": 1, "Group discussions": 1, "Sessions held": 2,
        "People met": 9, "Women": 6, "Men": 3, "Women among people met (%)": 67,
        "Nominated": 4, "Nominated and met": 3, "Findings": 4, "Gaps raised": 3,
    }
    assert _rows(book["People met"]) == [
        ("Staff level", "Female", "Male", "Total"),
        ("Senior management", 3, 1, 4), ("Professional", 0, 1, 1),
        ("General service", 3, 1, 4), ("Field and national staff", 0, 0, 0),
        ("Total", 6, 3, 9),
    ]
    assert _rows(book["Top gaps"])[1:] == [
        (1, "G-03", HIGH, "Tools", "Participation", "High", 1, 3),
        (2, "G-01", MEDIUM, "Knowledge", "—", "Medium", 2, 3),
        (3, "G-02", LOW, "Tools", "—", "Low", 1, 1),
    ]
    resources = {row[0]: row[1:] for row in _rows(book["Resources"])[1:]}
    assert resources == {"Training": (2, 2), "Tools": (1, 1), "Guidance": (0, 0),
                         "Checklists": (0, 0), "Information": (0, 0)}
    assert book["People met"].freeze_panes == "A2" and book["People met"]["A1"].font.b


def test_department_workbook_has_a_sheet_by_office_and_no_formulas(assessment):
    cycle, office, other = assessment
    book = load_workbook(io.BytesIO(summary_workbook(summary(cycle))))
    assert book.sheetnames[-1] == "By office"
    assert _rows(book["By office"])[1:] == [
        ("OO", "Bureau des opérations", 4, 2, 6, 3, 9, 4, 3),
        ("PD", other.name, 0, 1, 1, 7, 8, 1, 1),
    ]
    figures = dict(_rows(book["Summary"])[1:])
    assert (figures["Office"], figures["People met"], figures["Women among people met (%)"],
            figures["Findings"], figures["Gaps raised"]) == ("All offices", 17, 41, 5, 4)
    titles = [row[2] for row in _rows(book["Top gaps"])[1:]]
    assert "'" + FORMULA in titles  # kept as text, never run by a spreadsheet


def test_file_names(assessment):
    cycle, office, _ = assessment
    assert filename(summary(cycle, office), "pdf") == "needs-assessment-OO-2026-2027.pdf"
    assert filename(summary(cycle), "xlsx") == "needs-assessment-department-2026-2027.xlsx"


def test_an_office_not_met_yet_prints_dashes_not_errors(ctx, tmp_path):
    cycle, office, _, _ = world()
    result = summary(cycle, office)
    text = pdf_text(summary_pdf(result, DEPARTMENT), tmp_path)
    assert re.search(r"0\s+0\s+0\s+—\n", text)  # no one met: no share of women
    assert "No gaps recorded yet." in text
    book = load_workbook(io.BytesIO(summary_workbook(result)))
    figures = dict(_rows(book["Summary"])[1:])
    assert figures["People met"] == 0 and figures["Women among people met (%)"] is None
    assert len(_rows(book["Top gaps"])) == 1  # the header row alone
