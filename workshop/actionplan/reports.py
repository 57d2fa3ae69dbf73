"""The departmental action plan as a document the department can table (PDF) and as a workbook
(Excel): a finalised version, or the live plan marked as a working draft.

Both are drawn from a `Consolidation` and run no query of their own, so that a version prints
the figures it was frozen with. Amounts not known are shown as such and counted, never added
in as zero.
"""

import re
from datetime import datetime

from flask import Response, current_app
from reportlab.lib.colors import white
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer, Table

from ..core.charts import drawing
from ..core.exports import workbook_from_sheets, xlsx_download
from ..core.pdf import (
    FONT_BOLD,
    INK,
    MUTED,
    RULE,
    STYLES,
    ZEBRA,
    _FittedTable,
    build_document,
    figure_row,
    frame_size,
    height_of,
    inset_table,
    markup,
    para,
    pdf_response,
    section,
    table,
)
from ..workplans.models import ACTIVITY_STATUSES, PLAN_STATUSES, UNITS
from ..workplans.reports import amount as money_text
from ..workplans.reports import day_of, period, short_date, value_with_date
from .charts import all_charts
from .consolidation import Consolidation, Figures, amount
from .models import DECISIONS, ActionPlanVersion

TITLE = "Departmental gender action plan"
DRAFT = "Working draft, not finalised"
NOT_KNOWN = "not known"
NOT_SET = "—"
SEPARATOR = " · "

CONTENT_WIDTH, FRAME_HEIGHT = frame_size()
AREAS_PER_TABLE = 6  # thematic areas side by side in one coverage table on a portrait page
SPLIT_ROOM = FRAME_HEIGHT / 2  # an activity taller than this may run over two pages

FIGURE_HEADERS = ["Activities", "Indicators", "Offices", "Core (USD)",
                  "Extra-budgetary (USD)", "Total (USD)", "Amounts not known"]
FIGURE_WIDTHS = [1.1, 1.1, 0.95, 1.2, 1.55, 1.2, 1.1]
ACTIVITY_HEADERS = ["Office", "Activity", "Period", "Responsible", "Core (USD)",
                    "Extra-budgetary (USD)"]
ACTIVITY_WIDTHS = [48, 180, 64, 80, 52, 76]
INDICATOR_HEADERS = ["Indicator", "Baseline", "Target", "Means of verification"]
INDICATOR_WIDTHS = [190, 70, 70, 130]
INDICATOR_INDENT = 14

_muted = f"#{MUTED.hexval()[2:]}"
_COVER = {
    "department": ParagraphStyle("cover_department", parent=STYLES["body"], fontSize=12,
                                 leading=16, textColor=MUTED, spaceAfter=14),
    "title": ParagraphStyle("cover_title", parent=STYLES["body"], fontName=FONT_BOLD,
                            fontSize=24, leading=30, spaceAfter=10),
    "cycle": ParagraphStyle("cover_cycle", parent=STYLES["body"], fontSize=15, leading=20,
                            spaceAfter=26),
    "version": ParagraphStyle("cover_version", parent=STYLES["body"], fontName=FONT_BOLD,
                              fontSize=18, leading=24, spaceAfter=14),
    "label": ParagraphStyle("cover_label", parent=STYLES["body"], fontName=FONT_BOLD,
                            fontSize=10, leading=14, textColor=MUTED),
    "value": ParagraphStyle("cover_value", parent=STYLES["body"], fontSize=10, leading=14),
}
_INDICATOR_CELL, _INDICATOR_HEAD = STYLES["inset"], STYLES["inset_header"]
_FOOTNOTE = ParagraphStyle("footnote", parent=STYLES["small"], spaceBefore=3)
_MATRIX_CELL = ParagraphStyle("matrix_cell", parent=STYLES["cell_right"], leading=10.5)
_MATRIX_TOTAL = ParagraphStyle("matrix_total", parent=STYLES["header_right"], leading=10.5)


# -- words for amounts, dates and the version ----------------------------------------------------


def usd(value) -> str:
    """US dollars as "12,000" (cents only when there are some); "not known" for None."""
    return money_text(value, NOT_KNOWN)


def number(value) -> int | float | None:
    """An amount as a number for a spreadsheet cell; None (an empty cell) when not known."""
    value = amount(value)
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def long_date(value) -> str:
    """12 May 2026."""
    day = day_of(value)
    return f"{day.day} {day:%B %Y}" if day else ""



def _person(user) -> str:
    return getattr(user, "name", "") or ""


def finalised_text(version: ActionPlanVersion) -> str:
    """12 May 2026 by Gender Adviser."""
    by = _person(version.finalised_by)
    return long_date(version.created_at) + (f" by {by}" if by else "")


