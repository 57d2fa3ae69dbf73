"""What monitoring prints and exports: the periodic implementation review (PDF) and the
workbook of every measurement and activity's progress of a cycle (Excel).

The review has three parts: progress on the plan up to a period, from the dashboard's figures
(only accepted reports count); the updated plan for the next cycle, from the same data the
carry-over uses (`carryover.plan_for_next_cycle`); and the good practices, lessons and
challenges the offices reported in their accepted reports.
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from flask import current_app
from reportlab.lib.colors import white
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer
from sqlalchemy import select

from ..actionplan.reports import _COVER, _opening, cover_page, long_date, usd
from ..actionplan.reports import number as cell_number
from ..admin.models import Office, PlanCycle, ThematicArea
from ..core.charts import BarChart, drawing
from ..core.exports import workbook_from_sheets
from ..core.models import today
from ..core.pdf import (
    MUTED,
    RULE,
    STYLES,
    ZEBRA,
    build_document,
    figure_row,
    frame_size,
    height_of,
    inset_table,
    markup,
    para,
    section,
    table,
)
from ..extensions import db
from ..workplans.models import UNITS, Activity, Indicator
from ..workplans.reports import short_date, value_with_date
from .carryover import CarriedActivity, NextCyclePlan
from .charts import all_charts
from .dashboard import STATUSES, Figures, IndicatorLine
from .models import (
    PROGRESS_STATUSES,
    REPORT_STATUSES,
    ActivityProgress,
    EvidenceFile,
    Measurement,
    ProgressReport,
    ReportingPeriod,
)
from .progress import number as as_number

TITLE = "Implementation review"
NOT_SET = "—"
SEPARATOR = " · "
STATUS_ORDER = ["on_track", "at_risk", "off_track", "completed", "not_started", "cancelled",
                "not_reported"]

CONTENT_WIDTH, FRAME_HEIGHT = frame_size()
_muted = f"#{MUTED.hexval()[2:]}"
_INSET, _INSET_HEAD = STYLES["inset"], STYLES["inset_header"]
INDICATOR_INDENT = 14


# -- words ------------------------------------------------------------------------------------


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def _figure(value) -> str:
    """A count or an amount of people as shown in a box or a cell: 1,234 or 12.5."""
    if value is None:
        return NOT_SET
    amount = as_number(value)
    if amount is None:
        return str(value)
    if amount == amount.to_integral_value():
        return f"{int(amount):,}"
    return f"{amount:,.1f}"


def _percent(value) -> str:
    return NOT_SET if value is None else f"{as_number(value):.0f} %"


def period_words(period: ReportingPeriod | None) -> str:
    """Q3 2026 (1 Jul – 30 Sep 2026), or "no period" when none is reported on yet."""
    if period is None:
        return "no period reported on yet"
    return f"{period.label} ({short_date(period.starts_on)} – {short_date(period.ends_on)})"


def filename(cycle: PlanCycle, stem: str, period: ReportingPeriod | None, ext: str) -> str:
    """implementation-review-2026-2027-Q3-2026.pdf, measurements-2026-2027.xlsx."""
    parts = [stem, cycle.name] + ([period.label] if period is not None else [])
    name = "-".join(re.sub(r"[^A-Za-z0-9]+", "-", p).strip("-") for p in parts)
    return f"{name}.{ext}"


# -- the workbook -----------------------------------------------------------------------------

MEASUREMENT_HEADERS = ["Period", "Office", "Thematic area", "Activity", "Indicator", "Unit",
                       "Counted", "Baseline", "Target", "Value", "Women", "Men", "Source",
                       "Evidence files", "Report status"]
PROGRESS_HEADERS = ["Period", "Office", "Activity", "Status", "Per cent complete", "Narrative",
                    "Challenges", "Next steps", "Good practice", "Lesson", "Report status"]


def _plan_value(text: str, unit: str):
    """A baseline or target as a number where the indicator counts, else as typed."""
    if unit in ("number", "percent"):
        value = as_number(text)
        if value is not None:
            return cell_number(value)
    return text or None


def measurement_rows(cycle_id: int) -> list[list]:
    """One row per measurement of the cycle's reports, in period and office order."""
    evidence: dict[int, list[str]] = defaultdict(list)
    for measurement_id, name in db.session.execute(
            select(EvidenceFile.measurement_id, EvidenceFile.filename)
            .join(Measurement, Measurement.id == EvidenceFile.measurement_id)
            .join(ProgressReport, ProgressReport.id == Measurement.report_id)
            .join(ReportingPeriod, ReportingPeriod.id == ProgressReport.period_id)
            .where(ReportingPeriod.cycle_id == cycle_id).order_by(EvidenceFile.id)):
        evidence[measurement_id].append(name)
    rows = db.session.execute(
        select(Measurement.id, Measurement.value_number, Measurement.value_text,
               Measurement.female, Measurement.male, Measurement.source,
               ReportingPeriod.label, Office.acronym, ProgressReport.status,
               ThematicArea.name, Activity.title, Indicator.statement, Indicator.unit,
               Indicator.cumulative, Indicator.baseline_value, Indicator.target_value)
        .join(ProgressReport, ProgressReport.id == Measurement.report_id)
        .join(ReportingPeriod, ReportingPeriod.id == ProgressReport.period_id)
        .join(Office, Office.id == ProgressReport.office_id)
        .join(Indicator, Indicator.id == Measurement.indicator_id)
        .join(Activity, Activity.id == Indicator.activity_id)
        .outerjoin(ThematicArea, ThematicArea.id == Activity.thematic_area_id)
        .where(ReportingPeriod.cycle_id == cycle_id)
        .order_by(ReportingPeriod.number, Office.acronym, Activity.position, Activity.id,
                  Indicator.position, Indicator.id))
    return [[label, office, area or "", activity, statement, UNITS.get(unit, unit),
             "Cumulative" if cumulative else "Per period", _plan_value(baseline, unit),
             _plan_value(target, unit),
             cell_number(value) if value is not None else (text or None),
             cell_number(female), cell_number(male), source or "",
             ", ".join(evidence.get(measurement_id, [])), REPORT_STATUSES.get(status, status)]
            for (measurement_id, value, text, female, male, source, label, office, status,
                 area, activity, statement, unit, cumulative, baseline, target) in rows]


