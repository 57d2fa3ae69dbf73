"""An office work plan as a printable document: A4 landscape, the office, version and status on
every page, key figures, then each objective with its activities and their indicators.

The document is drawn from the plan's snapshot (`services.snapshot`), the same data a version
keeps, so that the current plan and any earlier version print alike. The views decide the
download's name (`filename`) and response.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from reportlab.lib.pagesizes import A4, landscape
from reportlab.platypus import Flowable, Paragraph, Spacer
from sqlalchemy import select

from ..assessment.models import Gap
from ..core.pdf import (
    BOTTOM_MARGIN,
    FRAME_PADDING,
    MARGIN,
    MUTED,
    RULE,
    STYLES,
    TOP_MARGIN,
    ZEBRA,
    _FittedTable,
    build_pdf,
    figure_row,
    heading,
    inset_table,
    markup,
    para,
    section,
    table,
)
from ..extensions import db
from .models import UNITS, PlanVersion, WorkPlan
from .services import snapshot

NOT_SET = "—"
UNKNOWN = "unknown"
SEPARATOR = " · "
OFFICE_NAME_LENGTH = 90  # longer names are cut in the subtitle, so the status always shows

ACTIVITY_HEADERS = ["Activity", "Thematic area", "Strategy", "Responsible", "Period",
                    "Core (USD)", "Extra-budgetary (USD)", "Gaps"]
# Relative widths, about points on a landscape page: the longest word of each column (a
# strategy such as "Capacity-building", a period such as "Oct 2026 – Dec 2027", the header
# "Extra-budgetary") fits without breaking; the activity takes what is left.
ACTIVITY_WIDTHS = [210, 66, 82, 86, 94, 54, 82, 54]
INDICATOR_HEADERS = ["Indicator", "Unit", "Baseline (date)", "Target (date)",
                     "Means of verification", "Sex-disaggregated"]
INDICATOR_WIDTHS = [216, 70, 78, 78, 180, 88]
INDICATOR_INDENT = 14  # the indicators sit a little to the right of their activity
SPLIT_MINIMUM = 60  # points of an activity that must fit before it is split over two pages

# The room for content on a landscape page, as build_pdf lays it out.
CONTENT_WIDTH = landscape(A4)[0] - 2 * MARGIN - 2 * FRAME_PADDING
FRAME_HEIGHT = landscape(A4)[1] - TOP_MARGIN - BOTTOM_MARGIN - 2 * FRAME_PADDING
# An activity with its indicators is split over two pages only when it would not fit in this
# much of a page; a shorter one goes whole to the next page.
SPLIT_ROOM = FRAME_HEIGHT / 2

OUTCOMES = {"submitted": "submitted for review", "returned": "returned for changes",
            "approved": "approved"}

_INDICATOR_CELL, _INDICATOR_HEAD = STYLES["inset"], STYLES["inset_header"]


# -- words for amounts, dates and states ---------------------------------------------------------


def amount(value, unknown: str = UNKNOWN) -> str:
    """US dollars as "12,000" (cents only when there are some), `unknown` for None."""
    if value is None or value == "":
        return unknown
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number:,.2f}"


def day_of(value) -> date | None:
    """A date, a date and time, or either in ISO form, as a date; None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return datetime.fromisoformat(value).date()


def period(starts_on, ends_on) -> str:
    """Apr–Sep 2026, Oct 2026 – Mar 2027, Apr 2026; "from"/"until" when one end is missing."""
    start, end = day_of(starts_on), day_of(ends_on)
    if start is None and end is None:
        return NOT_SET
    if end is None:
        return f"from {start:%b %Y}"
    if start is None:
        return f"until {end:%b %Y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start:%b %Y}"
    if start.year == end.year:
        return f"{start:%b}–{end:%b %Y}"
    return f"{start:%b %Y} – {end:%b %Y}"


def short_date(value) -> str:
    """1 Sep 2026."""
    day = day_of(value)
    return f"{day.day} {day:%b %Y}" if day else ""


def value_with_date(value: str, when) -> str:
    """3 (1 Sep 2026); "not set" when there is no value."""
    text = (value or "").strip() or "not set"
    day = short_date(when)
    return f"{text} ({day})" if day else text


def _version(plan: WorkPlan, version) -> PlanVersion | None:
    """A PlanVersion given as itself or by its number."""
    if version is None or isinstance(version, PlanVersion):
        return version
    for kept in plan.versions:
        if kept.number == int(version):
            return kept
    raise ValueError(f"{plan} has no version {version}")


