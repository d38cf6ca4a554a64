"""Partners are managed in the admin: tokens shown once, revoked, webhooks redelivered."""

import hashlib
import re

import pytest

from partners.constants import DeliveryStatus, PartnerKind, Scope
from partners.models import Partner, PartnerToken, WebhookDelivery, WebhookEndpoint
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(administrator=True, username="api-admin"))
    return client


def _secret(response, prefix: str) -> str:
    match = re.search(rf'<code id="secret"[^>]*>({prefix}[^<]+)</code>', response.content.decode())
    assert match, response.content.decode()[:2000]
    return match.group(1)


def test_creating_a_partner_creates_its_service_account(admin_client):
    response = admin_client.post(
        "/admin/partners/partner/add/",
        {"name": "Công ty May Việt Tiến", "kind": "employer", "employer_unit_code": "0101234567"},
    )

    assert response.status_code == 302
    partner = Partner.objects.get()
    assert partner.user.has_usable_password() is False
    assert partner.employer_unit_code == "0101234567"


def test_an_employer_needs_a_valid_unit_code(admin_client):
    missing = admin_client.post(
        "/admin/partners/partner/add/", {"name": "X", "kind": "employer", "employer_unit_code": ""}
    )
    wrong = admin_client.post(
        "/admin/partners/partner/add/",
        {"name": "X", "kind": "employer", "employer_unit_code": "12"},
    )

    assert missing.status_code == wrong.status_code == 200  # the form again, with errors
    assert Partner.objects.count() == 0


def test_a_new_token_is_shown_once_and_stored_hashed(admin_client, employer):
    response = admin_client.post(
        "/admin/partners/partnertoken/add/",
        {
            "partner": employer.partner.pk,
            "name": "Payroll system",
            "scopes": [Scope.BATCH_FILING, Scope.DOSSIERS_WRITE],
            "rate_limit_per_minute": 60,
        },
    )

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = _secret(response, "vss_")
    token = PartnerToken.objects.get(name="Payroll system")
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.scopes == [Scope.BATCH_FILING, Scope.DOSSIERS_WRITE]
    change_page = admin_client.get(f"/admin/partners/partnertoken/{token.pk}/change/")
    assert secret not in change_page.content.decode()
    assert token.key_prefix in change_page.content.decode()


def test_the_admin_refuses_scopes_the_kind_cannot_have(admin_client, health_facility):
    response = admin_client.post(
        "/admin/partners/partnertoken/add/",
        {
            "partner": health_facility.partner.pk,
            "name": "Too much",
            "scopes": [Scope.BATCH_FILING],
            "rate_limit_per_minute": 60,
        },
    )

    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not PartnerToken.objects.filter(name="Too much").exists()


def test_revoke_action(admin_client, ivan):
    response = admin_client.post(
        "/admin/partners/partnertoken/",
        {"action": "revoke", "_selected_action": [ivan.token.pk]},
    )

    assert response.status_code == 302
    token = PartnerToken.objects.get(pk=ivan.token.pk)
    assert token.revoked_at is not None
    assert token.is_active is False
    assert ivan.client.get("/api/v1/dossiers/").status_code == 401


def test_a_new_webhook_endpoint_shows_its_signing_secret(admin_client, ivan):
    response = admin_client.post(
        "/admin/partners/webhookendpoint/add/",
        {"partner": ivan.partner.pk, "url": "https://ivan.example.vn/vss", "description": ""},
    )

    secret = _secret(response, "whsec_")
    assert WebhookEndpoint.objects.get().secret == secret


def test_the_admin_subscribes_an_endpoint_to_a_subset_of_events(admin_client, ivan):
    admin_client.post(
        "/admin/partners/webhookendpoint/add/",
        {
            "partner": ivan.partner.pk,
            "url": "https://ivan.example.vn/vss",
            "description": "",
            "event_types": ["dossier.result_returned", "dossier.status_changed"],
        },
    )
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.event_types == ["dossier.status_changed", "dossier.result_returned"]
    assert endpoint.receives("dossier.status_changed")
    assert not endpoint.receives("dossier.rating_received")
    page = admin_client.get(f"/admin/partners/webhookendpoint/{endpoint.pk}/change/")
    assert page.status_code == 200
    assert b"dossier.rating_received" in page.content  # every type can be chosen


def test_a_webhook_url_must_be_https(admin_client, ivan):
    response = admin_client.post(
        "/admin/partners/webhookendpoint/add/",
        {"partner": ivan.partner.pk, "url": "http://ivan.example.vn/vss", "description": ""},
    )

    assert response.status_code == 200
    assert WebhookEndpoint.objects.count() == 0


def test_redeliver_action_sends_again(
    admin_client, ivan, sickness, officers, webhook_receiver, django_capture_on_commit_callbacks
):
    from dossiers.models import Dossier, DossierEvent
    from dossiers.services import dossier_accept
    from partners.services import webhook_endpoint_create
    from tests.api.conftest import file_sickness_draft

    webhook_endpoint_create(partner=ivan.partner, url=webhook_receiver.url)
    body = file_sickness_draft(ivan.client, sickness[1])
    code = ivan.client.post(f"/api/v1/dossiers/{body['reference']}/submit/").json()["code"]
    webhook_receiver.status = 400
    with django_capture_on_commit_callbacks(execute=True):
        dossier = dossier_accept(
            dossier=Dossier.objects.get(code=code), officer=officers["counter"]
        )
    event = DossierEvent.objects.filter(dossier=dossier).latest("id")
    delivery = WebhookDelivery.objects.get(event=event)
    assert delivery.status == DeliveryStatus.FAILED

    webhook_receiver.status = 200
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/partners/webhookdelivery/",
            {"action": "redeliver", "_selected_action": [delivery.pk]},
        )

    assert response.status_code == 302
    delivery = WebhookDelivery.objects.get(event=event)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 2)
    log = admin_client.get(f"/admin/partners/webhookdelivery/{delivery.pk}/change/")
    assert log.status_code == 200


def test_admin_lists_render(admin_client, ivan):
    for model in ["partner", "partnertoken", "webhookendpoint", "webhookdelivery"]:
        assert admin_client.get(f"/admin/partners/{model}/").status_code == 200
    for model in ["partnerbatch", "partnerfiling"]:
        assert admin_client.get(f"/admin/partners/{model}/").status_code == 200
    assert admin_client.get(f"/admin/partners/partner/{ivan.partner.pk}/change/").status_code == 200
    assert Partner.objects.get(pk=ivan.partner.pk).kind == PartnerKind.IVAN


def test_deactivating_a_partner_in_the_admin_locks_out_its_tokens(admin_client, ivan):
    management = {
        f"{prefix}-{field}": value
        for prefix in ("tokens", "webhook_endpoints")
        for field, value in (
            ("TOTAL_FORMS", "0"),
            ("INITIAL_FORMS", "0"),
            ("MIN_NUM_FORMS", "0"),
            ("MAX_NUM_FORMS", "1000"),
        )
    }
    response = admin_client.post(
        f"/admin/partners/partner/{ivan.partner.pk}/change/",
        {"name": "Công ty I-VAN (ngừng)", "employer_unit_code": "", **management},
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    partner = Partner.objects.get(pk=ivan.partner.pk)
    assert partner.is_active is False
    assert partner.name == "Công ty I-VAN (ngừng)"
    assert ivan.client.get("/api/v1/dossiers/").status_code == 401
