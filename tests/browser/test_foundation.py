import pytest
from playwright.sync_api import expect

from accounts.constants import Role
from tests.factories import PASSWORD, UserFactory

ROLE_HEADINGS = {
    Role.CITIZEN: "Citizen page",
    Role.COUNTER_OFFICER: "Counter officer page",
    Role.PROCESSING_OFFICER: "Processing officer page",
    Role.OFFICE_LEADER: "Office leader page",
    Role.SUPERVISOR: "Supervisor page",
    Role.ADMINISTRATOR: "Administrator page",
}


def test_home_in_vietnamese_then_english(page):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("link", name="Thủ tục").first).to_be_visible()
    page.get_by_test_id("language-en").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="Procedures").first).to_be_visible()


@pytest.mark.parametrize("role", list(Role))
def test_each_role_lands_on_its_page(page, login, offices, role):
    page.goto("/")
    page.get_by_test_id("language-en").click()
    office = (
        offices[1]
        if role in {Role.COUNTER_OFFICER, Role.PROCESSING_OFFICER, Role.OFFICE_LEADER}
        else None
    )
    if role == Role.CITIZEN:
        user = UserFactory(citizen=True)
        identifier = user.national_id
    else:
        user = UserFactory(role=role, office=office, username=f"staff-{role}")
        identifier = user.username
    login(identifier, PASSWORD)
    expect(page.get_by_test_id("landing-heading")).to_have_text(ROLE_HEADINGS[role])
    if office:
        expect(page.locator("main")).to_contain_text(office.name)


def test_wrong_password_shows_a_clear_message(page, login):
    user = UserFactory(citizen=True)
    login(user.national_id, "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("không khớp")
    expect(page).to_have_url("/accounts/login/")