def published_text(version: ActionPlanVersion) -> str:
    """14 May 2026 by Gender Adviser, or "Not published"."""
    if not version.published:
        return "Not published"
    by = _person(version.published_by)
    return long_date(version.published_at) + (f" by {by}" if by else "")


def state(c: Consolidation, version: ActionPlanVersion | None) -> str:
    """"Version 2, finalised 12 May 2026, published 14 May 2026" or the draft's mark."""
    if version is None:
        made = long_date(c.data.get("made_at"))
        return DRAFT + (f" (as of {made})" if made else "")
    text = f"{version.label}, finalised {long_date(version.created_at)}"
    if version.published:
        return text + f", published {long_date(version.published_at)}"
    return text + ", not published"


def subtitle(c: Consolidation, version: ActionPlanVersion | None) -> str:
    """Plan cycle 2026-2027 · Version 1, finalised 12 May 2026, not published."""
    return SEPARATOR.join([f"Plan cycle {c.data['cycle']['name']}", state(c, version)])


def filename(c: Consolidation, version: ActionPlanVersion | None, ext: str) -> str:
    """action-plan-2026-2027-v1.pdf, or action-plan-2026-2027-draft.pdf for the live plan."""
    cycle = re.sub(r"[^A-Za-z0-9]+", "-", c.data["cycle"]["name"]).strip("-")
    suffix = "draft" if version is None else f"v{version.number}"
    return f"action-plan-{cycle}-{suffix}.{ext.lstrip('.')}"


def _offices_line(c: Consolidation) -> str:
    return f"{len(c.offices)} of {c.offices_total}"


def _made_from(c: Consolidation) -> str:
    return (f"The approved plans of {len(c.offices)} of the {c.offices_total} offices"
            if c.offices_total else "No office yet")


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def unknown_note(f: Figures) -> str:
    """What the totals leave out, in words."""
    if not f.activities:
        return ""
    if not f.unknown:
        return "Every activity has its core and extra-budgetary amounts."
    parts = [f"{kind} amount not known for {_plural(count, 'activity', 'activities')}"
             for kind, count in (("core", f.core_unknown), ("extra-budgetary", f.extra_unknown))
             if count]
    return ", ".join(parts).capitalize() + ". The totals add up the known amounts only."


# -- the cover and the key figures ----------------------------------------------------------------


def _cover(c: Consolidation, version: ActionPlanVersion | None,
           department: str) -> list[Flowable]:
    rows: list[tuple[str, str]] = []
    if version is None:
        status = _draft_box()
        made = c.data.get("made_at")
        if made:
            rows.append(("As of", f"{long_date(made)}, {_time(made)} UTC"))
        rows.append(("Made from", _made_from(c)))
        rows.append(("Note", "The figures change as office plans are approved or changed. "
                             "The Gender Unit finalises a numbered version for tabling."))
    else:
        status = Paragraph(markup(version.label), _COVER["version"])
        rows.append(("Finalised", finalised_text(version)))
        rows.append(("Published", published_text(version)))
        rows.append(("Made from", _made_from(c)))
        if version.note:
            rows.append(("Note", version.note))
    return cover_page(department, TITLE, c.data["cycle"]["name"], status, rows)


