"""Partners register and manage their webhook endpoints through the API (issue #9)."""

import hashlib
import hmac
import json

import pytest
from rest_framework.test import APIClient

from dossiers.models import Dossier
from dossiers.services import dossier_accept
from partners.constants import WEBHOOK_MAX_ACTIVE_ENDPOINTS, DeliveryStatus, PartnerKind, Scope
from partners.models import WebhookDelivery, WebhookEndpoint
from tests.api.conftest import file_sickness_draft, session_client

pytestmark = pytest.mark.django_db

HOOKS = "/api/v1/webhooks/"


def _register(client, url, **headers):
    return client.post(HOOKS, {"url": url, "description": "Production"}, format="json", **headers)


def _file_and_submit(partner, sickness) -> str:
    body = file_sickness_draft(partner.client, sickness[1])
    return partner.client.post(f"/api/v1/dossiers/{body['reference']}/submit/").json()["code"]


def _accept(code, officers, capture):
    with capture(execute=True):
        dossier_accept(dossier=Dossier.objects.get(code=code), officer=officers["counter"])


def _signed_by(received, secret) -> bool:
    timestamp = received.headers["X-VSS-Timestamp"]
    expected = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + received.body, hashlib.sha256
    ).hexdigest()
    return received.headers["X-VSS-Signature"] == f"sha256={expected}"


def test_a_registered_endpoint_receives_the_partners_status_events_signed(
    ivan, sickness, officers, webhook_receiver, django_capture_on_commit_callbacks
):
    response = _register(ivan.client, webhook_receiver.url)

    assert response.status_code == 201, response.content
    created = response.json()
    assert created["secret"].startswith("whsec_")
    assert response["Location"].endswith(f"/api/v1/webhooks/{created['id']}/")
    listed = ivan.client.get(HOOKS).json()["results"]  # one page, by cursor like every list
    assert [e["url"] for e in listed] == [webhook_receiver.url]
    assert "secret" not in listed[0]  # shown once only

    code = _file_and_submit(ivan, sickness)
    _accept(code, officers, django_capture_on_commit_callbacks)

    received = webhook_receiver.requests[-1]
    assert json.loads(received.body)["dossier"]["code"] == code
    assert json.loads(received.body)["dossier"]["state"] == "received"
    assert _signed_by(received, created["secret"])


def test_bad_addresses_are_refused_field_by_field(ivan, settings):
    settings.WEBHOOK_ALLOW_HTTP = False
    for url, fragment in [
        ("http://ivan.example.vn/hook", "https"),
        ("not a url", "https"),
    ]:
        response = _register(ivan.client, url)
        assert response.status_code == 400
        assert response["Content-Type"].startswith("application/problem+json")
        assert response.json()["errors"][0]["field"] == "url"
        assert fragment in response.json()["errors"][0]["message"]

    assert _register(ivan.client, "https://ivan.example.vn/hook").status_code == 201
    duplicate = _register(ivan.client, "https://ivan.example.vn/hook")
    assert duplicate.status_code == 400
    assert duplicate.json()["errors"][0]["field"] == "url"
    empty = ivan.client.post(HOOKS, {}, format="json")
    assert empty.status_code == 400
    assert empty.json()["errors"][0]["field"] == "url"


def test_a_partner_has_at_most_a_few_active_endpoints(ivan):
    for number in range(WEBHOOK_MAX_ACTIVE_ENDPOINTS):
        assert _register(ivan.client, f"https://ivan.example.vn/h{number}").status_code == 201

    refused = _register(ivan.client, "https://ivan.example.vn/one-more")
    assert refused.status_code == 400
    first = WebhookEndpoint.objects.order_by("id").first()
    assert ivan.client.delete(f"{HOOKS}{first.pk}/").status_code == 204
    assert _register(ivan.client, "https://ivan.example.vn/one-more").status_code == 201


def test_registering_is_idempotent_with_a_key(ivan):
    first = _register(ivan.client, "https://ivan.example.vn/hook", HTTP_IDEMPOTENCY_KEY="k-1")
    again = _register(ivan.client, "https://ivan.example.vn/hook", HTTP_IDEMPOTENCY_KEY="k-1")
    other = _register(ivan.client, "https://ivan.example.vn/other", HTTP_IDEMPOTENCY_KEY="k-1")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert WebhookEndpoint.objects.count() == 1
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"


