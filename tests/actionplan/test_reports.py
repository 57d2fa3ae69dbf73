"""The departmental plan printed (PDF) and exported (Excel): the figures a reader checks, and a
layout in which no text is cut, overlaps other text or runs off the page."""

import io
import re
import subprocess
from itertools import pairwise
from xml.sax.saxutils import unescape

import pytest
from openpyxl import load_workbook

from tests.actionplan.helpers import AREAS, STRATEGIES, five_plans
from workshop.actionplan.consolidation import consolidate
from workshop.actionplan.reports import plan_pdf
from workshop.actionplan.services import decide_overlaps, finalise, publish
from workshop.admin.models import PlanCycle
from workshop.auth.models import User
from workshop.extensions import db

OFFICES = ["OO", "PD", "MILDIV", "OMS", "PBPS"]
NOTE = "For the senior management meeting of June"
DECISION_NOTE = "OO runs the training; PD sends its managers to it"
TOLERANCE = 0.5  # points two word boxes may share before they count as overlapping


@pytest.fixture
def tabled(app):
    """The five plans, a decision on one overlapping pair, and version 1 finalised."""
    with app.app_context():
        ids = five_plans()
        cycle = db.session.get(PlanCycle, ids["cycle"])
        adviser = db.session.get(User, ids["adviser"])
        a = ids["activities"]
        decide_overlaps(cycle, [(a["a1"], a["b1"])], "coordinate", adviser, DECISION_NOTE,
                        {(a["a1"], a["b1"]): 89})
        finalise(cycle, adviser, NOTE)
        db.session.commit()
        return {**ids, "name": cycle.name, "session": adviser.get_id()}


def _run(*args, **kwargs) -> str:
    return subprocess.run(list(args), check=True, capture_output=True, text=True,
                          **kwargs).stdout


def _write(data: bytes, tmp_path, name: str = "plan"):
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    return path


def pdf_text(data: bytes, tmp_path, mode: str = "-layout") -> str:
    """The PDF's text as pdftotext reads it (pages separated by form feeds): laid out as on
    the page, or with `-raw` in the order it was written, a table cell's lines together."""
    return _run("pdftotext", mode, str(_write(data, tmp_path)), "-")


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
WORD = re.compile(r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" '
                  r'yMax="([\d.-]+)">(.*?)</word>', re.S)


def word_boxes(data: bytes, tmp_path) -> list[tuple[float, float, list[tuple]]]:
    """Each page's width, height and words as (x min, y min, x max, y max, text)."""
    out = tmp_path / "boxes.html"
    _run("pdftotext", "-bbox-layout", str(_write(data, tmp_path)), str(out))
    return [(float(width), float(height),
             [(float(x0), float(y0), float(x1), float(y1), unescape(text))
              for x0, y0, x1, y1, text in WORD.findall(body)])
            for width, height, body in PAGE.findall(out.read_text())]


def layout_faults(data: bytes, tmp_path) -> list[str]:
    """Words lying on other words or outside their page, as readable complaints."""
    faults = []
    for number, (width, height, words) in enumerate(word_boxes(data, tmp_path), start=1):
        for x0, y0, x1, y1, text in words:
            if x0 < 0 or y0 < 0 or x1 > width or y1 > height:
                faults.append(f"page {number}: {text!r} lies outside the page")
        ordered = sorted(words, key=lambda w: w[1])
        for i, first in enumerate(ordered):
            for second in ordered[i + 1:]:
                if second[1] >= first[3] - TOLERANCE:
                    break  # this and every later word start below `first`
                if (min(first[2], second[2]) - max(first[0], second[0]) > TOLERANCE
                        and min(first[3], second[3]) - max(first[1], second[1]) > TOLERANCE):
                    faults.append(f"page {number}: {first[4]!r} overlaps {second[4]!r}")
    return faults


# Words of headings, headers and labels that must never break across two lines.
WHOLE = ["Department", "Activities", "Indicators", "Offices", "Extra-budgetary", "Responsible",
         "Objective", "Coordinate", "Secretary-General's", "Capacity-building",
         *{word for name in [*AREAS, *OFFICES] for word in name.split() if len(word) > 3}]


