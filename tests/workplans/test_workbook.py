"""The work plan workbook: filled in offline, uploaded, and the plan becomes what it says."""

import copy
import io
from datetime import date
from unittest.mock import ANY

import pytest
from openpyxl import Workbook, load_workbook

from tests.assessment.helpers import finding, level, record, thematic, world
from tests.factories import OfficeFactory, make_user
from tests.workplans.test_services import _draft, _strategy
from workshop.core.validation import FieldError
from workshop.extensions import db
from workshop.workplans.models import Indicator, Objective
from workshop.workplans.services import (
    ActivityInput,
    IndicatorInput,
    plan_for,
    save_activity,
    save_indicator,
    save_objective,
    snapshot,
    submit_plan,
)
from workshop.workplans.workbook import (
    AMOUNT,
    NOT_A_WORKBOOK,
    apply_workbook,
    blank_workbook,
    plan_workbook,
    read_workbook,
)

OBJECTIVE = "Gender is part of mission planning"
CHECKLIST = "Write a gender checklist for planners"


def _open(data: bytes):
    return load_workbook(io.BytesIO(data))


def _bytes(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _headers(sheet) -> list[str]:
    return [cell.value for cell in sheet[1]]


def _find(sheet, header: str, value) -> int:
    column = _headers(sheet).index(header) + 1
    return next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, column).value == value)


def _set(sheet, row: int, header: str, value) -> None:
    sheet.cell(row, _headers(sheet).index(header) + 1, value)


def _append(sheet, values: dict) -> int:
    """Type a new row below the last one, by column header."""
    row = sheet.max_row + 1
    for header, value in values.items():
        _set(sheet, row, header, value)
    return row


def _current_snapshot(plan) -> dict:
    db.session.expire_all()  # as the database has it, not as the session remembers it
    return snapshot(plan)


def _indicator(statement, **values) -> dict:
    return {"id": ANY, "statement": statement, "kind": "quantitative", "unit": "number",
            "baseline_value": "", "baseline_date": None, "target_value": "",
            "target_date": None, "verification": "", "sex_disaggregated": False,
            "direction": "increase", "cumulative": True, **values}