def progress_rows(cycle_id: int) -> list[list]:
    """One row per activity of every report of the cycle, in period and office order."""
    rows = db.session.execute(
        select(ReportingPeriod.label, Office.acronym, Activity.title, ActivityProgress.status,
               ActivityProgress.percent_complete, ActivityProgress.narrative,
               ActivityProgress.challenges, ActivityProgress.next_steps,
               ActivityProgress.good_practice, ActivityProgress.lesson, ProgressReport.status)
        .join(ProgressReport, ProgressReport.id == ActivityProgress.report_id)
        .join(ReportingPeriod, ReportingPeriod.id == ProgressReport.period_id)
        .join(Office, Office.id == ProgressReport.office_id)
        .join(Activity, Activity.id == ActivityProgress.activity_id)
        .where(ReportingPeriod.cycle_id == cycle_id)
        .order_by(ReportingPeriod.number, Office.acronym, Activity.position, Activity.id))
    return [[label, office, activity, PROGRESS_STATUSES.get(status, status), percent,
             narrative, challenges, next_steps, "Yes" if good else "No", lesson,
             REPORT_STATUSES.get(report_status, report_status)]
            for (label, office, activity, status, percent, narrative, challenges, next_steps,
                 good, lesson, report_status) in rows]


def measurements_workbook(cycle: PlanCycle) -> bytes:
    """Every measurement of the cycle on one sheet and every activity's progress on another;
    numbers are numbers, a value not given is an empty cell."""
    return workbook_from_sheets([
        ("Measurements", MEASUREMENT_HEADERS, measurement_rows(cycle.id)),
        ("Activity progress", PROGRESS_HEADERS, progress_rows(cycle.id)),
    ])


# -- good practices, lessons and challenges ---------------------------------------------------


@dataclass(frozen=True)
class Practice:
    """What an office reported on one activity in one accepted report."""

    office: str
    activity: str
    period: str
    narrative: str
    lesson: str
    challenges: str


@dataclass(frozen=True)
class Lessons:
    """The good practices and the challenges of the accepted reports up to a period."""

    good_practices: tuple[Practice, ...]
    challenges: tuple[Practice, ...]


