"""Concurrent retries with one Idempotency-Key (PostgreSQL: real concurrent transactions)."""

import threading

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from dossiers.models import Dossier
from tests.api.conftest import SICKNESS

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent transactions (PostgreSQL)"
    ),
]


def test_simultaneous_creates_with_one_key_make_one_draft(citizen, catalogue):
    results = []
    barrier = threading.Barrier(8)

    def create():
        client = APIClient()
        client.force_login(citizen)
        barrier.wait()
        try:
            response = client.post(
                "/api/v1/dossiers/",
                {"procedure": SICKNESS},
                format="json",
                HTTP_IDEMPOTENCY_KEY="same-key",
            )
            results.append((response.status_code, response.json()["reference"]))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [status for status, _ref in results] == [201] * 8
    assert len({reference for _status, reference in results}) == 1
    assert Dossier.objects.count() == 1


def _at_once(count, work):
    barrier = threading.Barrier(count)

    def run(index):
        barrier.wait()
        try:
            work(index)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_simultaneous_registrations_respect_the_endpoint_limit(db):
    from partners.constants import WEBHOOK_MAX_ACTIVE_ENDPOINTS, PartnerKind
    from partners.models import WebhookEndpoint
    from tests.api.conftest import partner_client

    ivan = partner_client(kind=PartnerKind.IVAN, name="I-VAN song song")
    statuses = []

    def register(index):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {ivan.secret}")
        url = f"https://ivan.example.vn/hook-{index % (WEBHOOK_MAX_ACTIVE_ENDPOINTS + 2)}"
        statuses.append(client.post("/api/v1/webhooks/", {"url": url}, format="json").status_code)

    _at_once(12, register)

    assert sorted(set(statuses)) == [201, 400]  # refused with a field error, never a 500
    assert WebhookEndpoint.objects.filter(partner=ivan.partner).count() == (
        WEBHOOK_MAX_ACTIVE_ENDPOINTS
    )
    urls = list(WebhookEndpoint.objects.values_list("url", flat=True))
    assert len(urls) == len(set(urls))
