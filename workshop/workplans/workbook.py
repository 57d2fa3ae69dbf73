"""A work plan as an Excel workbook to fill in offline, and the upload that makes the plan equal
to the workbook.

The workbook has the sheets Instructions, Objectives, Activities, Indicators, Gaps (the office's
gaps with their codes) and a hidden Lists sheet behind the drop-downs. Each row keeps the ID and,
in a hidden column, the version of the record it came from: the upload updates that record,
creates the rows without an ID and removes the records no row names any more. It reads and checks
the whole file first and saves nothing while any mistake is left; each mistake is reported with
its sheet, Excel row and column header.
"""

import io
import re
import warnings
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..admin.models import Office, PlanCycle, Strategy, ThematicArea
from ..assessment.models import Gap
from ..assessment.queries import register
from ..core.models import utcnow
from ..core.validation import FieldError
from ..extensions import db
from .models import (
    ACTIVITY_STATUSES,
    COUNTING,
    DIRECTIONS,
    INDICATOR_KINDS,
    UNITS,
    Activity,
    Indicator,
    Objective,
    WorkPlan,
)
from .services import (
    ActivityInput,
    IndicatorInput,
    _editable,
    _text,
    can_draft,
    check_activity,
    check_indicator,
    delete_activity,
    delete_indicator,
    delete_objective,
    money,
    month_end,
    parse_period,
    save_activity,
    save_indicator,
    save_objective,
)

OBJECTIVES, ACTIVITIES, INDICATORS = "Objectives", "Activities", "Indicators"
SHEETS = (OBJECTIVES, ACTIVITIES, INDICATORS)
ID, VERSION = "ID", "Version"
# Added after the first workbooks went out: a workbook without it keeps the indicators' counting.
COUNTING_COLUMN = "Counting"
OPTIONAL_COLUMNS = {VERSION, COUNTING_COLUMN}

# (header, width) of each sheet's columns, in order; "Version" is hidden.
COLUMNS = {
    OBJECTIVES: ((ID, 8), ("Objective", 60), ("Description", 80), (VERSION, 8)),
    ACTIVITIES: ((ID, 8), ("Objective", 40), ("Title", 45), ("Description", 50),
                 ("Thematic area", 28), ("Strategy", 28), ("Expected result", 40),
                 ("Responsible", 24), ("Start", 10), ("End", 10), ("Core (USD)", 14),
                 ("Extra-budgetary (USD)", 20), ("Status", 12), ("Gaps", 18), (VERSION, 8)),
    INDICATORS: ((ID, 8), ("Activity", 45), ("Statement", 50), ("Kind", 14), ("Unit", 10),
                 ("Baseline", 12), ("Baseline date", 13), ("Target", 12), ("Target date", 12),
                 ("Means of verification", 40), ("Sex-disaggregated", 17), ("Direction", 11),
                 (COUNTING_COLUMN, 12), (VERSION, 8)),
}
HEADERS = {sheet: [name for name, _ in columns] for sheet, columns in COLUMNS.items()}

# The column where a service's complaint about a field belongs.
ACTIVITY_FIELDS = {"title": "Title", "description": "Description",
                   "thematic_area_id": "Thematic area", "strategy_id": "Strategy",
                   "expected_result": "Expected result", "responsible": "Responsible",
                   "starts_on": "Start", "ends_on": "End", "cost_core": "Core (USD)",
                   "cost_extra": "Extra-budgetary (USD)", "status": "Status", "gap_ids": "Gaps",
                   "objective_id": "Objective"}
INDICATOR_FIELDS = {"statement": "Statement", "kind": "Kind", "unit": "Unit",
                    "baseline_value": "Baseline", "baseline_date": "Baseline date",
                    "target_value": "Target", "target_date": "Target date",
                    "verification": "Means of verification",
                    "sex_disaggregated": "Sex-disaggregated", "direction": "Direction",
                    "cumulative": COUNTING_COLUMN}

MAX_ROWS = 2000  # a sheet of a work plan; more is not a plan
EXTRA_ROWS = 300  # rows below the last one that get the drop-downs
YES_NO = {"yes": True, "no": False, "y": True, "n": False, "true": True, "false": False,
          "1": True, "0": False}
GAP_CODE = re.compile(r"G-?0*(\d{1,6})", re.IGNORECASE)

# Custom document properties: which plan the workbook is for, and when it was made.
CYCLE_PROPERTY, OFFICE_PROPERTY = "Workshop plan cycle", "Workshop office"
DOWNLOADED_PROPERTY = "Workshop downloaded at"

NOT_A_WORKBOOK = ("This file is not an Excel workbook (.xlsx). Download the work plan workbook, "
                  "fill it in and upload it as saved.")
AMOUNT = "Give an amount in US dollars, zero or more, or leave it empty when not known."
MONTH = "Write a month (2026-04) or a quarter (2026-Q2)."
DAY = "Write a date (2026-04-15), a month (2026-04) or a quarter (2026-Q2)."

_BOLD = Font(bold=True)
_GREY = Font(color="808080")
_GREY_FILL = PatternFill("solid", fgColor="EEEEEE")
_FORMULA_START = ("=", "+", "-", "@")


