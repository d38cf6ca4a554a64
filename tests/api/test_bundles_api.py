"""Bundles API: a citizen files an interconnected declaration, follows it, adds documents."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from beneficiaries.bundles.constants import BundleProcedure, PartStatus
from beneficiaries.bundles.models import Bundle, BundleDocument, BundlePart
from tests.beneficiaries.factories import HealthFacilityFactory, PersonFactory
from tests.factories import UserFactory

from .conftest import pdf_upload, session_client

pytestmark = pytest.mark.django_db

PARENT_ID = "001090012345"


@pytest.fixture
def parent(db):
    return UserFactory(
        citizen=True,
        national_id=PARENT_ID,
        username=f"cd{PARENT_ID}",
        full_name="Nguyễn Văn An",
        date_of_birth=dt.date(1990, 5, 12),
        phone="0912345678",
        email="an@example.vn",
    )


@pytest.fixture
def registry(db, catalogue, offices):
    """The parent in the registry and the child's health-care facility."""
    HealthFacilityFactory(code="01001", name="Bệnh viện Nhi Trung ương", province_code=1)
    return PersonFactory(
        national_id=PARENT_ID,
        full_name="Nguyễn Văn An",
        date_of_birth=dt.date(1990, 5, 12),
        gender="male",
        current_province_code=1,
        current_commune_code=70,
        current_street="Số 12 Tràng Tiền",
    )


@pytest.fixture
def api(parent, registry):
    return session_client(parent)


def birth(**overrides) -> dict:
    data = {
        "kind": "birth",
        "applicant_phone": "0912345678",
        "applicant_email": "an@example.vn",
        "relationship": "father",
        "child_full_name": "Nguyễn Minh Khôi",
        "child_date_of_birth": (timezone.localdate() - dt.timedelta(days=5)).isoformat(),
        "child_gender": "male",
        "province": 1,
        "commune": 70,
        "street": "Số 12 Tràng Tiền",
        "want_residence": True,
        "want_hi_card": True,
        "facility": "01001",
        "return_method": "electronic",
    }
    data.update(overrides)
    return data


def death(**overrides) -> dict:
    data = {
        "kind": "death",
        "applicant_phone": "0912345678",
        "relationship": "child",
        "deceased_full_name": "Nguyễn Văn Bình",
        "deceased_national_id": "001055000111",
        "date_of_death": (timezone.localdate() - dt.timedelta(days=2)).isoformat(),
        "province": 1,
        "commune": 70,
        "street": "Số 12 Tràng Tiền",
        "want_residence_removal": True,
        "want_funeral": True,
        "deceased_status": "pensioner",
        "payment_method": "bank",
        "bank_account": "0011223344556",
        "bank_name": "Vietcombank Hà Nội",
        "return_method": "electronic",
    }
    data.update(overrides)
    return data


def _problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == code
    return body


def _parts(body) -> dict[str, dict]:
    return {part["procedure"]: part for part in body["parts"]}


def test_a_birth_bundle_filed_with_its_document_creates_its_parts(
    api, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/bundles/",
            {**birth(), "medical_birth_certificate": pdf_upload("giay-chung-sinh.pdf")},
            format="multipart",
        )
    assert response.status_code == 201, response.content
    bundle = Bundle.objects.get()
    body = response.json()
    assert body["reference"] == str(bundle.reference)
    assert response["Location"] == body["url"]
    assert set(_parts(body)) == {
        BundleProcedure.BIRTH_REGISTRATION,
        BundleProcedure.PERMANENT_RESIDENCE,
        BundleProcedure.HI_CARD_CHILD,
    }
    assert bundle.declaration["facility_label"] == "01001 - Bệnh viện Nhi Trung ương"
    assert bundle.declaration["applicant_national_id"] == PARENT_ID  # what VSS knows
    assert [d["kind"] for d in body["documents"]] == ["medical_birth_certificate"]

    # The tracker shows the VSS dossier the HI card part became, with its code.
    tracker = api.get(body["url"])
    assert tracker.status_code == 200
    card = _parts(tracker.json())[BundleProcedure.HI_CARD_CHILD]
    dossier = BundlePart.objects.get(procedure=BundleProcedure.HI_CARD_CHILD).dossier
    assert card["status"] == PartStatus.FILED
    assert card["agency"] == "vss"
    assert card["dossier"]["code"] == dossier.code
    assert card["dossier"]["url"].endswith(f"/api/v1/dossiers/{dossier.code}/")
    civil = _parts(tracker.json())[BundleProcedure.BIRTH_REGISTRATION]
    assert civil["status"] == PartStatus.COMPLETED
    assert civil["agency"] == "justice"
    assert tracker.json()["events"][0]["kind"] == "filed"


