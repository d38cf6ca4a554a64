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