# -- writing -------------------------------------------------------------------------------------


def plan_workbook(plan: WorkPlan) -> bytes:
    """The plan as a workbook to fill in offline and upload again."""
    _load(plan)
    return _workbook(plan.cycle, plan.office, plan)


def blank_workbook(cycle: PlanCycle, office: Office) -> bytes:
    """An empty workbook for an office's plan of a cycle, with its gaps and drop-downs."""
    return _workbook(cycle, office, None)


def _load(plan: WorkPlan) -> None:
    """Load the plan's objectives, activities and indicators in a fixed number of queries."""
    activities = selectinload(Objective.activities)
    db.session.scalars(select(Objective).where(Objective.plan_id == plan.id).options(
        activities.selectinload(Activity.indicators), activities.selectinload(Activity.gaps),
        activities.selectinload(Activity.thematic_area),
        activities.selectinload(Activity.strategy))).all()


def _period_text(day: date | None, end: bool = False) -> str | None:
    """A start as its month when it is a month's first day, an end when it is a month's last."""
    if day is None:
        return None
    whole_month = day == month_end(day.year, day.month) if end else day.day == 1
    return f"{day:%Y-%m}" if whole_month else day.isoformat()


def _rows(plan: WorkPlan | None) -> dict[str, list[list]]:
    rows = {OBJECTIVES: [], ACTIVITIES: [], INDICATORS: []}
    for objective in plan.objectives if plan else ():
        rows[OBJECTIVES].append([objective.id, objective.title, objective.description,
                                 objective.lock_version])
        for a in objective.activities:
            rows[ACTIVITIES].append([
                a.id, objective.title, a.title, a.description,
                a.thematic_area.name if a.thematic_area else None,
                a.strategy.name if a.strategy else None, a.expected_result, a.responsible,
                _period_text(a.starts_on), _period_text(a.ends_on, end=True), a.cost_core,
                a.cost_extra, ACTIVITY_STATUSES[a.status],
                ", ".join(g.code for g in a.gaps), a.lock_version])
            for i in a.indicators:
                rows[INDICATORS].append([
                    i.id, a.title, i.statement, INDICATOR_KINDS[i.kind], UNITS[i.unit],
                    i.baseline_value, _period_text(i.baseline_date), i.target_value,
                    _period_text(i.target_date, end=True), i.verification,
                    "Yes" if i.sex_disaggregated else "No", DIRECTIONS[i.direction],
                    COUNTING["cumulative" if i.cumulative else "per_period"], i.lock_version])
    return rows


def _put(cell, value) -> None:
    """Write a value; text stays text, even when it looks like a formula."""
    if isinstance(value, str):
        if not value:
            return
        cell.value = value
        cell.data_type = "s"
        if value.startswith(_FORMULA_START):
            cell.quotePrefix = True
    else:
        cell.value = value


COLUMN_NOTES = {
    ID: "Leave as it is: the upload uses it to know which record the row is. Empty for new rows.",
    "Objective": "The title of an objective on the Objectives sheet.",
    "Activity": "The title of an activity on the Activities sheet.",
    "Responsible": "Choose a unit from the list or type another.",
    "Start": "A month (2026-04) or a quarter (2026-Q2).",
    "End": "A month (2026-09) or a quarter (2026-Q3).",
    "Core (USD)": "US dollars; empty when not known.",
    "Extra-budgetary (USD)": "US dollars; empty when not known.",
    "Gaps": "Codes from the Gaps sheet, separated by commas: G-01, G-04.",
    "Baseline date": "A date (2026-04-15), a month (2026-04) or a quarter (2026-Q2).",
    "Target date": "A date (2026-12-31), a month (2026-12) or a quarter (2026-Q4).",
}
NUMBER_COLUMNS = {ID, VERSION, "Core (USD)", "Extra-budgetary (USD)"}


def _data_sheet(book: Workbook, title: str, rows: list[list]) -> int:
    """A sheet of records: bold frozen headers, grey IDs, text columns kept as text. Returns
    the last row that gets drop-downs."""
    sheet = book.create_sheet(title)
    last = len(rows) + 1 + EXTRA_ROWS
    for number, (header, width) in enumerate(COLUMNS[title], start=1):
        letter = get_column_letter(number)
        cell = sheet.cell(1, number, header)
        cell.font = _BOLD
        if header in COLUMN_NOTES:
            cell.comment = Comment(COLUMN_NOTES[header], "Workshop", width=260, height=80)
        dimension = sheet.column_dimensions[letter]
        dimension.width = width
        number_format = ("#,##0.00" if header.endswith("(USD)")
                         else "0" if header in NUMBER_COLUMNS else "@")
        # The column's format applies to the rows people add; so that "2026-04" stays text.
        dimension.number_format = number_format
        if header == ID:
            dimension.font, dimension.fill = _GREY, _GREY_FILL
        if header == VERSION:
            dimension.hidden = True
        for row_number, row in enumerate(rows, start=2):
            cell = sheet.cell(row_number, number)
            _put(cell, row[number - 1])
            cell.number_format = number_format
            cell.alignment = Alignment(vertical="top", wrap_text=width >= 40)
            if header == ID:
                cell.font, cell.fill = _GREY, _GREY_FILL
    sheet.freeze_panes = "B2"
    return last