def state(plan: WorkPlan, version=None) -> str:
    """"version 2, approved", "draft, not yet submitted" and the like."""
    kept = _version(plan, version)
    if kept is not None:
        return f"version {kept.number}, {OUTCOMES.get(kept.outcome, kept.outcome)}"
    last = max((v.number for v in plan.versions), default=0)
    if plan.status == "draft":
        return f"draft, reopened after version {last}" if last else "draft, not yet submitted"
    if plan.status == "returned":
        return f"version {last}, returned for changes" if last else "returned for changes"
    if plan.status == "submitted":
        return f"version {last}, submitted for review" if last else "submitted for review"
    return f"version {last}, approved" if last else "approved"


def _office(plan: WorkPlan) -> str:
    name = str(plan.office)
    if len(name) > OFFICE_NAME_LENGTH:
        name = name[:OFFICE_NAME_LENGTH - 1].rstrip() + "…"
    return name


def subtitle(plan: WorkPlan, version=None) -> str:
    """Office of Operations (OO) · Cycle 2026-2027 · version 2, approved."""
    return SEPARATOR.join([_office(plan), f"Cycle {plan.cycle.name}", state(plan, version)])


def filename(plan: WorkPlan, ext: str, version=None) -> str:
    """work-plan-OO-2026-2027.pdf, or work-plan-OO-2026-2027-v2.pdf for a version."""
    kept = _version(plan, version)
    parts = ["work-plan", plan.office.acronym, plan.cycle.name]
    stem = "-".join(re.sub(r"[^A-Za-z0-9]+", "-", part).strip("-") for part in parts)
    if kept is not None:
        stem += f"-v{kept.number}"
    return f"{stem}.{ext.lstrip('.')}"


# -- figures -------------------------------------------------------------------------------------


@dataclass
class Totals:
    """What the plan adds up to; unknown amounts are left out of the sums and counted."""

    objectives: int = 0
    activities: int = 0
    indicators: int = 0
    core: Decimal = Decimal(0)
    extra: Decimal = Decimal(0)
    unknown_cost: int = 0  # activities with their core or extra-budgetary amount not known


def totals(content: dict) -> Totals:
    result = Totals(objectives=len(content["objectives"]))
    for objective in content["objectives"]:
        for activity in objective["activities"]:
            result.activities += 1
            result.indicators += len(activity["indicators"])
            core, extra = activity.get("cost_core"), activity.get("cost_extra")
            result.core += Decimal(str(core)) if core not in (None, "") else 0
            result.extra += Decimal(str(extra)) if extra not in (None, "") else 0
            result.unknown_cost += core in (None, "") or extra in (None, "")
    return result


# -- the document --------------------------------------------------------------------------------


def _activity_cell(activity: dict) -> Flowable:
    """The title in bold, the description under it, the expected result in grey."""
    text = f"<b>{markup(activity['title'])}</b>"
    if activity.get("description"):
        text += f"<br/>{markup(activity['description'])}"
    if activity.get("expected_result"):
        text += (f'<br/><font color="#{MUTED.hexval()[2:]}"><i>Expected result:</i> '
                 f"{markup(activity['expected_result'])}</font>")
    return Paragraph(text, STYLES["cell"])


def _indicator_table(indicators: Sequence[dict]) -> Flowable:
    """The activity's indicators as a small table of their own, under the activity."""
    if not indicators:
        return Paragraph("<i>No indicator yet.</i>", _INDICATOR_CELL)

    def cell(text, style=_INDICATOR_CELL):
        return Paragraph(markup(text), style)

    rows = [[cell(h, _INDICATOR_HEAD) for h in INDICATOR_HEADERS]]
    for n, i in enumerate(indicators, start=1):
        unit = UNITS.get(i.get("unit"), i.get("unit") or "")
        if i.get("kind") == "qualitative":
            unit += " (qualitative)"
        rows.append([
            Paragraph(f"<b>{n}.</b> {markup(i['statement'])}", _INDICATOR_CELL),
            cell(unit),
            cell(value_with_date(i.get("baseline_value"), i.get("baseline_date"))),
            cell(value_with_date(i.get("target_value"), i.get("target_date"))),
            cell(i.get("verification") or NOT_SET),
            cell("Yes" if i.get("sex_disaggregated") else "No"),
        ])
    return inset_table(rows, INDICATOR_WIDTHS)


class _ActivityTable(_FittedTable):
    """Splits between one activity (with its indicators) and the next, and inside an
    activity only when it is too tall for half a page: rather than leave a sliver of an
    activity at the foot of a page, or its indicators apart from it, it goes to the next."""

    def split(self, availWidth, availHeight):  # noqa: N803 (reportlab's names)
        self.splitInRow = 0
        parts = super().split(availWidth, availHeight)
        if parts or availHeight < SPLIT_ROOM:
            return parts
        self.splitInRow = SPLIT_MINIMUM
        return super().split(availWidth, availHeight)


