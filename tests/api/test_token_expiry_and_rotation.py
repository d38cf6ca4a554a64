"""Partner tokens expire, and a partner rotates its token with a grace period (issue #18)."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from rest_framework.test import APIClient

from partners.models import PartnerToken
from partners.services import partner_token_create, partner_token_revoke

VN = ZoneInfo("Asia/Ho_Chi_Minh")
ISSUED = dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN)
LIST = "/api/v1/dossiers/"
ROTATE = "/api/v1/token/rotate/"


def _client(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


@pytest.mark.django_db
def test_a_token_expires_after_its_lifetime_with_a_clear_problem(settings, make_partner):
    settings.PARTNER_TOKEN_LIFETIME_DAYS = 365
    with time_machine.travel(ISSUED, tick=False) as clock:
        ivan = make_partner(kind="ivan", name="I-VAN A")
        assert ivan.token.expires_at == ISSUED + dt.timedelta(days=365)
        clock.move_to(ISSUED + dt.timedelta(days=364, hours=23))
        assert ivan.client.get(LIST).status_code == 200
        clock.move_to(ISSUED + dt.timedelta(days=365, seconds=1))
        response = ivan.client.get(LIST)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "token_expired"
    assert "hết hạn" in body["detail"]  # "expired", in the portal's default language
    assert response["WWW-Authenticate"] == 'Token realm="api"'


@pytest.mark.django_db
def test_rotation_issues_a_new_token_and_the_old_one_works_for_the_grace_period(
    settings, make_partner
):
    settings.PARTNER_TOKEN_ROTATION_GRACE_HOURS = 72
    with time_machine.travel(ISSUED, tick=False) as clock:
        ivan = make_partner(kind="ivan", name="I-VAN B")
        response = ivan.client.post(ROTATE)
        assert response.status_code == 201, response.content
        assert response["Cache-Control"] == "no-store"
        body = response.json()
        new = _client(body["secret"])
        assert body["scopes"] == sorted(ivan.token.scopes)
        assert dt.datetime.fromisoformat(body["previous_token_expires_at"]) == ISSUED + (
            dt.timedelta(hours=72)
        )
        # Both work during the grace period.
        assert new.get(LIST).status_code == 200
        clock.move_to(ISSUED + dt.timedelta(hours=71))
        assert ivan.client.get(LIST).status_code == 200
        # Rotating the same token again is refused: rotate its replacement.
        again = ivan.client.post(ROTATE)
        assert again.status_code == 400
        assert again.json()["code"] == "validation_error"
        clock.move_to(ISSUED + dt.timedelta(hours=72, seconds=1))
        assert ivan.client.get(LIST).json()["code"] == "token_expired"
        assert new.get(LIST).status_code == 200
    old = PartnerToken.objects.get(pk=ivan.token.pk)
    assert old.replaced_by_id == body["id"]


@pytest.mark.django_db
def test_a_revoked_token_stays_revoked_not_expired(make_partner):
    ivan = make_partner(kind="ivan", name="I-VAN C")
    partner_token_revoke(token=ivan.token)
    response = ivan.client.post(ROTATE)
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


@pytest.mark.django_db
def test_a_browser_session_has_no_token_to_rotate(citizen_client):
    response = citizen_client.post(ROTATE)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
def test_the_management_command_and_the_admin_action_rotate(make_partner, admin_client):
    with time_machine.travel(ISSUED, tick=False):
        ivan = make_partner(kind="ivan", name="I-VAN D")
        out = io.StringIO()
        call_command("rotate_partner_token", str(ivan.token.pk), "--grace-hours", "0", stdout=out)
        secret = out.getvalue().split("secret (shown once): ")[1].strip()
        assert _client(secret).get(LIST).status_code == 200
        assert ivan.client.get(LIST).json()["code"] == "token_expired"

        replacement = PartnerToken.objects.get(replaces__pk=ivan.token.pk)
        page = admin_client.post(
            "/admin/partners/partnertoken/",
            {"action": "rotate", "_selected_action": [replacement.pk]},
        )
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert PartnerToken.objects.get(pk=replacement.pk).replaced_by_id is not None
    newest = PartnerToken.objects.get(replaces__pk=replacement.pk)
    assert newest.key_prefix in page.content.decode()


@pytest.mark.django_db
def test_tokens_made_by_the_service_all_expire(make_partner):
    ivan = make_partner(kind="ivan", name="I-VAN E")
    _token, _secret = partner_token_create(
        partner=ivan.partner, name="second", scopes=[], rate_limit_per_minute=10
    )
    assert not PartnerToken.objects.filter(expires_at__isnull=True).exists()
