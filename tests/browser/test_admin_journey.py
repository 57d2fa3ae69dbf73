"""An administrator sets up an office and its focal point through the forms."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_message_beside
from tests.factories import PASSWORD, make_user
from workshop.extensions import db


@pytest.fixture
def admin_page(app, sign_in):
    with app.app_context():
        make_user("admin", email="root@example.org", name="Ada Root")
        db.session.commit()
        db.session.remove()
    page = sign_in("root@example.org", PASSWORD)
    expect(page.get_by_role("heading", name="Welcome, Ada Root")).to_be_visible()
    return page


def test_admin_creates_an_office_and_its_focal_point(admin_page, base_url):
    page = admin_page

    page.get_by_role("navigation", name="Main").get_by_role("button", name="Administration").click()
    page.get_by_role("link", name="Offices").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Offices")
    page.get_by_role("link", name="New office").click()
    page.get_by_label("Name").fill("Office of Legal Affairs")
    page.get_by_label("Acronym").fill("ola")
    page.get_by_label("Description").fill("Legal advice to missions.")
    expect(page.get_by_label("Active")).to_be_checked()
    page.get_by_role("button", name="Save office").click()

    expect(page).to_have_url(f"{base_url}/admin/offices")
    expect(page.get_by_role("status")).to_contain_text("Office of Legal Affairs has been saved.")
    row = page.get_by_role("row").filter(has_text="Office of Legal Affairs")
    expect(row).to_have_count(1)
    expect(row.get_by_role("cell").first).to_have_text("OLA")

    page.goto("/admin/users")
    page.get_by_role("link", name="New user").click()
    page.get_by_label("Full name").fill("Nour El-Sayed")
    page.get_by_label("E-mail").fill("nour@example.org")
    page.get_by_role("group", name="Roles").get_by_label("Office focal point").check()
    page.get_by_label("Office", exact=True).select_option(label="OLA · Office of Legal Affairs")
    page.get_by_label("Temporary password").fill("a-temporary-passphrase")
    page.get_by_role("button", name="Create user").click()

    expect(page).to_have_url(f"{base_url}/admin/users")
    expect(page.get_by_role("status")).to_contain_text("Nour El-Sayed can now sign in")
    row = page.get_by_role("row").filter(has_text="Nour El-Sayed")
    expect(row).to_contain_text("nour@example.org")
    expect(row).to_contain_text("Office focal point")
    expect(row).to_contain_text("OLA")

    page.goto("/admin/offices")
    office = page.get_by_role("row").filter(has_text="Office of Legal Affairs")
    expect(office.get_by_role("cell").nth(2)).to_have_text("1")


def test_office_without_acronym_is_refused_beside_the_field(admin_page, base_url):
    page = admin_page
    page.goto("/admin/offices/new")
    page.get_by_label("Name").fill("Office of Legal Affairs")
    page.get_by_role("button", name="Save office").click()

    acronym = page.get_by_label("Acronym")
    assert_message_beside(acronym, "This field is required.")
    expect(acronym).to_be_focused()
    expect(page.get_by_label("Name")).to_have_value("Office of Legal Affairs")
    expect(page.get_by_label("Name")).not_to_have_attribute("aria-invalid", "true")

    page.goto("/admin/offices")
    expect(page.get_by_role("row").filter(has_text="Office of Legal Affairs")).to_have_count(0)