def test_partners_see_and_change_only_their_own_endpoints(ivan, make_partner, officers):
    mine = _register(ivan.client, "https://ivan.example.vn/hook").json()
    other = make_partner(kind=PartnerKind.IVAN, name="Công ty I-VAN khác")
    url = f"{HOOKS}{mine['id']}/"

    assert other.client.get(HOOKS).json()["results"] == []
    assert other.client.get(url).status_code == 404
    assert other.client.patch(url, {"is_active": False}, format="json").status_code == 404
    assert other.client.delete(url).status_code == 404
    assert other.client.post(f"{url}rotate-secret/").status_code == 404
    assert other.client.get(f"{url}deliveries/").status_code == 404
    assert WebhookEndpoint.objects.get().is_active

    facility = make_partner(kind=PartnerKind.HEALTH_FACILITY, name="Bệnh viện Bạch Mai")
    assert facility.client.get(HOOKS).status_code == 403
    no_scope = make_partner(kind=PartnerKind.IVAN, name="I-VAN", scopes=[Scope.DOSSIERS_READ])
    assert no_scope.client.get(HOOKS).status_code == 403
    assert session_client(officers["counter"]).get(HOOKS).status_code == 403
    assert APIClient().get(HOOKS).status_code == 401


def test_a_paused_endpoint_receives_nothing_and_a_rotated_secret_signs_what_follows(
    ivan, sickness, officers, webhook_receiver, django_capture_on_commit_callbacks
):
    created = _register(ivan.client, webhook_receiver.url).json()
    url = f"{HOOKS}{created['id']}/"
    paused = ivan.client.patch(url, {"is_active": False}, format="json")
    assert paused.status_code == 200
    assert paused.json()["is_active"] is False

    with django_capture_on_commit_callbacks(execute=True):
        code = _file_and_submit(ivan, sickness)
    assert webhook_receiver.requests == []
    assert WebhookDelivery.objects.count() == 0

    ivan.client.patch(url, {"is_active": True}, format="json")
    rotated = ivan.client.post(f"{url}rotate-secret/")
    assert rotated.status_code == 200
    new_secret = rotated.json()["secret"]
    assert new_secret != created["secret"]

    with django_capture_on_commit_callbacks(execute=True):
        accepted = session_client(officers["counter"]).post(
            f"/api/v1/dossiers/{code}/actions/accept/", {}, format="json"
        )
    assert accepted.status_code == 200
    received = webhook_receiver.requests[-1]
    assert json.loads(received.body)["dossier"]["state"] == "received"
    assert _signed_by(received, new_secret)
    assert not _signed_by(received, created["secret"])


def test_the_delivery_log_shows_failures_and_a_redelivery_sends_again(
    ivan, sickness, officers, webhook_receiver, django_capture_on_commit_callbacks
):
    created = _register(ivan.client, webhook_receiver.url).json()
    webhook_receiver.status = 500
    code = _file_and_submit(ivan, sickness)  # the submission is queued too, not yet sent
    _accept(code, officers, django_capture_on_commit_callbacks)

    log = ivan.client.get(f"{HOOKS}{created['id']}/deliveries/").json()
    accepted = log["results"][0]
    assert accepted["dossier_code"] == code
    assert accepted["payload"]["dossier"]["state"] == "received"
    assert (accepted["status"], accepted["attempts"], accepted["last_response_code"]) == (
        DeliveryStatus.PENDING,
        1,
        500,
    )
    failing = ivan.client.get(f"{HOOKS}{created['id']}/deliveries/", {"status": "pending"})
    assert {d["reference"] for d in failing.json()["results"]} >= {accepted["reference"]}
    bad_filter = ivan.client.get(f"{HOOKS}{created['id']}/deliveries/", {"status": "nonsense"})
    assert bad_filter.status_code == 400

    webhook_receiver.status = 204
    with django_capture_on_commit_callbacks(execute=True):
        redelivered = ivan.client.post(
            f"{HOOKS}{created['id']}/deliveries/{accepted['reference']}/redeliver/"
        )

    assert redelivered.status_code == 202
    delivery = WebhookDelivery.objects.get(reference=accepted["reference"])
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 2)
    unknown = ivan.client.post(
        f"{HOOKS}{created['id']}/deliveries/00000000-0000-0000-0000-000000000000/redeliver/"
    )
    assert unknown.status_code == 404


def test_an_address_registered_under_older_rules_can_still_be_paused_and_stopped(ivan, settings):
    settings.WEBHOOK_ALLOW_HTTP = True
    created = _register(ivan.client, "http://ivan.example.vn/hook").json()
    settings.WEBHOOK_ALLOW_HTTP = False  # production rules: https only
    url = f"{HOOKS}{created['id']}/"

    paused = ivan.client.patch(url, {"is_active": False}, format="json")
    assert paused.status_code == 200, paused.content
    assert ivan.client.delete(url).status_code == 204
    moved = ivan.client.patch(url, {"url": "http://ivan.example.vn/other"}, format="json")
    assert moved.status_code == 400  # a new address must follow today's rules
    assert moved.json()["errors"][0]["field"] == "url"
