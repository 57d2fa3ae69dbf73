"""A consultant records a needs-assessment session in one sitting, groups findings across
sessions into one gap, and reads the registers and the summary that result."""

import re
from datetime import datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.assessment.helpers import finding, nominate, record, world
from tests.browser.conftest import assert_message_beside
from tests.factories import PASSWORD
from workshop.extensions import db

SHOTS = Path("/tmp/shots")

EARLIER = "No gender checklist for mission planning"
FIRST = "Staff do not know what resolution 1325 asks of their unit"
SECOND = "Nobody has practised a gender analysis of a budget"
THIRD = "Mission plans are drafted without a gender checklist"


@pytest.fixture
def assessment(app):
    """Cycle 2026-2027, offices OO and PD, a consultant, three people nominated by OO and one
    earlier session with OO that raised one finding (gap G-01)."""
    with app.app_context():
        cycle, office, other, consultant = world()
        office.name, other.name = "Office of Operations", "Policy Division"
        amal = nominate(cycle, office, "Amal Haddad", "female", "Professional")
        nominate(cycle, office, "Bruno Costa", "male", "General service")
        nominate(cycle, office, "Chen Li", "female", "Senior management")
        record(cycle, office, consultant, when=datetime(2026, 2, 10, 14, 0), participants=[amal],
               findings=[finding(EARLIER, "Tools")])
        db.session.commit()
        ids = {"office": office.id, "other": other.id}
        db.session.remove()
    return ids


@pytest.fixture
def consultant_page(assessment, sign_in):
    page = sign_in("consultant@example.org", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Ingrid S")
    SHOTS.mkdir(exist_ok=True)
    return page


def _menu(page, group, label):
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name=group).click()
    nav.get_by_role("link", name=label, exact=True).click()


def _cell(page, row_text, column):
    """The cell of the first row containing `row_text` under the column headed `column`."""
    headers = [h.strip().rstrip("▲▼").strip()
               for h in page.get_by_role("columnheader").all_inner_texts()]
    row = page.get_by_role("row").filter(has_text=row_text).first
    return row.get_by_role("cell").nth(headers.index(column))


def _described(page, term):
    """The <dd> after the <dt> reading `term`."""
    return page.locator("dt", has_text=term).locator("xpath=following-sibling::dd[1]")


def _figure(page, label):
    """The value of the summary's key figure labelled `label`."""
    item = page.get_by_role("list", name="Key figures").get_by_role("listitem").filter(
        has=page.get_by_text(label, exact=True))
    return item.locator(".value")


def _autosaved(page):
    expect(page.locator("[data-autosave-status]")).to_contain_text("Draft saved", timeout=5_000)


