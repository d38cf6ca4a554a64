"""Rate-limited answers say the quota: RateLimit-Limit, -Remaining, -Reset, and Retry-After
on a 429; the OpenAPI document declares them."""

import datetime as dt

import pytest
import time_machine
from drf_spectacular.generators import SchemaGenerator

from partners.constants import PartnerKind

pytestmark = pytest.mark.django_db

MOMENT = "2026-11-24 09:00:00 +0700"


def test_a_token_sees_its_quota_count_down_and_the_429_says_when_to_retry(make_partner, catalogue):
    slow = make_partner(kind=PartnerKind.IVAN, name="Slow", rate=2)

    with time_machine.travel(MOMENT, tick=False) as clock:
        first = slow.client.get("/api/v1/dossiers/")
        clock.shift(dt.timedelta(seconds=15))
        second = slow.client.get("/api/v1/dossiers/")
        clock.shift(dt.timedelta(seconds=5))
        limited = slow.client.get("/api/v1/dossiers/")

    assert (first.status_code, second.status_code, limited.status_code) == (200, 200, 429)
    assert first["RateLimit-Limit"] == "2"
    assert (first["RateLimit-Remaining"], second["RateLimit-Remaining"]) == ("1", "0")
    assert first["RateLimit-Reset"] == "60"
    # The first request of the window leaves it 40 seconds after the third one.
    assert limited["RateLimit-Remaining"] == "0"
    assert limited["RateLimit-Reset"] == "40"
    assert limited["Retry-After"] == "40"


def test_a_session_user_gets_the_user_rate(citizen_client, settings):
    response = citizen_client.get("/api/v1/dossiers/")

    assert response.status_code == 200
    assert response["RateLimit-Limit"] == "600"
    assert response["RateLimit-Remaining"] == "599"


def test_pages_outside_the_api_carry_no_rate_limit_headers(client, catalogue):
    assert "RateLimit-Limit" not in client.get("/")


def test_the_openapi_document_declares_the_headers():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    responses = schema["paths"]["/api/v1/dossiers/"]["get"]["responses"]

    assert {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"} <= set(
        responses["200"]["headers"]
    )
    assert "Retry-After" in responses["429"]["headers"]
    assert "Retry-After" not in responses["200"]["headers"]
