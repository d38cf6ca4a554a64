"""Staff two-factor and login protection in a browser (issue #18): an officer enrols an
authenticator at the first sign-in and signs in with its code; a leader resets a lost
device; 30 wrong passwords lock a citizen's sign-in from that device until the cool-down."""

import datetime as dt
from base64 import b32decode

import time_machine
from django.utils import timezone
from django_otp.oath import TOTP
from playwright.sync_api import expect

from accounts.constants import Role, SecurityEventKind
from accounts.models import SecurityEvent
from tests.factories import PASSWORD, UserFactory
from tests.two_factor import confirmed_device, current_code


def _code_for(secret: str) -> str:
    """What an authenticator app shows for the key printed under the QR code."""
    totp = TOTP(b32decode(secret))
    return f"{totp.token():06d}"


def _password_step(page, identifier: str, password: str = PASSWORD):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", identifier)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")


def test_an_officer_enrols_then_signs_in_with_a_code(page, offices):
    officer = UserFactory(
        username="tf-officer", role=Role.PROCESSING_OFFICER, office=offices[1], full_name="Lê Na"
    )
    _password_step(page, officer.username)
    expect(page).to_have_url("/accounts/two-factor/?next=%2Faccounts%2Fme%2F")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thiết lập đăng nhập hai bước")
    expect(page.get_by_test_id("two-factor-qr")).to_be_visible()
    secret = page.get_by_test_id("two-factor-secret").inner_text()

    page.get_by_label("Mã trong ứng dụng xác thực").fill(_code_for(secret))
    page.get_by_test_id("two-factor-form").get_by_role("button").click()
    codes = page.get_by_test_id("recovery-codes").locator("li")
    expect(codes).to_have_count(10)
    page.get_by_role("link", name="Tôi đã lưu, tiếp tục").click()
    expect(page).to_have_url("/accounts/me/")

    # The next sign-in asks for the code after the password.
    page.context.clear_cookies()
    _password_step(page, officer.username)
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập hai bước")
    page.get_by_label("Mã trong ứng dụng xác thực").fill(
        current_code(confirmed_device(officer))  # the next 30-second code, as the app would
    )
    page.get_by_test_id("two-factor-form").get_by_role("button").click()
    expect(page).to_have_url("/accounts/me/")


def test_a_leader_resets_a_lost_device_and_the_officer_enrols_again(page, login, offices):
    hn = offices[1]
    leader = UserFactory(username="tf-leader", role=Role.OFFICE_LEADER, office=hn)
    officer = UserFactory(
        username="tf-lost", role=Role.COUNTER_OFFICER, office=hn, full_name="Phạm Văn Bình"
    )
    confirmed_device(officer)
    login(leader.username, PASSWORD)
    page.goto("/accounts/team/")
    page.get_by_role("button", name="Đặt lại đăng nhập hai bước của Phạm Văn Bình").click()
    expect(page.locator(".message-success")).to_contain_text("Phạm Văn Bình")
    assert SecurityEvent.objects.filter(
        kind=SecurityEventKind.TWO_FACTOR_RESET, user=officer, actor=leader
    ).exists()

    page.context.clear_cookies()
    _password_step(page, officer.username)
    expect(page.get_by_test_id("two-factor-qr")).to_be_visible()


def test_thirty_wrong_passwords_lock_sign_in_until_the_cool_down(page, offices):
    citizen = UserFactory(citizen=True)
    for attempt in range(30):
        _password_step(page, citizen.national_id, f"sai-mat-khau-{attempt}")
    _password_step(page, citizen.national_id)
    locked = page.get_by_test_id("locked-out")
    expect(locked).to_contain_text("Bạn có thể thử lại sau")
    expect(page).to_have_url("/accounts/login/")
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.LOCKOUT).count() == 1

    # Hours later (the cool-down grew with the 30 tries) the right password gets in.
    with time_machine.travel(timezone.now() + dt.timedelta(hours=6), tick=True):
        _password_step(page, citizen.national_id)
        expect(page).to_have_url("/accounts/me/")
