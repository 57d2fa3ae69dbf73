"""Bar charts drawn once and shown twice: as inline SVG on the pages and as a reportlab Drawing in
the PDFs. `layout` places every bar, label and tick; the two renderers only paint what it placed,
so a chart on a page and the same chart in a report cannot disagree.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from markupsafe import Markup
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics

from .pdf import FONT, FONT_BOLD

# Colours with at least 3:1 contrast against white, told apart by lightness as well as hue.
PALETTE = ["#1f5f99", "#8fbbe0", "#b35c00", "#6b7d2a"]
INK = "#212529"
MUTED = "#5c636a"
GRID = "#ced4da"

FONT_SIZE = 9
ROW = 20  # height of one bar's row
BAR = 13
TOP = 8
AXIS = 18  # room for tick labels under the bars
LEGEND = 18


@dataclass
class BarChart:
    """Horizontal bars, one per label; with several series the bars are stacked."""

    title: str
    labels: Sequence[str]
    values: Sequence[Sequence[float]]  # one list per label, one value per series
    series: Sequence[str] = ("",)
    number: Callable[[float], str] = field(default=lambda v: f"{v:,.0f}")
    description: str = ""

    @property
    def totals(self) -> list[float]:
        return [float(sum(v)) for v in self.values]


@dataclass
class Placed:
    """A chart with everything positioned, in points from the top left."""

    width: float
    height: float
    rects: list[tuple[float, float, float, float, str]]  # x, y, width, height, colour
    texts: list[tuple[float, float, str, str, bool]]  # x, baseline y, text, anchor, bold
    lines: list[tuple[float, float, float, float]]  # grid lines
    legend: list[tuple[float, float, str, str]]  # x, y, colour, name


def _text_width(text: str, bold: bool = False) -> float:
    return pdfmetrics.stringWidth(text, FONT_BOLD if bold else FONT, FONT_SIZE)


def _fit(text: str, room: float) -> str:
    # A little slack: the room is often the text's own width, give or take a rounding error.
    if _text_width(text) <= room + 0.01:
        return text
    while text and _text_width(text + "…") > room:
        text = text[:-1]
    return text.rstrip() + "…"


def _step(top: float) -> float:
    """A round tick step giving three to six ticks up to `top`."""
    if top <= 0:
        return 1
    rough = top / 4
    power = 10 ** math.floor(math.log10(rough))
    for factor in (1, 2, 2.5, 5, 10):
        if rough <= factor * power:
            return max(factor * power, 1)
    return 10 * power


def layout(chart: BarChart, width: float = 520) -> Placed:
    """Where every part of `chart` goes on a canvas `width` points wide."""
    multi = len(chart.series) > 1
    top = TOP + (LEGEND if multi else 0)
    longest = max((_text_width(label) for label in chart.labels), default=0)
    label_room = min(longest + 8, width * 0.32)
    totals = chart.totals
    value_room = max((_text_width(chart.number(t)) for t in totals), default=0) + 8
    plot_left, plot_right = label_room, width - value_room
    plot = max(plot_right - plot_left, 10)
    highest = max(totals, default=0)
    step = _step(highest)
    scale_top = step * max(math.ceil(highest / step), 1)
    rows = len(chart.labels)
    height = top + rows * ROW + AXIS
    rects, texts, lines, legend = [], [], [], []
    ticks = int(round(scale_top / step))
    for n in range(ticks + 1):
        x = plot_left + plot * n * step / scale_top
        lines.append((x, top, x, top + rows * ROW))
        texts.append((x, top + rows * ROW + 12, chart.number(n * step), "middle", False))
    for i, (label, values) in enumerate(zip(chart.labels, chart.values, strict=True)):
        y = top + i * ROW + (ROW - BAR) / 2
        texts.append((plot_left - 6, y + BAR - 3, _fit(label, label_room - 8), "end", False))
        x = plot_left
        for s, value in enumerate(values):
            if value > 0:
                w = plot * float(value) / scale_top
                rects.append((x, y, w, BAR, PALETTE[s % len(PALETTE)]))
                x += w
        texts.append((x + 4, y + BAR - 3, chart.number(totals[i]), "start", True))
    if multi:
        x = plot_left
        for s, name in enumerate(chart.series):
            legend.append((x, TOP, PALETTE[s % len(PALETTE)], name))
            x += 10 + 6 + _text_width(name) + 14
    return Placed(width, height, rects, texts, lines, legend)


def _description(chart: BarChart) -> str:
    parts = []
    for label, values, total in zip(chart.labels, chart.values, chart.totals, strict=True):
        if len(chart.series) > 1:
            shares = ", ".join(f"{name} {chart.number(v)}"
                               for name, v in zip(chart.series, values, strict=True))
            parts.append(f"{label}: {chart.number(total)} ({shares})")
        else:
            parts.append(f"{label}: {chart.number(total)}")
    return (chart.description + " " if chart.description else "") + "; ".join(parts) + "."


def svg(chart: BarChart, width: float = 520, chart_id: str = "chart") -> Markup:
    """The chart as inline SVG that scales with its container, with a title and a text
    description for screen readers (the figures are also in a table beside it)."""
    placed = layout(chart, width)
    out = [f'<svg class="bar-chart" viewBox="0 0 {placed.width:.0f} {placed.height:.0f}" '
           f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
           f'font-family="Bitstream Vera Sans, DejaVu Sans, sans-serif" '
           f'font-size="{FONT_SIZE}">',
           f'<title id="{chart_id}-title">{escape(chart.title)}</title>',
           f'<desc id="{chart_id}-desc">{escape(_description(chart))}</desc>']
    for x1, y1, x2, y2 in placed.lines:
        out.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                   f'stroke="{GRID}" stroke-width="0.6"/>')
    for x, y, w, h, colour in placed.rects:
        out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" '
                   f'fill="{colour}"/>')
    for x, y, colour, name in placed.legend:
        out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="10" height="10" fill="{colour}"/>'
                   f'<text x="{x + 16:.1f}" y="{y + 9:.1f}" fill="{INK}">{escape(name)}</text>')
    for x, y, text, anchor, bold in placed.texts:
        weight = ' font-weight="bold"' if bold else ""
        out.append(f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" '
                   f'fill="{INK if bold else MUTED}"{weight}>{escape(text)}</text>')
    out.append("</svg>")
    # Every text above went through escape().
    return Markup("".join(out))  # noqa: S704  # nosec B704


def drawing(chart: BarChart, width: float = 480) -> Drawing:
    """The chart as a reportlab Drawing `width` points wide, for a PDF story."""
    placed = layout(chart, width)
    h = placed.height
    result = Drawing(placed.width, h)
    for x1, y1, x2, y2 in placed.lines:
        result.add(Line(x1, h - y1, x2, h - y2, strokeColor=colors.HexColor(GRID),
                        strokeWidth=0.6))
    for x, y, w, bar, colour in placed.rects:
        result.add(Rect(x, h - y - bar, w, bar, fillColor=colors.HexColor(colour),
                        strokeColor=None))
    for x, y, colour, name in placed.legend:
        result.add(Rect(x, h - y - 10, 10, 10, fillColor=colors.HexColor(colour),
                        strokeColor=None))
        result.add(String(x + 16, h - y - 9, name, fontName=FONT, fontSize=FONT_SIZE,
                          fillColor=colors.HexColor(INK)))
    for x, y, text, anchor, bold in placed.texts:
        result.add(String(x, h - y, text, fontName=FONT_BOLD if bold else FONT,
                          fontSize=FONT_SIZE, textAnchor=anchor,
                          fillColor=colors.HexColor(INK if bold else MUTED)))
    return result
