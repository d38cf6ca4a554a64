"""ETag / If-Match on dossier updates, and Idempotency-Key on creating POSTs."""

import pytest

from dossiers.models import Dossier, DossierDocument, IdempotencyRecord
from tests.api.conftest import CITIZEN_KNOWN, SICKNESS, file_sickness_draft, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(citizen_client, sickness):
    response = citizen_client.post("/api/v1/dossiers/", {"procedure": SICKNESS}, format="json")
    return response.json(), response["ETag"]


def _patch(client, reference, etag=None, **data):
    headers = {} if etag is None else {"HTTP_IF_MATCH": etag}
    return client.patch(f"/api/v1/dossiers/{reference}/", {"data": data}, format="json", **headers)


# --- ETag ----------------------------------------------------------------------------


def test_get_returns_the_etag_of_the_current_revision(citizen_client, draft):
    body, etag = draft

    response = citizen_client.get(f"/api/v1/dossiers/{body['reference']}/")

    assert response["ETag"] == etag == f'"{Dossier.objects.get().revision}"'


def test_update_without_if_match_is_refused_with_428(citizen_client, draft):
    body, _etag = draft

    response = _patch(citizen_client, body["reference"], bank_name="Vietcombank")

    assert response.status_code == 428
    assert response.json()["code"] == "precondition_required"
    assert "bank_name" not in Dossier.objects.get().data


def test_two_writers_the_second_with_the_old_etag_gets_412(citizen_client, draft):
    body, etag = draft

    first = _patch(citizen_client, body["reference"], etag, bank_name="Vietcombank")
    second = _patch(citizen_client, body["reference"], etag, bank_name="BIDV")

    assert first.status_code == 200
    assert first["ETag"] != etag
    assert second.status_code == 412
    assert second["Content-Type"] == "application/problem+json"
    assert Dossier.objects.get().data["bank_name"] == "Vietcombank"
    # With the new ETag the second writer succeeds.
    third = _patch(citizen_client, body["reference"], first["ETag"], bank_name="BIDV")
    assert third.status_code == 200
    assert Dossier.objects.get().data["bank_name"] == "BIDV"


@pytest.mark.parametrize(
    ("header", "expected"),
    [('W/"{r}"', 412), ('"999", "{r}"', 200), ("*", 200), ("garbage", 412), ('"abc"', 412)],
)
def test_if_match_forms(citizen_client, draft, header, expected):
    body, _etag = draft
    revision = Dossier.objects.get().revision

    response = _patch(
        citizen_client, body["reference"], header.format(r=revision), bank_name="Agribank"
    )

    assert response.status_code == expected


def test_an_upload_changes_the_etag(citizen_client, draft):
    body, etag = draft

    citizen_client.post(
        f"/api/v1/dossiers/{body['reference']}/documents/",
        {"component": "medical_leave_certificate", "file": pdf_upload()},
        format="multipart",
    )

    assert _patch(citizen_client, body["reference"], etag, bank_name="x").status_code == 412


# --- Idempotency-Key -----------------------------------------------------------------