def lessons(cycle_id: int, period: ReportingPeriod | None) -> Lessons:
    """Good practices flagged and challenges reported in the accepted reports up to `period`
    (none before a report is accepted). Two queries whatever the number of offices."""
    if period is None:
        return Lessons((), ())
    base = (select(Office.acronym, Activity.title, ReportingPeriod.label,
                   ActivityProgress.narrative, ActivityProgress.lesson,
                   ActivityProgress.challenges)
            .join(ProgressReport, ProgressReport.id == ActivityProgress.report_id)
            .join(ReportingPeriod, ReportingPeriod.id == ProgressReport.period_id)
            .join(Office, Office.id == ProgressReport.office_id)
            .join(Activity, Activity.id == ActivityProgress.activity_id)
            .where(ReportingPeriod.cycle_id == cycle_id, ProgressReport.status == "accepted",
                   ReportingPeriod.number <= period.number)
            .order_by(ReportingPeriod.number, Office.acronym, Activity.position, Activity.id))
    practices = db.session.execute(base.where(ActivityProgress.good_practice.is_(True)))
    challenges = db.session.execute(base.where(ActivityProgress.challenges != ""))
    return Lessons(tuple(Practice(*row) for row in practices),
                   tuple(Practice(*row) for row in challenges))


# -- the cover ----------------------------------------------------------------------------------


def subtitle(cycle: PlanCycle, period: ReportingPeriod | None) -> str:
    """Plan cycle 2026-2027 · Progress to Q3 2026."""
    return SEPARATOR.join([f"Plan cycle {cycle.name}",
                           f"Progress to {period.label}" if period else "No report accepted yet"])


def _cover(cycle: PlanCycle, period: ReportingPeriod | None, department: str,
           made_on: date) -> list[Flowable]:
    rows = [("Period", period_words(period)),
            ("Counted", f"The progress reports the Gender Unit accepted for {period.label} "
                        "and the periods before it" if period else
                        "No progress report has been accepted yet"),
            ("Made on", long_date(made_on))]
    status = Paragraph(markup(period.label if period else "Before the first report"),
                       _COVER["version"])
    return cover_page(department, f"{TITLE} of the departmental gender action plan",
                      cycle.name, status, rows)


# -- part 1: progress on the plan -------------------------------------------------------------


def _status_counts(statuses: dict) -> list[int]:
    return [statuses.get(key, 0) for key in STATUS_ORDER]


def _status_table(label: str, rows, total_label: str = "Department") -> Flowable:
    headers = [label, "Activities", *[STATUSES[k] for k in STATUS_ORDER]]
    body = [[r.label, r.activities, *_status_counts(r.statuses)] for r in rows]
    totals = [total_label, sum(r.activities for r in rows),
              *[sum(r.statuses.get(k, 0) for r in rows) for k in STATUS_ORDER]]
    result = table(headers, body, col_widths=[2.2, 1, *[1] * len(STATUS_ORDER)],
                   numeric=range(1, len(headers)), totals=totals, whole_words=(0,))
    result.setStyle([("NOSPLIT", (0, -2), (-1, -1))])
    return result


def _indicator_table_of(label: str, rows, total_label: str = "Department") -> Flowable:
    headers = [label, "Indicators", "Behind target", "Core (USD)", "Extra-budgetary (USD)",
               "Amounts not known"]
    body = [[r.label, r.indicators, r.behind, usd(r.core), usd(r.extra),
             (r.core_unknown + r.extra_unknown) or NOT_SET] for r in rows]
    core = sum((r.core for r in rows), start=0)
    extra = sum((r.extra for r in rows), start=0)
    unknown = sum(r.core_unknown + r.extra_unknown for r in rows)
    totals = [total_label, sum(r.indicators for r in rows), sum(r.behind for r in rows),
              usd(core), usd(extra), unknown or NOT_SET]
    result = table(headers, body, col_widths=[2.2, 1, 1, 1.3, 1.6, 1.1],
                   numeric=range(1, len(headers)), totals=totals, whole_words=(0,))
    result.setStyle([("NOSPLIT", (0, -2), (-1, -1))])
    return result


def _whole(title: str, body: list[Flowable]) -> list[Flowable]:
    """A part of a section whose heading goes to the next page unless all of it fits below;
    longer than a page, it starts a page and runs over."""
    room = height_of(para(title, "subheading"), *body)
    return _opening(title, body, level=1, room=room)