def _column(sheet: str, header: str) -> str:
    return get_column_letter(HEADERS[sheet].index(header) + 1)


def _drop_down(book: Workbook, sheet: str, header: str, last: int, source: str,
               strict: bool = True) -> None:
    """A list of choices on a column; `strict` refuses other values, otherwise they are only
    suggestions."""
    validation = DataValidation(type="list", formula1=source, allow_blank=True,
                                showErrorMessage=strict)
    if strict:
        validation.errorTitle = f"Choose a {header.lower()}"
        validation.error = "Choose a value from the list."
    book[sheet].add_data_validation(validation)
    letter = _column(sheet, header)
    validation.add(f"{letter}2:{letter}{last}")


def _responsible_units(office: Office) -> list[str]:
    """The units the office's plans have named as responsible, to suggest them again."""
    return list(db.session.scalars(
        select(Activity.responsible).join(Activity.objective).join(Objective.plan)
        .where(WorkPlan.office_id == office.id, Activity.responsible != "")
        .distinct().order_by(Activity.responsible)))


def _names(model, plan: WorkPlan | None) -> list[str]:
    """The entries in use, and any retired one the plan still names."""
    used = set()
    for objective in plan.objectives if plan else ():
        for a in objective.activities:
            item = a.thematic_area if model is ThematicArea else a.strategy
            if item is not None:
                used.add(item.id)
    items = db.session.scalars(select(model).order_by(model.position, model.name))
    return [i.name for i in items if i.is_active or i.id in used]


def _office_gaps(cycle: PlanCycle, office: Office, plan: WorkPlan | None) -> list[Gap]:
    """The gaps of the office's assessment, then any other gap the plan answers."""
    gaps = [row.gap for row in register(cycle.id, office.id)]
    linked = {g for o in (plan.objectives if plan else ()) for a in o.activities for g in a.gaps}
    return gaps + sorted(linked - set(gaps), key=lambda g: g.number)


INSTRUCTIONS = [
    ("How to fill in this workbook", True),
    ("Fill it in without a connection, save it as .xlsx and upload it on the work plan page. "
     "The upload changes the plan so that it equals the workbook.", False),
    ("", False),
    ("What to fill", True),
    ("Objectives: one row per objective, with a title of its own.", False),
    ("Activities: one row per activity. Choose its objective from the drop-down (the titles on "
     "the Objectives sheet), then say what, who is responsible, when, the expected result and "
     "the estimated resources.", False),
    ("Indicators: one row per indicator. Choose its activity from the drop-down (the titles on "
     "the Activities sheet). Give each activity at least one indicator.", False),
    ("Gaps: the gaps of the office's needs assessment with their codes, to refer to.", False),
    ("", False),
    ("Formats", True),
    ("Start and End: a month (2026-04) or a quarter (2026-Q2). A start is the first day of its "
     "month or quarter, an end the last.", False),
    ("Baseline date and Target date: a date (2026-04-15), a month or a quarter.", False),
    ("Core (USD) and Extra-budgetary (USD): amounts in US dollars, such as 12500 or 12,500.50.",
     False),
    ("An empty cell means not known yet, which is not zero: write 0 only when nothing is "
     "needed.", False),
    ("Gaps: the codes from the Gaps sheet, separated by commas, such as G-01, G-04.", False),
    ("Sex-disaggregated: yes or no.", False),
    ("", False),
    ("The ID column", True),
    ("Rows that came with the workbook have an ID (in grey). Leave it as it is: the upload uses "
     "it to know which objective, activity or indicator changed.", False),
    ("Leave the ID empty on new rows. When you copy a row, empty the ID of the copy.", False),
    ("To remove an objective, an activity or an indicator, delete its row (and the rows of "
     "what belongs to it).", False),
    ("When you rename an objective or an activity, the rows that refer to it may keep the old "
     "title.", False),
    ("", False),
    ("Uploading", True),
    ("Nothing is saved while the file has a mistake: the upload lists each one with its sheet, "
     "row and column. Correct them and upload again.", False),
    ("If someone changed the plan in Workshop after you downloaded this workbook, the upload "
     "says which rows; download the workbook again and make your changes there.", False),
]


def _instructions(sheet, cycle: PlanCycle, office: Office) -> None:
    sheet.title = "Instructions"
    sheet.column_dimensions["A"].width = 110
    heading = sheet.cell(1, 1, f"Work plan of {office.name} ({office.acronym}), {cycle.name}")
    heading.font = Font(bold=True, size=14)
    for number, (text, bold) in enumerate(INSTRUCTIONS, start=3):
        cell = sheet.cell(number, 1, text or None)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if bold:
            cell.font = _BOLD