def test_create_with_the_same_key_twice_creates_one_draft(citizen_client, sickness):
    payload = {"procedure": SICKNESS, "data": {"bank_name": "Vietcombank"}}

    first = citizen_client.post(
        "/api/v1/dossiers/", payload, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    again = citizen_client.post(
        "/api/v1/dossiers/", payload, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )

    assert first.status_code == again.status_code == 201
    assert first.json()["reference"] == again.json()["reference"]
    assert "Idempotent-Replayed" not in first
    assert again["Idempotent-Replayed"] == "true"
    assert Dossier.objects.count() == 1
    assert IdempotencyRecord.objects.get().dossier_id == Dossier.objects.get().pk


def test_reusing_a_key_for_a_different_request_is_refused(citizen_client, sickness):
    citizen_client.post(
        "/api/v1/dossiers/", {"procedure": SICKNESS}, format="json", HTTP_IDEMPOTENCY_KEY="k-2"
    )

    different = citizen_client.post(
        "/api/v1/dossiers/",
        {"procedure": "old-age-pension"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-2",
    )

    assert different.status_code == 422
    assert different.json()["code"] == "idempotency_key_reused"
    assert Dossier.objects.count() == 1


def test_keys_belong_to_their_client(citizen_client, other_citizen_client, ivan, sickness):
    for client in (citizen_client, other_citizen_client, ivan.client):
        response = client.post(
            "/api/v1/dossiers/", {"procedure": SICKNESS}, format="json", HTTP_IDEMPOTENCY_KEY="same"
        )
        assert response.status_code == 201
        assert "Idempotent-Replayed" not in response

    assert Dossier.objects.count() == 3


def test_a_failed_create_leaves_the_key_free(citizen_client, sickness):
    failed = citizen_client.post(
        "/api/v1/dossiers/",
        {"procedure": SICKNESS, "data": {"si_code": "1"}},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-3",
    )
    fixed = citizen_client.post(
        "/api/v1/dossiers/",
        {"procedure": SICKNESS, "data": {"si_code": "0123456789"}},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-3",
    )

    assert failed.status_code == 400
    assert fixed.status_code == 201
    assert "Idempotent-Replayed" not in fixed


def test_invalid_keys_are_refused(citizen_client, sickness):
    response = citizen_client.post(
        "/api/v1/dossiers/",
        {"procedure": SICKNESS},
        format="json",
        HTTP_IDEMPOTENCY_KEY="x" * 129,
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_idempotency_key"


def test_upload_with_the_same_key_twice_stores_one_document(citizen_client, draft):
    body, _etag = draft
    url = f"/api/v1/dossiers/{body['reference']}/documents/"
    data = {"component": "medical_leave_certificate"}

    first = citizen_client.post(
        url, {**data, "file": pdf_upload()}, format="multipart", HTTP_IDEMPOTENCY_KEY="u-1"
    )
    again = citizen_client.post(
        url, {**data, "file": pdf_upload()}, format="multipart", HTTP_IDEMPOTENCY_KEY="u-1"
    )
    other_file = citizen_client.post(
        url,
        {**data, "file": pdf_upload("other.pdf")},
        format="multipart",
        HTTP_IDEMPOTENCY_KEY="u-1",
    )

    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert again["Idempotent-Replayed"] == "true"
    assert DossierDocument.objects.count() == 1
    # The same bytes under another name are the same file: a replay, not a new request.
    assert other_file.status_code == 201


def test_submit_with_a_key_is_repeatable_and_the_key_is_bound_to_its_dossier(
    citizen_client, sickness
):
    _procedure, version = sickness
    one = file_sickness_draft(citizen_client, version, known=CITIZEN_KNOWN)
    two = file_sickness_draft(citizen_client, version, known=CITIZEN_KNOWN)

    first = citizen_client.post(
        f"/api/v1/dossiers/{one['reference']}/submit/", HTTP_IDEMPOTENCY_KEY="s-1"
    )
    again = citizen_client.post(
        f"/api/v1/dossiers/{one['reference']}/submit/",
        HTTP_IDEMPOTENCY_KEY="s-1",
        HTTP_IF_MATCH=f'"{one["revision"]}"',  # stale by now, but this is a replay
    )
    other = citizen_client.post(
        f"/api/v1/dossiers/{two['reference']}/submit/", HTTP_IDEMPOTENCY_KEY="s-1"
    )

    assert first.status_code == again.status_code == 200
    assert first.json()["code"] == again.json()["code"]
    assert again["Idempotent-Replayed"] == "true"
    assert other.status_code == 422
    assert Dossier.objects.get(reference=two["reference"]).code is None


def test_keys_are_forgotten_after_their_time_to_live_and_the_dossier_stays(
    citizen_client, sickness, settings
):
    import datetime as dt

    import time_machine

    from dossiers.tasks import idempotency_records_purge_task

    payload = {"procedure": SICKNESS}
    citizen_client.post("/api/v1/dossiers/", payload, format="json", HTTP_IDEMPOTENCY_KEY="old")
    assert idempotency_records_purge_task() == 0  # still young

    later = dt.datetime.now(tz=dt.UTC) + dt.timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS + 1)
    with time_machine.travel(later):
        assert idempotency_records_purge_task() == 1
        assert idempotency_records_purge_task() == 0
        again = citizen_client.post(
            "/api/v1/dossiers/", payload, format="json", HTTP_IDEMPOTENCY_KEY="old"
        )

    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again  # a new request: the old key is gone
    assert Dossier.objects.count() == 2
