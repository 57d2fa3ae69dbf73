"""PDF building blocks: what a reader of the printed report, or of its text, gets back."""

import re
import subprocess

from workshop.core.pdf import build_pdf, figure_row, pdf_response, section, table

LONG_NOTE = " ".join(f"word{n:02d}" for n in range(1, 61))


def pdf_text(data: bytes, tmp_path, *, layout: bool = True) -> str:
    """The text of a PDF as pdftotext reads it, pages separated by form feeds."""
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def pdf_tool(tool: str, data: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    return subprocess.run([tool, str(path)], check=True, capture_output=True, text=True).stdout


def people_report(**kwargs) -> bytes:
    rows = [(n, f"Sørensen Tomás {n:03d}", LONG_NOTE if n == 5 else "Met twice", n * 1000)
            for n in range(1, 81)]
    return build_pdf(
        "Participants list",
        [*section("Key figures", figure_row([("80", "People met"), ("45%", "Women"),
                                             ("3", "Offices")])),
         *section("Everyone", table(["#", "Name", "Notes", "Amount"], rows,
                                    col_widths=[0.6, 3, 5, 1.3], numeric=(0, 3),
                                    totals=["", "Total", "", 3_240_000]))],
        subtitle="Bureau des opérations, plan cycle 2026-2027",
        header_left="Département d'essai", author="Gender Unit", **kwargs)


def test_a_long_table_runs_over_pages_with_header_footer_and_every_row(tmp_path):
    text = pdf_text(people_report(), tmp_path)
    pages = text.rstrip("\f").split("\f")
    total = len(pages)
    assert total >= 3
    for number, page in enumerate(pages, start=1):
        assert "Département d'essai" in page and "Participants list" in page
        assert f"Page {number} of {total}" in page
        assert "Bureau des opérations, plan cycle 2026-2027" in page  # the subtitle as footer
        assert re.search(r"#\s+Name\s+Notes\s+Amount", page)  # header row on every page
    for n in range(1, 81):
        assert re.search(rf"\b{n}\s+Sørensen Tomás {n:03d}\s+.*{n * 1000:,}", text), n
    assert re.search(r"Total\s+3,240,000", pages[-1])
    assert re.search(r"80\s+45%\s+3", text) and "People met" in text


def test_a_long_cell_wraps_and_keeps_all_its_text(tmp_path):
    text = pdf_text(people_report(), tmp_path)
    words = [f"word{n:02d}" for n in range(1, 61)]
    positions = [text.index(w) for w in words]
    assert positions == sorted(positions)  # all there, in reading order
    first_line = next(line for line in text.splitlines() if "word01" in line)
    assert "word60" not in first_line  # wrapped onto further lines, not cut


def test_fonts_are_embedded_and_metadata_set(tmp_path):
    data = people_report()
    fonts = pdf_tool("pdffonts", data, tmp_path).splitlines()[2:]
    assert fonts and all(" yes " in line and "Vera" in line for line in fonts)
    info = pdf_tool("pdfinfo", data, tmp_path)
    assert re.search(r"^Title:\s+Participants list$", info, re.M)
    assert re.search(r"^Author:\s+Gender Unit$", info, re.M)
    assert re.search(r"^Page size:\s+595.\d+ x 841.\d+ pts \(A4\)", info, re.M)


def test_landscape_pages(tmp_path):
    info = pdf_tool("pdfinfo", people_report(landscape=True), tmp_path)
    assert re.search(r"^Page size:\s+841.\d+ x 595.\d+ pts \(A4\)", info, re.M)


def test_text_is_printed_as_typed_not_read_as_markup(tmp_path):
    data = build_pdf("Odd <b>title</b> & co", [table(["Name"], [["<i>Ana</i> & <br/> Ben"]])])
    text = pdf_text(data, tmp_path)
    assert "Odd <b>title</b> & co" in text
    assert "<i>Ana</i> & <br/> Ben" in text


def test_pdf_response_is_an_attachment():
    response = pdf_response("needs-assessment-OO-2026-2027.pdf", b"%PDF-1.4")
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="needs-assessment-OO-2026-2027.pdf"')
    accented = pdf_response("résumé", b"%PDF-1.4").headers["Content-Disposition"]
    assert accented == "attachment; filename=\"rsum.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf"
