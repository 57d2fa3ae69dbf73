"""PDF building blocks for every report: fonts, paragraph styles, tables, key figures and the
page frame (running header, "Page X of Y" footer, metadata).

Text goes through reportlab's Paragraph markup, so everything that comes from users is escaped
here (`para`, `table`); pass a Flowable instead of text where markup is wanted on purpose.
"""

import io
import itertools
from collections.abc import Iterable, Sequence
from functools import partial
from pathlib import Path
from xml.sax.saxutils import escape, unescape

import reportlab
from flask import Response
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.pagesizes import landscape as landscape_size
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from .exports import attachment_headers

PDF_MIMETYPE = "application/pdf"

# reportlab's own copy of Bitstream Vera: TrueType, so it is embedded and its text can be
# copied and searched, accents included (the built-in Helvetica is neither).
FONT = "Vera"
FONT_BOLD = "Vera-Bold"
_FONT_FILES = {FONT: "Vera.ttf", FONT_BOLD: "VeraBd.ttf", "Vera-Italic": "VeraIt.ttf",
               "Vera-BoldItalic": "VeraBI.ttf"}


def register_fonts() -> None:
    """Register the Vera family once, so that <b> and <i> in markup find their faces."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(reportlab.__file__).parent / "fonts"
    for name, file in _FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic="Vera-Italic",
                                  boldItalic="Vera-BoldItalic")


register_fonts()

INK = colors.HexColor("#212529")
MUTED = colors.HexColor("#5c636a")
RULE = colors.HexColor("#adb5bd")
HEADER_FILL = colors.HexColor("#dde3ea")
ZEBRA = colors.HexColor("#f4f6f8")
FIGURE_FILL = colors.HexColor("#eef2f6")

MARGIN = 18 * mm
FRAME_PADDING = 6  # reportlab's frame insets its content by this much on every side
TOP_MARGIN = 22 * mm  # leaves room for the running header
BOTTOM_MARGIN = 20 * mm  # and for the footer

_body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13, textColor=INK,
                       spaceAfter=4)
STYLES: dict[str, ParagraphStyle] = {
    "title": ParagraphStyle("title", parent=_body, fontName=FONT_BOLD, fontSize=18, leading=22,
                            spaceAfter=2),
    "subtitle": ParagraphStyle("subtitle", parent=_body, fontSize=11, leading=14,
                               textColor=MUTED, spaceAfter=10),
    "heading": ParagraphStyle("heading", parent=_body, fontName=FONT_BOLD, fontSize=12.5,
                              leading=16, spaceBefore=12, spaceAfter=5),
    "subheading": ParagraphStyle("subheading", parent=_body, fontName=FONT_BOLD,
                                 fontSize=10.5, leading=13.5, spaceBefore=9, spaceAfter=4),
    "body": _body,
    "small": ParagraphStyle("small", parent=_body, fontSize=7.5, leading=9.5, textColor=MUTED),
    "cell": ParagraphStyle("cell", parent=_body, fontSize=8, leading=10, spaceAfter=0),
    "cell_right": ParagraphStyle("cell_right", parent=_body, fontSize=8, leading=10,
                                 spaceAfter=0, alignment=TA_RIGHT),
    "header": ParagraphStyle("header", parent=_body, fontName=FONT_BOLD, fontSize=8,
                             leading=10, spaceAfter=0),
    "header_right": ParagraphStyle("header_right", parent=_body, fontName=FONT_BOLD,
                                   fontSize=8, leading=10, spaceAfter=0, alignment=TA_RIGHT),
    "figure_value": ParagraphStyle("figure_value", parent=_body, fontName=FONT_BOLD,
                                   fontSize=17, leading=20, alignment=TA_CENTER, spaceAfter=1),
    "figure_label": ParagraphStyle("figure_label", parent=_body, fontSize=7.5, leading=9,
                                   textColor=MUTED, alignment=TA_CENTER, spaceAfter=0),
}


STYLES["inset"] = ParagraphStyle("inset", parent=STYLES["cell"], fontSize=7.5, leading=9.5)
STYLES["inset_header"] = ParagraphStyle("inset_header", parent=STYLES["header"], fontSize=7.5,
                                        leading=9.5)


def markup(text) -> str:
    """Plain text as Paragraph markup: escaped, line breaks kept, numbers with separators."""
    if text is None:
        return ""
    if isinstance(text, int) and not isinstance(text, bool):
        text = f"{text:,}"
    return escape(str(text)).replace("\r\n", "\n").replace("\n", "<br/>")


def para(text, style: str = "body") -> Paragraph:
    """A paragraph of plain (escaped) text in one of STYLES."""
    return Paragraph(markup(text), STYLES[style])


def heading(text) -> Paragraph:
    return para(text, "heading")


_bookmarks = itertools.count(1)


def contents_heading(text, level: int = 0) -> Paragraph:
    """A heading listed in the table of contents and the PDF's outline when the document is
    made by `build_document`: level 0 a section, level 1 a part of one."""
    result = para(text, "heading" if level == 0 else "subheading")
    result.contents_level = level
    result.contents_key = f"part-{next(_bookmarks)}"
    return result


def section(title, *content: Flowable, room: float = 40 * mm,
            level: int | None = None) -> list[Flowable]:
    """A heading and its content, the heading moved to the next page when less than `room`
    is left below it (rather than keepWithNext, which pushes a whole long table along).
    With a `level` the heading goes into the table of contents (see `contents_heading`)."""
    title_flowable = heading(title) if level is None else contents_heading(title, level)
    return [CondPageBreak(room), title_flowable, *content]


def _cell(value, style: str):
    return value if isinstance(value, Flowable) else para(value, style)


CELL_PADDING = 4


def _widths(col_widths: Sequence[float] | None, count: int) -> list[str]:
    # Relative weights become percentages, resolved against the frame's width when the table
    # is laid out, so one description serves portrait and landscape pages alike.
    weights = _weights(col_widths, count)
    total = sum(weights)
    return [f"{100 * w / total:.3f}%" for w in weights]


def _weights(col_widths: Sequence[float] | None, count: int) -> list[float]:
    weights = [float(w) for w in col_widths] if col_widths else [1.0] * count
    if len(weights) != count or min(weights, default=1) <= 0:
        raise ValueError(f"{count} positive column widths expected, not {col_widths!r}")
    return weights


def _share(weights: list[float], least: list[float], room: float) -> list[float]:
    """`room` shared by weight, no column narrower than its least width while room allows."""
    if sum(least) >= room:
        return [room * w / sum(least) for w in least]
    fixed: dict[int, float] = {}
    while True:
        free = [i for i in range(len(weights)) if i not in fixed]
        left = room - sum(fixed.values())
        total = sum(weights[i] for i in free)
        widths = {i: left * weights[i] / total for i in free}
        short = {i: least[i] for i in free if widths[i] < least[i]}
        if not short:
            return [fixed.get(i, widths.get(i)) for i in range(len(weights))]
        fixed.update(short)


def _least_width(texts: Iterable, font: str) -> float:
    """The width of the longest word among `texts`, padding included."""
    words = [w for t in texts if t is not None and not isinstance(t, Flowable)
             for w in markup(t).replace("<br/>", " ").split()]
    longest = max((pdfmetrics.stringWidth(unescape(w), font, 8) for w in words), default=0)
    return longest + 2 * CELL_PADDING + 1


class _FittedTable(Table):
    """A table that takes the frame's width, shared by weight, and makes each column at least
    as wide as the longest word of its header (and of its figures), so that no header breaks
    inside a word."""

    _fit: tuple[list[float], list[float]] | None = None  # weights, least widths

    def wrap(self, availWidth, availHeight):  # noqa: N803 (reportlab's names)
        if self._fit is not None:
            self._argW = self._colWidths = _share(*self._fit, availWidth)
        return super().wrap(availWidth, availHeight)


def table(headers: Sequence[str], rows: Iterable[Sequence], col_widths=None, numeric=(), *,
          totals: Sequence | None = None, whole_words: Iterable[int] = ()) -> Table:
    """A table whose long cells wrap, with its header row repeated on every page.

    `col_widths` are relative weights (the table takes the full width), `numeric` the indexes
    of right-aligned columns, `totals` an optional last row in bold. Cells are plain values
    (escaped) or Flowables. The columns in `whole_words` are made at least as wide as the
    longest word of their plain-text cells, so that no word there breaks (say a unit's name).
    """
    numeric = set(numeric)
    rows = [list(row) for row in rows]
    if totals is not None:
        totals = list(totals)

    def line(values, body: str, right: str) -> list:
        return [_cell(v, right if i in numeric else body) for i, v in enumerate(values)]

    data = [line(headers, "header", "header_right")]
    data += [line(row, "cell", "cell_right") for row in rows]
    style = [
        ("FONT", (0, 0), (-1, -1), FONT, 8),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, RULE),
        ("GRID", (0, 0), (-1, -1), 0.25, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if len(data) > 2:
        style.append(("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA]))
    if totals is not None:
        data.append(line(totals, "header", "header_right"))
        style += [("BACKGROUND", (0, -1), (-1, -1), colors.white),
                  ("LINEABOVE", (0, -1), (-1, -1), 0.8, INK)]
    least = []
    for i, header in enumerate(headers):
        figures = [r[i] for r in [*rows, totals or []] if i < len(r)] if i in numeric else []
        least.append(max(_least_width([header], FONT_BOLD), _least_width(figures, FONT_BOLD)))
    for i in whole_words:
        least[i] = max(least[i], _least_width([r[i] for r in rows if i < len(r)], FONT))
    # splitInRow lets a single row taller than a page continue on the next one.
    result = _FittedTable(data, colWidths=_widths(col_widths, len(headers)), repeatRows=1,
                          splitInRow=1, style=TableStyle(style), hAlign="LEFT")
    result._fit = (_weights(col_widths, len(headers)), least)
    return result


def inset_table(rows: list[list], col_widths: Sequence[float]) -> Table:
    """A small table set inside a cell of a larger one (an activity's indicators): cells in
    STYLES["inset"], a rule under each row but the last, the first row repeated on a new page.
    `col_widths` are relative weights; the table takes the cell's width."""
    total = sum(col_widths)
    return Table(rows, colWidths=[f"{100 * w / total:.3f}%" for w in col_widths],
                 hAlign="LEFT", repeatRows=1, style=[
                     ("FONT", (0, 0), (-1, -1), FONT, 7.5),
                     ("VALIGN", (0, 0), (-1, -1), "TOP"),
                     ("LINEBELOW", (0, 0), (-1, -2), 0.25, RULE),
                     ("LEFTPADDING", (0, 0), (-1, -1), 3),
                     ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                     ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                     ("BOTTOMPADDING", (0, 0), (-1, -1), 2)])


def figure_row(items: Sequence[tuple[str | int, str]], per_row: int = 4) -> Flowable:
    """Key figures as boxes, `per_row` to a line: each item is (value, label), value big."""
    if not items:
        return Spacer(0, 0)
    cells = [[para(value, "figure_value"), para(label, "figure_label")] for value, label in items]
    columns = min(per_row, len(cells))
    cells += [""] * (-len(cells) % columns)
    data = [cells[i:i + columns] for i in range(0, len(cells), columns)]
    # White lines between filled cells read as gaps between boxes.
    style = [("FONT", (0, 0), (-1, -1), FONT, 8),
             ("BACKGROUND", (0, 0), (-1, -1), FIGURE_FILL),
             ("INNERGRID", (0, 0), (-1, -1), 4, colors.white),
             ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
             ("TOPPADDING", (0, 0), (-1, -1), 7),
             ("BOTTOMPADDING", (0, 0), (-1, -1), 7)]
    for n in range(len(items), len(cells)):
        style.append(("BACKGROUND", (n % columns, n // columns), (n % columns, n // columns),
                      colors.white))
    return Table(data, colWidths=_widths(None, columns), style=TableStyle(style),
                 hAlign="LEFT")


def _fit(text: str, font: str, size: float, width: float) -> str:
    """`text` shortened with an ellipsis to fit `width` points."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


class _NumberedCanvas(canvas.Canvas):
    """Keeps every page until the end so that each can say how many pages there are."""

    def __init__(self, *args, decoration: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self._decoration = decoration
        self._pages: list[dict] = []
        self._marks: list[tuple[str, str, int]] = []

    def mark(self, key: str, text: str, level: int) -> None:
        """A destination and outline entry on this page. Kept with the page and added when
        it is written out, as the document only numbers pages then."""
        self._marks.append((key, text, level))

    def showPage(self):  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._marks = []
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            for key, text, level in self._marks:
                self.bookmarkPage(key, fit="XYZ")
                self.addOutlineEntry(text, key, level)
            self._decorate(total)
            super().showPage()
        if any(state["_marks"] for state in self._pages):
            self.showOutline()
        super().save()

    def _decorate(self, total: int) -> None:
        width, height = self._pagesize
        # Lined up with the content, which the frame's padding insets from the margins.
        left, right = MARGIN + FRAME_PADDING, width - MARGIN - FRAME_PADDING
        room = right - left
        d = self._decoration
        self.saveState()
        self.setFillColor(MUTED)
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        if self._pageNumber == 1 and d.get("plain_cover"):
            self._footer(d, total, left, right)
            self.restoreState()
            return
        top = height - 13 * mm
        # The title keeps up to half the line; the left text has what the title leaves.
        title_room = min(pdfmetrics.stringWidth(d["title"], FONT, 8), room / 2)
        title = _fit(d["title"], FONT, 8, title_room)
        self.setFont(FONT_BOLD, 8)
        self.drawString(left, top, _fit(d["header_left"], FONT_BOLD, 8,
                                        room - title_room - 6 * mm))
        self.setFont(FONT, 8)
        self.drawRightString(right, top, title)
        self.line(left, top - 2.5 * mm, right, top - 2.5 * mm)
        self._footer(d, total, left, right)
        self.restoreState()

    def _footer(self, d: dict, total: int, left: float, right: float) -> None:
        bottom = 11 * mm
        self.setFont(FONT, 8)
        self.line(left, bottom + 4 * mm, right, bottom + 4 * mm)
        page = f"Page {self._pageNumber} of {total}"
        self.drawRightString(right, bottom, page)
        footer_room = right - left - pdfmetrics.stringWidth(page, FONT, 8) - 6 * mm
        self.drawString(left, bottom, _fit(d["subtitle"], FONT, 8, footer_room))


def build_pdf(title: str, flowables: Iterable[Flowable], *, subtitle: str = "",
              landscape: bool = False, author: str = "", header_left: str = "") -> bytes:
    """An A4 document: the title (and subtitle) on top, then `flowables`.

    Every page carries `header_left` (say the department) and the title as a running header,
    the subtitle and "Page X of Y" as a footer; the title and author go into the metadata.
    """
    buffer = io.BytesIO()
    pagesize = landscape_size(A4) if landscape else A4
    doc = SimpleDocTemplate(buffer, pagesize=pagesize, leftMargin=MARGIN, rightMargin=MARGIN,
                            topMargin=TOP_MARGIN, bottomMargin=BOTTOM_MARGIN, title=title,
                            author=author, subject=subtitle, creator="Workshop",
                            initialFontName=FONT, initialFontSize=_body.fontSize)
    story: list[Flowable] = [para(title, "title")]
    if subtitle:
        story.append(para(subtitle, "subtitle"))
    else:
        story.append(Spacer(0, 8))
    story += list(flowables)
    decoration = {"title": title, "subtitle": subtitle, "header_left": header_left}
    doc.build(story, canvasmaker=partial(_NumberedCanvas, decoration=decoration))
    return buffer.getvalue()


CONTENTS_STYLES = [
    ParagraphStyle("contents_0", parent=_body, fontName=FONT_BOLD, fontSize=10, leading=13,
                   spaceBefore=7, spaceAfter=0, rightIndent=30),
    ParagraphStyle("contents_1", parent=_body, fontSize=9, leading=12, leftIndent=14,
                   spaceAfter=0, rightIndent=30),
]


def frame_size(landscape: bool = False) -> tuple[float, float]:
    """The width and height of the room for content on a page, as the documents lay it out."""
    width, height = landscape_size(A4) if landscape else A4
    return (width - 2 * MARGIN - 2 * FRAME_PADDING,
            height - TOP_MARGIN - BOTTOM_MARGIN - 2 * FRAME_PADDING)


def height_of(*flowables: Flowable, landscape: bool = False) -> float:
    """How tall `flowables` are on a page, the space around them included."""
    width, height = frame_size(landscape)
    scratch = canvas.Canvas(io.BytesIO())  # some flowables measure themselves on a canvas
    return sum(f.wrapOn(scratch, width, height)[1] + f.getSpaceBefore() + f.getSpaceAfter()
               for f in flowables)


class _Document(BaseDocTemplate):
    """A4 portrait pages that tell the table of contents and the outline about headings
    made by `contents_heading`."""

    def __init__(self, buffer, **kwargs):
        super().__init__(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
                         topMargin=TOP_MARGIN, bottomMargin=BOTTOM_MARGIN, **kwargs)
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height,
                      id="content")
        self.addPageTemplates([PageTemplate("page", frames=[frame], pagesize=A4)])

    def afterFlowable(self, flowable):  # noqa: N802 (reportlab's name)
        level = getattr(flowable, "contents_level", None)
        if level is None:
            return
        text, key = flowable.getPlainText(), flowable.contents_key
        self.notify("TOCEntry", (level, markup(text), self.page, key))
        if isinstance(self.canv, _NumberedCanvas):
            self.canv.mark(key, text, level)


def build_document(title: str, story: Iterable[Flowable], *, cover: Iterable[Flowable],
                   subtitle: str = "", author: str = "", header_left: str = "",
                   contents_title: str = "Contents") -> bytes:
    """An A4 portrait document with a cover page, a table of contents with page numbers and
    then `story`, whose headings made by `contents_heading` (or `section(..., level=)`) are
    listed in the contents and in the PDF's outline.

    The cover carries only the footer; every other page the running header (`header_left`
    and the title) and the footer (the subtitle and "Page X of Y"), as `build_pdf` does.
    """
    buffer = io.BytesIO()
    doc = _Document(buffer, title=title, author=author, subject=subtitle, creator="Workshop",
                    initialFontName=FONT, initialFontSize=_body.fontSize)
    contents = TableOfContents(levelStyles=CONTENTS_STYLES, dotsMinLevel=0,
                               rightColumnWidth=30)
    full: list[Flowable] = [*cover, PageBreak(), para(contents_title, "title"),
                            Spacer(0, 6), contents, PageBreak(), *story]
    decoration = {"title": title, "subtitle": subtitle, "header_left": header_left,
                  "plain_cover": True}
    doc.multiBuild(full, canvasmaker=partial(_NumberedCanvas, decoration=decoration))
    return buffer.getvalue()


def pdf_response(filename: str, data: bytes) -> Response:
    """A PDF download."""
    if not filename.lower().endswith(".pdf"):
        filename += ".pdf"
    return Response(data, mimetype=PDF_MIMETYPE, headers=attachment_headers(filename))
