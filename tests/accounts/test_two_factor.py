"""Staff sign in with a second factor: enrolment, codes, recovery codes, the leader's reset
(issue #18). The browser flow is in tests/browser/test_staff_two_factor.py."""

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.constants import Role, SecurityEventKind
from accounts.models import SecurityEvent
from tests.factories import PASSWORD, UserFactory
from tests.two_factor import confirmed_device, current_code

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
TWO_FACTOR = "/accounts/two-factor/"


def _password_step(client, username):
    return client.post(LOGIN, {"username": username, "password": PASSWORD})


@pytest.fixture
def team(offices):
    hn = offices[1]
    return {
        "leader": UserFactory(username="2fa-leader", role=Role.OFFICE_LEADER, office=hn),
        "officer": UserFactory(username="2fa-officer", role=Role.PROCESSING_OFFICER, office=hn),
        "elsewhere": UserFactory(
            username="2fa-other-leader", role=Role.OFFICE_LEADER, office=offices[79]
        ),
    }


@pytest.mark.parametrize("role", sorted(Role.values))
def test_every_staff_role_needs_the_second_factor_and_citizens_do_not(role):
    user = UserFactory(username=f"2fa-{role}", role=role, national_id=None)
    client = Client()
    identifier = user.username
    if role == Role.CITIZEN:
        user.national_id = "001090099999"
        user.save(update_fields=["national_id"])
        identifier = user.national_id
    response = _password_step(client, identifier)
    assert response.status_code == 302
    if role == Role.CITIZEN:
        assert not response["Location"].startswith(TWO_FACTOR)
        assert client.get("/accounts/me/").status_code == 200
    else:
        assert response["Location"].startswith(TWO_FACTOR)
        # Nothing else opens before the code: pages redirect, the API refuses.
        page = client.get("/accounts/me/")
        assert page.status_code == 302
        assert page["Location"].startswith(TWO_FACTOR)
        api = client.get("/api/v1/dossiers/")
        assert api.status_code == 403
        assert api["Content-Type"] == "application/problem+json"
        assert api.json()["code"] == "two_factor_required"


def test_enrolment_confirms_a_code_and_shows_recovery_codes_once(team):
    officer = team["officer"]
    client = Client()
    _password_step(client, officer.username)
    page = client.get(TWO_FACTOR, {"next": "/accounts/me/"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml' in html  # the QR code, no inline script or style
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    # A wrong code: a field message, nothing confirmed.
    wrong = client.post(TWO_FACTOR, {"otp_token": "000000", "next": "/accounts/me/"})
    assert wrong.status_code == 400
    assert 'id="id_otp_token_error"' in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=officer, confirmed=True).exists()

    done = client.post(TWO_FACTOR, {"otp_token": current_code(device), "next": "/accounts/me/"})
    assert done.status_code == 200
    assert "no-store" in done["Cache-Control"]
    codes = StaticDevice.objects.get(user=officer).token_set.values_list("token", flat=True)
    assert len(codes) == 10
    assert all(code in done.content.decode() for code in codes)
    assert client.get("/accounts/me/").status_code == 200
    assert SecurityEvent.objects.filter(
        kind=SecurityEventKind.TWO_FACTOR_ENROLLED, user=officer
    ).exists()
    # The codes are not shown again.
    assert client.get(TWO_FACTOR).status_code == 302


def test_sign_in_asks_the_code_and_a_recovery_code_works_once(team):
    officer = team["officer"]
    device = confirmed_device(officer)
    recovery = StaticDevice.objects.create(user=officer, name="recovery codes")
    recovery.token_set.create(token="abcd2345")

    client = Client()
    _password_step(client, officer.username)
    assert client.post(TWO_FACTOR, {"otp_token": "123"}).status_code == 400
    ok = client.post(TWO_FACTOR, {"otp_token": current_code(device), "next": "/accounts/team/"})
    assert ok.status_code == 302
    assert ok["Location"] == "/accounts/team/"

    # django-otp slows down wrong codes (a pause that doubles); the next try comes later.
    StaticDevice.objects.filter(user=officer).update(throttling_failure_count=0)
    other = Client()
    _password_step(other, officer.username)
    used = other.post(TWO_FACTOR, {"otp_token": "abcd 2345"})
    assert used.status_code == 302
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.RECOVERY_CODE_USED).count() == 1
    third = Client()
    _password_step(third, officer.username)
    assert third.post(TWO_FACTOR, {"otp_token": "abcd2345"}).status_code == 400


def test_an_outside_next_address_is_ignored(team):
    device = confirmed_device(team["officer"])
    client = Client()
    _password_step(client, team["officer"].username)
    response = client.post(
        TWO_FACTOR, {"otp_token": current_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/accounts/me/"


def test_the_admin_site_needs_the_second_factor():
    admin = UserFactory(username="2fa-admin", administrator=True)
    client = Client()
    client.post("/admin/login/", {"username": admin.username, "password": PASSWORD})
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(TWO_FACTOR)
    client.post(TWO_FACTOR, {"otp_token": current_code(confirmed_device(admin))})
    assert client.get("/admin/").status_code == 200


def test_a_leader_resets_an_officers_device_and_admins_see_it(team, admin_client):
    officer = team["officer"]
    confirmed_device(officer)
    leader = Client()
    leader.force_login(team["leader"])
    page = leader.get("/accounts/team/")
    assert "Reset two-factor" in page.content.decode() or "Đặt lại" in page.content.decode()
    response = leader.post(
        "/accounts/team/", {"officer": officer.pk, "two_factor_reset": "1"}, follow=True
    )
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=officer).exists()
    event = SecurityEvent.objects.get(kind=SecurityEventKind.TWO_FACTOR_RESET)
    assert (event.user, event.actor, event.office) == (officer, team["leader"], officer.office)

    # The officer enrols again at the next sign-in.
    client = Client()
    _password_step(client, officer.username)
    assert b"data:image/svg+xml" in client.get(TWO_FACTOR).content

    trail = admin_client.get("/admin/accounts/securityevent/")
    assert trail.status_code == 200
    assert str(officer) in trail.content.decode()

    # A leader of another office cannot reset this officer.
    other = Client()
    other.force_login(team["elsewhere"])
    refused = other.post("/accounts/team/", {"officer": officer.pk, "two_factor_reset": "1"})
    assert refused.status_code == 403
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.TWO_FACTOR_RESET).count() == 1
