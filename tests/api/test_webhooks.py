"""Signed webhooks for dossier status events: enqueueing, signing, retries, the log."""

import datetime as dt
import hashlib
import hmac
import json
import time

import pytest
import time_machine
from django.utils import timezone

from dossiers.constants import DossierState, EventKind
from dossiers.models import DossierEvent
from dossiers.services import dossier_accept, event_append
from outbox.models import OutboxMessage
from outbox.services import message_deliver
from partners.constants import WEBHOOK_MAX_ATTEMPTS, DeliveryStatus
from partners.models import WebhookDelivery
from partners.services import (
    webhook_delivery_attempt,
    webhook_endpoint_create,
    webhook_redeliver,
    webhook_signature_verify,
    webhooks_enqueue_for_event,
)
from partners.tasks import webhook_deliveries_sweep
from tests.api.conftest import file_sickness_draft, session_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(ivan, sickness):
    """A dossier the I-VAN partner filed and submitted through the API."""
    _procedure, version = sickness
    body = file_sickness_draft(ivan.client, version)
    submitted = ivan.client.post(f"/api/v1/dossiers/{body['reference']}/submit/").json()
    return submitted


@pytest.fixture
def endpoint(ivan, webhook_receiver):
    endpoint, secret = webhook_endpoint_create(partner=ivan.partner, url=webhook_receiver.url)
    return endpoint, secret


def _outbox_delivered(event):
    """What the outbox relay does after the commit: the event's webhook row is delivered
    (its deliveries written; their sending is left to the test)."""
    for row in OutboxMessage.objects.filter(
        handler="partners.handlers.webhooks_for_event", ref_id=event.pk
    ):
        message_deliver(message_id=row.pk)


def _accept(filed, officers):
    from dossiers.models import Dossier

    dossier = Dossier.objects.get(code=filed["code"])
    dossier_accept(dossier=dossier, officer=officers["counter"])
    return DossierEvent.objects.filter(dossier=dossier).latest("id")


def test_a_status_event_reaches_the_partner_signed(
    filed, endpoint, officers, webhook_receiver, django_capture_on_commit_callbacks
):
    endpoint, secret = endpoint
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        event = _accept(filed, officers)  # an outbox row of the state change itself
    assert OutboxMessage.objects.filter(
        handler="partners.handlers.webhooks_for_event", ref_id=event.pk
    ).exists()
    assert not WebhookDelivery.objects.exists()  # nothing is queued or sent before the commit
    assert webhook_receiver.requests == []
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    deliveries = list(WebhookDelivery.objects.all())

    assert len(deliveries) == 1
    assert len(webhook_receiver.requests) == 1
    received = webhook_receiver.requests[0]
    timestamp = received.headers["X-VSS-Timestamp"]
    signature = received.headers["X-VSS-Signature"]
    # Verified the way a partner would, independently of the portal's helper.
    expected = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + received.body, hashlib.sha256
    ).hexdigest()
    assert signature == f"sha256={expected}"
    assert abs(int(timestamp) - time.time()) < 60
    assert webhook_signature_verify(
        secret=secret, timestamp=timestamp, body=received.body, signature=signature
    )
    payload = json.loads(received.body)
    assert payload["type"] == "dossier.status_changed"
    assert payload["event_id"] == event.pk
    assert payload["dossier"]["code"] == filed["code"]
    assert payload["dossier"]["state"] == "received"
    assert payload["dossier"]["previous_state"] == "submitted"
    assert received.headers["X-VSS-Delivery"] == str(deliveries[0].reference)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_response_code) == (
        DeliveryStatus.DELIVERED,
        1,
        204,
    )


def test_a_tampered_or_old_or_foreign_signature_does_not_verify(endpoint):
    _endpoint, secret = endpoint
    body = b'{"event_id":1}'
    now = int(time.time())
    from partners.services import webhook_signature

    good = webhook_signature(secret=secret, timestamp=now, body=body)

    assert webhook_signature_verify(secret=secret, timestamp=str(now), body=body, signature=good)
    assert not webhook_signature_verify(
        secret=secret, timestamp=str(now), body=body + b" ", signature=good
    )
    assert not webhook_signature_verify(
        secret=secret, timestamp=str(now + 1), body=body, signature=good
    )
    assert not webhook_signature_verify(
        secret="whsec_other", timestamp=str(now), body=body, signature=good
    )
    old = webhook_signature(secret=secret, timestamp=now - 3600, body=body)
    assert not webhook_signature_verify(
        secret=secret, timestamp=str(now - 3600), body=body, signature=old
    )
    assert not webhook_signature_verify(secret=secret, timestamp="x", body=body, signature=good)