def _chart_parts(chart: BarChart) -> list[Flowable]:
    parts = [para(chart.title, "subheading"), drawing(chart, CONTENT_WIDTH)]
    if chart.description:
        parts.append(para(chart.description, "small"))
    return [*parts, Spacer(0, 6)]


def _indicators_behind(lines: list[IndicatorLine]) -> Flowable:
    rows = []
    for line in lines:
        unit = UNITS.get(line.unit, line.unit or "")
        text = (f"<b>{markup(line.office.acronym)}</b> {markup(line.activity)}<br/>"
                f"{markup(line.statement)}"
                + (f' <font color="{_muted}">({markup(unit.lower())})</font>' if unit else ""))
        rows.append([Paragraph(text, STYLES["cell"]), _figure(line.baseline),
                     _figure(line.target), _figure(line.achieved), _percent(line.percent),
                     _percent(line.expected_percent)])
    return table(["Office, activity and indicator", "Baseline", "Target", "Achieved",
                  "Progress", "Expected by now"], rows,
                 col_widths=[4.2, 0.9, 0.9, 0.9, 0.9, 1.1], numeric=range(1, 6))


def _key_figures(f: Figures) -> list[Flowable]:
    totals, period = f.status_totals, f.period
    boxes = figure_row([(sum(totals.values()), "Activities"),
                        *[(totals.get(k, 0), STATUSES[k]) for k in
                          ("completed", "on_track", "at_risk", "off_track", "not_started",
                           "cancelled", "not_reported")]])
    women, men = f.sex
    offices = len(f.offices)
    accepted = f.reports.get("accepted", 0)
    people = f.participation
    more = [(f"{f.behind} of {len(f.indicators)}", "Indicators behind target"),
            (_figure(women), "Women reached"),
            (_figure(men), "Men reached"),
            (f"{accepted} of {offices}",
             f"Reports accepted for {period.label}" if period else "Reports accepted"),
            (len(f.awaiting), "Reports awaiting review"),
            (len(f.overdue), "Reports overdue"),
            (people.trained, "People trained in the workshops"),
            (_percent(people.useful_share), "Found their workshop useful")]
    notes = ["Women and men reached add up the department's indicators that count people by "
             "sex.", "An indicator is behind target when its progress from baseline to target "
             "is short of the share of time gone between the two dates."]
    if people.trained:
        notes.append(f"Of the people trained, {_percent(people.female_share)} are women.")
    return [boxes, Spacer(0, 4), figure_row(more), Spacer(0, 2), para(" ".join(notes), "small")]


def _part_one(f: Figures) -> list[Flowable]:
    period = f.period
    if f.version is None or not f.activities:
        intro = ("The plan of this cycle is not published, so there is no progress to report."
                 if f.version is None else "The published plan has no activity to report on.")
    elif period is None:
        intro = ("No progress report has been accepted yet, so no activity has a status and no "
                 "indicator a measurement.")
    else:
        intro = (f"Where the plan stands at the end of {period.label}, from the progress "
                 "reports the Gender Unit accepted for that period and the periods before it. "
                 "An activity counts with the status of its latest accepted report.")
    title = (f"Part 1. Progress on the plan to {period.label}" if period
             else "Part 1. Progress on the plan")
    story = _opening(title, [para(intro)], level=0, room=120 * mm)
    if not f.activities:
        return story
    story += section("Key figures", *_key_figures(f), level=1, room=90 * mm)
    areas = [r for r in f.by_area if r.activities]
    story += _whole("By thematic area", [
        _status_table("Thematic area", areas), Spacer(0, 6),
        _indicator_table_of("Thematic area", areas)])
    story += _whole("By office", [
        _status_table("Office", f.by_office), Spacer(0, 6),
        _indicator_table_of("Office", f.by_office),
        para("Amounts are the activities' estimated resources in US dollars; an amount not "
             "known is left out of the totals and counted.", "small")])
    charts = [_chart_parts(chart) for _, chart in all_charts(f)]
    if charts:
        story += _whole("Charts", charts[0])
        story += [KeepTogether(parts) for parts in charts[1:]]
    behind = [i for i in f.indicators if i.behind]
    if behind:
        body = [para("Indicators whose progress from baseline to target is short of where the "
                     "straight line from baseline date to target date puts them at the end of "
                     "the period."), _indicators_behind(behind)]
    elif f.measured:
        body = [para("No indicator is behind its target.")]
    else:
        body = [para("No indicator has an accepted measurement yet.")]
    story += _opening("Indicators behind target", body, level=1)
    if f.overdue:
        rows = [[o.office.acronym, o.period.label, short_date(o.period.due_on), o.days]
                for o in f.overdue]
        body = [para(f"Reports not submitted by their due date, as of {long_date(f.on)}."),
                table(["Office", "Period", "Due", "Days overdue"], rows,
                      col_widths=[2, 2, 2, 1], numeric=(3,))]
    else:
        body = [para("No report is overdue.")]
    story += _opening("Reports overdue", body, level=1)
    return story