def _workbook(cycle: PlanCycle, office: Office, plan: WorkPlan | None) -> bytes:
    book = Workbook()
    _instructions(book.active, cycle, office)
    rows = _rows(plan)
    last = {title: _data_sheet(book, title, rows[title]) for title in SHEETS}

    gaps = book.create_sheet("Gaps")
    gap_rows = [[g.code, g.title, g.priority_label, g.category.name if g.category else "",
                 g.thematic_area.name if g.thematic_area else ""]
                for g in _office_gaps(cycle, office, plan)]
    for number, (header, width) in enumerate(
            (("Code", 8), ("Gap", 60), ("Priority", 10), ("Category", 20),
             ("Thematic area", 30)), start=1):
        gaps.cell(1, number, header).font = _BOLD
        gaps.column_dimensions[get_column_letter(number)].width = width
    for row in gap_rows:
        gaps.append(row)
    gaps.freeze_panes = "A2"

    lists = book.create_sheet("Lists")
    lists.sheet_state = "hidden"
    choices = {
        "Thematic area": _names(ThematicArea, plan),
        "Strategy": _names(Strategy, plan),
        "Responsible": _responsible_units(office),
        "Status": list(ACTIVITY_STATUSES.values()),
        "Kind": list(INDICATOR_KINDS.values()),
        "Unit": list(UNITS.values()),
        "Sex-disaggregated": ["Yes", "No"],
        "Direction": list(DIRECTIONS.values()),
        COUNTING_COLUMN: list(COUNTING.values()),
    }
    source = {}
    for number, (header, values) in enumerate(choices.items(), start=1):
        letter = get_column_letter(number)
        lists.cell(1, number, header).font = _BOLD
        for row_number, value in enumerate(values, start=2):
            _put(lists.cell(row_number, number), value)
        end = max(len(values), 1) + 1
        source[header] = f"{quote_sheetname('Lists')}!${letter}$2:${letter}${end}"

    # Objectives and activities come from their own sheets, so new rows join the lists.
    objective, activity = _column(OBJECTIVES, "Objective"), _column(ACTIVITIES, "Title")
    _drop_down(book, ACTIVITIES, "Objective", last[ACTIVITIES],
               f"{quote_sheetname(OBJECTIVES)}!${objective}$2:${objective}${last[OBJECTIVES]}")
    _drop_down(book, INDICATORS, "Activity", last[INDICATORS],
               f"{quote_sheetname(ACTIVITIES)}!${activity}$2:${activity}${last[ACTIVITIES]}")
    for header in ("Thematic area", "Strategy", "Status"):
        _drop_down(book, ACTIVITIES, header, last[ACTIVITIES], source[header])
    _drop_down(book, ACTIVITIES, "Responsible", last[ACTIVITIES], source["Responsible"],
               strict=False)
    for header in ("Kind", "Unit", "Sex-disaggregated", "Direction", COUNTING_COLUMN):
        _drop_down(book, INDICATORS, header, last[INDICATORS], source[header])

    for name, value in ((CYCLE_PROPERTY, cycle.id), (OFFICE_PROPERTY, office.id),
                        (DOWNLOADED_PROPERTY, utcnow().isoformat())):
        book.custom_doc_props.append(StringProperty(name=name, value=str(value)))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# -- reading -------------------------------------------------------------------------------------


class CellError(NamedTuple):
    """A mistake in an uploaded workbook: the sheet, the Excel row and the column header where
    it is (None when it concerns the whole file, sheet or row), and what to do about it."""

    sheet: str | None
    row: int | None
    column: str | None
    message: str


@dataclass
class ObjectiveRow:
    """An objective as the workbook states it."""

    row: int
    id: int | None
    version: int | None
    title: str
    description: str


@dataclass
class ActivityRow:
    """An activity as the workbook states it, with the objective row it belongs to."""

    row: int
    id: int | None
    version: int | None
    objective: ObjectiveRow | None
    data: ActivityInput
    gaps: list[Gap] = field(default_factory=list)


@dataclass
class IndicatorRow:
    """An indicator as the workbook states it, with the activity row it belongs to."""

    row: int
    id: int | None
    version: int | None
    activity: ActivityRow | None
    data: IndicatorInput


