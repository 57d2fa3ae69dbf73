"""A consultant plans the pilot workshop, marks who came, collects anonymous evaluations from
participants' phones, revises the curriculum from what the pilot taught, and plans an office
workshop whose agenda is built on the revised curriculum and the office's gaps."""

import re
from datetime import datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.assessment.helpers import finding, level, nominate, record, thematic, world
from tests.factories import PASSWORD
from tests.workshops.test_services import _curriculum
from workshop.extensions import db

SHOTS = Path("/tmp/shots")
PHONE = {"width": 390, "height": 844}

PILOT = "Pilot workshop on gender in operations"
CHECKLIST = "No gender checklist for mission planning"  # G-01, Tools, high
DATA = "Police data not disaggregated by sex"  # G-02, Guidance, high, Prevention
BUDGET = "No budget line for gender work"  # G-03, Institutional, high
DIRECTIVE = "No directive on gender in recruitment"  # G-04, Guidance, high, Participation
RESOLUTION = "Staff unsure what resolution 1325 asks of them"  # G-05, Knowledge, medium
FOCAL_POINT = "No gender focal point in the division"  # G-06, PD's, Institutional, high

M2_BEFORE = "Gender analysis in mission planning"
M2_AFTER = "Gender analysis with a planning exercise"
M5 = "Sex-disaggregated data in reporting"

USEFULNESS = "Overall, how useful was the workshop for your work?"
SESSION_1 = "Day 1, 09:00: Why gender matters in peacekeeping"
SESSION_2 = f"Day 1, 10:30: {M2_BEFORE}"
SESSION_3 = "Day 2, 09:00: Drafting the office work plan"


@pytest.fixture
def workshops(app):
    """Cycle 2026-2027; OO nominated six people and raised four high-priority gaps and a
    medium one, PD nominated two and raised one high-priority gap; curriculum version 1
    (M1 Knowledge, M2 Tools and Skills, M3, optional M4 Protection) is published."""
    with app.app_context():
        cycle, office, other, consultant = world()
        office.name, other.name = "Office of Operations", "Policy Division"
        amal = nominate(cycle, office, "Amal Haddad", "female", "Professional")
        bruno = nominate(cycle, office, "Bruno Costa", "male", "General service")
        nominate(cycle, office, "Chen Li", "female", "Senior management")
        nominate(cycle, office, "Dmitri Ivanov", "male", "Professional")
        nominate(cycle, office, "Esther Mensah", "female", "Field and national staff")
        nominate(cycle, office, "Farid Khan", "male", "Senior management")
        grace = nominate(cycle, other, "Grace Okafor", "female", "Professional")
        nominate(cycle, other, "Hugo Martin", "male", "General service")
        record(cycle, office, consultant, when=datetime(2026, 2, 10, 9, 30),
               participants=[amal, bruno], headcounts={level("Professional").id: (2, 1)},
               findings=[
                   finding(CHECKLIST, "Tools", "high"),
                   finding(DATA, "Guidance", "high",
                           thematic_area_id=thematic("Prevention").id),
                   finding(BUDGET, "Institutional", "high"),
                   finding(DIRECTIVE, "Guidance", "high",
                           thematic_area_id=thematic("Participation").id),
                   finding(RESOLUTION, "Knowledge", "medium"),
               ])
        record(cycle, other, consultant, when=datetime(2026, 2, 11, 14, 0), participants=[grace],
               findings=[finding(FOCAL_POINT, "Institutional", "high")])
        _curriculum()
        db.session.commit()
        db.session.remove()


@pytest.fixture
def consultant_page(workshops, sign_in):
    page = sign_in("consultant@example.org", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Ingrid S")
    SHOTS.mkdir(exist_ok=True)
    return page


def _menu(page, group, label):
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name=group).click()
    nav.get_by_role("link", name=label, exact=True).click()


def _flash(page):
    return expect(page.get_by_role("status").first)


def _section(page, heading):
    return page.locator("section", has=page.get_by_role("heading", name=heading, exact=True))


