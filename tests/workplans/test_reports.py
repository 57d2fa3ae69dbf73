"""A work plan as a printed document: what a reader finds in it is what the plan holds, on
landscape pages that each say whose plan it is, which version and in what state."""

import re
import subprocess
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from tests.assessment.helpers import finding, level, record, thematic
from tests.factories import OfficeFactory, make_cycle, make_user
from workshop.admin.models import Strategy
from workshop.extensions import db
from workshop.workplans.reports import amount, filename, period, plan_pdf, state
from workshop.workplans.services import (
    ActivityInput,
    IndicatorInput,
    add_comment,
    approve_plan,
    plan_for,
    return_plan,
    save_activity,
    save_indicator,
    save_objective,
    submit_plan,
)

DEPARTMENT = "Département des opérations de paix"
OFFICE = "Office of Operations (OO)"
BACKGROUND = ("Desk officers draft mission concepts, assessment terms of reference and reports "
              "to the Security Council under tight deadlines; the needs assessment found that "
              "questions on the situation of women and girls are added at the end, if at all. ")

# (objective, [(activity, core, extra, [indicator statements])])
CONTENT = [
    ("Gender is part of mission planning", [
        ("Write a gender checklist for planners", "12000", "5000",
         ["Checklist issued to all teams", "Concepts using the checklist"]),
        ("Brief desk officers on resolution 1325", "0", None,
         ["Desk officers briefed"]),
    ]),
    ("Managers answer for gender results", [
        ("Put gender objectives in compacts", "25500", "0",
         ["Compacts with a gender objective"]),
    ]),
]


def _strategy(name="Capacity-building"):
    return db.session.scalar(select(Strategy).where(Strategy.name == name))


def _plan():
    """A plan of two objectives, three activities and four indicators; one amount unknown,
    descriptions long enough for the plan to run over several pages."""
    cycle = make_cycle()
    office = OfficeFactory(name="Office of Operations", acronym="OO")
    consultant = make_user("consultant")
    session = record(cycle, office, consultant, headcounts={level("Professional").id: (2, 1)},
                     findings=[finding("No checklist for planners", "Tools", "high"),
                               finding("Managers not accountable", "Institutional", "high")])
    checklist, accountability = (f.gap_id for f in session.findings)
    plan = plan_for(cycle.id, office.id)
    gaps = [(checklist,), (), (accountability, checklist)]
    n = 0
    for objective_title, activities in CONTENT:
        objective = save_objective(None, plan, title=objective_title,
                                   description="What the office wants to change by the end "
                                               "of the cycle.")
        for title, core, extra, statements in activities:
            activity = save_activity(None, objective, ActivityInput(
                title=title, description=BACKGROUND * 3,
                expected_result="Planning documents say what the mission does for women.",
                thematic_area_id=thematic("Normative").id, strategy_id=_strategy().id,
                responsible="Integrated operational teams", starts_on=date(2026, 4, 1),
                ends_on=date(2026 + min(n, 1), 9, 30), cost_core=Decimal(core),
                cost_extra=None if extra is None else Decimal(extra), gap_ids=gaps[n]))
            for statement in statements:
                save_indicator(None, activity, IndicatorInput(
                    statement=statement, unit="percent", baseline_value="10",
                    baseline_date=date(2026, 4, 1), target_value="75",
                    target_date=date(2026, 9, 30), sex_disaggregated=True,
                    verification="Review of the concepts issued in the year"))
            n += 1
    return plan