@dataclass
class Result:
    """What an uploaded workbook says, and its mistakes (none when it can be applied)."""

    errors: list[CellError] = field(default_factory=list)
    objectives: list[ObjectiveRow] = field(default_factory=list)
    activities: list[ActivityRow] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _plain(value) -> str:
    """A cell as text, as the user sees it: 12 rather than 12.0, dates as 2026-04-15."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        day = value.date() if isinstance(value, datetime) else value
        return day.isoformat()
    return str(value).strip()


def _key(text: str) -> str:
    """Names compared as people read them: case and spacing do not count."""
    return " ".join(text.split()).casefold()


def _integer(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _open(data) -> tuple[Workbook | None, CellError | None]:
    try:
        with warnings.catch_warnings():
            # Excel writes extensions openpyxl does not read, and says so; they do not matter.
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data), data_only=True)
    except Exception:  # noqa: BLE001 - any file can be uploaded; each breaks the reader its way
        return None, CellError(None, None, None, NOT_A_WORKBOOK)
    missing = [title for title in SHEETS if title not in book.sheetnames]
    if missing:
        names = ", ".join(missing)
        return None, CellError(None, None, None, (
            f"The workbook has no sheet {names}. Start from the workbook downloaded from "
            "the work plan page and keep the names of its sheets."))
    return book, None


class _Reader:
    """Reads the three sheets, collecting every mistake (the first one of each cell)."""

    def __init__(self, plan: WorkPlan):
        _load(plan)
        self.plan = plan
        self.errors: dict[tuple, CellError] = {}
        self.downloaded_at: datetime | None = None
        self.objectives = {o.id: o for o in plan.objectives}
        self.activities = {a.id: a for o in plan.objectives for a in o.activities}
        self.indicators = {i.id: i for a in self.activities.values() for i in a.indicators}
        self.areas = {_key(t.name): t for t in db.session.scalars(select(ThematicArea))}
        self.strategies = {_key(s.name): s for s in db.session.scalars(select(Strategy))}
        self.gaps = {g.number: g for g in db.session.scalars(
            select(Gap).where(Gap.cycle_id == plan.cycle_id)
            .options(selectinload(Gap.merged_into)))}

    def error(self, sheet: str | None, row: int | None, column: str | None,
              message: str) -> None:
        self.errors.setdefault((sheet, row, column), CellError(sheet, row, column, message))

    def sorted_errors(self) -> list[CellError]:
        def order(e: CellError):
            sheet = SHEETS.index(e.sheet) if e.sheet in SHEETS else -1
            column = HEADERS[e.sheet].index(e.column) if e.sheet in SHEETS and \
                e.column in HEADERS[e.sheet] else -1
            return sheet, e.row or 0, column
        return sorted(self.errors.values(), key=order)

    # -- the file

    def check_plan(self, book: Workbook) -> bool:
        """A workbook made for another office or cycle is refused as a whole."""
        properties = {p.name: p.value for p in getattr(book, "custom_doc_props", ())}
        for name, expected in ((CYCLE_PROPERTY, self.plan.cycle_id),
                               (OFFICE_PROPERTY, self.plan.office_id)):
            if name in properties and properties[name] != str(expected):
                self.error(None, None, None, (
                    "This workbook was made for another office or plan cycle. Download the "
                    f"workbook of this plan ({self.plan.office.acronym}, "
                    f"{self.plan.cycle.name}) and fill in that one."))
                return False
        try:
            self.downloaded_at = datetime.fromisoformat(properties.get(DOWNLOADED_PROPERTY, ""))
        except (TypeError, ValueError):
            self.downloaded_at = None  # not a workbook Workshop made: no record is newer
        return True

    def sheet_rows(self, book: Workbook, title: str) -> list[tuple[int, dict]] | None:
        """The non-empty rows of a sheet as {header: value}, None when it cannot be read."""
        sheet = book[title]
        if sheet.max_row > MAX_ROWS + 1:
            self.error(title, None, None, f"The sheet has more than {MAX_ROWS} rows; a work "
                                          "plan is shorter. Remove the empty rows at its end.")
            return None
        lines = sheet.iter_rows(values_only=True)
        header = next(lines, ())
        found = {}
        wanted = {_key(name): name for name in HEADERS[title]}
        for index, value in enumerate(header):
            name = wanted.get(_key(_plain(value)))
            if name is not None:
                found.setdefault(name, index)
        missing = [name for name in HEADERS[title] if name not in found
                   and name not in OPTIONAL_COLUMNS]
        for name in missing:
            self.error(title, 1, name, "This column is missing; keep the columns of the "
                                       "downloaded workbook and their headers.")
        if missing:
            return None
        rows = []
        for number, line in enumerate(lines, start=2):
            values = {name: line[index] if index < len(line) else None
                      for name, index in found.items()}
            if any(not _blank(v) for name, v in values.items() if name != VERSION):
                rows.append((number, values))
        return rows

    # -- cells

    def record_id(self, sheet: str, number: int, values: dict, known: dict, seen: dict,
                  what: str) -> tuple[int | None, int | None]:
        """The row's ID and version, when it names a record of this plan."""
        value = values[ID]
        if _blank(value):
            return None, None
        record_id = _integer(value)
        if record_id not in known:
            self.error(sheet, number, ID, (
                f"No {what} of this plan has the ID {_plain(value)}. Leave the ID of a new "
                f"{what} empty."))
            return None, None
        if record_id in seen:
            self.error(sheet, number, ID, (
                f"Row {seen[record_id]} has the same ID. Each {what} is on one row only: empty "
                f"the ID of a copied or new row."))
            return None, None
        seen[record_id] = number
        version = _integer(values.get(VERSION))
        if version is not None and version != known[record_id].lock_version:
            self.error(sheet, number, ID, (
                f"Someone changed this {what} in Workshop after the workbook was downloaded. "
                "Download the workbook again and make your change there."))
        return record_id, version

    def parent(self, sheet: str, number: int, column: str, value, rows: list, record,
               parent_id: int | None, what: str, where: str):
        """The row of the objective (or activity) a row belongs to, found by its title: its
        title in the workbook or, when a row was renamed, its title in the plan."""
        name = _plain(value)
        if not name:
            self.error(sheet, number, column, f"Choose the {what} from the list (the titles "
                                              f"on the {where} sheet).")
            return None
        key = _key(name)
        matches = [r for r in rows if _key(r.title if what == "objective" else r.data.title)
                   == key]
        if not matches:
            known = self.objectives if what == "objective" else self.activities
            matches = [r for r in rows if r.id is not None and _key(
                known[r.id].title) == key]
        if len(matches) > 1 and record is not None:
            matches = [r for r in matches if r.id == parent_id] or matches
        if not matches:
            self.error(sheet, number, column, f"No {what} on the {where} sheet is called "
                                              f"“{name}”.")
            return None
        if len(matches) > 1:
            numbers = ", ".join(str(r.row) for r in matches)
            self.error(sheet, number, column, f"Rows {numbers} of the {where} sheet are all "
                                              f"called “{name}”; give each {what} its own "
                                              "title.")
            return None
        return matches[0]

    def named(self, sheet: str, number: int, column: str, value, items: dict,
              what: str) -> int | None:
        name = _plain(value)
        if not name:
            return None
        item = items.get(_key(name))
        if item is None:
            self.error(sheet, number, column, f"Unknown {what} “{name}”; choose one from the "
                                              "list.")
            return None
        return item.id

    def choice(self, sheet: str, number: int, column: str, value, choices: dict,
               default: str) -> str:
        name = _plain(value)
        if not name:
            return default
        for key, label in choices.items():
            if _key(name) in (_key(key), _key(label)):
                return key
        labels = list(choices.values())
        self.error(sheet, number, column, (
            f"Unknown {column.lower()} “{name}”; choose {', '.join(labels[:-1])} or "
            f"{labels[-1]}."))
        return default

    def period(self, sheet: str, number: int, column: str, value, end: bool,
               message: str) -> date | None:
        if _blank(value):
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            if isinstance(value, str):
                return parse_period(value, end=end)
        except ValueError:
            pass  # reported below, with a number or anything else that is not a period
        self.error(sheet, number, column, message)
        return None

    def amount(self, sheet: str, number: int, column: str, value) -> Decimal | None:
        try:
            return money(value)
        except ValueError:
            self.error(sheet, number, column, AMOUNT)
            return None

    def gap_ids(self, sheet: str, number: int, value) -> tuple[int, ...]:
        ids, unknown = [], []
        for code in re.split(r"[,;\s]+", _plain(value)):
            if not code:
                continue
            match = GAP_CODE.fullmatch(code)
            gap = self.gaps.get(int(match[1])) if match else None
            if gap is None:
                unknown.append(code)
            else:
                ids.append(gap.id)
        if unknown:
            plural = "s" if len(unknown) > 1 else ""
            self.error(sheet, number, "Gaps", (
                f"Unknown gap code{plural} {', '.join(unknown)}; use the codes on the Gaps "
                "sheet, separated by commas."))
        return tuple(ids)

    def yes_no(self, sheet: str, number: int, value) -> bool:
        if _blank(value):
            return False
        answer = YES_NO.get(_plain(value).casefold())
        if answer is None:
            self.error(sheet, number, "Sex-disaggregated", "Answer yes or no.")
            return False
        return answer

    def counting(self, sheet: str, number: int, values: dict, record) -> bool:
        """Cumulative or per period: as the row says, else as the indicator was."""
        if COUNTING_COLUMN not in values or _blank(values[COUNTING_COLUMN]):
            return record.cumulative if record is not None else True
        return self.choice(sheet, number, COUNTING_COLUMN, values[COUNTING_COLUMN], COUNTING,
                           "cumulative") == "cumulative"

    # -- sheets

    def read_objectives(self, rows, result: Result) -> None:
        seen = {}
        for number, values in rows:
            record_id, version = self.record_id(OBJECTIVES, number, values, self.objectives,
                                                seen, "objective")
            title, description = _plain(values["Objective"]), _plain(values["Description"])
            try:
                _text(title, 300, "title", "The objective", "State the objective.")
            except FieldError as error:
                self.error(OBJECTIVES, number, "Objective", error.message)
            result.objectives.append(ObjectiveRow(number, record_id, version, title,
                                                  description))

    def read_activities(self, rows, result: Result) -> None:
        sheet, seen = ACTIVITIES, {}
        for number, v in rows:
            record_id, version = self.record_id(sheet, number, v, self.activities, seen,
                                                "activity")
            record = self.activities.get(record_id)
            objective = self.parent(sheet, number, "Objective", v["Objective"],
                                    result.objectives, record,
                                    record.objective_id if record else None,
                                    "objective", OBJECTIVES)
            data = ActivityInput(
                title=_plain(v["Title"]), description=_plain(v["Description"]),
                thematic_area_id=self.named(sheet, number, "Thematic area", v["Thematic area"],
                                            self.areas, "thematic area"),
                strategy_id=self.named(sheet, number, "Strategy", v["Strategy"],
                                       self.strategies, "strategy"),
                expected_result=_plain(v["Expected result"]),
                responsible=_plain(v["Responsible"]),
                starts_on=self.period(sheet, number, "Start", v["Start"], False, MONTH),
                ends_on=self.period(sheet, number, "End", v["End"], True, MONTH),
                cost_core=self.amount(sheet, number, "Core (USD)", v["Core (USD)"]),
                cost_extra=self.amount(sheet, number, "Extra-budgetary (USD)",
                                       v["Extra-budgetary (USD)"]),
                status=self.choice(sheet, number, "Status", v["Status"], ACTIVITY_STATUSES,
                                   "planned"),
                gap_ids=self.gap_ids(sheet, number, v["Gaps"]))
            if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
                self.error(sheet, number, "End", "The activity cannot end before it starts.")
            gaps = []
            try:
                gaps = check_activity(self.plan, data)
            except FieldError as error:
                self.error(sheet, number, ACTIVITY_FIELDS.get(error.field, "Title"),
                           error.message)
            result.activities.append(ActivityRow(number, record_id, version, objective, data,
                                                 gaps))

    def read_indicators(self, rows, result: Result) -> None:
        sheet, seen = INDICATORS, {}
        for number, v in rows:
            record_id, version = self.record_id(sheet, number, v, self.indicators, seen,
                                                "indicator")
            record = self.indicators.get(record_id)
            activity = self.parent(sheet, number, "Activity", v["Activity"], result.activities,
                                   record, record.activity_id if record else None,
                                   "activity", ACTIVITIES)
            data = IndicatorInput(
                statement=_plain(v["Statement"]),
                kind=self.choice(sheet, number, "Kind", v["Kind"], INDICATOR_KINDS,
                                 "quantitative"),
                unit=self.choice(sheet, number, "Unit", v["Unit"], UNITS, "number"),
                baseline_value=_plain(v["Baseline"]),
                baseline_date=self.period(sheet, number, "Baseline date", v["Baseline date"],
                                          False, DAY),
                target_value=_plain(v["Target"]),
                target_date=self.period(sheet, number, "Target date", v["Target date"], True,
                                        DAY),
                verification=_plain(v["Means of verification"]),
                sex_disaggregated=self.yes_no(sheet, number, v["Sex-disaggregated"]),
                direction=self.choice(sheet, number, "Direction", v["Direction"], DIRECTIONS,
                                      "increase"),
                cumulative=self.counting(sheet, number, v, record))
            try:
                check_indicator(data)
            except FieldError as error:
                self.error(sheet, number, INDICATOR_FIELDS.get(error.field, "Statement"),
                           error.message)
            result.indicators.append(IndicatorRow(number, record_id, version, activity, data))

    def check_newer_records(self, result: Result) -> None:
        """A record added in Workshop after the download is not in the workbook; applying it
        would remove someone's work unseen."""
        if self.downloaded_at is None:
            return
        for sheet, records, rows, label in (
                (OBJECTIVES, self.objectives, result.objectives, "objective"),
                (ACTIVITIES, self.activities, result.activities, "activity"),
                (INDICATORS, self.indicators, result.indicators, "indicator")):
            kept = {r.id for r in rows}
            for record in records.values():
                if record.id not in kept and record.created_at > self.downloaded_at:
                    self.error(sheet, None, None, (
                        f"Someone added the {label} “{record.audit_label()}” in Workshop after "
                        "this workbook was downloaded, and the upload would remove it. Download "
                        "the workbook again and make your changes there."))