def test_the_plan_becomes_what_the_uploaded_workbook_says(ctx):
    plan, objective, checklist = _draft()
    briefing = save_activity(None, objective, ActivityInput(
        title="Brief senior managers", thematic_area_id=thematic().id,
        strategy_id=_strategy().id, starts_on=date(2026, 6, 1), ends_on=date(2026, 6, 30)))
    save_indicator(None, briefing, IndicatorInput(statement="Managers briefed", unit="yes_no",
                                                  baseline_value="no", target_value="yes"))
    issued = checklist.indicators[0].id
    before = _current_snapshot(plan)

    book = _open(plan_workbook(plan))
    activities, indicators = book["Activities"], book["Indicators"]
    row = _find(activities, "Title", CHECKLIST)
    _set(activities, row, "Title", "Write and test a gender checklist")
    _set(activities, row, "Core (USD)", 15000)
    activities.delete_rows(_find(activities, "Title", "Brief senior managers"))
    indicators.delete_rows(_find(indicators, "Statement", "Managers briefed"))
    _append(activities, {"Objective": OBJECTIVE, "Title": "Train focal points",
                         "Thematic area": thematic().name, "Strategy": _strategy().name,
                         "Responsible": "Training section", "Start": "2026-06",
                         "End": "2026-Q4", "Core (USD)": "5,000", "Status": "Ongoing",
                         "Gaps": "g-2"})
    # Rows may still name the renamed activity by its old title.
    _append(indicators, {"Activity": CHECKLIST,
                         "Statement": "Missions planned with the checklist",
                         "Kind": "Quantitative", "Unit": "Per cent", "Baseline": "0",
                         "Baseline date": "2026-04", "Target": "80",
                         "Target date": "2026-Q4", "Sex-disaggregated": "No",
                         "Direction": "Increase"})
    _append(indicators, {"Activity": "Train focal points", "Statement": "Focal points trained",
                         "Unit": "Number", "Baseline": 0, "Target": 10,
                         "Sex-disaggregated": "Yes", "Counting": "Per period"})

    report = apply_workbook(plan, _bytes(book))

    assert report.ok
    assert report.objectives.counts() == (0, 0, 0)
    assert (report.activities.added, report.activities.changed, report.activities.removed) == (
        ["Train focal points"], ["Write and test a gender checklist"],
        ["Brief senior managers"])
    assert (report.indicators.added, report.indicators.changed, report.indicators.removed) == (
        ["Missions planned with the checklist", "Focal points trained"], [],
        ["Managers briefed"])
    assert report.summary() == ("Activities: 1 added, 1 changed, 1 removed; "
                                "Indicators: 2 added, 1 removed.")

    expected = copy.deepcopy(before)
    kept, _ = expected["objectives"][0]["activities"]
    kept.update(title="Write and test a gender checklist", cost_core="15000.00")
    kept["indicators"].append(_indicator(
        "Missions planned with the checklist", unit="percent", baseline_value="0",
        baseline_date="2026-04-01", target_value="80", target_date="2026-12-31"))
    expected["objectives"][0]["activities"] = [kept, {
        "id": ANY, "title": "Train focal points", "description": "",
        "thematic_area": thematic().name, "strategy": _strategy().name,
        "expected_result": "", "responsible": "Training section",
        "starts_on": "2026-06-01", "ends_on": "2026-12-31", "cost_core": "5000.00",
        "cost_extra": None, "status": "ongoing", "gaps": ["G-02"],
        "indicators": [_indicator("Focal points trained", baseline_value="0",
                                  target_value="10", sex_disaggregated=True,
                                  cumulative=False)]}]
    assert _current_snapshot(plan) == expected
    assert db.session.get(Indicator, issued).lock_version == 1  # unchanged, not saved again

    # The workbook downloaded now says exactly what the plan says: uploading it changes nothing.
    again = apply_workbook(plan, plan_workbook(plan))
    assert again.ok and not again.changes
    assert _current_snapshot(plan) == expected


def test_rows_move_activities_and_indicators_and_set_their_order(ctx):
    plan, objective, checklist = _draft()
    budgets = save_objective(None, plan, title="Budgets count gender")
    tagging = save_activity(None, budgets, ActivityInput(title="Tag budget lines"))
    save_indicator(None, tagging, IndicatorInput(statement="Lines tagged"))
    book = _open(plan_workbook(plan))
    objectives, activities, indicators = book["Objectives"], book["Activities"], book["Indicators"]
    _set(activities, _find(activities, "Title", "Tag budget lines"), "Objective", OBJECTIVE)
    for column in range(1, activities.max_column + 1):  # the tagging row first
        above, below = activities.cell(2, column), activities.cell(3, column)
        above.value, below.value = below.value, above.value
    _set(indicators, _find(indicators, "Statement", "Checklist issued"), "Activity",
         "Tag budget lines")
    objectives.delete_rows(_find(objectives, "Objective", "Budgets count gender"))

    report = apply_workbook(plan, _bytes(book))

    assert report.ok
    assert [c.counts() for c in report.sheets.values()] == [(0, 0, 1), (0, 1, 0), (0, 1, 0)]
    assert (report.objectives.removed, report.activities.changed,
            report.indicators.changed) == (["Budgets count gender"], ["Tag budget lines"],
                                           ["Checklist issued"])
    outline = [[("Tag budget lines", ["Checklist issued", "Lines tagged"]), (CHECKLIST, [])]]
    for _ in ("in the session", "in the database"):
        assert [[(a.title, [i.statement for i in a.indicators]) for a in o.activities]
                for o in plan.objectives] == outline
        db.session.expire_all()
    assert db.session.get(Objective, budgets.id) is None