def test_consultant_records_a_session_groups_findings_and_reads_the_register(consultant_page):
    page = consultant_page

    # -- record a session in one sitting ---------------------------------------------------
    _menu(page, "Needs assessment", "Sessions")
    expect(page.get_by_role("heading", level=1)).to_have_text("Assessment sessions")
    page.get_by_label("Record a session with").select_option(label="OO · Office of Operations")
    page.get_by_role("button", name="Record", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a session · OO")

    date = page.get_by_label("Date")
    expect(date).to_be_focused()
    date.fill("2026-02-16")
    page.get_by_label("Start time").fill("09:30")
    page.get_by_label("Group discussion").check()
    consultants = page.get_by_role("group", name="Consultants present")
    expect(consultants.get_by_label("Ingrid S")).to_be_checked()  # the one recording, ticked
    consultants.get_by_label("Ingrid S").check()
    people = page.get_by_role("group", name="Nominated people who took part")
    people.get_by_label("Bruno Costa · General service · Male").focus()
    page.keyboard.press("Space")
    expect(people.get_by_label("Bruno Costa · General service · Male")).to_be_checked()
    people.get_by_label("Chen Li · Senior management · Female").check()
    page.get_by_label("Women, General service").press_sequentially("3")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Men, General service", exact=True)).to_be_focused()
    page.keyboard.type("1")
    page.get_by_label("Topics discussed").press_sequentially("Briefings, mission planning.")
    page.get_by_label("Notes", exact=True).press_sequentially("Lively; asked for examples.")

    first = page.get_by_role("group", name="Finding 1")
    first.get_by_label("Gap category").select_option(label="Knowledge")
    first.get_by_label("Title", exact=True).press_sequentially(FIRST)
    first.get_by_label("Priority").select_option(label="High")
    first.get_by_label("Thematic area").select_option(label="Participation")
    what = first.get_by_role("group", name="What would help")
    what.get_by_label("Guidance").check()
    what.get_by_label("Training").check()
    first.get_by_label("Anonymised quote").press_sequentially("We were never told.")

    page.evaluate("window.__samePage = true")
    add = page.get_by_role("button", name="Add another finding")
    add.click()
    second = page.get_by_role("group", name="Finding 2")
    expect(second.get_by_label("Gap category")).to_be_focused()
    page.keyboard.type("S")  # a focused select picks the first option starting with S
    expect(second.get_by_label("Gap category").locator("option:checked")).to_have_text("Skills")
    page.keyboard.press("Tab")
    expect(second.get_by_label("Title", exact=True)).to_be_focused()
    page.keyboard.type(SECOND)
    second.get_by_role("group", name="What would help").get_by_label("Tools").check()

    add.focus()
    page.keyboard.press("Enter")
    third = page.get_by_role("group", name="Finding 3")
    expect(third.get_by_label("Gap category")).to_be_focused()
    third.get_by_label("Gap category").select_option(label="Tools")
    third.get_by_label("Title", exact=True).press_sequentially(THIRD)
    expect(page.locator("[data-finding]")).to_have_count(3)
    assert page.evaluate("window.__samePage === true")  # the rows came without a reload

    _autosaved(page)
    page.screenshot(path=SHOTS / "session_form.png", full_page=True)
    page.get_by_label("Notes", exact=True).press("Control+Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Group discussion · OO")
    expect(page.get_by_role("status").first).to_contain_text(
        "The session with OO has been saved with 3 finding(s).")
    expect(_described(page, "People met")).to_have_text("6")
    expect(_described(page, "Not named")).to_have_text(
        re.compile(r"General service: 3 women, 1 m[ae]n"))
    expect(_described(page, "Named participants")).to_contain_text("Bruno Costa")
    expect(_described(page, "Named participants")).to_contain_text("Chen Li")
    expect(page.get_by_role("heading", name="Findings (3)")).to_be_visible()
    titles = page.get_by_role("article").get_by_role("heading", level=3)
    expect(titles).to_have_count(3)
    for n, title in enumerate((FIRST, SECOND, THIRD)):
        expect(titles.nth(n)).to_contain_text(title)
    expect(page.get_by_role("article").first).to_contain_text("Would help: Guidance, Training")
    expect(page.get_by_role("article").first).to_contain_text("“We were never told.”")

    # -- a draft survives a reload ---------------------------------------------------------
    page.get_by_role("link", name="Record another session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a session · OO")
    page.get_by_label("Topics discussed").press_sequentially("Follow-up with the registry")
    _autosaved(page)
    page.reload()
    expect(page.get_by_label("Topics discussed")).to_have_value("Follow-up with the registry")
    notice = page.get_by_role("status").filter(has_text="unsaved draft")
    expect(notice).to_contain_text(re.compile(r"Your unsaved draft from .+ has been restored"))
    notice.get_by_role("button", name="Discard the draft").click()
    expect(page.get_by_role("status").first).to_contain_text("The draft has been discarded.")
    expect(page.get_by_label("Topics discussed")).to_have_value("")
    expect(page.get_by_role("status").filter(has_text="unsaved draft")).to_have_count(0)

    # -- group findings of two sessions into one gap ---------------------------------------
    _menu(page, "Needs assessment", "Findings")
    expect(page.get_by_role("heading", level=1)).to_have_text("Findings")
    page.get_by_label(f"Select {EARLIER}").check()
    page.get_by_label(f"Select {THIRD}").check()
    page.get_by_role("button", name="Group the ticked findings into one gap").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"G-01 · {EARLIER}")
    expect(page.get_by_role("status").first).to_contain_text("2 findings are now filed under G-01")
    expect(page.get_by_role("heading", name="Findings filed under G-01 (2)")).to_be_visible()
    rows = page.get_by_role("table").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(EARLIER)
    expect(rows.nth(1)).to_contain_text(THIRD)
    expect(_described(page, "Times raised")).to_have_text("2")

    _menu(page, "Needs assessment", "Gap register")
    expect(page.get_by_role("heading", level=1)).to_have_text("Gap register")
    expect(_cell(page, EARLIER, "Times raised")).to_have_text("2")
    expect(_cell(page, FIRST, "Times raised")).to_have_text("1")
    expect(_cell(page, FIRST, "Priority")).to_have_text("High")
    expect(page.get_by_role("row").filter(has_text=THIRD)).to_have_count(0)  # now in G-01
    expect(page.get_by_role("table").locator("tbody tr")).to_have_count(3)
    page.screenshot(path=SHOTS / "gap_register.png", full_page=True)

    _menu(page, "Needs assessment", "Overview")
    page.get_by_role("row").filter(has_text="Office of Operations").get_by_role(
        "link", name="OO").click()
    page.get_by_role("link", name="Gap register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gap register · OO")
    for title in (EARLIER, FIRST, SECOND):
        expect(page.get_by_role("row").filter(has_text=title)).to_have_count(1)
    expect(_cell(page, EARLIER, "Times raised")).to_have_text("2")

    page.get_by_role("link", name="Summary").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Needs-assessment summary · OO")
    expect(_figure(page, "people met")).to_have_text("7")  # 1 earlier + 2 named + 4 counted
    expect(_figure(page, "sessions held: 0 individual, 2 group")).to_have_text("2")
    expect(_figure(page, "nominated people met")).to_have_text("3 of 3")
    expect(_figure(page, "findings")).to_have_text("4")
    expect(_figure(page, "gaps in the register")).to_have_text("3")
    top = page.locator("section", has=page.get_by_role("heading", name="Top gaps"))
    for title in (EARLIER, FIRST, SECOND):
        expect(top.get_by_role("row").filter(has_text=title)).to_have_count(1)
    page.screenshot(path=SHOTS / "summary.png", full_page=True)