def test_a_bundle_without_its_document_waits_for_it_and_takes_it_later(
    api, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/bundles/", birth(want_hi_card=False), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(_parts(body)) == {
        BundleProcedure.BIRTH_REGISTRATION,
        BundleProcedure.PERMANENT_RESIDENCE,
    }
    assert [m["kind"] for m in body["missing_documents"]] == ["medical_birth_certificate"]
    civil = _parts(body)[BundleProcedure.BIRTH_REGISTRATION]
    assert civil["status"] == PartStatus.AWAITING_DOCUMENTS
    assert civil["documents_due_at"]

    url = f"{body['url']}documents/"
    with django_capture_on_commit_callbacks(execute=True):
        added = api.post(
            url,
            {"kind": "medical_birth_certificate", "file": pdf_upload()},
            format="multipart",
            HTTP_IDEMPOTENCY_KEY="doc-1",
        )
    assert added.status_code == 201, added.content
    assert added.json()["missing_documents"] == []
    civil = _parts(api.get(body["url"]).json())[BundleProcedure.BIRTH_REGISTRATION]
    assert civil["status"] == PartStatus.COMPLETED
    # Again: the document is no longer missing, so nothing is added twice.
    again = api.post(
        url, {"kind": "medical_birth_certificate", "file": pdf_upload()}, format="multipart"
    )
    body = _problem(again, 400, "validation_error")
    assert body["errors"][0]["field"] == "kind"
    assert BundleDocument.objects.count() == 1
    # A client that lost the first answer retries with its Idempotency-Key: the same answer.
    retried = api.post(
        url,
        {"kind": "medical_birth_certificate", "file": pdf_upload()},
        format="multipart",
        HTTP_IDEMPOTENCY_KEY="doc-1",
    )
    assert retried.status_code == 201, retried.content
    assert retried["Idempotent-Replayed"] == "true"
    assert retried.json()["missing_documents"] == []
    assert BundleDocument.objects.count() == 1


def test_a_death_bundle_files_the_funeral_allowance(api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/bundles/",
            {**death(), "death_notice": pdf_upload("giay-bao-tu.pdf")},
            format="multipart",
        )
    assert response.status_code == 201, response.content
    funeral = _parts(response.json())[BundleProcedure.FUNERAL_ALLOWANCE]
    assert funeral["agency"] == "vss"
    bundle = Bundle.objects.get()
    assert bundle.declaration["bank_account"] == "0011223344556"
    assert BundleProcedure.SURVIVOR_ALLOWANCE not in _parts(response.json())


def test_my_bundles_are_listed_newest_first_and_others_are_private(
    api, parent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post("/api/v1/bundles/", birth(), format="json").json()
        second = api.post("/api/v1/bundles/", death(), format="json").json()
    listed = api.get("/api/v1/bundles/")
    assert listed.status_code == 200
    results = listed.json()["results"]
    assert [b["reference"] for b in results] == [second["reference"], first["reference"]]
    assert results[0]["kind"] == "death"
    assert {p["procedure"] for p in results[1]["parts"]} >= {BundleProcedure.HI_CARD_CHILD}

    stranger = session_client(UserFactory(citizen=True))
    assert stranger.get("/api/v1/bundles/").json()["results"] == []
    _problem(stranger.get(first["url"]), 404, "not_found")
    response = stranger.post(
        f"{first['url']}documents/",
        {"kind": "medical_birth_certificate", "file": pdf_upload()},
        format="multipart",
    )
    _problem(response, 404, "not_found")


def test_the_list_reads_a_fixed_number_of_queries(
    api, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            api.post("/api/v1/bundles/", birth(), format="json")
    with django_assert_max_num_queries(8):
        response = api.get("/api/v1/bundles/")
    assert len(response.json()["results"]) == 3


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"child_date_of_birth": "2099-01-01"}, "child_date_of_birth"),
        ({"child_date_of_birth": "2015-01-01"}, "child_date_of_birth"),  # too old for the card
        ({"child_date_of_birth": "not a date"}, "child_date_of_birth"),
        ({"other_parent_national_id": "12345"}, "other_parent_national_id"),
        ({"commune": 26506}, "commune"),  # a commune of another province
        ({"province": 99}, "province"),
        ({"facility": ""}, "facility"),
        ({"applicant_phone": "12"}, "applicant_phone"),
        ({"child_full_name": ""}, "child_full_name"),
        ({"child_full_name": ["a", "list"]}, "child_full_name"),
        ({"kind": "marriage"}, "kind"),
        ({"relationship": "spouse"}, "relationship"),  # a death declaration's answer
    ],
)
def test_bad_declarations_are_field_errors(api, overrides, field):
    response = api.post("/api/v1/bundles/", birth(**overrides), format="json")
    body = _problem(response, 400, "validation_error")
    assert field in [error["field"] for error in body["errors"]]
    assert not Bundle.objects.exists()