def _agenda_row(page, title):
    return page.locator("#agenda").get_by_role("row").filter(has_text=title)


def _uncovered(page):
    return page.get_by_role("alert").filter(has_text="addressed by no session")


def _answer(new_context, link, usefulness, ratings, keep="", change="", shot=None):
    """A participant opens the link on their own device, answers and sends; their page."""
    page = new_context(viewport=PHONE).new_page()
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(PILOT)
    expect(page.get_by_text("This evaluation is anonymous")).to_be_visible()
    page.get_by_role("group", name=USEFULNESS).get_by_label(usefulness, exact=True).check()
    for session, rating in ratings.items():
        page.get_by_role("group", name=session).get_by_label(rating, exact=True).check()
    if keep:
        page.get_by_label("What should we keep?").fill(keep)
    if change:
        page.get_by_label("What should we change?").fill(change)
    if shot:
        page.screenshot(path=SHOTS / shot, full_page=True)
    page.get_by_role("button", name="Send my evaluation").click()
    thanks = page.get_by_role("status")
    expect(thanks.get_by_role("heading", name="Thank you.")).to_be_visible()
    expect(thanks).to_contain_text("Your evaluation has been recorded.")
    expect(page.locator("form[method=post]")).to_have_count(0)
    return page


def test_pilot_evaluations_revise_the_curriculum_for_the_office_workshops(consultant_page,
                                                                          new_context):
    page = consultant_page

    # -- plan the pilot --------------------------------------------------------------------
    _menu(page, "Workshops", "All workshops")
    expect(page.get_by_role("heading", level=1)).to_have_text("Workshops")
    page.get_by_role("link", name="Plan the pilot").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan a workshop")
    expect(page.get_by_role("group", name="Kind").get_by_label("Pilot workshop")).to_be_checked()
    expect(page.get_by_label("Title")).to_be_focused()
    page.get_by_label("Title").fill(PILOT)
    page.get_by_label("First day").fill("2026-03-02")
    page.get_by_label("Venue").fill("Conference room 2, headquarters")
    expect(page.get_by_role("group", name="Facilitators").get_by_label("Ingrid S")
           ).to_be_checked()
    page.get_by_role("button", name="Plan the workshop").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(PILOT)
    _flash(page).to_contain_text(f"“{PILOT}” is planned with an agenda of 3 sessions proposed "
                                 "from curriculum version 1")
    expect(page.get_by_text("Pilot workshop · 2 Mar 2026 to 3 Mar 2026", exact=False)
           ).to_be_visible()
    expect(page.get_by_role("heading", name="Day 1 · Monday 2 March 2026")).to_be_visible()
    expect(page.get_by_role("heading", name="Day 2 · Tuesday 3 March 2026")).to_be_visible()
    expect(page.get_by_role("table", name="Sessions of day 1").locator("tbody tr")
           ).to_have_count(2)
    expect(page.get_by_role("table", name="Sessions of day 2").locator("tbody tr")
           ).to_have_count(1)
    expect(_agenda_row(page, "Why gender matters")).to_contain_text("09:00–10:30")
    expect(_agenda_row(page, M2_BEFORE)).to_contain_text("10:30–14:30")
    expect(_agenda_row(page, M2_BEFORE)).to_contain_text(f"G-01 {CHECKLIST}")
    expect(_agenda_row(page, "Drafting the office work plan")).to_contain_text("09:00–14:00")
    expect(page.locator("#agenda")).not_to_contain_text("Protection from sexual violence")
    # the pilot answers the whole department's register: PD's gap counts too
    expect(_uncovered(page)).to_contain_text(
        f"4 high-priority gaps are addressed by no session: G-02 {DATA}; G-03 {BUDGET}; "
        f"G-04 {DIRECTIVE}; G-06 {FOCAL_POINT}.")

    # -- invitations and attendance --------------------------------------------------------
    page.get_by_role("link", name="Invitations and attendance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitations and attendance")
    expect(page.get_by_text("Nobody invited yet.")).to_be_visible()
    people = page.get_by_role("group", name="People to invite")
    expect(people.get_by_role("checkbox")).to_have_count(8)  # both offices for the pilot
    people.get_by_label("Farid Khan · Senior management · OO").uncheck()
    people.get_by_label("Hugo Martin · General service · PD").uncheck()
    expect(people.get_by_label("Grace Okafor · Professional · PD")).to_be_checked()
    page.get_by_role("button", name="Invite the people ticked").click()
    _flash(page).to_contain_text("6 people invited.")
    expect(page.get_by_role("table", name="Attendance per day").locator("tbody tr")
           ).to_have_count(6)
    expect(page.get_by_role("row").filter(has_text="Grace Okafor")).to_contain_text("PD")
    left = page.get_by_role("group", name="People to invite").get_by_role("checkbox")
    expect(left).to_have_count(2)

    marks = {  # name: (day 1, day 2)
        "Amal Haddad": ("Present", "Present"),
        "Bruno Costa": ("Present", "Absent"),
        "Chen Li": ("Present", "Left early"),
        "Dmitri Ivanov": ("Present", "Present"),
        "Esther Mensah": ("Absent", "Absent"),
        "Grace Okafor": ("Present", "Present"),
    }
    for name, days in marks.items():
        for day, mark in enumerate(days, start=1):
            page.get_by_label(f"{name}, day {day}").select_option(label=mark)
    page.get_by_role("button", name="Save attendance").click()
    _flash(page).to_contain_text("Attendance has been saved.")
    expect(page.get_by_label("Chen Li, day 2").locator("option:checked")).to_have_text(
        "Left early")
    expect(page.get_by_text("6 invited, 5 attended, 4 every day.")).to_be_visible()
    page.screenshot(path=SHOTS / "pilot_attendance.png", full_page=True)

    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=PILOT).click()
    participation = _section(page, "Participation")
    expect(participation).to_contain_text(
        "6 invited; 5 attended (60 % women); 4 of the 6 invited (67 %) were there every day.")
    expect(participation).to_contain_text(re.compile(
        r"Day 1: 5 present \(3 women, 2 men\); "
        r"Day 2: 4 present \(3 women, 1 m[ae]n, 1 left early\)\."))
    by_level = participation.get_by_role("table", name="People who attended, by level and sex")
    expect(by_level.get_by_role("row", name=re.compile("^Professional"))).to_have_text(
        re.compile(r"Professional\s*2\s*1\s*3"))
    expect(by_level.get_by_role("row", name=re.compile("^Senior management"))).to_have_text(
        re.compile(r"Senior management\s*1\s*0\s*1"))
    expect(by_level.get_by_role("row", name=re.compile("^All levels"))).to_have_text(
        re.compile(r"All levels\s*3\s*2\s*5"))
    page.screenshot(path=SHOTS / "pilot.png", full_page=True)

    # -- evaluation: three phones answer, a fourth comes too late --------------------------
    expect(_section(page, "Evaluation")).to_contain_text("No evaluations yet")
    page.get_by_role("link", name="Evaluation", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evaluation")
    expect(page.get_by_text("No responses yet.")).to_be_visible()
    page.get_by_role("button", name="Open the evaluation").click()
    _flash(page).to_contain_text("The evaluation is open")
    expect(page.get_by_role("img", name="QR code of the evaluation link")).to_be_visible()
    link_field = page.get_by_label("Link")
    expect(link_field).to_have_attribute("readonly", "")
    link = link_field.input_value()
    assert re.fullmatch(r"http://[^/]+/evaluate/[\w-]{20,64}", link), link

    first = _answer(new_context, link, "Very useful",
                    {SESSION_1: "Very useful", SESSION_2: "Useful"},
                    keep="The case studies from missions",
                    change="More time for the planning exercise", shot="evaluate_form.png")
    _answer(new_context, link, "Useful", {SESSION_1: "Useful"}, keep="The group work")
    _answer(new_context, link, "Somewhat useful", {SESSION_3: "Somewhat useful"},
            change="Less lecturing, more practice")

    first.goto(link)  # the same phone opens the link again
    expect(first.get_by_role("status")).to_have_text(
        "A response has already been sent from this device. Thank you.")
    expect(first.locator("form[method=post]")).to_have_count(0)
    expect(first.get_by_role("button", name="Send my evaluation")).to_have_count(0)

    page.reload()
    results = page.get_by_role("heading", name="Results").locator("xpath=..")
    expect(results.get_by_text("67 per cent", exact=True)).to_be_visible()
    expect(results).to_contain_text(
        "67 per cent found the workshop very useful or useful (2 of 3).")
    ratings = results.get_by_role("table", name="Ratings of each session")
    expect(ratings.get_by_role("row").filter(has_text="Why gender matters")).to_have_text(
        re.compile(r"Day 1, 09:00: Why gender matters in peacekeeping\s*2\s*3\.5\s*100 %"))
    expect(ratings.get_by_role("row").filter(has_text="Drafting")).to_have_text(
        re.compile(r"Drafting the office work plan\s*1\s*2\.0\s*0 %"))
    comments = results.get_by_role("list")
    expect(comments.get_by_role("listitem")).to_have_count(3)
    expect(comments.get_by_role("listitem").nth(0)).to_have_text(
        "Keep: The case studies from missions\nChange: More time for the planning exercise",
        use_inner_text=True)
    expect(comments.get_by_role("listitem").nth(1)).to_have_text("Keep: The group work")
    expect(comments.get_by_role("listitem").nth(2)).to_have_text(
        "Change: Less lecturing, more practice")
    expect(page.get_by_role("img", name="QR code of the evaluation link")).to_be_visible()
    assert page.get_by_role("img", name="QR code of the evaluation link").evaluate(
        "img => img.complete && img.naturalWidth > 0")
    page.screenshot(path=SHOTS / "evaluation.png", full_page=True)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Close the evaluation").click()
    _flash(page).to_contain_text("The evaluation is closed; no more responses are taken.")
    expect(page.get_by_text("The evaluation is closed after 3 responses.")).to_be_visible()
    expect(page.get_by_label("Link")).to_have_count(0)

    late = new_context(viewport=PHONE).new_page()
    late.goto(link)
    expect(late.get_by_role("status")).to_have_text("This evaluation is closed.")
    expect(late.get_by_role("button", name="Send my evaluation")).to_have_count(0)
    late.context.close()

    # -- revise the curriculum from what the pilot taught ----------------------------------
    _menu(page, "Workshops", "Curriculum")
    expect(page.get_by_role("heading", level=1)).to_have_text("Curriculum")
    page.get_by_role("button", name="Start a revision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Curriculum version 2 Draft")
    _flash(page).to_contain_text("Version 2 is a draft")

    page.get_by_role("link", name="M2", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit M2")
    expect(page.get_by_label("Title", exact=True)).to_have_value(M2_BEFORE)
    page.get_by_label("Title", exact=True).fill(M2_AFTER)
    page.get_by_label("Duration in minutes").fill("240")
    page.get_by_label("Method").fill("Case study, then a planning exercise in small groups.")
    page.get_by_role("button", name="Save module").click()
    _flash(page).to_contain_text("Module M2 has been saved.")

    page.get_by_role("link", name="Add a module").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New module in version 2")
    page.get_by_label("Code").fill("M5")
    page.get_by_label("Title", exact=True).fill(M5)
    page.get_by_label("Objectives").fill("Report police and mission data by sex and age.")
    page.get_by_label("Duration in minutes").fill("120")
    page.get_by_role("group", name="Gap categories it answers").get_by_label("Tools").check()
    page.get_by_role("group", name="Thematic areas it answers").get_by_label(
        "Prevention").check()
    page.get_by_role("button", name="Save module").click()
    _flash(page).to_contain_text("Module M5 has been saved.")

    page.get_by_role("link", name="Record a revision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a revision to version 2")
    page.get_by_label("Module code").fill("M2")
    page.get_by_label("What changed").fill("M2 runs four hours, with a planning exercise.")
    page.get_by_label("Why", exact=True).fill("Pilot participants asked for more practice.")
    page.get_by_label("Prompted by the workshop").select_option(
        label=f"{PILOT} (02 Mar 2026)")
    page.get_by_role("button", name="Record revision").click()
    _flash(page).to_contain_text("The revision has been recorded.")

    page.get_by_label("Summary of this version").fill("Revised after the pilot.")
    page.get_by_role("button", name="Publish this version").click()
    _flash(page).to_contain_text(
        "Version 2 is now the curriculum new workshops are built from.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Curriculum version 2")
    revisions = _section(page, "Revisions: what changed from version 1 and why")
    expect(revisions).to_contain_text("M2: M2 runs four hours, with a planning exercise.")
    expect(revisions).to_contain_text("Why: Pilot participants asked for more practice.")
    expect(revisions.get_by_role("link", name=PILOT)).to_be_visible()
    compared = page.get_by_role("table", name="Modules compared with the previous version")
    rows = compared.locator("tbody tr")
    expect(rows).to_have_count(5)
    expect(rows.filter(has_text="M2")).to_contain_text(M2_AFTER)
    expect(rows.filter(has_text="M2")).to_contain_text(M2_BEFORE)
    expect(rows.filter(has_text="M2").get_by_role("cell").last).to_have_text(
        "Changed: title, method, duration")
    expect(rows.filter(has_text="M5").get_by_role("cell").last).to_have_text("Added")
    expect(rows.filter(has_text="M1").get_by_role("cell").last).to_have_text("Unchanged")
    expect(page.get_by_role("button", name="Publish this version")).to_have_count(0)
    page.screenshot(path=SHOTS / "version_comparison.png", full_page=True)

    # -- an office workshop is built on version 2 and OO's gaps ----------------------------
    _menu(page, "Workshops", "All workshops")
    page.get_by_role("link", name="Plan an office workshop").click()
    expect(page.get_by_text("The agenda will be proposed from curriculum version 2")
           ).to_be_visible()
    expect(page.get_by_role("group", name="Kind").get_by_label("Office workshop")
           ).to_be_checked()
    page.get_by_label("Office", exact=True).select_option(label="OO · Office of Operations")
    page.get_by_label("Title").fill("OO gender workshop")
    page.get_by_label("First day").fill("2026-04-14")
    page.get_by_label("Venue").fill("OO meeting room")
    page.get_by_role("button", name="Plan the workshop").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("OO gender workshop")
    _flash(page).to_contain_text("an agenda of 4 sessions proposed from curriculum version 2")
    expect(page.get_by_role("link", name="version 2", exact=True)).to_be_visible()
    m2 = _agenda_row(page, M2_AFTER)
    expect(m2).to_contain_text("10:30–15:30")
    expect(m2.get_by_role("cell").nth(2)).to_have_text("M2")
    m5 = _agenda_row(page, M5)
    expect(m5).to_have_count(1)
    expect(m5.get_by_role("cell").nth(0)).to_have_text("14:00–16:00")
    expect(m5.get_by_role("cell").nth(2)).to_have_text("M5")
    expect(m5.get_by_role("cell").nth(4)).to_have_text(f"G-01 {CHECKLIST}\nG-02 {DATA}",
                                                       use_inner_text=True)
    expect(page.get_by_role("table", name="Sessions of day 2")).to_contain_text(M5)
    expect(page.locator("#agenda")).not_to_contain_text(FOCAL_POINT)  # PD's, not OO's
    expect(_uncovered(page)).to_have_text(
        f"2 high-priority gaps are addressed by no session: G-03 {BUDGET}; G-04 {DIRECTIVE}. "
        "Link them to a session or add one.")
    page.screenshot(path=SHOTS / "office_workshop.png", full_page=True)
