"""The token endpoint's rules (no password grant, failures throttled per address), who may
consent, and what GET /api/v1/me/ tells each kind of caller."""

import datetime as dt

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from appauth.services import citizen_app_client_ensure
from tests.api.conftest import partner_client
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/oauth/token/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_the_password_grant_is_refused(client):
    citizen_app_client_ensure()
    UserFactory(citizen=True, national_id="001090012345", username="cd001090012345")

    response = client.post(
        TOKEN_URL,
        {
            "grant_type": "password",
            "username": "cd001090012345",
            "password": PASSWORD,
            "client_id": "vss-citizen-app",
        },
    )

    assert response.status_code in (400, 401)
    assert "access_token" not in response.json()


def test_failed_token_requests_from_one_address_are_throttled(client, settings):
    settings.OAUTH_TOKEN_FAILURES_PER_ADDRESS = 3
    citizen_app_client_ensure()
    wrong = {"grant_type": "authorization_code", "code": "guess", "client_id": "vss-citizen-app"}

    answers = [client.post(TOKEN_URL, wrong).status_code for _ in range(3)]
    throttled = client.post(TOKEN_URL, wrong)

    assert answers == [400, 400, 400]
    assert throttled.status_code == 429
    assert throttled["Content-Type"] == "application/problem+json"
    assert int(throttled["Retry-After"]) > 0
    assert throttled.json()["code"] == "throttled"
    # Another address is not affected.
    other = client.post(TOKEN_URL, wrong, REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 400


def test_staff_cannot_give_an_app_access(client):
    citizen_app_client_ensure()
    officer = UserFactory(counter_officer=True)
    client.force_login(officer)

    response = client.get(
        "/oauth/authorize/",
        {"response_type": "code", "client_id": "vss-citizen-app", "scope": "profile"},
    )

    assert response.status_code == 403


def test_me_tells_a_citizen_session_its_profile_and_a_partner_its_access(db):
    citizen = UserFactory(
        citizen=True, national_id="001090012345", username="cd001090012345", full_name="An"
    )
    session = APIClient()
    session.force_login(citizen)
    mine = session.get("/api/v1/me/").json()
    assert mine["kind"] == "citizen"
    assert mine["citizen"]["national_id"] == "001090012345"
    assert mine["citizen"]["identity_verified"] is False
    assert mine["app"] is None

    ivan = partner_client(kind="ivan", name="Công ty I-VAN Thái Sơn", scopes=["dossiers_read"])
    theirs = ivan.client.get("/api/v1/me/").json()
    assert theirs["kind"] == "partner"
    assert theirs["citizen"] is None
    assert theirs["partner"]["scopes"] == ["dossiers_read"]
    assert theirs["partner"]["rate_limit_per_minute"] == 1000
    # When the token stops working, so the partner can rotate it in time.
    assert (
        theirs["partner"]["expires_at"]
        == ivan.token.expires_at.astimezone(dt.timezone(dt.timedelta(hours=7))).isoformat()
    )

    anonymous = APIClient().get("/api/v1/me/")
    assert anonymous.status_code == 401
