"""Login protection (django-axes, accounts/lockout.py): repeated failures per account and
address and per address lock sign-in for a cool-down that grows (issue #18)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from axes.models import AccessFailureLog
from django.contrib.auth import SESSION_KEY
from django.test import Client

from accounts.constants import Role, SecurityEventKind
from accounts.models import SecurityEvent
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOON = dt.datetime(2026, 11, 24, 12, 0, tzinfo=VN)
LOGIN = "/accounts/login/"
ATTACKER = "203.0.113.7"
HOME = "198.51.100.20"


def _try(client, identifier, password, address=ATTACKER, path=LOGIN):
    return client.post(path, {"username": identifier, "password": password}, REMOTE_ADDR=address)


def _signed_in(client) -> bool:
    return SESSION_KEY in client.session


@pytest.fixture
def citizen():
    return UserFactory(citizen=True)


def test_thirty_wrong_passwords_then_the_right_one_is_refused_until_the_cool_down(
    settings, citizen
):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=5)
    with time_machine.travel(NOON, tick=False) as clock:
        client = Client()
        for attempt in range(30):
            response = _try(client, citizen.national_id, f"wrong-{attempt}")
        assert response.status_code == 429
        right = _try(client, citizen.national_id, PASSWORD)
        assert right.status_code == 429
        assert not _signed_in(client)
        html = right.content.decode()
        assert 'role="alert"' in html
        assert "Đăng nhập tạm dừng" in html or "Sign-in paused" in html
        assert int(right["Retry-After"]) > 60 * 60  # the cool-down grew past the first 5 min

        # After 5 minutes (the first cool-down) it is still locked: 30 failures weigh more.
        clock.move_to(NOON + dt.timedelta(minutes=6))
        assert _try(client, citizen.national_id, PASSWORD).status_code == 429
        clock.move_to(NOON + dt.timedelta(hours=6))
        response = _try(client, citizen.national_id, PASSWORD)
        assert response.status_code == 302
        assert _signed_in(client)

    events = SecurityEvent.objects.filter(kind=SecurityEventKind.LOCKOUT)
    assert events.count() == 1  # one lockout, however many tries during it
    assert events.get().user == citizen
    assert AccessFailureLog.objects.filter(locked_out=True).exists()


def test_a_short_run_of_failures_cools_down_quickly(settings, citizen):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=5)
    with time_machine.travel(NOON, tick=False) as clock:
        client = Client()
        for attempt in range(5):
            _try(client, citizen.national_id, f"wrong-{attempt}")
        assert _try(client, citizen.national_id, PASSWORD).status_code == 429
        clock.move_to(NOON + dt.timedelta(minutes=11))  # 5 min, doubled by the sixth try
        assert _try(client, citizen.national_id, PASSWORD).status_code == 302


def test_an_attacker_elsewhere_cannot_lock_the_citizen_out(settings, citizen):
    settings.AXES_FAILURE_LIMIT = 5
    with time_machine.travel(NOON, tick=False):
        attacker = Client()
        for attempt in range(30):
            _try(attacker, citizen.national_id, f"wrong-{attempt}", address=ATTACKER)
        citizen_client = Client()
        response = _try(citizen_client, citizen.national_id, PASSWORD, address=HOME)
    assert response.status_code == 302
    assert _signed_in(citizen_client)


def test_changing_the_case_of_the_e_mail_does_not_reset_the_count(settings):
    settings.AXES_FAILURE_LIMIT = 3
    user = UserFactory(citizen=True, email="an.nguyen@example.vn")
    client = Client()
    for variant in ("an.nguyen@example.vn", "AN.NGUYEN@example.vn", " An.Nguyen@Example.vn"):
        _try(client, variant, "wrong")
    assert _try(client, user.email, PASSWORD).status_code == 429


def test_one_address_trying_many_accounts_is_locked_by_the_address_limit(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 12
    victims = [UserFactory(citizen=True) for _ in range(4)]
    client = Client()
    statuses = [
        _try(client, victim.national_id, f"wrong-{attempt}").status_code
        for victim in victims[:3]
        for attempt in range(4)  # under the account limit each
    ]
    assert statuses == [200] * 11 + [429]  # the 12th failure from the address locks it
    response = _try(client, victims[3].national_id, PASSWORD)
    assert response.status_code == 429
    # Someone else at another address is not affected.
    assert _try(Client(), victims[3].national_id, PASSWORD, address=HOME).status_code == 302


def test_a_successful_sign_in_clears_only_its_own_count(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    sprayer = UserFactory(citizen=True)
    victims = [UserFactory(citizen=True) for _ in range(2)]
    client = Client()
    for victim in victims:
        for attempt in range(4):
            _try(client, victim.national_id, f"wrong-{attempt}")
    # Signing in to an own account does not wipe the address count.
    _try(Client(), sprayer.national_id, PASSWORD)
    assert _try(client, victims[0].national_id, PASSWORD).status_code == 429


@pytest.mark.parametrize(
    ("path", "role"),
    [(LOGIN, Role.COUNTER_OFFICER), ("/admin/login/", Role.ADMINISTRATOR)],
)
def test_staff_and_admin_sign_in_forms_are_protected_too(settings, path, role):
    settings.AXES_FAILURE_LIMIT = 5
    user = UserFactory(username=f"lock-{role}", role=role, is_staff=role == Role.ADMINISTRATOR)
    client = Client()
    for attempt in range(5):
        _try(client, user.username, f"wrong-{attempt}", path=path)
    response = _try(client, user.username, PASSWORD, path=path)
    assert response.status_code == 429
    assert not _signed_in(client)


def test_an_api_client_gets_problem_json(settings, citizen):
    settings.AXES_FAILURE_LIMIT = 2
    client = Client()
    for _ in range(2):
        _try(client, citizen.national_id, "wrong")
    response = client.post(
        LOGIN,
        {"username": citizen.national_id, "password": PASSWORD},
        REMOTE_ADDR=ATTACKER,
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "sign_in_locked"


def test_an_administrator_unlocks_with_the_axes_command(settings, citizen):
    from django.core.management import call_command

    settings.AXES_FAILURE_LIMIT = 2
    client = Client()
    for _ in range(2):
        _try(client, citizen.national_id, "wrong")
    assert _try(client, citizen.national_id, PASSWORD).status_code == 429
    call_command("axes_reset_username", citizen.national_id)
    assert _try(client, citizen.national_id, PASSWORD).status_code == 302
