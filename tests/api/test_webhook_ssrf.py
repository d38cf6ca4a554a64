"""Webhooks never reach the portal's own machine or private networks (SSRF)."""

import socket

import pytest
from django.core.exceptions import ValidationError

from partners.constants import DeliveryStatus
from partners.models import WebhookDelivery, WebhookEndpoint
from partners.services import webhook_delivery_attempt, webhook_endpoint_create
from tests.api.test_webhooks import _accept, _outbox_delivered, filed  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

REFUSED = [
    "https://127.0.0.1/hook",
    "https://127.1.2.3:8443/hook",
    "https://localhost/hook",
    "https://api.localhost/hook",
    "https://[::1]/hook",
    "https://[::ffff:127.0.0.1]/hook",
    "https://10.0.0.1/hook",
    "https://172.16.5.4/hook",
    "https://192.168.1.10/hook",
    "https://169.254.169.254/latest/meta-data/",
    "https://[fe80::1]/hook",
    "https://[fd00::1]/hook",
    "https://100.64.0.1/hook",
    "https://224.0.0.1/hook",
    "https://0.0.0.0/hook",
    "https://240.0.0.1/hook",
]


@pytest.mark.parametrize("url", REFUSED)
def test_registration_refuses_addresses_off_the_public_internet(ivan, url):
    with pytest.raises(ValidationError) as error:
        webhook_endpoint_create(partner=ivan.partner, url=url)

    assert "loopback" in str(error.value.message_dict["url"])  # named in both languages
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("url", ["https://127.0.0.1/hook", "https://169.254.169.254/"])
def test_the_api_answers_a_field_error_for_a_private_address(ivan, url):
    response = ivan.client.post("/api/v1/webhooks/", {"url": url}, format="json")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["field"] == "url"


def test_a_name_resolving_to_a_private_address_is_refused(ivan, monkeypatch):
    real = socket.getaddrinfo

    def fake(host, *args, **kwargs):  # DNS leaves the machine: answered here instead
        if host == "internal.partner.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", 443))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)

    with pytest.raises(ValidationError):
        webhook_endpoint_create(partner=ivan.partner, url="https://internal.partner.example/h")


def test_delivery_checks_the_address_it_connects_to(
    filed,  # noqa: F811
    ivan,
    officers,
    webhook_receiver,
    settings,
    monkeypatch,
):
    """DNS rebinding: the name was public at registration and points at the portal's own
    machine at delivery time. Nothing is sent and the log says why."""
    port = webhook_receiver.server.server_port
    endpoint, _secret = webhook_endpoint_create(
        partner=ivan.partner, url=f"http://rebind.partner.example:{port}/vss-events"
    )
    settings.WEBHOOK_ALLOWED_NETWORKS = []  # the receiver on 127.0.0.1 is not allowed now
    real = socket.getaddrinfo

    def rebound(host, *args, **kwargs):
        if host == "rebind.partner.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebound)
    _outbox_delivered(_accept(filed, officers))  # the relay's work after the commit
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)

    webhook_delivery_attempt(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert webhook_receiver.requests == []
    assert delivery.status != DeliveryStatus.DELIVERED
    assert delivery.last_error == (
        "ForbiddenAddress: host resolves to 127.0.0.1, which is not public"
    )
    assert delivery.last_response_code is None


def test_a_redirect_is_not_followed(filed, ivan, officers, webhook_receiver):  # noqa: F811
    endpoint, _secret = webhook_endpoint_create(partner=ivan.partner, url=webhook_receiver.url)
    webhook_receiver.status = 302
    _outbox_delivered(_accept(filed, officers))  # the relay's work after the commit
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)

    webhook_delivery_attempt(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert delivery.last_response_code == 302
    assert len(webhook_receiver.requests) == 1
    assert delivery.status != DeliveryStatus.DELIVERED
