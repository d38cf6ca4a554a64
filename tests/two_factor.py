"""Test helpers for the staff second factor (django-otp TOTP).

The suite signs staff in with `client.force_login(...)` and the browser `login` fixture:
tests/conftest.py makes a staff member's forced login count as verified (a confirmed
authenticator, its id in the session), and the browser fixture types the current code. The
real enrolment and sign-in are tested in tests/browser/test_staff_two_factor.py.
"""

import time

from django_otp.oath import TOTP


def confirmed_device(user):
    """The staff member's confirmed authenticator, created if they have none."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test authenticator", confirmed=True)
    return device


def current_code(device, *, fresh: bool = True) -> str:
    """The code the authenticator shows now. With `fresh`, the device forgets the last code
    it accepted, so a test may sign the same person in twice within 30 seconds."""
    if fresh:
        type(device).objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def mark_session_verified(client, user) -> None:
    """Make a test client's session pass the second factor for `user`."""
    from django_otp import DEVICE_ID_SESSION_KEY

    session = client.session
    session[DEVICE_ID_SESSION_KEY] = confirmed_device(user).persistent_id
    session.save()


def browser_sign_in(page, identifier: str, password: str) -> None:
    """Sign in through the real form in a Playwright page; a staff member gets an
    authenticator (if they have none) and the current code is typed at the second step."""
    from accounts.constants import STAFF_ROLES
    from accounts.models import User

    staff = User.objects.filter(username=identifier, role__in=STAFF_ROLES).first()
    if staff is None:
        staff = User.objects.filter(username=identifier, is_staff=True).first()
    device = confirmed_device(staff) if staff is not None else None
    page.goto("/accounts/login/")
    page.fill("input[name=username]", identifier)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    if device is not None:
        page.wait_for_url("**/accounts/two-factor/**")
        page.fill("input[name=otp_token]", current_code(device))
        page.click("[data-testid=two-factor-form] button[type=submit]")


# A staff request reads the device its session was verified with (django-otp's middleware):
# one query more than the same page for a citizen, whatever the page.
SECOND_FACTOR_QUERIES = 1