def read_workbook(plan: WorkPlan, data: bytes) -> Result:
    """Read and check an uploaded workbook against the plan without changing anything."""
    result = Result()
    book, error = _open(data)
    if error is not None:
        result.errors.append(error)
        return result
    reader = _Reader(plan)
    if not reader.check_plan(book):
        result.errors = reader.sorted_errors()
        return result
    rows = {title: reader.sheet_rows(book, title) for title in SHEETS}
    if any(r is None for r in rows.values()):
        result.errors = reader.sorted_errors()
        return result
    reader.read_objectives(rows[OBJECTIVES], result)
    reader.read_activities(rows[ACTIVITIES], result)
    reader.read_indicators(rows[INDICATORS], result)
    reader.check_newer_records(result)
    result.errors = reader.sorted_errors()
    return result


# -- applying ------------------------------------------------------------------------------------


@dataclass
class SheetChanges:
    """What an upload added, changed and removed on one sheet, by name."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def counts(self) -> tuple[int, int, int]:
        return len(self.added), len(self.changed), len(self.removed)


@dataclass
class Report:
    """The outcome of an upload: its mistakes (and then nothing changed), or what changed."""

    errors: list[CellError] = field(default_factory=list)
    sheets: dict[str, SheetChanges] = field(
        default_factory=lambda: {title: SheetChanges() for title in SHEETS})

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def objectives(self) -> SheetChanges:
        return self.sheets[OBJECTIVES]

    @property
    def activities(self) -> SheetChanges:
        return self.sheets[ACTIVITIES]

    @property
    def indicators(self) -> SheetChanges:
        return self.sheets[INDICATORS]

    @property
    def changes(self) -> bool:
        return any(any(c.counts()) for c in self.sheets.values())

    def summary(self) -> str:
        """One line for a flash message."""
        if self.errors:
            return f"The workbook has {len(self.errors)} mistakes; nothing was saved."
        if not self.changes:
            return "Nothing changed: the plan already says what the workbook says."
        parts = []
        for title, changes in self.sheets.items():
            said = [f"{n} {what}" for n, what in zip(changes.counts(),
                                                      ("added", "changed", "removed"),
                                                      strict=True) if n]
            if said:
                parts.append(f"{title}: {', '.join(said)}")
        return "; ".join(parts) + "."


def _activity_input(activity: Activity) -> ActivityInput:
    return ActivityInput(
        title=activity.title, description=activity.description,
        thematic_area_id=activity.thematic_area_id, strategy_id=activity.strategy_id,
        expected_result=activity.expected_result, responsible=activity.responsible,
        starts_on=activity.starts_on, ends_on=activity.ends_on, cost_core=activity.cost_core,
        cost_extra=activity.cost_extra, status=activity.status,
        gap_ids=tuple(sorted(g.id for g in activity.gaps)))


def _indicator_input(indicator: Indicator) -> IndicatorInput:
    return IndicatorInput(
        statement=indicator.statement, kind=indicator.kind, unit=indicator.unit,
        baseline_value=indicator.baseline_value, baseline_date=indicator.baseline_date,
        target_value=indicator.target_value, target_date=indicator.target_date,
        verification=indicator.verification, sex_disaggregated=indicator.sex_disaggregated,
        direction=indicator.direction, cumulative=indicator.cumulative)


def _place(record, position: int) -> None:
    # The order of the rows, like `services.move`: not a change of the record's content.
    if record.position != position:
        record.position = position


def apply_workbook(plan: WorkPlan, data: bytes, user=None) -> Report:
    """Make the plan equal to an uploaded workbook: rows with an ID change their record, rows
    without one are added, records no row names are removed. Nothing changes when the file has
    a mistake; the report lists them. Flushes, never commits.

    Raises FieldError when the plan cannot change, or ConflictError when a record changes
    between the reading and the saving; the caller then rolls back what was flushed."""
    _editable(plan)
    if user is not None and not can_draft(user, plan):
        raise FieldError(None, "Only the office's staff and the consultants change its plan.")
    result = read_workbook(plan, data)
    report = Report(errors=list(result.errors))
    if result.errors:
        return report

    objectives = {o.id: o for o in plan.objectives}
    activities = {a.id: a for o in plan.objectives for a in o.activities}
    indicators = {i.id: i for a in activities.values() for i in a.indicators}

    by_row = {}
    for row in result.objectives:
        record = objectives.get(row.id)
        if record is None:
            record = save_objective(None, plan, title=row.title, description=row.description)
            report.objectives.added.append(record.title)
        elif (record.title, record.description) != (row.title, row.description):
            save_objective(record, plan, title=row.title, description=row.description,
                           expected_version=row.version)
            report.objectives.changed.append(record.title)
        by_row[OBJECTIVES, row.row] = record

    for row in result.activities:
        objective = by_row[OBJECTIVES, row.objective.row]
        record = activities.get(row.id)
        wanted = replace(row.data, gap_ids=tuple(sorted(g.id for g in row.gaps)))
        if record is None:
            record = save_activity(None, objective, row.data)
            report.activities.added.append(record.title)
        elif record.objective is not objective or _activity_input(record) != wanted:
            save_activity(record, objective, row.data, expected_version=row.version)
            report.activities.changed.append(record.title)
        by_row[ACTIVITIES, row.row] = record

    for row in result.indicators:
        activity = by_row[ACTIVITIES, row.activity.row]
        record = indicators.get(row.id)
        if record is None:
            record = save_indicator(None, activity, row.data)
            report.indicators.added.append(record.statement)
        elif record.activity is not activity or _indicator_input(record) != row.data:
            if record.activity is not activity:
                # save_indicator keeps an indicator on its activity; move it as save_activity
                # moves an activity, then save it (which checks its version and audits it).
                record.activity.indicators.remove(record)
                activity.indicators.append(record)
            save_indicator(record, activity, row.data, expected_version=row.version)
            report.indicators.changed.append(record.statement)
        by_row[INDICATORS, row.row] = record

    kept = {key: {r.id for r in rows if r.id is not None} for key, rows in (
        (INDICATORS, result.indicators), (ACTIVITIES, result.activities),
        (OBJECTIVES, result.objectives))}
    for indicator in indicators.values():
        if indicator.id not in kept[INDICATORS]:
            report.indicators.removed.append(indicator.statement)
            delete_indicator(indicator)
    for activity in activities.values():
        if activity.id not in kept[ACTIVITIES]:
            report.activities.removed.append(activity.title)
            delete_activity(activity)
    for objective in objectives.values():
        if objective.id not in kept[OBJECTIVES]:
            report.objectives.removed.append(objective.title)
            delete_objective(objective)

    counters = defaultdict(int)
    for sheet, rows in ((OBJECTIVES, result.objectives), (ACTIVITIES, result.activities),
                        (INDICATORS, result.indicators)):
        for row in rows:
            record = by_row[sheet, row.row]
            parent = {OBJECTIVES: lambda r: r.plan, ACTIVITIES: lambda r: r.objective,
                      INDICATORS: lambda r: r.activity}[sheet](record)
            _place(record, counters[id(parent)])
            counters[id(parent)] += 1
    db.session.flush()
    # The collections were loaded in their old order; read them again in the new one.
    db.session.expire(plan, ["objectives"])
    for sheet, relationship in ((OBJECTIVES, "activities"), (ACTIVITIES, "indicators")):
        for (kind, _), record in by_row.items():
            if kind == sheet:
                db.session.expire(record, [relationship])
    return report