def cover_page(department: str, title: str, cycle_name: str, status: Flowable,
               rows: list[tuple[str, str]]) -> list[Flowable]:
    """A report's cover: the department, the title, the cycle, what the report stands for
    (`status`) and a table of details (label, value)."""
    details = Table([[Paragraph(markup(label), _COVER["label"]),
                      Paragraph(markup(value), _COVER["value"])] for label, value in rows],
                    colWidths=[32 * mm, CONTENT_WIDTH - 32 * mm], hAlign="LEFT",
                    style=[("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                           ("TOPPADDING", (0, 0), (-1, -1), 3),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                           ("LINEABOVE", (0, 0), (-1, 0), 0.8, INK)])
    content = [Paragraph(markup(department), _COVER["department"]),
               Paragraph(markup(title), _COVER["title"]),
               Paragraph(markup(f"Plan cycle {cycle_name}"), _COVER["cycle"]),
               status, Spacer(0, 6), details]
    # The title sits a third of the way down, higher when a long note needs the room.
    top = max(0, min(45 * mm, FRAME_HEIGHT - height_of(*content) - 2))
    return [Spacer(0, top), *content]


def _time(value) -> str:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return f"{moment:%H:%M}"


def _draft_box() -> Flowable:
    text = Paragraph(markup(DRAFT), ParagraphStyle(
        "draft", parent=_COVER["version"], textColor=white, spaceAfter=0))
    return Table([[text]], colWidths=[CONTENT_WIDTH], hAlign="LEFT", style=[
        ("BACKGROUND", (0, 0), (-1, -1), "#b35c00"),
        ("LEFTPADDING", (0, 0), (-1, -1), 10), ("TOPPADDING", (0, 0), (-1, -1), 8),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 10)], spaceAfter=14)


def _summary(c: Consolidation) -> list[Flowable]:
    t = c.totals
    covered = sum(1 for f in c.by_area if f.activities and f.key in c.areas)
    figures = figure_row([
        (t.activities, "Activities"),
        (t.indicators, "Indicators"),
        (_offices_line(c), "Offices with an approved plan"),
        (f"{covered} of {len(c.areas)}", "Thematic areas with activities"),
        (usd(t.core), "Core (USD)"),
        (usd(t.extra), "Extra-budgetary (USD)"),
        (usd(t.total), "Total (USD)"),
        (t.unknown, "Activities with an amount not known"),
    ])
    note = " ".join(x for x in ("Amounts are estimates in US dollars.", unknown_note(t),
                                "An amount not known is never counted as zero.") if x)
    return section("Summary", figures, Spacer(0, 4), para(note, "small"), level=0)


# -- tables of figures ---------------------------------------------------------------------------


def _figures(f: Figures, first: list, names: list[str]) -> list:
    values = dict(zip(FIGURE_HEADERS, [f.activities, f.indicators, f.offices, usd(f.core),
                                       usd(f.extra), usd(f.total), f.unknown or NOT_SET],
                      strict=True))
    return [*first, *(values[name] for name in names)]


def figures_table(headers: list[str], widths: list[float], rows: list[Figures], first,
                  total: Figures, *, leave_out: tuple[str, ...] = ()) -> Flowable:
    """A table of Figures, the leading columns from `first(figures)`, a department total;
    the figures of FIGURE_HEADERS but those in `leave_out` (say the count of offices where
    each row is an office)."""
    lead = len(headers)
    kept = [(n, w) for n, w in zip(FIGURE_HEADERS, FIGURE_WIDTHS, strict=True)
            if n not in leave_out]
    names, weights = [n for n, _ in kept], [w for _, w in kept]
    result = _totals_kept(table(
        [*headers, *names], [_figures(f, first(f), names) for f in rows],
        col_widths=[*widths, *weights], numeric=range(lead, lead + len(names)),
        totals=_figures(total, ["Department", *[""] * (lead - 1)], names)))
    if lead > 1:  # the label of the totals takes the leading columns, so as not to break
        result.setStyle([("SPAN", (0, -1), (lead - 1, -1))])
    return result


def _totals_kept(result: Table) -> Table:
    """The totals row goes to the next page with the row above it, never alone."""
    result.setStyle([("NOSPLIT", (0, -2), (-1, -1))])
    return result


def _unknown_footnote() -> Flowable:
    return Paragraph("Amounts not known: activities whose core or extra-budgetary amount is "
                     "not known; the amounts shown leave them out.", _FOOTNOTE)


def _objectives(c: Consolidation) -> list[Flowable]:
    objectives = {o["code"]: o for o in c.data["objectives"]}

    def first(f: Figures) -> list:
        objective = objectives.get(f.key)
        if objective is None:
            return ["", Paragraph(f"<i>{markup(f.label)}</i>", STYLES["cell"])]
        text = f"<b>{markup(objective['title'])}</b>"
        if objective.get("description"):
            text += f"<br/>{markup(objective['description'])}"
        area = objective.get("thematic_area") or "any thematic area"
        text += f'<br/><font color="{_muted}">{markup(area)}</font>'
        return [objective["code"], Paragraph(text, STYLES["cell"])]

    if not c.data["objectives"]:
        body: list[Flowable] = [para("The Gender Unit has set no departmental objective yet; "
                                     "every activity counts as not mapped.")]
    else:
        body = [para("The Gender Unit's objectives for the department, with the office "
                     "activities mapped to each."),
                figures_table(["Code", "Objective"], [0.5, 4.2], c.by_objective, first,
                              c.totals, leave_out=("Indicators",)),
                _unknown_footnote()]
    return _opening("Departmental objectives", body, level=0)


def _breakdowns(c: Consolidation) -> list[Flowable]:
    names = {o["id"]: o for o in c.data["offices"]}
    by_acronym = {o["acronym"]: o for o in names.values()}

    def office(f: Figures) -> list:
        record = by_acronym.get(f.key, {})
        name = record.get("name") or ""
        return [Paragraph(f"<b>{markup(f.label)}</b>"
                          + (f'<br/><font color="{_muted}">{markup(name)}</font>'
                             if name and name != f.label else ""), STYLES["cell"])]

    story: list[Flowable] = []
    story += _opening("By thematic area", [
        figures_table(["Thematic area"], [3.2], c.by_area, lambda f: [f.label], c.totals),
        _unknown_footnote()], level=0)
    story += _opening("By strategy", [
        figures_table(["Strategy"], [3.2], c.by_strategy, lambda f: [f.label], c.totals),
        _unknown_footnote()], level=0)
    if c.by_office:
        body = [figures_table(["Office"], [3.2], c.by_office, office, c.totals,
                              leave_out=("Offices",)),
                _unknown_footnote()]
    else:
        body = [para("No office plan is approved yet.")]
    story += _opening("By office", body, level=0)
    return story


def _matrix_cell(f: Figures, style: ParagraphStyle = _MATRIX_CELL) -> Flowable:
    if not f.activities:
        return Paragraph(NOT_SET, style)
    mark = "*" if f.unknown else ""
    return Paragraph(f"<b>{f.activities:,}</b><br/>{usd(f.total)}{mark}", style)


def coverage_tables(c: Consolidation) -> list[Flowable]:
    """Offices down, thematic areas across, each cell the activities and their resources;
    with many thematic areas the matrix is cut into tables of a few areas each."""
    if not c.offices:
        return [para("No office plan is approved yet.")]
    chunks = [c.areas[i:i + AREAS_PER_TABLE] for i in range(0, len(c.areas), AREAS_PER_TABLE)]
    by_area = {f.key: f for f in c.by_area}
    by_office = {o["id"]: f for o, f in zip(c.offices, c.by_office, strict=True)}
    result: list[Flowable] = []
    for n, areas in enumerate(chunks):
        last = n == len(chunks) - 1
        headers = ["Office", *areas] + (["All thematic areas"] if last else [])
        rows = []
        for office in c.offices:
            row = [office["acronym"], *[_matrix_cell(c.cell(office["id"], a)) for a in areas]]
            if last:
                row.append(_matrix_cell(by_office[office["id"]], _MATRIX_TOTAL))
            rows.append(row)
        totals = ["Department", *[_matrix_cell(by_area[a], _MATRIX_TOTAL) for a in areas]]
        if last:
            totals.append(_matrix_cell(c.totals, _MATRIX_TOTAL))
        widths = [1.25, *[1] * len(areas)] + ([1.1] if last else [])
        numeric = range(1, len(headers))
        if n:
            result.append(Spacer(0, 8))
        result.append(_totals_kept(table(headers, rows, col_widths=widths, numeric=numeric,
                                         totals=totals, whole_words=(0,))))
    return result


def _coverage(c: Consolidation) -> list[Flowable]:
    intro = para("Each cell gives the number of activities of an office in a thematic area "
                 "and, under it, their resources in US dollars (core and extra-budgetary). "
                 "* at least one of the activities has an amount not known, which the figure "
                 "leaves out. — no activity.")
    return _opening("Coverage by office and thematic area", [intro, *coverage_tables(c)],
                    level=0)


def _charts(c: Consolidation) -> list[Flowable]:
    if not c.totals.activities:
        return section("Charts", para("No activity to chart yet."), level=0)
    story: list[Flowable] = []
    for n, (_, chart) in enumerate(all_charts(c)):
        picture = drawing(chart, CONTENT_WIDTH)
        caption = para(chart.title, "subheading")
        note = [para(chart.description, "small")] if chart.description else []
        parts = [caption, picture, *note, Spacer(0, 6)]
        if n == 0:
            room = height_of(_heading_stand_in("Charts", 0), *parts)
            story += _opening("Charts", [KeepTogether(parts)], level=0, room=room)
        else:
            story.append(KeepTogether(parts))
    return story


# -- the plan, activity by activity --------------------------------------------------------------


def _activity_cell(activity: dict) -> Flowable:
    text = f"<b>{markup(activity['title'])}</b>"
    facts = [activity.get("strategy") or "No strategy"]
    if activity.get("departmental_objective"):
        facts.append(f"Objective {activity['departmental_objective']}")
    if activity.get("gaps"):
        facts.append("Gaps " + ", ".join(sorted(activity["gaps"])))
    text += f'<br/><font color="{_muted}">{markup(SEPARATOR.join(facts))}</font>'
    if activity.get("expected_result"):
        text += f"<br/><i>Expected result:</i> {markup(activity['expected_result'])}"
    return Paragraph(text, STYLES["cell"])


def _indicator_table(indicators: list[dict]) -> Flowable:
    if not indicators:
        return Paragraph("<i>No indicator.</i>", _INDICATOR_CELL)

    def cell(text, style=_INDICATOR_CELL):
        return Paragraph(markup(text), style)

    rows = [[cell(h, _INDICATOR_HEAD) for h in INDICATOR_HEADERS]]
    for n, i in enumerate(indicators, start=1):
        unit = UNITS.get(i.get("unit"), i.get("unit") or "")
        statement = f"<b>{n}.</b> {markup(i['statement'])}"
        if unit:
            statement += f' <font color="{_muted}">({markup(unit.lower())})</font>'
        rows.append([Paragraph(statement, _INDICATOR_CELL),
                     cell(value_with_date(i.get("baseline_value"), i.get("baseline_date"))),
                     cell(value_with_date(i.get("target_value"), i.get("target_date"))),
                     cell(i.get("verification") or NOT_SET)])
    return inset_table(rows, INDICATOR_WIDTHS)


ACTIVITIES_PER_TABLE = 25


class _ActivityTable(_FittedTable):
    """Splits between one activity (with its indicators) and the next; inside an activity
    only when it is taller than half a page."""

    def split(self, availWidth, availHeight):  # noqa: N803 (reportlab's names)
        self.splitInRow = 0
        parts = super().split(availWidth, availHeight)
        if parts or availHeight < SPLIT_ROOM:
            return parts
        self.splitInRow = 60
        return super().split(availWidth, availHeight)


def activity_table(activities: list[dict]) -> Flowable:
    """One row per activity, its indicators in a row spanning the table under it."""
    rows = []
    for a in activities:
        rows.append([a["office"], _activity_cell(a), period(a.get("starts_on"), a.get("ends_on")),
                     a.get("responsible") or NOT_SET, usd(a.get("cost_core")),
                     usd(a.get("cost_extra"))])
        rows.append([_indicator_table(a["indicators"]), *[""] * 5])
    result = table(ACTIVITY_HEADERS, rows, col_widths=ACTIVITY_WIDTHS, numeric=(4, 5),
                   whole_words=(0, 3))
    style = []
    for n in range(1, len(rows) + 1, 2):
        style += [("BACKGROUND", (0, n), (-1, n), ZEBRA),
                  ("LINEABOVE", (0, n), (-1, n), 0.8, RULE),
                  ("NOSPLIT", (0, n), (-1, n + 1)),
                  ("SPAN", (0, n + 1), (-1, n + 1)),
                  ("BACKGROUND", (0, n + 1), (-1, n + 1), white),
                  ("LEFTPADDING", (0, n + 1), (0, n + 1), INDICATOR_INDENT),
                  ("BOTTOMPADDING", (0, n + 1), (-1, n + 1), 5)]
    result.setStyle(style)
    result.__class__ = _ActivityTable
    return result


def _plan(c: Consolidation) -> list[Flowable]:
    story = _opening("The plan by thematic area", [para(
        "Every activity of the approved office plans, by thematic area and office, with its "
        "expected result, period, who is responsible, its resources in US dollars and its "
        "indicators with their baseline and target.")], level=0, room=90 * mm)
    for area, activities in c.activities_by_area:
        count = _plural(len(activities), "activity", "activities") if activities \
            else "no activity"
        title = f"{area} ({count})"
        if not activities:
            story += section(title, para("No activity in this thematic area."), level=1,
                             room=30 * mm)
            continue
        # The heading starts a page when it and the first activity would not fit below.
        first = activity_table(activities[:1])
        room = height_of(_heading_stand_in(title)) + min(height_of(first), SPLIT_ROOM)
        # Tables of a few dozen activities each: reportlab re-measures what is left of a table
        # at every page break, which grows with the square of its rows.
        tables = [activity_table(activities[i:i + ACTIVITIES_PER_TABLE])
                  for i in range(0, len(activities), ACTIVITIES_PER_TABLE)]
        story += section(title, *tables, level=1, room=room)
    return story


def _heading_stand_in(title: str, level: int = 1) -> Flowable:
    return para(title, "heading" if level == 0 else "subheading")


def _opening(title: str, body: list[Flowable], *, level: int, room: float | None = None
             ) -> list[Flowable]:
    """A section whose heading keeps company with the start of its body: it moves to the next
    page unless the first part of the body (a table's header and first rows) fits below."""
    if room is None:
        room = height_of(_heading_stand_in(title, level)) + _start_height(body)
    return section(title, *body, room=min(room, FRAME_HEIGHT), level=level)


def _start_height(body: list[Flowable]) -> float:
    """The height of what must follow a heading: paragraphs up to the first table, and that
    table's header and first three rows (all of it when short)."""
    total = 0.0
    for flowable in body:
        if isinstance(flowable, Table):
            height = height_of(flowable)
            rows = flowable._rowHeights if hasattr(flowable, "_rowHeights") else []
            return total + (sum(rows[:4]) if len(rows) > 6 and rows[0] else height)
        total += height_of(flowable)
        if total > FRAME_HEIGHT / 2:
            break
    return total


# -- the annex: gaps and overlaps ----------------------------------------------------------------


def _listing(label: str, names: list[str], every: str) -> Flowable:
    """"Strategies: Advocacy, Policy development", or `every` when the list is empty."""
    if not names:
        return para(every)
    return Paragraph(f"<b>{markup(label)}:</b> {markup(', '.join(names))}", STYLES["body"])


def _gaps(c: Consolidation) -> list[Flowable]:
    g = c.gaps
    story = _opening("Annex 1. Gaps", [para(
        "What the plan does not cover yet: thematic areas and strategies without an activity, "
        "high-priority needs no activity answers and offices whose plan is not approved.")],
        level=0, room=80 * mm)
    story += section("Thematic areas and strategies with no activity in the department",
                     _listing("Thematic areas", g.areas_without,
                              "Every thematic area has at least one activity."),
                     _listing("Strategies", g.strategies_without,
                              "Every strategy has at least one activity."),
                     level=1, room=35 * mm)
    areas = {o["id"]: missing for o, missing in g.office_areas_without}
    strategies = {o["id"]: missing for o, missing in g.office_strategies_without}
    rows = [[o["acronym"], ", ".join(areas.get(o["id"], [])) or NOT_SET,
             ", ".join(strategies.get(o["id"], [])) or NOT_SET]
            for o in c.offices if o["id"] in areas or o["id"] in strategies]
    if rows:
        body = [table(["Office", "Thematic areas with no activity",
                       "Strategies with no activity"], rows, col_widths=[1, 3.2, 3.2],
                      whole_words=(0,))]
    elif c.offices:
        body = [para("Every office with an approved plan has activities in every thematic "
                     "area and strategy.")]
    else:
        body = [para("No office plan is approved yet.")]
    story += _opening("Thematic areas and strategies with no activity, by office", body,
                      level=1)
    rows = [[gap["code"], gap["title"], gap.get("category") or NOT_SET,
             gap.get("thematic_area") or NOT_SET, ", ".join(gap.get("offices") or []) or NOT_SET]
            for gap in g.unanswered_gaps]
    body = [para("High-priority gaps of the needs assessment that no activity of an approved "
                 "plan answers, with the offices that raised them."),
            table(["Gap", "Title", "Category", "Thematic area", "Raised by"], rows,
                  col_widths=[0.7, 3.6, 1.5, 1.5, 1.4], whole_words=(0,))] if rows else [
        para("No high-priority gap is left unanswered.")]
    story += _opening("High-priority gaps not answered", body, level=1)
    rows = [[o["acronym"], o.get("name") or "",
             PLAN_STATUSES.get(o.get("plan_status"), "No plan started")]
            for o in g.offices_without_plan]
    body = [table(["Office", "Name", "Plan status"], rows, col_widths=[1, 4, 1.5],
                  whole_words=(0,))] if rows \
        else [para("Every office has an approved plan.")]
    story += _opening("Offices without an approved plan", body, level=1)
    return story


def _activity_name(activity: dict) -> Flowable:
    return Paragraph(f"<b>{markup(activity['office'])}</b> {markup(activity['title'])}",
                     STYLES["cell"])


def _overlaps(c: Consolidation) -> list[Flowable]:
    story = _opening("Annex 2. Overlapping activities", [para(
        "Activities of different offices in the same thematic area and strategy whose titles "
        "look alike (a score out of 100), and what the Gender Unit decided about them.")],
        level=0, room=80 * mm)
    rows = []
    for n, group in enumerate(c.groups, start=1):
        first = group.activities[0]
        names = "<br/>".join(f"<b>{markup(a['office'])}</b> {markup(a['title'])}"
                             for a in group.activities)
        rows.append([n, f"{first['thematic_area']}{SEPARATOR}{first['strategy']}",
                     Paragraph(names, STYLES["cell"]), group.score])
    body = [table(["Group", "Thematic area and strategy", "Alike activities",
                   "Score"], rows, col_widths=[0.6, 1.6, 6, 0.6], numeric=(0, 3))] if rows \
        else [para("No pair of activities waits for a decision.")]
    story += _opening("Not decided yet", body, level=1)
    rows = []
    for pair in c.decided:
        d = pair.decision or {}
        by = SEPARATOR.join(x for x in (d.get("by") or "", short_date(d.get("at"))) if x)
        rows.append([_activity_name(pair.first), _activity_name(pair.second), pair.score or "",
                     DECISIONS.get(d.get("decision"), d.get("decision") or ""),
                     d.get("note") or NOT_SET, by or NOT_SET])
    body = [table(["Activity", "Alike activity", "Score", "Decision", "Note", "Decided by"],
                  rows, col_widths=[2.4, 2.4, 0.6, 1, 2.2, 1.3], numeric=(2,),
                  whole_words=(3,))] if rows \
        else [para("No decision has been recorded.")]
    story += _opening("Decided", body, level=1)
    return story


# -- the document ---------------------------------------------------------------------------------


def plan_pdf(c: Consolidation, version: ActionPlanVersion | None,
             department: str | None = None) -> bytes:
    """The plan as an A4 document: cover, contents, summary, objectives, figures by thematic
    area, strategy and office, the coverage matrix, charts, every activity by thematic area,
    and annexes of gaps and overlaps. `version` None prints the live plan as a working draft."""
    if department is None:
        department = current_app.config["DEPARTMENT_NAME"]
    story: list[Flowable] = [
        *_summary(c), *_objectives(c), *_breakdowns(c), *_coverage(c), *_charts(c),
        CondPageBreak(FRAME_HEIGHT), *_plan(c), CondPageBreak(FRAME_HEIGHT), *_gaps(c),
        *_overlaps(c)]
    return build_document(TITLE, story, cover=_cover(c, version, department),
                          subtitle=subtitle(c, version), author=department,
                          header_left=department)


def plan_pdf_response(c: Consolidation, version: ActionPlanVersion | None) -> Response:
    """The plan's PDF as a download."""
    return pdf_response(filename(c, version, "pdf"), plan_pdf(c, version))


# -- the workbook ---------------------------------------------------------------------------------

FIGURE_COLUMNS = ["Activities", "Indicators", "Offices", "Core (USD)", "Extra-budgetary (USD)",
                  "Total (USD)", "Core not known (activities)",
                  "Extra-budgetary not known (activities)"]


def _figure_values(f: Figures, offices: bool = True) -> list:
    return [f.activities, f.indicators, *([f.offices] if offices else []), number(f.core),
            number(f.extra), number(f.total), f.core_unknown, f.extra_unknown]


def _summary_rows(c: Consolidation, version: ActionPlanVersion | None, department: str
                  ) -> list[list]:
    t = c.totals
    rows = [["Department", department], ["Plan", TITLE],
            ["Plan cycle", c.data["cycle"]["name"]]]
    if version is None:
        rows += [["Version", DRAFT], ["As of", day_of(c.data.get("made_at"))]]
    else:
        rows += [["Version", version.number], ["Finalised", day_of(version.created_at)],
                 ["Finalised by", _person(version.finalised_by)],
                 ["Published", day_of(version.published_at) if version.published
                  else "Not published"],
                 ["Note", version.note or ""]]
    rows += [["Activities", t.activities], ["Indicators", t.indicators],
             ["Offices with an approved plan", len(c.offices)],
             ["Offices", c.offices_total],
             ["Core (USD)", number(t.core)], ["Extra-budgetary (USD)", number(t.extra)],
             ["Total (USD)", number(t.total)],
             ["Activities with the core amount not known", t.core_unknown],
             ["Activities with the extra-budgetary amount not known", t.extra_unknown],
             ["Activities with an amount not known", t.unknown],
             ["Amounts", "US dollars; the totals add up the known amounts only"]]
    return rows


def _coverage_sheet(c: Consolidation) -> tuple[list[str], list[list]]:
    headers = ["Office"]
    for area in c.areas:
        headers += [f"{area}: activities", f"{area}: resources (USD)"]
    headers += ["All thematic areas: activities", "All thematic areas: resources (USD)"]
    rows = []
    for office, figures in zip(c.offices, c.by_office, strict=True):
        row = [office["acronym"]]
        for area in c.areas:
            cell = c.cell(office["id"], area)
            row += [cell.activities, number(cell.total)]
        rows.append([*row, figures.activities, number(figures.total)])
    total = ["Department"]
    for f in c.by_area:
        total += [f.activities, number(f.total)]
    rows.append([*total, c.totals.activities, number(c.totals.total)])
    return headers, rows


def _activity_rows(c: Consolidation) -> list[list]:
    return [[a["office"], area, a.get("strategy") or "", a.get("departmental_objective") or "",
             a["title"], a.get("expected_result") or "", a.get("responsible") or "",
             day_of(a.get("starts_on")), day_of(a.get("ends_on")), number(a.get("cost_core")),
             number(a.get("cost_extra")), ACTIVITY_STATUSES.get(a.get("status"), a.get("status")),
             ", ".join(sorted(a.get("gaps") or []))]
            for area, activities in c.activities_by_area for a in activities]


def _indicator_rows(c: Consolidation) -> list[list]:
    return [[a["office"], area, a["title"], i["statement"],
             UNITS.get(i.get("unit"), i.get("unit") or ""), i.get("baseline_value") or "",
             day_of(i.get("baseline_date")), i.get("target_value") or "",
             day_of(i.get("target_date")),
             i.get("verification") or "",
             "Yes" if i.get("sex_disaggregated") else "No"]
            for area, activities in c.activities_by_area for a in activities
            for i in a["indicators"]]


def _gap_rows(c: Consolidation) -> list[list]:
    g = c.gaps
    rows = [["Thematic area with no activity", "Department", area, ""]
            for area in g.areas_without]
    rows += [["Strategy with no activity", "Department", s, ""] for s in g.strategies_without]
    rows += [["Thematic area with no activity", o["acronym"], area, ""]
             for o, areas in g.office_areas_without for area in areas]
    rows += [["Strategy with no activity", o["acronym"], s, ""]
             for o, strategies in g.office_strategies_without for s in strategies]
    rows += [["High-priority gap not answered", ", ".join(gap.get("offices") or []),
              f"{gap['code']} {gap['title']}", SEPARATOR.join(
                  x for x in (gap.get("category"), gap.get("thematic_area")) if x)]
             for gap in g.unanswered_gaps]
    rows += [["Office without an approved plan", o["acronym"], o.get("name") or "",
              PLAN_STATUSES.get(o.get("plan_status"), "No plan started")]
             for o in g.offices_without_plan]
    return rows


def _overlap_rows(c: Consolidation) -> list[list]:
    rows = []
    for n, group in enumerate(c.groups, start=1):
        for a in group.activities:  # one row per activity of the group
            rows.append(["Not decided", n, a["thematic_area"], a["strategy"], a["office"],
                         a["title"], "", "", group.score, "", "", "", None])
    for p in c.decided:
        d = p.decision or {}
        rows.append(["Decided", "", p.first["thematic_area"], p.first["strategy"],
                     p.first["office"], p.first["title"], p.second["office"], p.second["title"],
                     p.score or None, DECISIONS.get(d.get("decision"), d.get("decision") or ""),
                     d.get("note") or "", d.get("by") or "", day_of(d.get("at"))])
    return rows


def plan_workbook(c: Consolidation, version: ActionPlanVersion | None,
                  department: str | None = None) -> bytes:
    """The plan as an Excel workbook, one sheet per table; amounts are numbers and an amount
    not known is an empty cell."""
    if department is None:
        department = current_app.config["DEPARTMENT_NAME"]
    coverage_headers, coverage_rows = _coverage_sheet(c)
    names = {o["acronym"]: o.get("name") or "" for o in c.data["offices"]}
    total = ["Department", *_figure_values(c.totals)]
    return workbook_from_sheets([
        ("Summary", ["Figure", "Value"], _summary_rows(c, version, department)),
        ("By thematic area", ["Thematic area", *FIGURE_COLUMNS],
         [[f.label, *_figure_values(f)] for f in c.by_area] + [total]),
        ("By strategy", ["Strategy", *FIGURE_COLUMNS],
         [[f.label, *_figure_values(f)] for f in c.by_strategy] + [total]),
        ("By office", ["Office", "Name", *FIGURE_COLUMNS[:2], *FIGURE_COLUMNS[3:]],
         [[f.label, names.get(f.label, ""), *_figure_values(f, offices=False)]
          for f in c.by_office]
         + [["Department", "", *_figure_values(c.totals, offices=False)]]),
        ("By objective", ["Objective", *FIGURE_COLUMNS],
         [[f.label, *_figure_values(f)] for f in c.by_objective] + [total]),
        ("Coverage", coverage_headers, coverage_rows),
        ("Activities", ["Office", "Thematic area", "Strategy", "Departmental objective",
                        "Title", "Expected result", "Responsible", "Start", "End",
                        "Core (USD)", "Extra-budgetary (USD)", "Status", "Gaps"],
         _activity_rows(c)),
        ("Indicators", ["Office", "Thematic area", "Activity", "Indicator", "Unit", "Baseline",
                        "Baseline date", "Target", "Target date", "Means of verification",
                        "Sex-disaggregated"], _indicator_rows(c)),
        ("Gaps", ["Gap", "Office", "Subject", "Details"], _gap_rows(c)),
        ("Overlaps", ["Status", "Group", "Thematic area", "Strategy", "Office", "Activity",
                      "Alike office", "Alike activity", "Score", "Decision", "Note",
                      "Decided by", "Decided on"], _overlap_rows(c)),
    ])


def plan_workbook_response(c: Consolidation, version: ActionPlanVersion | None) -> Response:
    """The plan's workbook as a download."""
    return xlsx_download(filename(c, version, "xlsx"), plan_workbook(c, version))