def test_a_workbook_with_mistakes_is_refused_with_each_of_them(ctx):
    plan, _, _ = _draft()
    before = _current_snapshot(plan)
    book = _open(plan_workbook(plan))
    activities, indicators = book["Activities"], book["Indicators"]
    _set(activities, 2, "Thematic area", "Space law")
    _set(activities, 2, "Core (USD)", -5)
    _append(activities, {"Objective": OBJECTIVE, "Title": "Train focal points",
                         "Start": "2026-09", "End": "2026-03", "Gaps": "G-01, G-99"})
    _append(indicators, {"Activity": "Hold a retreat", "Statement": "Retreat held",
                         "Unit": "Yes/no"})

    report = apply_workbook(plan, _bytes(book))

    assert report.errors == [
        ("Activities", 2, "Thematic area",
         "Unknown thematic area “Space law”; choose one from the list."),
        ("Activities", 2, "Core (USD)", AMOUNT),
        ("Activities", 3, "End", "The activity cannot end before it starts."),
        ("Activities", 3, "Gaps",
         "Unknown gap code G-99; use the codes on the Gaps sheet, separated by commas."),
        ("Indicators", 3, "Activity",
         "No activity on the Activities sheet is called “Hold a retreat”."),
    ]
    assert not report.changes
    assert report.summary() == "The workbook has 5 mistakes; nothing was saved."
    assert _current_snapshot(plan) == before


def test_rows_of_another_plan_copied_rows_and_changes_made_since_the_download_are_refused(ctx):
    plan, objective, activity = _draft()
    other = plan_for(plan.cycle_id, OfficeFactory(acronym="XO").id)
    foreign = save_objective(None, other, title="Another office's objective")
    book = _open(plan_workbook(plan))
    # Meanwhile, in Workshop: the indicator changes and a new objective is added.
    indicator = activity.indicators[0]
    save_indicator(indicator, activity, IndicatorInput(statement="Checklist issued to all",
                                                       unit="yes_no"))
    save_objective(None, plan, title="Budgets say what they spend on gender")
    objectives, activities = book["Objectives"], book["Activities"]
    _append(objectives, {"ID": foreign.id, "Objective": "Another office's objective"})
    copied = _append(activities, {h: activities.cell(2, c).value
                                  for c, h in enumerate(_headers(activities), start=1)})
    _set(activities, copied, "Title", "A copy")
    _set(activities, copied, "Start", "someday")
    before = _current_snapshot(plan)

    errors = read_workbook(plan, _bytes(book)).errors

    assert errors == [
        ("Objectives", None, None,
         "Someone added the objective “Budgets say what they spend on gender” in Workshop "
         "after this workbook was downloaded, and the upload would remove it. Download the "
         "workbook again and make your changes there."),
        ("Objectives", 3, "ID", f"No objective of this plan has the ID {foreign.id}. Leave "
                                "the ID of a new objective empty."),
        ("Activities", 3, "ID", "Row 2 has the same ID. Each activity is on one row only: "
                                "empty the ID of a copied or new row."),
        ("Activities", 3, "Start", "Write a month (2026-04) or a quarter (2026-Q2)."),
        ("Indicators", 2, "ID", "Someone changed this indicator in Workshop after the "
                                "workbook was downloaded. Download the workbook again and "
                                "make your change there."),
    ]
    assert apply_workbook(plan, _bytes(book)).errors == errors
    assert _current_snapshot(plan) == before


