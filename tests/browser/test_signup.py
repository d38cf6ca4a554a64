from django.utils import translation
from playwright.sync_api import expect

from accounts.constants import Role
from accounts.models import User

SIGNUP = {
    # 079 = Hồ Chí Minh, century digit 1 = woman born in the 1900s, 95 = born 1995.
    "national_id": "079195001234",
    "full_name": "Trần Thị Hoa",
    "date_of_birth": "1995-03-04",
    "email": "hoa.tran@example.vn",
    "phone": "0903123456",
    "password1": "Hoa-Sen-Nở-2026",
    "password2": "Hoa-Sen-Nở-2026",
}


def _fill_signup(page, **changes):
    values = {**SIGNUP, **changes}
    page.goto("/accounts/register/")
    for name, value in values.items():
        page.fill(f"input[name={name}]", value)
    page.select_option("select[name=gender]", "female")
    page.click("main button[type=submit]")
    return values


def test_malformed_national_id_is_flagged_next_to_the_field_and_input_is_kept(page):
    values = _fill_signup(page, national_id="003195001234")  # 003 is no province code

    national_id = page.locator("#id_national_id")
    expect(national_id).to_have_attribute("aria-invalid", "true")
    described_by = (national_id.get_attribute("aria-describedby") or "").split()
    assert "id_national_id_error" in described_by
    error = page.locator("#id_national_id_error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("mã tỉnh")
    field = page.locator(".field", has=national_id)
    expect(field.locator(".errorlist")).to_contain_text("mã tỉnh")
    expect(page.locator(".errorlist")).to_have_count(1)

    expect(national_id).to_have_value("003195001234")
    for name in ("full_name", "date_of_birth", "email", "phone"):
        expect(page.locator(f"input[name={name}]")).to_have_value(values[name])
    expect(page.locator("select[name=gender]")).to_have_value("female")
    assert not User.objects.filter(national_id="003195001234").exists()


def test_valid_signup_lands_on_the_citizen_page(page):
    _fill_signup(page)

    expect(page).to_have_url("/accounts/me/")
    with translation.override("vi"):
        heading = translation.gettext("Citizen page")
    expect(page.get_by_test_id("landing-heading")).to_have_text(heading)
    expect(page.locator("main")).to_contain_text(SIGNUP["full_name"])
    user = User.objects.get(national_id=SIGNUP["national_id"])
    assert user.role == Role.CITIZEN