def test_bad_input_is_refused_beside_the_field_and_keeps_what_was_typed(consultant_page,
                                                                        assessment):
    page = consultant_page
    page.goto(f"/assessment/sessions/new?office={assessment['office']}")
    page.get_by_label("Date").fill("2026-02-17")
    page.get_by_label("Start time").fill("11:00")
    page.get_by_label("Topics discussed").fill("Induction courses.")
    page.get_by_label("Women, Professional").fill("-2")
    first = page.get_by_role("group", name="Finding 1")
    first.get_by_label("Title", exact=True).fill(FIRST)
    page.get_by_role("button", name="Save session").click()

    count = page.get_by_label("Women, Professional")
    assert_message_beside(count, "Give a number from 0 to 10,000.")
    expect(count).to_have_value("-2")
    expect(page.get_by_label("Topics discussed")).to_have_value("Induction courses.")
    expect(page.get_by_label("Date")).to_have_value("2026-02-17")
    expect(first.get_by_label("Title", exact=True)).to_have_value(FIRST)
    page.screenshot(path=SHOTS / "session_form_error.png", full_page=True)

    count.fill("2")
    page.get_by_role("button", name="Save session").click()

    category = page.get_by_role("group", name="Finding 1").get_by_label("Gap category")
    assert_message_beside(category, "Choose the category of the gap.")
    expect(page.get_by_label("Women, Professional")).to_have_value("2")
    expect(page.get_by_label("Women, Professional")).not_to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Topics discussed")).to_have_value("Induction courses.")
    expect(page.get_by_role("group", name="Finding 1").get_by_label("Title", exact=True)
           ).to_have_value(FIRST)

    category.select_option(label="Knowledge")
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Group discussion · OO")
    expect(_described(page, "People met")).to_have_text("2")