def test_the_deceaseds_cccd_is_accepted_as_their_si_code(api, django_capture_on_commit_callbacks):
    # Since 1 July 2025 the personal ID number is the social insurance code.
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/bundles/", death(deceased_si_code="001 055 000 111"), format="json"
        )

    assert response.status_code == 201, response.content
    assert Bundle.objects.get().declaration["deceased_si_code"] == "001055000111"


@pytest.mark.parametrize(
    ("si_code", "code"),
    [
        ("12345", "si_code_format"),
        ("0010550001110", "si_code_format"),
        ("003055000111", "national_id_province"),
        ("001056000111", "si_code_not_national_id"),  # not the deceased's CCCD
    ],
)
def test_a_bad_si_code_of_the_deceased_is_a_field_error(api, si_code, code):
    response = api.post("/api/v1/bundles/", death(deceased_si_code=si_code), format="json")

    body = _problem(response, 400, "validation_error")
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("deceased_si_code", code)]
    assert not Bundle.objects.exists()


def test_no_procedure_chosen_is_an_error_of_the_whole_request(api):
    response = api.post(
        "/api/v1/bundles/", birth(want_residence=False, want_hi_card=False), format="json"
    )
    body = _problem(response, 400, "validation_error")
    assert body["errors"][0]["field"] is None
    assert not Bundle.objects.exists()


def test_a_file_that_is_not_a_document_is_refused_on_its_field(api):
    bogus = io.BytesIO(b"MZ\x90\x00 not a pdf")
    bogus.name = "giay-chung-sinh.pdf"
    response = api.post(
        "/api/v1/bundles/", {**birth(), "medical_birth_certificate": bogus}, format="multipart"
    )
    body = _problem(response, 400, "upload_rejected")
    assert body["errors"][0]["field"] == "medical_birth_certificate"
    assert not Bundle.objects.exists()


def test_files_cannot_be_sent_in_json(api):
    response = api.post(
        "/api/v1/bundles/", {**birth(), "medical_birth_certificate": "JVBERi0="}, format="json"
    )
    assert response.status_code == 201  # not a field of the JSON body: ignored
    assert not BundleDocument.objects.exists()


def test_an_idempotent_replay_files_nothing_twice(api, django_capture_on_commit_callbacks):
    headers = {"HTTP_IDEMPOTENCY_KEY": "birth-1"}
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post("/api/v1/bundles/", birth(), format="json", **headers)
        second = api.post("/api/v1/bundles/", birth(), format="json", **headers)
    assert first.status_code == second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert second.json()["reference"] == first.json()["reference"]
    assert Bundle.objects.count() == 1
    other = api.post(
        "/api/v1/bundles/", birth(child_full_name="Nguyễn Minh Anh"), format="json", **headers
    )
    _problem(other, 422, "idempotency_key_reused")
    assert Bundle.objects.count() == 1
    _problem(
        api.post("/api/v1/bundles/", birth(), format="json", HTTP_IDEMPOTENCY_KEY="a b"),
        400,
        "invalid_idempotency_key",
    )


def test_only_citizens_file_and_partner_tokens_are_refused(officers, ivan, registry):
    counter = session_client(officers["counter"])
    _problem(counter.post("/api/v1/bundles/", birth(), format="json"), 403, "permission_denied")
    _problem(ivan.client.get("/api/v1/bundles/"), 403, "permission_denied")
    _problem(ivan.client.post("/api/v1/bundles/", birth(), format="json"), 403, "permission_denied")
    assert APIClient().get("/api/v1/bundles/").status_code in (401, 403)
    assert not Bundle.objects.exists()


def test_a_missing_bundle_is_not_found(api):
    _problem(api.get("/api/v1/bundles/3b2f7a8e-1c4d-4e6f-9a0b-2c3d4e5f6a7b/"), 404, "not_found")
