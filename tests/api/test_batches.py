"""Employer batch filing: item by item, with a per-item result and partial failure."""

import base64

import pytest

from dossiers.constants import DossierState
from dossiers.models import Dossier
from partners.models import PartnerBatch, PartnerFiling
from tests.api.conftest import SICKNESS, pdf_bytes, required_values

pytestmark = pytest.mark.django_db


def _item(version, external_id, *, documents=True, **overrides):
    item = {
        "external_id": external_id,
        "province_code": 1,
        "data": required_values(version, **overrides),
    }
    if documents:
        item["documents"] = [
            {
                "component": "medical_leave_certificate",
                "file_name": f"{external_id}.pdf",
                "content": base64.b64encode(pdf_bytes()).decode(),
            }
        ]
    return item


def _file(client, items, *, submit=True, procedure=SICKNESS, **headers):
    return client.post(
        "/api/v1/batches/",
        {"procedure": procedure, "submit": submit, "items": items},
        format="json",
        **headers,
    )


def test_a_batch_with_good_incomplete_and_invalid_items_files_each_on_its_own(employer, sickness):
    _procedure, version = sickness
    items = [
        _item(version, "NV-1"),
        _item(version, "NV-2", documents=False),
        _item(version, "NV-3", si_code="12"),
        {"external_id": "NV-4", "data": "not an object"},
        _item(version, "NV-5"),
    ]

    response = _file(employer.client, items)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["summary"] == {"total": 5, "submitted": 2, "drafts": 1, "rejected": 2}
    results = {r["external_id"] or r["index"]: r for r in body["items"]}
    assert results["NV-1"]["status"] == "submitted"
    assert results["NV-1"]["dossier"]["code"]
    assert results["NV-2"]["status"] == "draft"
    assert results["NV-2"]["missing"]
    assert results["NV-3"]["status"] == "rejected"
    assert results["NV-3"]["dossier"] is None
    assert results["NV-3"]["errors"][0]["field"] == "data.si_code"
    assert results[3]["status"] == "rejected"
    assert results[3]["errors"][0]["field"] == "data"
    assert [r["index"] for r in body["items"]] == [0, 1, 2, 3, 4]

    # Rejected items left nothing behind; the others are the employer's filings.
    assert Dossier.objects.count() == 3
    assert Dossier.objects.filter(state=DossierState.SUBMITTED).count() == 2
    filings = PartnerFiling.objects.filter(batch__reference=body["reference"])
    assert {f.external_id for f in filings} == {"NV-1", "NV-2", "NV-5"}
    assert {f.employer_unit_code for f in filings} == {"0101234567"}
    listed = employer.client.get("/api/v1/dossiers/").json()["results"]
    assert len(listed) == 3


def test_a_bad_document_rejects_only_its_item_and_stores_nothing(employer, sickness):
    _procedure, version = sickness
    broken = _item(version, "NV-1")
    broken["documents"][0]["content"] = base64.b64encode(b"MZ not a pdf").decode()
    not_base64 = _item(version, "NV-2")
    not_base64["documents"][0]["content"] = "%%%"

    body = _file(employer.client, [broken, not_base64, _item(version, "NV-3")]).json()

    statuses = [r["status"] for r in body["items"]]
    assert statuses == ["rejected", "rejected", "submitted"]
    assert body["items"][0]["errors"][0]["code"] == "unknown_type"
    assert body["items"][1]["errors"][0]["field"] == "documents[0].content"
    assert Dossier.objects.count() == 1


def test_drafts_only_when_submit_is_false(employer, sickness):
    _procedure, version = sickness

    body = _file(employer.client, [_item(version, "NV-1")], submit=False).json()

    assert body["items"][0]["status"] == "draft"
    assert body["items"][0]["missing"] == []
    assert Dossier.objects.get().state == DossierState.DRAFT


def test_a_repeated_batch_with_its_key_files_nothing_twice(employer, sickness):
    _procedure, version = sickness
    items = [_item(version, "NV-1"), _item(version, "NV-2", si_code="1")]

    first = _file(employer.client, items, HTTP_IDEMPOTENCY_KEY="list-2026-11")
    again = _file(employer.client, items, HTTP_IDEMPOTENCY_KEY="list-2026-11")
    other = _file(employer.client, items[:1], HTTP_IDEMPOTENCY_KEY="list-2026-11")

    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert other.status_code == 422
    assert Dossier.objects.count() == 1
    assert PartnerBatch.objects.count() == 1


def test_the_envelope_is_checked_before_any_item(employer, catalogue):
    empty = _file(employer.client, [])
    unknown = _file(employer.client, [{"data": {}}], procedure="no-such-procedure")
    individual = _file(employer.client, [{"data": {}}], procedure="maternity-benefit-direct")
    too_many = _file(employer.client, [{"data": {}}] * 501)

    assert empty.status_code == 400
    assert unknown.status_code == 400
    assert individual.status_code == 422
    assert individual.json()["code"] == "intake_refused"
    assert too_many.status_code == 400
    assert Dossier.objects.count() == 0


def test_a_batch_is_read_back_by_its_employer_only(employer, make_partner, sickness):
    _procedure, version = sickness
    created = _file(employer.client, [_item(version, "NV-1")])
    other = make_partner(kind="employer", name="Another employer", unit="0109876543")

    mine = employer.client.get(created["Location"])
    theirs = other.client.get(created["Location"])

    assert mine.status_code == 200
    assert mine.json() == created.json()
    assert theirs.status_code == 404