def pdf_text(data: bytes, tmp_path, name: str = "plan") -> str:
    """The text of a PDF as `pdftotext -layout` reads it, pages separated by form feeds."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def pdf_info(data: bytes, tmp_path) -> str:
    path = tmp_path / "info.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                          text=True).stdout


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_plan_prints_landscape_with_whose_plan_it_is_on_every_page(ctx, tmp_path):
    plan = _plan()
    focal = make_user("focal_point", office=plan.office)
    adviser = make_user("gender_unit")
    submit_plan(plan, focal)
    return_plan(plan, adviser, "Give the briefing an estimate of its extra funds.")
    submit_plan(plan, focal)
    approve_plan(plan, adviser)

    data = plan_pdf(plan, DEPARTMENT)
    assert re.search(r"Page size:\s+841\.89 x 595\.\d+ pts", pdf_info(data, tmp_path))
    text = pdf_text(data, tmp_path)
    pages = text.split("\f")[:-1]
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert OFFICE in page, number
        assert "version 2, approved" in page, number
        assert "Cycle 2026-2027" in page, number
        assert DEPARTMENT in page, number
        assert f"Page {number} of {len(pages)}" in page
    assert "Work plan" in pages[0]

    # Every activity under its objective, every indicator under its activity, in order.
    flat = _flat(text)
    order = []
    for n, (objective, activities) in enumerate(CONTENT, start=1):
        order.append(f"Objective {n}. {objective}")
        for title, _, _, statements in activities:
            order.append(title)
            order += statements
    places = [flat.find(item) for item in order]
    assert -1 not in places, [item for item, at in zip(order, places, strict=True) if at < 0]
    assert places == sorted(places)

    # The figures: 2 objectives, 3 activities, 4 indicators, the known amounts added up.
    first = _flat(pages[0])
    assert re.search(r"2 3 4 37,500 5,000 1", first), first[:600]
    for label in ("Objectives", "Activities", "Indicators", "Core funds (USD)",
                  "Extra-budgetary funds (USD)", "Activities with unknown cost"):
        assert label in first
    # Amounts, periods, indicators' values with their dates, gaps by code.
    assert "12,000" in flat and "25,500" in flat and "unknown" in flat
    assert "Apr–Sep 2026" in flat and "Apr 2026 – Sep 2027" in flat
    assert "10 (1 Apr 2026)" in flat and "75 (30 Sep 2026)" in flat
    assert "Per cent" in flat and "Review of the concepts issued" in flat
    assert "G-01, G-02" in flat
    assert "No checklist for planners" in flat  # the legend of the gaps answered


def test_a_draft_and_an_earlier_version_say_so(ctx, tmp_path):
    plan = _plan()
    assert state(plan) == "draft, not yet submitted"
    text = pdf_text(plan_pdf(plan, DEPARTMENT), tmp_path, "draft")
    assert all("draft, not yet submitted" in page for page in text.split("\f")[:-1])
    assert filename(plan, "pdf") == "work-plan-OO-2026-2027.pdf"

    focal = make_user("focal_point", office=plan.office)
    adviser = make_user("gender_unit")
    submit_plan(plan, focal)
    add_comment(plan, adviser, "Split the checklist into two steps.")
    return_plan(plan, adviser, "")
    activity = plan.objectives[0].activities[0]
    save_activity(activity, activity.objective, ActivityInput(
        title="Survey planners, then write a checklist", cost_core=Decimal("15000")))
    submit_plan(plan, focal)
    assert state(plan) == "version 2, submitted for review"
    assert state(plan, 1) == "version 1, returned for changes"
    assert filename(plan, "pdf", version=1) == "work-plan-OO-2026-2027-v1.pdf"

    first = _flat(pdf_text(plan_pdf(plan, DEPARTMENT, version=1), tmp_path, "v1"))
    assert "version 1, returned for changes" in first
    assert "Write a gender checklist for planners" in first and "Survey planners" not in first
    current = _flat(pdf_text(plan_pdf(plan, DEPARTMENT), tmp_path, "v2"))
    assert "Survey planners, then write a checklist" in current
    assert "version 2, submitted for review" in current


def test_amounts_and_periods_read_as_people_write_them():
    assert amount(Decimal("12000.00")) == "12,000"
    assert amount("12500.5") == "12,500.50"
    assert amount(0) == "0" and amount(None) == "unknown"
    assert period(date(2026, 4, 1), date(2026, 9, 30)) == "Apr–Sep 2026"
    assert period("2026-10-01", "2027-03-31") == "Oct 2026 – Mar 2027"
    assert period(date(2026, 4, 1), date(2026, 4, 30)) == "Apr 2026"
    assert period(None, None) == "—" and period(date(2026, 4, 1), None) == "from Apr 2026"


def test_an_activity_longer_than_a_page_continues_on_the_next(ctx, tmp_path):
    plan = _plan()
    activity = plan.objectives[1].activities[0]
    save_activity(activity, activity.objective, ActivityInput(
        title=activity.title, description=BACKGROUND * 40 + "The last words.",
        thematic_area_id=thematic("Normative").id, strategy_id=_strategy().id))
    text = pdf_text(plan_pdf(plan, DEPARTMENT), tmp_path, "long")
    pages = text.split("\f")[:-1]
    holding = [n for n, page in enumerate(pages) if "Security Council" in _flat(page)]
    assert len(holding) >= 3  # the other two activities, and this one over two pages or more
    flat = _flat(text)
    assert flat.find("The last words.") < flat.find("Compacts with a gender objective")
    assert all("draft, not yet submitted" in page for page in pages)