def broken_words(data: bytes, tmp_path) -> list[str]:
    """Those of WHOLE that appear broken over two lines somewhere in the document."""
    raw = pdf_text(data, tmp_path, "-raw")
    joined, spaced = raw.replace("\n", ""), raw.replace("\n", " ")
    return [word for word in WHOLE if joined.count(word) != spaced.count(word)]


def rendered_pages(data: bytes, tmp_path) -> list:
    """The pages rendered as PNG files at 50 dpi."""
    _run("pdftoppm", "-r", "50", "-png", str(_write(data, tmp_path)), str(tmp_path / "page"))
    return sorted(tmp_path.glob("page*.png"))


def _page_count(data: bytes, tmp_path) -> int:
    info = _run("pdfinfo", str(_write(data, tmp_path)))
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def _get(client, auth, tabled, url):
    auth.login(tabled["session"])
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response


# -- the PDF of a finalised version ---------------------------------------------------------------


def test_a_finalised_version_prints_the_plan_with_its_figures(client, auth, tabled, tmp_path):
    url = f"/action-plan/{tabled['cycle']}/versions/1/plan.pdf"
    response = _get(client, auth, tabled, url)
    assert response.mimetype == "application/pdf"
    assert f'filename="action-plan-{tabled["name"]}-v1.pdf"' in (
        response.headers["Content-Disposition"])
    text = pdf_text(response.data, tmp_path)
    pages = text.rstrip("\f").split("\f")

    cover = _flat(pages[0])
    assert "Departmental gender action plan" in cover
    assert f"Plan cycle {tabled['name']}" in cover
    assert "Version 1" in cover and "by Gender Adviser" in cover
    assert "Not published" in cover and NOTE in cover
    assert "Working draft" not in text
    assert "Contents" in pages[1]
    for heading in ("Summary", "Coverage by office and thematic area", "Annex 1. Gaps",
                    "Annex 2. Overlapping activities"):
        assert re.search(rf"{re.escape(heading)} [ .]+\d+", pages[1]), heading
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert "Version 1, finalised" in page  # the footer
        if number > 1:
            assert "Departmental gender action plan" in page  # the running header

    # The key figures: 7 activities, 8 indicators, 4 of 5 offices, the amounts.
    assert re.search(r"\b7\s+8\s+4 of 5\s+3 of 5\b", text)
    assert re.search(r"39,000\s+34,000\s+73,000\s+3\b", text)
    assert "Core amount not known for 1 activity, extra-budgetary amount not known for 2 " \
        "activities. The totals add up the known amounts only." in _flat(text)
    # The department's totals under the tables by thematic area and by strategy.
    assert len(re.findall(r"Department\s+7\s+8\s+4\s+39,000\s+34,000\s+73,000\s+3\b",
                          text)) == 2
    assert re.search(r"Participation\s+4\s+4\s+3\s+21,000\s+33,000\s+54,000\s+2\b", text)
    assert re.search(r"MILDIV\s+2\s+1\s+11,000\s+8,000\s+19,000\s+1\b", text)
    for office in OFFICES:
        assert re.search(rf"\b{office}\b", text), office
    for area in AREAS:
        assert area in text, area
    for strategy in STRATEGIES:
        assert strategy in _flat(text), strategy


def test_the_plan_lists_every_activity_gap_and_overlap(client, auth, tabled, tmp_path):
    data = _get(client, auth, tabled, f"/action-plan/{tabled['cycle']}/versions/1/plan.pdf"
                ).data
    raw = _flat(pdf_text(data, tmp_path, "-raw"))
    for title in ("Train senior managers on gender mainstreaming",
                  "Gender checklist for mission planning",
                  "Gender mainstreaming training for senior managers",
                  "Protocol for police response to sexual violence",
                  "Training of senior managers on gender mainstreaming",
                  "Advocacy campaign on women in peace operations"):
        assert title in raw, title
    # Indicators with their baseline and target.
    assert "Protocol for police response to sexual violence: measure 2" in raw
    assert "1 (1 Jun 2026)" in raw and "10 (30 Jun 2027)" in raw
    # Amounts not known say so.
    assert "not known" in raw
    # High-priority gaps nobody answers, and who raised them.
    gaps = raw[raw.index("High-priority gaps not answered"):]
    assert tabled["gaps"]["g2"] in gaps and tabled["gaps"]["g4"] in gaps
    assert tabled["gaps"]["g1"] not in gaps[:gaps.index("Offices without an approved plan")]
    assert re.search(r"PBPS .*Submitted", raw)
    # Overlaps: the undecided group with its highest score, the decided pair with its note.
    overlaps = raw[raw.rindex("Annex 2. Overlapping activities"):]
    assert "OO Train senior managers on gender mainstreaming" in overlaps
    assert "MILDIV Training of senior managers on gender mainstreaming" in overlaps
    assert "PD Gender mainstreaming training for senior managers" in overlaps
    assert re.search(r"\b94\b", overlaps)
    assert "Coordinate" in overlaps and DECISION_NOTE in overlaps


