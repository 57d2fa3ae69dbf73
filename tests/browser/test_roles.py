"""Each demo role signs in through the real form and lands on its own home page."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_message_beside
from workshop.admin.demo import DEMO_PASSWORD

# role: (e-mail, name, role label, office name or None, sees Administration)
DEMO_ROLES = {
    "admin": ("admin@example.org", "Amina Diallo", "Administrator", None, True),
    "gender_unit": ("gender.adviser@example.org", "Comfort Lamptey", "Gender Unit", None, True),
    "consultant": ("consultant@example.org", "Ingrid Sørensen", "Consultant", None, False),
    "focal_point": ("focal.oo@example.org", "Grace Mwangi", "Office focal point",
                    "Office of Operations", False),
    "participant": ("participant.oo@example.org", "Samuel Okafor", "Office participant",
                    "Office of Operations", False),
    "viewer": ("viewer@example.org", "Jean-Marc Dubois", "Viewer", None, False),
}


@pytest.mark.parametrize("role", list(DEMO_ROLES))
def test_each_role_lands_on_its_home_page(demo, sign_in, role):
    email, name, label, office, sees_admin = DEMO_ROLES[role]

    page = sign_in(email, DEMO_PASSWORD)

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {name}")
    lead = page.locator("main .lead")
    expect(lead).to_contain_text(label)
    if office:
        expect(lead).to_contain_text(office)
        expect(page.get_by_role("link", name=f"{name} · OO")).to_be_visible()
    else:
        expect(lead).not_to_contain_text("·")
    expect(page.get_by_role("heading", name="What to do next")).to_be_visible()
    expect(page.get_by_role("heading", name="Where the department stands")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("button", name="Sign out")).to_be_visible()
    administration = nav.get_by_role("button", name="Administration")
    if sees_admin:
        expect(administration).to_be_visible()
    else:
        expect(administration).to_have_count(0)


def test_wrong_password_is_explained_beside_the_password(demo, page, base_url):
    page.goto("/sign-in")
    page.get_by_label("E-mail").fill("viewer@example.org")
    page.get_by_label("Password", exact=True).fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    password = page.get_by_label("Password", exact=True)
    assert_message_beside(password, "The e-mail address or the password is not right.")
    expect(password).to_have_value("")
    expect(password).to_be_focused()
    expect(page.get_by_label("E-mail")).to_have_value("viewer@example.org")
    expect(page.get_by_role("heading", name="Welcome")).to_have_count(0)