def test_the_blank_workbook_offers_lists_and_fills_an_empty_plan(ctx):
    cycle, office, _, consultant = world()
    record(cycle, office, consultant, headcounts={level("Professional").id: (1, 1)},
           findings=[finding("No checklist", "Tools", "high")])
    book = _open(blank_workbook(cycle, office))

    assert book.sheetnames == ["Instructions", "Objectives", "Activities", "Indicators",
                               "Gaps", "Lists"]
    assert book["Lists"].sheet_state == "hidden"
    assert [[c.value for c in row] for row in book["Gaps"].iter_rows(max_col=2)] == [
        ["Code", "Gap"], ["G-01", "No checklist"]]
    for title in ("Objectives", "Activities", "Indicators"):
        sheet = book[title]
        assert sheet.freeze_panes == "B2" and all(c.font.b for c in sheet[1])
    lists = book["Lists"]

    def drop_downs(sheet):
        headers = _headers(sheet)
        found = {}
        for validation in sheet.data_validations.dataValidation:
            assert validation.type == "list"
            first = next(iter(validation.sqref.ranges))
            found[headers[first.min_col - 1]] = (validation.formula1,
                                                 bool(validation.showErrorMessage))
        return found

    activities, indicators = drop_downs(book["Activities"]), drop_downs(book["Indicators"])
    assert set(activities) == {"Objective", "Thematic area", "Strategy", "Responsible",
                               "Status"}
    assert set(indicators) == {"Activity", "Kind", "Unit", "Sex-disaggregated", "Direction",
                               "Counting"}
    assert activities["Objective"][0].startswith("'Objectives'!$B$2:$B$")
    assert indicators["Activity"][0].startswith("'Activities'!$C$2:$C$")
    assert activities["Responsible"][1] is False  # a suggestion: other units can be typed
    assert all(strict for header, (_, strict) in {**activities, **indicators}.items()
               if header != "Responsible")
    column = [c.value for c in lists[activities["Thematic area"][0].split("$")[1]]][1:]
    assert thematic().name in column

    _append(book["Objectives"], {"Objective": OBJECTIVE})
    _append(book["Activities"], {
        "Objective": OBJECTIVE, "Title": "Write a checklist", "Thematic area": thematic().name,
        "Strategy": _strategy().name, "Start": "2026-Q2", "End": "2026-Q3",
        "Core (USD)": 1200, "Extra-budgetary (USD)": 0, "Gaps": "G-01"})
    _append(book["Indicators"], {"Activity": "Write a checklist",
                                 "Statement": "Checklist issued", "Unit": "Yes/no",
                                 "Baseline": "no", "Target": "yes", "Target date": "2026-09"})
    plan = plan_for(cycle.id, office.id)

    report = apply_workbook(plan, _bytes(book), user=consultant)

    assert report.ok
    assert [c.counts() for c in report.sheets.values()] == [(1, 0, 0)] * 3
    [objective] = plan.objectives
    [activity] = objective.activities
    assert (activity.starts_on, activity.ends_on) == (date(2026, 4, 1), date(2026, 9, 30))
    assert (str(activity.cost_core), str(activity.cost_extra)) == ("1200.00", "0.00")
    assert [g.code for g in activity.gaps] == ["G-01"]
    assert [(i.statement, i.unit, i.target_date) for i in activity.indicators] == [
        ("Checklist issued", "yes_no", date(2026, 9, 30))]


def test_a_file_that_is_not_the_workbook_gets_one_clear_error(ctx):
    plan, _, _ = _draft()
    for data in (b"Objective,Activity\nTrain,Train staff\n", b""):
        report = apply_workbook(plan, data)
        assert report.errors == [(None, None, None, NOT_A_WORKBOOK)]
    [error] = read_workbook(plan, _bytes(Workbook())).errors
    assert error.message.startswith("The workbook has no sheet Objectives, Activities, "
                                    "Indicators.")
    elsewhere = blank_workbook(plan.cycle, OfficeFactory(acronym="XO"))
    assert apply_workbook(plan, elsewhere).errors == [(None, None, None, (
        "This workbook was made for another office or plan cycle. Download the workbook of "
        "this plan (OO, 2026-2027) and fill in that one."))]


def test_a_submitted_plan_does_not_take_uploads(ctx):
    plan, _, _ = _draft()
    data = plan_workbook(plan)
    submit_plan(plan, make_user("focal_point", office=plan.office))
    with pytest.raises(FieldError):
        apply_workbook(plan, data)


def test_a_workbook_from_before_the_counting_column_keeps_each_indicators_counting(ctx):
    plan, objective, activity = _draft()
    people = save_indicator(None, activity, IndicatorInput(
        statement="Planners trained", baseline_value="0", target_value="40", cumulative=False))
    book = _open(plan_workbook(plan))
    indicators = book["Indicators"]
    indicators.delete_cols(_headers(indicators).index("Counting") + 1)
    _set(indicators, _find(indicators, "Statement", "Planners trained"), "Target", "50")

    report = apply_workbook(plan, _bytes(book))

    assert report.ok, report.errors
    assert report.indicators.changed == ["Planners trained"]
    assert (people.target_value, people.cumulative) == ("50", False)