def test_no_text_overlaps_or_leaves_the_page_and_every_page_renders(client, auth, tabled,
                                                                    tmp_path):
    data = _get(client, auth, tabled, f"/action-plan/{tabled['cycle']}/versions/1/plan.pdf"
                ).data
    assert layout_faults(data, tmp_path) == []
    assert broken_words(data, tmp_path) == []
    pages = rendered_pages(data, tmp_path)
    assert len(pages) == _page_count(data, tmp_path) >= 5
    assert all(p.stat().st_size > 1000 for p in pages)


def test_the_live_plan_prints_as_a_working_draft(client, auth, tabled, tmp_path):
    response = _get(client, auth, tabled, f"/action-plan/{tabled['cycle']}/draft.pdf")
    assert f'filename="action-plan-{tabled["name"]}-draft.pdf"' in (
        response.headers["Content-Disposition"])
    pages = pdf_text(response.data, tmp_path).rstrip("\f").split("\f")
    assert "Working draft, not finalised" in pages[0]
    assert "Version 1" not in pages[0]
    for page in pages:
        assert "Working draft, not finalised" in page  # the footer of every page
    assert layout_faults(response.data, tmp_path) == []
    assert broken_words(response.data, tmp_path) == []
    workbook = client.get(f"/action-plan/{tabled['cycle']}/draft.xlsx")
    assert f'filename="action-plan-{tabled["name"]}-draft.xlsx"' in (
        workbook.headers["Content-Disposition"])
    summary = dict(_sheet(load_workbook(io.BytesIO(workbook.data)), "Summary")[1:])
    assert summary["Version"] == "Working draft, not finalised"
    assert summary["Total (USD)"] == 73000


def test_a_published_version_says_when_and_by_whom(ctx, tmp_path):
    ids = five_plans()
    cycle = db.session.get(PlanCycle, ids["cycle"])
    adviser = db.session.get(User, ids["adviser"])
    note = ("Tabled at the senior management meeting; " * 50)[:2000]
    version = finalise(cycle, adviser, note)  # the longest note still fits on the cover
    publish(version, adviser)
    db.session.commit()
    data = plan_pdf(consolidate(version.content), version)
    text = pdf_text(data, tmp_path)
    cover, second = text.split("\f")[:2]
    published = f"{version.published_at.day} {version.published_at:%B %Y}"
    assert re.search(rf"Published\s+{published} by Gender Adviser", cover)
    assert "Not published" not in text
    assert _flat(cover).count("Tabled at the senior management meeting") == 48
    assert "Contents" in second
    assert layout_faults(data, tmp_path) == []
    assert f"Version 1, finalised {published}, published {published}" in second


def test_readers_without_the_gender_unit_role_do_not_get_an_unpublished_version(
        app, client, auth, tabled):
    from tests.factories import make_user

    with app.app_context():
        viewer = make_user("viewer")
        db.session.commit()
        auth.login(viewer.get_id())
    url = f"/action-plan/{tabled['cycle']}"
    assert client.get(f"{url}/versions/1/plan.pdf").status_code == 403
    assert client.get(f"{url}/versions/1/plan.xlsx").status_code == 403
    assert client.get(f"{url}/draft.pdf").status_code == 403


# -- the workbook ------------------------------------------------------------------------------


def _sheet(workbook, name) -> list[list]:
    return [list(row) for row in workbook[name].iter_rows(values_only=True)]