def test_failures_are_retried_with_backoff_then_delivered(
    filed, endpoint, officers, webhook_receiver, django_capture_on_commit_callbacks
):
    webhook_receiver.status = 503
    with django_capture_on_commit_callbacks(execute=True):
        event = _accept(filed, officers)

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 1
    assert delivery.last_response_code == 503
    wait = delivery.next_retry_at - timezone.now()
    assert dt.timedelta(seconds=20) < wait <= dt.timedelta(seconds=30)

    assert webhook_deliveries_sweep() == 0  # not due yet
    webhook_receiver.status = 200
    with time_machine.travel(delivery.next_retry_at + dt.timedelta(seconds=1)):
        assert webhook_deliveries_sweep() == 1

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 2)
    assert len(webhook_receiver.requests) == 2
    # The same event id both times: the partner can drop the duplicate.
    assert {json.loads(r.body)["event_id"] for r in webhook_receiver.requests} == {event.pk}


def test_retries_stop_after_the_last_attempt_and_on_a_client_error(
    filed, endpoint, officers, webhook_receiver, django_capture_on_commit_callbacks
):
    webhook_receiver.status = 500
    with django_capture_on_commit_callbacks(execute=True):
        _accept(filed, officers)
    delivery = WebhookDelivery.objects.get()
    for _ in range(WEBHOOK_MAX_ATTEMPTS - 1):
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_retry_at=timezone.now())
        webhook_delivery_attempt(delivery_id=delivery.pk)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, WEBHOOK_MAX_ATTEMPTS)
    assert delivery.next_retry_at is None

    webhook_receiver.status = 410
    webhook_redeliver(delivery=delivery)
    # In these tests on_commit callbacks do not run: run the queued attempt by hand.
    outcome = webhook_delivery_attempt(delivery_id=delivery.pk)
    assert outcome.status == DeliveryStatus.FAILED
    assert outcome.retry_in is None  # a 4xx is not worth retrying


def test_an_unreachable_endpoint_is_retried(filed, ivan, officers, settings):
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    webhook_endpoint_create(partner=ivan.partner, url="http://127.0.0.1:9/closed")
    _outbox_delivered(_accept(filed, officers))
    delivery = WebhookDelivery.objects.get()

    outcome = webhook_delivery_attempt(delivery_id=delivery.pk)

    delivery = WebhookDelivery.objects.get()
    assert outcome.retry_in == 30
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_response_code is None
    assert delivery.last_error


def test_redelivery_sends_a_delivered_event_again(
    filed, endpoint, officers, webhook_receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _accept(filed, officers)
    delivery = WebhookDelivery.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        webhook_redeliver(delivery=delivery)

    assert len(webhook_receiver.requests) == 2
    assert WebhookDelivery.objects.get().attempts == 2


def test_only_state_changes_of_partner_filings_are_queued_and_only_once(
    filed, endpoint, officers, citizen_client, sickness
):
    from dossiers.models import Dossier
    from tests.api.conftest import CITIZEN_KNOWN

    event = _accept(filed, officers)
    _outbox_delivered(event)
    assert WebhookDelivery.objects.get().event_id == event.pk  # queued by the state change
    dossier = Dossier.objects.get(code=filed["code"])
    note = event_append(dossier=dossier, kind=EventKind.DUE_SOON, actor=None)
    citizen_body = file_sickness_draft(citizen_client, sickness[1], known=CITIZEN_KNOWN)
    citizen_client.post(f"/api/v1/dossiers/{citizen_body['reference']}/submit/")
    citizen_event = DossierEvent.objects.filter(
        dossier__reference=citizen_body["reference"], kind=EventKind.SUBMITTED
    ).get()

    assert webhooks_enqueue_for_event(event_id=event.pk) == []  # a retry queues nothing twice
    assert webhooks_enqueue_for_event(event_id=note.pk) == []
    assert webhooks_enqueue_for_event(event_id=citizen_event.pk) == []
    assert webhooks_enqueue_for_event(event_id=10**9) == []
    assert WebhookDelivery.objects.count() == 1


def test_webhook_urls_must_be_https(ivan):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        webhook_endpoint_create(partner=ivan.partner, url="http://partner.example.vn/hook")
    endpoint, secret = webhook_endpoint_create(
        partner=ivan.partner, url="https://partner.example.vn/hook"
    )
    assert secret.startswith("whsec_")


def test_an_api_action_on_a_partner_filing_queues_its_webhook(
    filed, endpoint, officers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = session_client(officers["counter"]).post(
            f"/api/v1/dossiers/{filed['code']}/actions/accept/", {}, format="json"
        )

    assert response.json()["state"] == DossierState.RECEIVED
    delivery = WebhookDelivery.objects.get()
    assert delivery.payload["dossier"]["state"] == "received"


def test_a_retry_queued_twice_is_sent_once_and_not_early(
    filed, endpoint, officers, webhook_receiver, django_capture_on_commit_callbacks
):
    webhook_receiver.status = 503
    with django_capture_on_commit_callbacks(execute=True):
        _accept(filed, officers)
    delivery = WebhookDelivery.objects.get()

    early = webhook_delivery_attempt(delivery_id=delivery.pk)  # e.g. queued by the sweep too

    assert early.status == DeliveryStatus.PENDING
    assert early.retry_in is None
    assert WebhookDelivery.objects.get().attempts == 1
    assert len(webhook_receiver.requests) == 1