def test_batch_filing_statements_grow_by_a_bounded_constant_per_item(employer, sickness):
    """Statements per item are a constant (no look-up repeated per item: the version in
    force and the calendar are read once per batch), whatever the batch's size."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _procedure, version = sickness
    counts = {}
    for size in (2, 6):
        items = [_item(version, f"Q{size}-{n}") for n in range(size)]
        with CaptureQueriesContext(connection) as captured:
            response = _file(employer.client, items)
        assert response.status_code == 201, response.content
        assert response.json()["summary"]["submitted"] == size
        counts[size] = len(captured.captured_queries)
    per_item = (counts[6] - counts[2]) / 4
    # The bulk path (issue #15): one INSERT each for the dossiers, filings, documents and
    # events, one code allocation per office; per item only the registry's once-only
    # check of the applicant is left (was 34 per item through the services one by one).
    assert per_item <= 2
    # The request's fixed part: token, batch, version and its components, the inserts,
    # the code allocation and the summary; and the registry learning the items' applicant
    # once (3 statements: the sample CCCD now agrees with its birth date, so it is learned).
    assert counts[2] - 2 * per_item <= 28


def test_a_batch_of_fifty_is_filed_in_a_bounded_number_of_statements(
    employer, sickness, django_assert_max_num_queries
):
    _procedure, version = sickness
    items = [_item(version, f"NV-{n}") for n in range(50)]

    with django_assert_max_num_queries(25 + 2 * 50):
        response = _file(employer.client, items)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["summary"] == {"total": 50, "submitted": 50, "drafts": 0, "rejected": 0}
    codes = [item["dossier"]["code"] for item in body["items"]]
    # One allocation for the office and day: consecutive serials, in the items' order.
    serials = [int(code.rsplit("-", 1)[1]) for code in codes]
    assert serials == list(range(serials[0], serials[0] + 50))
    assert Dossier.objects.filter(code__in=codes, state=DossierState.SUBMITTED).count() == 50


def test_an_item_filed_in_bulk_leaves_the_trail_the_services_leave(employer, sickness):
    from dossiers.constants import EventKind
    from outbox.models import OutboxMessage
    from outbox.services import message_deliver
    from partners.models import WebhookDelivery, WebhookEndpoint

    _procedure, version = sickness
    WebhookEndpoint.objects.create(
        partner=employer.partner, url="https://hr.example.vn/hooks", secret="s" * 40
    )

    body = _file(employer.client, [_item(version, "NV-1"), _item(version, "NV-2")]).json()

    dossier = Dossier.objects.get(code=body["items"][0]["dossier"]["code"])
    # Created, form saved, one file added, submitted: the services' revisions and events.
    assert dossier.revision == 4
    kinds = list(dossier.events.order_by("created_at", "id").values_list("kind", flat=True))
    assert kinds == [
        EventKind.CREATED,
        EventKind.SAVED,
        EventKind.DOCUMENT_ADDED,
        EventKind.SUBMITTED,
    ]
    document = dossier.documents.get()
    added = dossier.events.get(kind=EventKind.DOCUMENT_ADDED)
    assert added.payload["document_id"] == document.pk
    assert document.file.read() == pdf_bytes()
    assert dossier.applicant_province_code == 1
    assert dossier.competent_office_id == dossier.receiving_office_id is not None
    assert dossier.due_at is not None
    assert dossier.draft_expires_at is None
    # The employer's endpoint hears of each submission once: an outbox row per submission,
    # committed with the batch, whose delivery (the relay's work after the commit, which a
    # test transaction never reaches) writes the webhook.
    rows = OutboxMessage.objects.filter(handler="partners.handlers.webhooks_for_event")
    assert rows.count() == 2
    for row in rows:
        message_deliver(message_id=row.pk)
    deliveries = WebhookDelivery.objects.filter(endpoint__partner=employer.partner)
    assert deliveries.count() == 2
    assert {d.payload["dossier"]["state"] for d in deliveries} == {DossierState.SUBMITTED}


def test_a_failing_bulk_write_files_every_item_one_by_one(employer, sickness, monkeypatch):
    from django.db import DatabaseError

    from partners.services import bulk_filing

    _procedure, version = sickness

    def broken(**kwargs):
        raise DatabaseError("simulated")

    monkeypatch.setattr(bulk_filing, "_write", broken)

    body = _file(employer.client, [_item(version, "NV-1"), _item(version, "NV-2")]).json()

    assert body["summary"] == {"total": 2, "submitted": 2, "drafts": 0, "rejected": 0}
    assert Dossier.objects.filter(state=DossierState.SUBMITTED).count() == 2


def test_every_dossier_filed_in_bulk_gets_its_reception_slip(
    employer, sickness, django_capture_on_commit_callbacks
):
    from dossiers.constants import SlipKind
    from dossiers.models import Slip

    _procedure, version = sickness

    with django_capture_on_commit_callbacks(execute=True):
        body = _file(employer.client, [_item(version, "NV-1"), _item(version, "NV-2")]).json()

    codes = {item["dossier"]["code"] for item in body["items"]}
    slips = Slip.objects.filter(kind=SlipKind.RECEPTION).values_list("dossier__code", flat=True)
    assert set(slips) == codes
