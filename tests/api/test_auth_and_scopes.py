"""Token authentication, scopes, partner kinds, per-token rate limits, CSRF for sessions."""

import hashlib

import pytest
from rest_framework.test import APIClient

from partners.constants import PartnerKind, Scope
from partners.models import PartnerToken
from partners.services import partner_token_revoke, partner_update
from tests.api.conftest import SICKNESS

pytestmark = pytest.mark.django_db


def test_tokens_are_stored_as_sha256_only(ivan):
    token = PartnerToken.objects.get(pk=ivan.token.pk)

    assert token.key_hash == hashlib.sha256(ivan.secret.encode()).hexdigest()
    assert ivan.secret.startswith("vss_")
    assert token.key_prefix == ivan.secret[:12]
    stored = [str(v) for v in PartnerToken.objects.values().get(pk=token.pk).values()]
    assert ivan.secret not in stored


def test_no_credentials_is_401_with_the_token_challenge(catalogue):
    response = APIClient().get("/api/v1/dossiers/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Token realm="api"'
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    "header",
    ["Token vss_unknown", "Token", "Token a b", "token " + "x" * 300, "Token \u00e9t\u00e9"],
)
def test_unknown_or_malformed_tokens_are_401(ivan, header):
    client = APIClient()

    response = client.get("/api/v1/dossiers/", HTTP_AUTHORIZATION=header)

    assert response.status_code == 401


def test_a_revoked_token_or_deactivated_partner_stops_working_at_once(ivan, make_partner):
    assert ivan.client.get("/api/v1/dossiers/").status_code == 200
    partner_token_revoke(token=ivan.token)
    assert ivan.client.get("/api/v1/dossiers/").status_code == 401

    other = make_partner(kind=PartnerKind.IVAN, name="Other I-VAN")
    partner_update(
        partner=other.partner, name=other.partner.name, employer_unit_code="", is_active=False
    )
    assert other.client.get("/api/v1/dossiers/").status_code == 401


def test_use_is_recorded(ivan):
    assert PartnerToken.objects.get(pk=ivan.token.pk).last_used_at is None

    ivan.client.get("/api/v1/dossiers/")

    assert PartnerToken.objects.get(pk=ivan.token.pk).last_used_at is not None


def test_read_scope_allows_reading_only(make_partner, catalogue):
    reader = make_partner(kind=PartnerKind.IVAN, name="Reader", scopes=[Scope.DOSSIERS_READ])

    listed = reader.client.get("/api/v1/dossiers/")
    created = reader.client.post("/api/v1/dossiers/", {"procedure": SICKNESS}, format="json")

    assert listed.status_code == 200
    assert created.status_code == 403
    assert created.json()["code"] == "permission_denied"


def test_write_scope_without_read_cannot_list(make_partner, catalogue):
    writer = make_partner(kind=PartnerKind.IVAN, name="Writer", scopes=[Scope.DOSSIERS_WRITE])

    assert writer.client.get("/api/v1/dossiers/").status_code == 403
    created = writer.client.post("/api/v1/dossiers/", {"procedure": SICKNESS}, format="json")
    assert created.status_code == 201


def test_a_token_only_uses_scopes_its_kind_allows(health_facility, catalogue):
    # Even if a scope got onto the row outside the admin, the kind does not allow it.
    PartnerToken.objects.filter(pk=health_facility.token.pk).update(
        scopes=[Scope.HI_CARD_LOOKUP, Scope.DOSSIERS_READ]
    )

    assert health_facility.client.get("/api/v1/dossiers/").status_code == 403


def test_partner_only_endpoints_refuse_sessions_and_other_kinds(
    citizen_client, ivan, employer, health_facility
):
    assert citizen_client.post("/api/v1/batches/", {}, format="json").status_code == 403
    assert ivan.client.post("/api/v1/batches/", {}, format="json").status_code == 403
    assert employer.client.get("/api/v1/hi-cards/001090012345/").status_code == 403
    assert citizen_client.get("/api/v1/hi-cards/001090012345/").status_code == 403


def test_scopes_outside_the_kind_cannot_be_granted(health_facility):
    from django.core.exceptions import ValidationError

    from partners.services import partner_token_create

    with pytest.raises(ValidationError) as raised:
        partner_token_create(
            partner=health_facility.partner,
            name="too much",
            scopes=[Scope.BATCH_FILING],
            rate_limit_per_minute=10,
        )
    assert "scopes" in raised.value.message_dict


def test_each_token_has_its_own_rate_limit(make_partner, catalogue):
    slow = make_partner(kind=PartnerKind.IVAN, name="Slow", rate=2)
    fast = make_partner(kind=PartnerKind.IVAN, name="Fast", rate=50)

    statuses = [slow.client.get("/api/v1/dossiers/").status_code for _ in range(3)]
    limited = slow.client.get("/api/v1/dossiers/")

    assert statuses == [200, 200, 429]
    assert limited["Content-Type"] == "application/problem+json"
    assert int(limited["Retry-After"]) > 0
    assert [fast.client.get("/api/v1/dossiers/").status_code for _ in range(5)] == [200] * 5


def test_session_writes_need_the_csrf_token(citizen, catalogue):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(citizen)

    refused = client.post("/api/v1/dossiers/", {"procedure": SICKNESS}, format="json")
    token = "abcdefghijklmnopqrstuvwxyz012345"  # a CSRF secret, as the cookie holds it
    client.cookies["csrftoken"] = token
    accepted = client.post(
        "/api/v1/dossiers/", {"procedure": SICKNESS}, format="json", HTTP_X_CSRFTOKEN=token
    )

    assert refused.status_code == 403
    assert accepted.status_code == 201


def test_a_token_request_needs_no_csrf_token(ivan, catalogue):
    ivan.client.handler.enforce_csrf_checks = True

    response = ivan.client.post("/api/v1/dossiers/", {"procedure": SICKNESS}, format="json")

    assert response.status_code == 201