# -- part 2: the updated plan for the next cycle ----------------------------------------------

CARRY_HEADERS = ["Activity", "Thematic area", "Latest accepted progress"]
CARRY_WIDTHS = [4.4, 1.5, 1.9]
BASELINE_HEADERS = ["Indicator", "Baseline in this plan", "New baseline", "Target"]
BASELINE_WIDTHS = [200, 80, 90, 80]


def _progress_words(a: CarriedActivity) -> str:
    if a.status is None:
        return "Not reported on"
    text = STATUSES.get(a.status, a.status)
    if a.percent_complete is not None:
        text += f", {a.percent_complete} % complete"
    return f"{text} ({a.reported_in})"


def _carried_cell(a: CarriedActivity) -> Flowable:
    text = f"<b>{markup(a.title)}</b>"
    facts = [x for x in (a.objective and f"Objective: {a.objective}", a.strategy) if x]
    if facts:
        text += f'<br/><font color="{_muted}">{markup(SEPARATOR.join(facts))}</font>'
    return Paragraph(text, STYLES["cell"])


def _baselines(a: CarriedActivity) -> Flowable:
    if not a.indicators:
        return Paragraph("<i>No indicator.</i>", _INSET)

    def cell(text, style=_INSET):
        return Paragraph(markup(text), style)

    rows = [[cell(h, _INSET_HEAD) for h in BASELINE_HEADERS]]
    for n, i in enumerate(a.indicators, start=1):
        unit = UNITS.get(i.unit, i.unit or "")
        counted = "" if i.unit != "number" else (", cumulative" if i.cumulative
                                                 else ", per period")
        statement = f"<b>{n}.</b> {markup(i.statement)}"
        if unit:
            statement += f' <font color="{_muted}">({markup(unit.lower() + counted)})</font>'
        new = (value_with_date(i.baseline_value, i.baseline_date) if i.measured
               else "unchanged, not measured")
        rows.append([Paragraph(statement, _INSET),
                     cell(value_with_date(i.old_baseline_value, i.old_baseline_date)),
                     Paragraph(f"<b>{markup(new)}</b>" if i.measured else
                               f"<i>{markup(new)}</i>", _INSET),
                     cell(value_with_date(i.target_value, i.target_date))])
    return inset_table(rows, BASELINE_WIDTHS)


def carry_table(activities) -> Flowable:
    """One row per activity carried over, its indicators' baselines in a row under it."""
    rows = []
    for a in activities:
        rows.append([_carried_cell(a), a.thematic_area or NOT_SET, _progress_words(a)])
        rows.append([_baselines(a), "", ""])
    result = table(CARRY_HEADERS, rows, col_widths=CARRY_WIDTHS, whole_words=(1,))
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
    return result


