"""The webhook event catalogue (issue #20): driven from the OpenAPI document, as an I-VAN.

The integrator files through the API, registers an endpoint for a subset of the catalogue,
and checks each signed delivery against the payload schema the document publishes for its
type (its `webhooks` section). Times carry the REST API's offset; failed deliveries say
what went wrong.
"""

from __future__ import annotations

import json
import socket

import pytest
import time_machine
from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft202012Validator

from dossiers.models import Dossier
from partners.constants import DeliveryStatus, WebhookEventType
from partners.models import WebhookDelivery
from partners.services import (
    webhook_delivery_attempt,
    webhook_endpoint_create,
    webhook_signature_verify,
)
from ratings.constants import RatingChannel
from ratings.services import Answers, rating_submit
from tests.api.conftest import file_sickness_draft, pdf_upload, session_client

pytestmark = pytest.mark.django_db

NOON_HANOI = "2026-11-24T05:00:00+00:00"  # a Tuesday, 12:00 in Hà Nội


@pytest.fixture(scope="module")
def document():
    return SchemaGenerator().get_schema(request=None, public=True)


def payload_validator(document, event_type: str) -> Draft202012Validator:
    """The schema the OpenAPI document publishes for this event type's body."""
    operation = document["webhooks"][event_type]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    root = {**schema, "components": document["components"]}
    return Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _act(client, code, action, body=None):
    response = client.post(f"/api/v1/dossiers/{code}/actions/{action}/", body or {}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def test_the_document_publishes_every_event_type_with_an_example_that_fits(document):
    assert document["openapi"].startswith("3.1")
    assert set(document["webhooks"]) == set(WebhookEventType.values)
    for event_type in WebhookEventType.values:
        operation = document["webhooks"][event_type]["post"]
        assert " / " in operation["summary"]
        media = operation["requestBody"]["content"]["application/json"]
        validator = payload_validator(document, event_type)
        examples = list(media["examples"].values())
        assert examples
        for example in examples:
            assert example["value"]["type"] == event_type
            assert not list(validator.iter_errors(example["value"]))


@time_machine.travel(NOON_HANOI, tick=True)
def test_ivan_filing_with_webhooks(
    ivan,
    sickness,
    officers,
    webhook_receiver,
    document,
    django_capture_on_commit_callbacks,
):
    _procedure, version = sickness
    # Registered through the API for a subset: every type but the rating (no bundles here).
    subset = [
        WebhookEventType.STATUS_CHANGED,
        WebhookEventType.SUPPLEMENT_REQUESTED,
        WebhookEventType.RESULT_SIGNED,
        WebhookEventType.RESULT_RETURNED,
    ]
    registered = ivan.client.post(
        "/api/v1/webhooks/",
        {"url": webhook_receiver.url, "event_types": subset},
        format="json",
    )
    assert registered.status_code == 201, registered.content
    assert registered.json()["event_types"] == subset
    secret = registered.json()["secret"]
    # A second address hears only of returned results.
    _endpoint, other_secret = webhook_endpoint_create(
        partner=ivan.partner,
        url=webhook_receiver.url + "/results",
        event_types=[WebhookEventType.RESULT_RETURNED],
    )

    counter = session_client(officers["counter"])
    leader = session_client(officers["leader"])
    officer = session_client(officers["processing"])
    with django_capture_on_commit_callbacks(execute=True):
        draft = file_sickness_draft(ivan.client, version)
    with django_capture_on_commit_callbacks(execute=True):
        code = ivan.client.post(f"/api/v1/dossiers/{draft['reference']}/submit/").json()["code"]
    steps = [
        (counter, "accept", None),
        (leader, "assign", {"officer": officers["processing"].pk}),
        (officer, "request_supplement", {"reason": "Thiếu giấy", "items": ["Giấy ra viện"]}),
    ]
    for client, action, body in steps:
        with django_capture_on_commit_callbacks(execute=True):
            _act(client, code, action, body)
    upload = ivan.client.post(
        f"/api/v1/dossiers/{code}/documents/",
        {"component": "hospital_discharge_paper", "file": pdf_upload("giay-ra-vien.pdf")},
        format="multipart",
    )
    assert upload.status_code == 201, upload.content
    with django_capture_on_commit_callbacks(execute=True):
        _act(ivan.client, code, "supply", {"note": "Đã bổ sung"})
    for client, action, body in [
        (officer, "send_to_appraisal", None),
        (officer, "approve", {"decision_text": "Đủ điều kiện hưởng."}),
        (leader, "sign", None),
        (counter, "return_result", {"delivery": "electronic"}),
    ]:
        with django_capture_on_commit_callbacks(execute=True):
            _act(client, code, action, body)
    dossier = Dossier.objects.get(code=code)
    with django_capture_on_commit_callbacks(execute=True):
        rating_submit(
            dossier=dossier,
            rater=None,
            channel=RatingChannel.TABLET,
            answers=Answers(score=5, timeliness=5, attitude=5, guidance=5, trips_needed=0),
        )

    received = {"main": [], "results": []}
    for request in webhook_receiver.requests:
        path = "results" if request.path.endswith("/results") else "main"
        key = other_secret if path == "results" else secret
        assert webhook_signature_verify(
            secret=key,
            timestamp=request.headers["X-VSS-Timestamp"],
            body=request.body,
            signature=request.headers["X-VSS-Signature"],
        )
        payload = json.loads(request.body)
        assert request.headers["X-VSS-Event"] == payload["type"]
        errors = list(payload_validator(document, payload["type"]).iter_errors(payload))
        assert not errors, (payload["type"], [e.message for e in errors])
        # The same offset as the REST API: Vietnam time.
        assert payload["occurred_at"].endswith("+07:00")
        received[path].append(payload)

    types = [payload["type"] for payload in received["main"]]
    assert set(types) == set(subset)  # the subset, and no rating
    states = [p["dossier"]["state"] for p in received["main"] if p["type"] == subset[0]]
    assert states[:4] == ["submitted", "received", "in_processing", "supplement_requested"]
    assert states[-1] == "returned"
    supplement = next(p for p in received["main"] if p["type"] == subset[1])
    assert supplement["supplement"]["items"] == ["Giấy ra viện"]
    signed = next(p for p in received["main"] if p["type"] == subset[2])
    assert signed["result"]["outcome"] == "approved"
    assert [p["type"] for p in received["results"]] == [WebhookEventType.RESULT_RETURNED]
    # The procedure as the REST API gives it.
    rest = ivan.client.get(f"/api/v1/dossiers/{code}/").json()
    assert received["results"][0]["dossier"]["procedure"] == rest["procedure"]
    assert received["results"][0]["dossier"]["due_at"] == rest["due_at"]


def test_a_rating_reaches_the_partner_that_subscribed(
    ivan, sickness, officers, webhook_receiver, document, django_capture_on_commit_callbacks
):
    _procedure, version = sickness
    webhook_endpoint_create(
        partner=ivan.partner,
        url=webhook_receiver.url,
        event_types=[WebhookEventType.RATING_RECEIVED],
    )
    draft = file_sickness_draft(ivan.client, version)
    code = ivan.client.post(f"/api/v1/dossiers/{draft['reference']}/submit/").json()["code"]
    counter = session_client(officers["counter"])
    leader = session_client(officers["leader"])
    officer = session_client(officers["processing"])
    for client, action, body in [
        (counter, "accept", None),
        (leader, "assign", {"officer": officers["processing"].pk}),
        (officer, "send_to_appraisal", None),
        (officer, "approve", {"decision_text": "Đủ điều kiện hưởng."}),
        (leader, "sign", None),
        (counter, "return_result", {"delivery": "electronic"}),
    ]:
        _act(client, code, action, body)
    assert webhook_receiver.requests == []  # none of these is a rating
    with django_capture_on_commit_callbacks(execute=True):
        rating_submit(
            dossier=Dossier.objects.get(code=code),
            rater=None,
            channel=RatingChannel.TABLET,
            answers=Answers(score=2, timeliness=2, attitude=3, guidance=2, trips_needed=3),
        )
    [request] = webhook_receiver.requests
    payload = json.loads(request.body)
    assert payload["type"] == "dossier.rating_received"
    assert payload["rating"] == {"score": 2, "channel": "tablet", "changed": False}
    assert not list(payload_validator(document, payload["type"]).iter_errors(payload))


def test_endpoint_subscriptions_are_checked_and_changed_through_the_api(ivan, webhook_receiver):
    unknown = ivan.client.post(
        "/api/v1/webhooks/",
        {"url": webhook_receiver.url, "event_types": ["dossier.exploded"]},
        format="json",
    )
    assert unknown.status_code == 400
    assert unknown["Content-Type"].startswith("application/problem+json")
    created = ivan.client.post("/api/v1/webhooks/", {"url": webhook_receiver.url}, format="json")
    assert created.json()["event_types"] == []  # every type
    endpoint_id = created.json()["id"]
    changed = ivan.client.patch(
        f"/api/v1/webhooks/{endpoint_id}/",
        {"event_types": ["dossier.result_returned", "dossier.status_changed"]},
        format="json",
    )
    assert changed.status_code == 200
    # Catalogue order, whatever order they were sent in.
    assert changed.json()["event_types"] == ["dossier.status_changed", "dossier.result_returned"]
    kept = ivan.client.patch(
        f"/api/v1/webhooks/{endpoint_id}/", {"description": "x"}, format="json"
    )
    assert kept.json()["event_types"] == ["dossier.status_changed", "dossier.result_returned"]


def test_a_failed_delivery_records_the_status_or_the_network_error(
    ivan, sickness, webhook_receiver, django_capture_on_commit_callbacks
):
    _procedure, version = sickness
    endpoint, _secret = webhook_endpoint_create(partner=ivan.partner, url=webhook_receiver.url)
    webhook_receiver.status = 503
    draft = file_sickness_draft(ivan.client, version)
    with django_capture_on_commit_callbacks(execute=True):
        ivan.client.post(f"/api/v1/dossiers/{draft['reference']}/submit/")
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)  # retried later
    assert delivery.last_response_code == 503
    assert delivery.last_error == "HTTP 503 Service Unavailable"

    # Nobody listens on this port any more: the connection is refused, and said so.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.PENDING)
    type(endpoint).objects.filter(pk=endpoint.pk).update(
        url=f"http://127.0.0.1:{closed_port}/vss-events"
    )
    with time_machine.travel("2030-01-01T00:00:00+00:00"):
        webhook_delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.last_response_code is None
    assert delivery.last_error.startswith("ConnectionRefusedError: ")
    assert "refused" in delivery.last_error.lower()