def test_the_workbook_holds_the_figures_as_numbers(client, auth, tabled):
    response = _get(client, auth, tabled,
                    f"/action-plan/{tabled['cycle']}/versions/1/plan.xlsx")
    assert f'filename="action-plan-{tabled["name"]}-v1.xlsx"' in (
        response.headers["Content-Disposition"])
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames[:3] == ["Summary", "By thematic area", "By strategy"]
    for name in ("By office", "Coverage", "Activities", "Indicators", "Gaps", "Overlaps"):
        assert name in book.sheetnames

    summary = dict(_sheet(book, "Summary")[1:])
    assert summary["Version"] == 1 and summary["Note"] == NOTE
    assert summary["Published"] == "Not published"
    assert (summary["Activities"], summary["Indicators"]) == (7, 8)
    assert (summary["Offices with an approved plan"], summary["Offices"]) == (4, 5)
    assert (summary["Core (USD)"], summary["Extra-budgetary (USD)"],
            summary["Total (USD)"]) == (39000, 34000, 73000)
    assert summary["Activities with an amount not known"] == 3

    areas = {row[0]: row[1:] for row in _sheet(book, "By thematic area")[1:]}
    assert areas["Participation"][:6] == [4, 4, 3, 21000, 33000, 54000]
    assert areas["Prevention"][:6] == [0, 0, 0, 0, 0, 0]
    assert areas["Department"][:6] == [7, 8, 4, 39000, 34000, 73000]

    offices = {row[0]: row[1:] for row in _sheet(book, "By office")[1:]}
    assert offices["MILDIV"][1:] == [2, 1, 11000, 8000, 19000, 0, 1]
    assert offices["PD"][1:6] == [2, 3, 15000, 20000, 35000]
    assert offices["Department"][1:6] == [7, 8, 39000, 34000, 73000]

    coverage = _sheet(book, "Coverage")
    headers, rows = coverage[0], {row[0]: row for row in coverage[1:]}
    assert set(rows) == {"OO", "PD", "MILDIV", "OMS", "Department"}

    def cell(office, area):
        at = headers.index(f"{area}: activities")
        return rows[office][at], rows[office][at + 1]

    assert cell("MILDIV", "Participation") == (2, 19000)
    assert cell("OO", "Participation") == (1, 15000)
    assert cell("OO", "Normative") == (1, 2000)
    assert cell("PD", "Protection") == (1, 15000)
    assert cell("OMS", "Participation") == (0, 0)
    assert cell("Department", "Participation") == (4, 54000)
    assert rows["PD"][-2:] == [2, 35000] and rows["Department"][-2:] == [7, 73000]

    activities = _sheet(book, "Activities")
    head, body = activities[0], activities[1:]
    assert len(body) == 7
    by_title = {(r[head.index("Office")], r[head.index("Title")]): r for r in body}
    b1 = by_title["PD", "Gender mainstreaming training for senior managers"]
    assert b1[head.index("Core (USD)")] is None  # not known: empty, not zero
    assert b1[head.index("Extra-budgetary (USD)")] == 20000
    b2 = by_title["PD", "Protocol for police response to sexual violence"]
    assert b2[head.index("Extra-budgetary (USD)")] == 0
    assert len(_sheet(book, "Indicators")) - 1 == 8

    gaps = _sheet(book, "Gaps")[1:]
    assert any(r[0] == "High-priority gap not answered" and r[2].startswith(
        tabled["gaps"]["g4"]) for r in gaps)
    assert any(r[0] == "Office without an approved plan" and r[1] == "PBPS" for r in gaps)
    overlaps = _sheet(book, "Overlaps")
    # The undecided group (a1, b1 and c1; a1-c1 scores 94) one activity a row; the decided
    # pair (a1, b1; 89) on a row of its own.
    assert sorted((r[0], r[1], r[4], r[8]) for r in overlaps[1:]) == [
        ("Decided", None, "OO", 89), ("Not decided", 1, "MILDIV", 94),
        ("Not decided", 1, "OO", 94), ("Not decided", 1, "PD", 94)]
    assert [r[9] for r in overlaps[1:] if r[0] == "Decided"] == ["Coordinate"]


# -- a department of many offices --------------------------------------------------------------