def _part_two(plan: NextCyclePlan, period: ReportingPeriod | None) -> list[Flowable]:
    title = "Part 2. The updated plan for the next cycle"
    if not plan.published:
        return _opening(title, [para("The plan of this cycle is not published, so there is "
                                     "nothing to carry over yet.")], level=0)
    as_of = (f"by the accepted reports up to {period.label}" if period
             else "before any report was accepted")
    intro = para(f"The activities that carry over to the next cycle: those not completed or "
                 f"cancelled {as_of}, activities never reported on included. Each indicator "
                 "starts from a new baseline, the value it had reached at its latest accepted "
                 "measurement (for an indicator counted per period, the baseline plus what the "
                 "periods added), dated the last day of that period; one never measured keeps "
                 "its baseline. Targets are as in this plan, for the offices to revise.")
    boxes = figure_row([
        (plan.activities, "Activities carried over"),
        (len(plan.offices), "Offices with activities carried over"),
        (plan.indicators, "Indicators carried over"),
        (plan.new_baselines, "Indicators with a new baseline"),
        (len(plan.finished), "Activities completed or cancelled"),
    ], per_row=5)
    story = _opening(title, [intro, boxes], level=0, room=110 * mm)
    if not plan.offices:
        story.append(para("Every activity is completed or cancelled: nothing carries over."))
    for office in plan.offices:
        count = _plural(len(office.activities), "activity", "activities")
        first = carry_table(office.activities[:1])
        room = height_of(para(office.acronym, "subheading")) + min(height_of(first),
                                                                    FRAME_HEIGHT / 2)
        story += section(f"{office.acronym} ({count})", carry_table(office.activities),
                         level=1, room=room)
    if plan.finished:
        rows = [[a["office"], a["title"], STATUSES.get(a["status"], a["status"]),
                 a["reported_in"]] for a in plan.finished]
        story += _opening("Activities that do not carry over", [
            para("Completed or cancelled by their latest accepted report."),
            table(["Office", "Activity", "Status", "Reported in"], rows,
                  col_widths=[1, 5, 1.2, 1.1], whole_words=(0, 2, 3))], level=1)
    return story


# -- part 3: good practices and lessons learned -----------------------------------------------


def _practice_cell(p: Practice, text: str, label: str) -> Flowable:
    body = f"<b>{markup(p.activity)}</b>"
    if text:
        body += f"<br/><i>{markup(label)}:</i> {markup(text)}"
    return Paragraph(body, STYLES["cell"])


def _part_three(found: Lessons, period: ReportingPeriod | None) -> list[Flowable]:
    title = "Part 3. Good practices and lessons learned"
    story = _opening(title, [para(
        "What the offices found worked, in their own words, from the activities they flagged "
        "as a good practice in accepted reports, and the challenges they reported.")],
        level=0, room=80 * mm)
    if found.good_practices:
        rows = [[p.office, p.period, _practice_cell(p, p.narrative, "What was done"),
                 Paragraph(markup(p.lesson), STYLES["cell"])] for p in found.good_practices]
        body = [table(["Office", "Period", "Activity", "Lesson"], rows,
                      col_widths=[0.9, 0.9, 4, 3.4], whole_words=(0, 1))]
    else:
        body = [para("No office has flagged a good practice in an accepted report yet.")]
    story += _opening("Good practices", body, level=1)
    if found.challenges:
        rows = [[p.office, p.period, Paragraph(markup(p.activity), STYLES["cell"]),
                 Paragraph(markup(p.challenges), STYLES["cell"])] for p in found.challenges]
        body = [para(f"As the offices reported them, up to {period.label}."),
                table(["Office", "Period", "Activity", "Challenges"], rows,
                      col_widths=[0.9, 0.9, 3.2, 4.2], whole_words=(0, 1))]
    elif period is not None:
        body = [para(f"No office reported a challenge in its accepted reports up to "
                     f"{period.label}.")]
    else:
        body = [para("No progress report has been accepted yet.")]
    story += _opening("Challenges reported", body, level=1)
    return story


# -- the document -------------------------------------------------------------------------------


def review_pdf(cycle: PlanCycle, figures, plan: NextCyclePlan, found: Lessons,
               department: str | None = None, made_on: date | None = None) -> bytes:
    """The periodic implementation review as an A4 document: cover, contents, progress on the
    plan to the period (`figures`, from the dashboard), the updated plan for the next cycle
    (`plan`) and the good practices, lessons and challenges (`found`)."""
    if department is None:
        department = current_app.config["DEPARTMENT_NAME"]
    period = figures.period
    story: list[Flowable] = [*_part_one(figures), CondPageBreak(FRAME_HEIGHT),
                             *_part_two(plan, period), CondPageBreak(FRAME_HEIGHT),
                             *_part_three(found, period)]
    return build_document(TITLE, story, cover=_cover(cycle, period, department,
                                                     made_on or today()),
                          subtitle=subtitle(cycle, period), author=department,
                          header_left=department)

