"""Every page of the foundation opens from the navigation and its lists (and so passes the gate)."""

from playwright.sync_api import expect

from workshop.admin.demo import DEMO_PASSWORD


def _open(page, group, label):
    nav = page.get_by_role("navigation", name="Main")
    if group:
        nav.get_by_role("button", name=group).click()
    nav.get_by_role("link", name=label, exact=True).click()
    current = nav.get_by_role("link", name=label, exact=True, include_hidden=True)
    expect(current).to_have_attribute("aria-current", "page")


def _heading(page):
    return page.get_by_role("heading", level=1)


def test_every_page_opens_for_an_administrator_of_the_gender_unit(demo, sign_in):
    page = sign_in("gender.officer@example.org", DEMO_PASSWORD)
    expect(_heading(page)).to_have_text("Welcome, Tomás Herrera")

    page.get_by_role("link", name="See the process timeline").click()
    expect(_heading(page)).to_contain_text("Process timeline")
    expect(page.get_by_role("table")).to_contain_text("Needs-assessment week")

    _open(page, "Administration", "Users")
    expect(_heading(page)).to_have_text("Users")
    page.get_by_role("link", name="Amina Diallo").click()
    expect(_heading(page)).to_have_text("Edit Amina Diallo")
    expect(page.get_by_label("E-mail")).to_have_value("admin@example.org")
    expect(page.get_by_role("group", name="Roles").get_by_label("Administrator")).to_be_checked()

    _open(page, "Administration", "Offices")
    expect(_heading(page)).to_have_text("Offices")
    page.get_by_role("link", name="MILDIV").click()
    expect(_heading(page)).to_have_text("Edit MILDIV")
    expect(page.get_by_label("Name")).to_have_value("Military Division")

    _open(page, "Administration", "Plan cycles")
    expect(_heading(page)).to_have_text("Plan cycles")
    cycle = page.get_by_role("row").filter(has_text="Active").get_by_role("link").first
    name = cycle.inner_text()
    cycle.click()
    expect(_heading(page)).to_contain_text(f"Cycle {name}")
    page.get_by_role("link", name="Needs-assessment week").click()
    expect(_heading(page)).to_have_text("Edit milestone")
    expect(page.get_by_label("Title")).to_have_value("Needs-assessment week")
    page.go_back()
    page.get_by_role("link", name="Edit cycle").click()
    expect(_heading(page)).to_have_text(f"Edit cycle {name}")

    _open(page, "Administration", "Reference lists")
    expect(_heading(page)).to_have_text("Reference lists")
    page.get_by_role("link", name="Implementation strategies").click()
    expect(_heading(page)).to_have_text("Implementation strategies")

    _open(page, "Administration", "Audit trail")
    expect(_heading(page)).to_have_text("Audit trail")
    page.get_by_role("table").locator("tbody").get_by_role("link").first.click()
    expect(page.get_by_role("navigation", name="Breadcrumb")).to_contain_text("Audit trail")
    expect(_heading(page)).to_contain_text(" of ")

    page.get_by_role("link", name="Tomás Herrera").click()
    expect(_heading(page)).to_have_text("Your profile")

    response = page.goto("/no-such-page")
    assert response.status == 404
    expect(_heading(page)).to_have_text("Page not found")


def test_a_viewer_is_told_why_admin_pages_are_closed(demo, sign_in):
    page = sign_in("viewer@example.org", DEMO_PASSWORD)

    response = page.goto("/admin/users")

    assert response.status == 403
    expect(page.get_by_role("main")).to_contain_text(
        "Your account does not give you access to this page")
    expect(page.get_by_role("table")).to_have_count(0)


def test_keyboard_users_can_skip_to_the_main_content(page):
    page.goto("/no-such-page")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Back to your home page")).to_be_focused()