def many_offices(count: int = 60) -> dict:
    """Plan data as a version keeps it: `count` approved offices with two activities each."""
    areas = [{"id": n, "name": name, "description": ""} for n, name in enumerate(AREAS, 1)]
    strategies = [{"id": n, "name": name} for n, name in enumerate(STRATEGIES, 1)]
    offices, activities = [], []
    for n in range(1, count + 1):
        acronym = f"OFFICE-{n:02d}"
        offices.append({"id": n, "acronym": acronym, "name": f"Office number {n}",
                        "plan_status": "approved", "plan_version": 1})
        for k in range(2):
            activities.append({
                "id": n * 10 + k, "office_id": n, "office": acronym, "objective": "Gender",
                "position": k, "title": f"Activity {k + 1} of office {n} on subject {n * 7}",
                "description": "", "thematic_area": AREAS[(n + k) % len(AREAS)],
                "strategy": STRATEGIES[(n * 3 + k) % len(STRATEGIES)],
                "expected_result": "Staff apply what they learnt",
                "responsible": "Assistant Secretary-General's office",
                "starts_on": "2026-07-01", "ends_on": "2027-06-30",
                "cost_core": str(1000 * n), "cost_extra": None if k else "250.50",
                "status": "planned", "gaps": [],
                "departmental_objective": None if k else f"D{n % 2 + 1}",
                "indicators": [{"id": n * 10 + k, "statement": "Share of staff trained",
                                "unit": "percent", "baseline_value": "0",
                                "baseline_date": "2026-06-01", "target_value": "80",
                                "target_date": "2027-06-30", "verification": "Records"}]})
    return {"cycle": {"id": 1, "name": "2026-2027"}, "made_at": "2026-05-12T09:30:00",
            "offices": offices, "thematic_areas": areas, "strategies": strategies,
            "objectives": [
                {"id": 1, "number": 1, "code": "D1", "title": "Managers lead on gender",
                 "description": "Every director answers for the gender work of the office.",
                 "thematic_area": "Participation"},
                {"id": 2, "number": 2, "code": "D2", "title": "Offices plan with gender "
                 "analysis", "description": "", "thematic_area": ""}],
            "activities": activities, "priority_gaps": [], "decisions": [],
            "overlaps": []}


def test_many_offices_split_the_coverage_matrix_over_pages_with_its_header(ctx, tmp_path):
    data = plan_pdf(consolidate(many_offices()), None, department="Department of tests")
    pages = pdf_text(data, tmp_path).rstrip("\f").split("\f")
    matrix = [n for n, page in enumerate(pages)
              if re.search(r"^\s*OFFICE-\d\d\s+(—|\d+)\s+(—|\d+)", page, re.M)
              and "All thematic" in page]
    assert len(matrix) >= 2 and matrix == list(range(matrix[0], matrix[-1] + 1))
    for n in matrix:
        assert re.search(r"Office\s+Prevention\s+Participation\s+Protection", pages[n])
    text = "\n".join(pages[n] for n in matrix)
    for office in range(1, 61):
        assert re.search(rf"^\s*OFFICE-{office:02d}\s", text, re.M), office
    assert re.search(r"Department\s+\d+\s+\d+\s+\d+\s+\d+\s+\d+\s+120\b", text)
    objectives = _flat(pdf_text(data, tmp_path, "-raw"))
    assert re.search(r"D1 Managers lead on gender .*Participation 30 30 ", objectives)
    assert re.search(r"Not mapped to a departmental objective 60 60 ", objectives)
    assert layout_faults(data, tmp_path) == []
    assert broken_words(data, tmp_path) == []


def test_the_footer_pages_and_contents_numbers_agree(ctx, tmp_path):
    data = plan_pdf(consolidate(many_offices(12)), None, department="Department of tests")
    pages = pdf_text(data, tmp_path).rstrip("\f").split("\f")
    contents = {m.group(1).strip(): int(m.group(2)) for m in re.finditer(
        r"^\s*(\S.*?)\s+[ .]{3,}\s*(\d+)\s*$", pages[1], re.M)}
    assert contents["Summary"] == 3
    for title, number in contents.items():
        assert title in _flat(pages[number - 1]), title
    numbers = [contents[t] for t in ("Summary", "The plan by thematic area", "Annex 1. Gaps")]
    assert all(a < b for a, b in pairwise(numbers))
