"""VNeID sign-in against the local OpenID provider (devtools/vneid, a real provider in its own
process): a new citizen's account is created from the verified claims, an existing account
is found by its CCCD and linked, and the registry learns the verified identity."""

import datetime as dt

from playwright.sync_api import expect

from accounts.constants import Role
from accounts.models import User
from accounts.services import citizen_register
from beneficiaries.models import Person, RegistryEvent


def _sign_in_with_vneid(page, citizen_name: str | None):
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Đăng nhập bằng VNeID").click()
    if citizen_name:  # the provider's own page: pick the demo citizen
        page.get_by_role("button", name=citizen_name).click()
    expect(page).to_have_url("/accounts/me/")


def test_a_new_citizen_signs_in_with_vneid_and_gets_a_verified_account(page, vneid):
    _sign_in_with_vneid(page, "Đỗ Thị Lan")

    expect(page.locator(".messages")).to_contain_text("VNeID")
    expect(page.locator("main")).to_contain_text("Đỗ Thị Lan")
    user = User.objects.get(national_id="079195007788")
    assert user.role == Role.CITIZEN
    assert (user.full_name, user.date_of_birth, user.gender) == (
        "Đỗ Thị Lan",
        dt.date(1995, 11, 23),
        "female",
    )
    assert user.identity_verified_at is not None
    assert not user.has_usable_password()  # VNeID is how this person signs in
    # The registry learned the verified identity, with its source.
    person = Person.objects.get(national_id="079195007788")
    assert (person.full_name, person.date_of_birth, person.gender) == (
        "Đỗ Thị Lan",
        dt.date(1995, 11, 23),
        "female",
    )
    event = RegistryEvent.objects.get(person=person)
    assert event.payload == {"source": "vneid"}
    assert event.actor_id == user.pk

    # Signed out of the portal (still signed in at VNeID), the same identity comes back
    # to the same account without being asked again.
    page.get_by_role("button", name="Đăng xuất").click()
    _sign_in_with_vneid(page, None)
    assert User.objects.filter(national_id="079195007788").count() == 1


def test_vneid_links_the_existing_account_with_the_same_cccd(page, vneid, login):
    typed = citizen_register(
        national_id="001090012345",
        full_name="Nguyen Van An",  # typed without diacritics at registration
        date_of_birth=dt.date(1990, 5, 12),
        gender="male",
        password="An-Mat-Khau-2026",
        email="an.nguyen@example.vn",
    )

    _sign_in_with_vneid(page, "Nguyễn Văn An")

    expect(page.locator("main")).to_contain_text("Nguyễn Văn An")
    user = User.objects.get(national_id="001090012345")
    assert user.pk == typed.pk
    assert user.full_name == "Nguyễn Văn An"  # the verified name replaces the typed one
    assert user.identity_verified_at is not None
    assert user.email == "an.nguyen@example.vn"
    # The local password still works (the demo, and citizens without VNeID).
    page.get_by_role("button", name="Đăng xuất").click()
    login("001090012345", "An-Mat-Khau-2026")
    expect(page).to_have_url("/accounts/me/")