def _objective_table(objective: dict) -> Flowable:
    """One row per activity, its indicators in a row spanning the table right under it."""
    rows, kinds = [], []
    for activity in objective["activities"]:
        rows.append([_activity_cell(activity), activity.get("thematic_area") or NOT_SET,
                     activity.get("strategy") or NOT_SET, activity.get("responsible") or NOT_SET,
                     period(activity.get("starts_on"), activity.get("ends_on")),
                     amount(activity.get("cost_core")), amount(activity.get("cost_extra")),
                     ", ".join(sorted(activity.get("gaps") or ())) or NOT_SET])
        rows.append([_indicator_table(activity["indicators"]), *[""] * 7])
        kinds += ["activity", "indicators"]
    result = table(ACTIVITY_HEADERS, rows, col_widths=ACTIVITY_WIDTHS, numeric=(5, 6))
    style = []
    for n, kind in enumerate(kinds, start=1):
        if kind == "activity":
            # An activity and its indicators go to the next page together rather than apart.
            style += [("BACKGROUND", (0, n), (-1, n), ZEBRA),
                      ("LINEABOVE", (0, n), (-1, n), 0.8, RULE),
                      ("NOSPLIT", (0, n), (-1, n + 1))]
        else:
            style += [("SPAN", (0, n), (-1, n)), ("BACKGROUND", (0, n), (-1, n), "white"),
                      ("LEFTPADDING", (0, n), (0, n), INDICATOR_INDENT),
                      ("BOTTOMPADDING", (0, n), (-1, n), 5)]
    result.setStyle(style)
    result.__class__ = _ActivityTable
    return result


def _height(flowable: Flowable) -> float:
    """How tall `flowable` is on the page, the space around it included."""
    return flowable.wrap(CONTENT_WIDTH, FRAME_HEIGHT)[1] + flowable.getSpaceBefore() + \
        flowable.getSpaceAfter()


def _gap_legend(plan: WorkPlan, content: dict) -> list[Flowable]:
    codes = sorted({code for o in content["objectives"] for a in o["activities"]
                    for code in a.get("gaps") or ()})
    numbers = [int(c.split("-")[-1]) for c in codes if c.split("-")[-1].isdigit()]
    if not numbers:
        return []
    gaps = db.session.scalars(select(Gap).where(Gap.cycle_id == plan.cycle_id,
                                                Gap.number.in_(numbers))
                              .order_by(Gap.number)).all()
    title = "Gaps of the needs assessment the activities answer"
    legend = table(["Gap", "Title", "Priority"], [[g.code, g.title, g.priority_label]
                                                 for g in gaps], col_widths=[1, 12, 1.5])
    # On one page when it fits on one, rather than a row or two left for the next.
    room = min(_height(heading(title)) + _height(legend), FRAME_HEIGHT)
    return section(title, legend, room=room)


def plan_pdf(plan: WorkPlan, department_name: str, version=None) -> bytes:
    """The work plan as an A4 landscape document: key figures, then each objective with a
    table of its activities (what, thematic area, strategy, who, when, resources, gaps) and
    each activity's indicators under it. `version` (a PlanVersion or its number) prints the
    plan as it was submitted then; None prints it as it stands."""
    kept = _version(plan, version)
    content = kept.content if kept is not None else snapshot(plan)
    figures = totals(content)
    story: list[Flowable] = [figure_row([
        (figures.objectives, "Objectives"),
        (figures.activities, "Activities"),
        (figures.indicators, "Indicators"),
        (amount(figures.core), "Core funds (USD)"),
        (amount(figures.extra), "Extra-budgetary funds (USD)"),
        (figures.unknown_cost, "Activities with unknown cost"),
    ], per_row=6), Spacer(0, 4),
        para("Amounts are estimates in US dollars. “unknown” means not estimated yet; the "
             "totals add up the known amounts only.", "small")]
    if not content["objectives"]:
        story += section("Objectives", para("The plan has no objective yet."))
    for n, objective in enumerate(content["objectives"], start=1):
        title = f"Objective {n}. {objective['title']}"
        body: list[Flowable] = []
        if objective.get("description"):
            body.append(para(objective["description"]))
        if objective["activities"]:
            # The heading starts a page when what follows it up to the end of the first
            # activity's indicators (or half a page of it) would not fit below.
            first = _objective_table({"activities": objective["activities"][:1]})
            room = sum(_height(f) for f in [heading(title), *body]) + min(
                _height(first), SPLIT_ROOM + 10)
            body.append(_objective_table(objective))
        else:
            body.append(para("No activity under this objective yet."))
            room = sum(_height(f) for f in [heading(title), *body])
        story += section(title, *body, room=room)
    story += _gap_legend(plan, content)
    return build_pdf("Work plan", story, subtitle=subtitle(plan, kept), landscape=True,
                     author=department_name, header_left=department_name)

