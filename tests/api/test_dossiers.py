"""Filing through the API: drafts, fields, documents, submission, list, detail, timeline."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dossiers.constants import DossierState
from dossiers.models import Dossier
from partners.models import PartnerFiling
from tests.api.conftest import (
    CITIZEN_KNOWN,
    SICKNESS,
    file_sickness_draft,
    pdf_upload,
    required_values,
    session_client,
)

pytestmark = pytest.mark.django_db


def test_citizen_files_a_dossier_from_draft_to_submission(citizen_client, citizen, sickness):
    _procedure, version = sickness
    created = citizen_client.post(
        "/api/v1/dossiers/",
        {"procedure": SICKNESS, "data": {"treatment_facility": "Bệnh viện Bạch Mai"}},
        format="json",
    )
    assert created.status_code == 201, created.content
    draft = created.json()
    assert draft["state"] == "draft"
    assert draft["code"] is None
    # Known to VSS: prefilled from the account, not asked again.
    assert draft["data"]["full_name"] == "Nguyễn Văn An"
    assert created["Location"].endswith(f"/api/v1/dossiers/{draft['reference']}/")
    assert created["ETag"] == f'"{draft["revision"]}"'
    assert len(draft["missing_items"]) > 3

    detail_url = f"/api/v1/dossiers/{draft['reference']}/"
    saved = citizen_client.patch(
        detail_url,
        {"province_code": 1, "data": required_values(version, skip=CITIZEN_KNOWN)},
        format="json",
        HTTP_IF_MATCH=created["ETag"],
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["data"]["leave_start_date"] == "2026-11-16"

    upload = citizen_client.post(
        f"{detail_url}documents/",
        {"component": "medical_leave_certificate", "file": pdf_upload()},
        format="multipart",
    )
    assert upload.status_code == 201, upload.content
    assert upload.json()["content_type"] == "application/pdf"
    assert citizen_client.get(detail_url).json()["missing_items"] == []

    submitted = citizen_client.post(f"{detail_url}submit/", HTTP_IDEMPOTENCY_KEY="submit-1")
    assert submitted.status_code == 200, submitted.content
    body = submitted.json()
    assert body["state"] == "submitted"
    assert body["code"].startswith(body["competent_office"]["agency_code"])
    assert body["portal_code"] == 1
    assert [a["name"] for a in body["available_actions"]] == ["withdraw"]

    by_code = citizen_client.get(f"/api/v1/dossiers/{body['code']}/")
    assert by_code.status_code == 200
    assert by_code.json()["reference"] == draft["reference"]


def test_field_values_are_checked_against_the_procedure_schema(citizen_client, sickness):
    response = citizen_client.post(
        "/api/v1/dossiers/",
        {
            "procedure": SICKNESS,
            "data": {
                "si_code": "12345",
                "no_such_field": "x",
                "full_name": "Someone Else",
                "bank_name": {"nested": True},
            },
        },
        format="json",
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    errors = {e["field"]: e["code"] for e in response.json()["errors"]}
    assert errors == {
        "data.no_such_field": "unknown_field",
        "data.full_name": "known_field",
        "data.bank_name": "not_a_scalar",
    }
    assert Dossier.objects.count() == 0

    invalid_value = citizen_client.post(
        "/api/v1/dossiers/", {"procedure": SICKNESS, "data": {"si_code": "12345"}}, format="json"
    )
    assert invalid_value.status_code == 400
    assert invalid_value.json()["errors"][0]["field"] == "data.si_code"


def test_unknown_procedure_and_bad_json_are_problems_not_errors(citizen_client, catalogue):
    unknown = citizen_client.post("/api/v1/dossiers/", {"procedure": "nope"}, format="json")
    broken = citizen_client.generic(
        "POST", "/api/v1/dossiers/", "{not json", content_type="application/json"
    )

    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["field"] == "procedure"
    assert broken.status_code == 400
    assert broken.json()["code"] == "parse_error"


def test_partner_filing_is_recorded_and_visible_only_to_that_partner(
    ivan, make_partner, sickness, citizen_client
):
    _procedure, version = sickness
    body = file_sickness_draft(ivan.client, version, external_id="HS-77")

    filing = PartnerFiling.objects.get(dossier__reference=body["reference"])
    assert filing.partner == ivan.partner
    assert filing.external_id == "HS-77"
    assert body["applicant_name"] == "Thông tin mẫu"

    other = make_partner(kind="ivan", name="Another I-VAN")
    url = f"/api/v1/dossiers/{body['reference']}/"
    assert ivan.client.get(url).status_code == 200
    assert other.client.get(url).status_code == 404
    assert citizen_client.get(url).status_code == 404
    assert other.client.get("/api/v1/dossiers/").json()["results"] == []
    listed = ivan.client.get("/api/v1/dossiers/").json()["results"]
    assert [d["reference"] for d in listed] == [body["reference"]]


def test_a_citizen_sees_only_their_own_dossiers(citizen_client, other_citizen_client, sickness):
    created = citizen_client.post("/api/v1/dossiers/", {"procedure": SICKNESS}, format="json")
    reference = created.json()["reference"]

    assert other_citizen_client.get(f"/api/v1/dossiers/{reference}/").status_code == 404
    assert other_citizen_client.get("/api/v1/dossiers/").json()["results"] == []
    patched = other_citizen_client.patch(
        f"/api/v1/dossiers/{reference}/",
        {"data": {"bank_name": "x"}},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert patched.status_code == 404


def test_submit_of_an_incomplete_draft_lists_what_is_missing(citizen_client, sickness):
    created = citizen_client.post("/api/v1/dossiers/", {"procedure": SICKNESS}, format="json")

    response = citizen_client.post(f"/api/v1/dossiers/{created.json()['reference']}/submit/")

    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "incomplete"
    assert all(e["code"] == "missing" for e in problem["errors"])
    assert len(problem["errors"]) > 3


def test_upload_refuses_a_file_that_is_not_what_it_claims(citizen_client, sickness):
    from django.core.files.uploadedfile import SimpleUploadedFile

    created = citizen_client.post("/api/v1/dossiers/", {"procedure": SICKNESS}, format="json")
    url = f"/api/v1/dossiers/{created.json()['reference']}/documents/"

    fake = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    rejected = citizen_client.post(
        url, {"component": "medical_leave_certificate", "file": fake}, format="multipart"
    )
    wrong_component = citizen_client.post(
        url, {"component": "nope", "file": pdf_upload()}, format="multipart"
    )
    employer_list = citizen_client.post(
        url, {"component": "employer_list_01b_hsb", "file": pdf_upload()}, format="multipart"
    )

    assert rejected.status_code == 400
    assert rejected.json()["errors"] == [
        {
            "field": "file",
            "message": rejected.json()["errors"][0]["message"],
            "code": "unknown_type",
        }
    ]
    assert wrong_component.status_code == 400
    assert employer_list.status_code == 201  # a scan of the signed list is accepted


def test_list_filters_and_cursor_pagination(citizen_client, sickness):
    for _ in range(3):
        citizen_client.post("/api/v1/dossiers/", {"procedure": SICKNESS}, format="json")

    first = citizen_client.get("/api/v1/dossiers/", {"page_size": 2}).json()
    second = citizen_client.get(first["next"]).json()
    submitted = citizen_client.get("/api/v1/dossiers/", {"state": "submitted"}).json()
    other_procedure = citizen_client.get("/api/v1/dossiers/", {"procedure": "old-age-pension"})
    bad_filter = citizen_client.get("/api/v1/dossiers/", {"state": "nonsense"})
    bad_cursor = citizen_client.get("/api/v1/dossiers/", {"cursor": "garbage"})

    assert len(first["results"]) == 2
    assert len(second["results"]) == 1
    assert second["next"] is None
    seen = {d["reference"] for d in first["results"] + second["results"]}
    assert len(seen) == 3
    assert submitted["results"] == []
    assert other_procedure.json()["results"] == []
    assert bad_filter.status_code == 400
    assert bad_cursor.status_code == 404


def test_list_runs_a_fixed_number_of_queries(citizen_client, sickness):
    citizen_client.post("/api/v1/dossiers/", {"procedure": SICKNESS}, format="json")
    with CaptureQueriesContext(connection) as one:
        citizen_client.get("/api/v1/dossiers/")
    for _ in range(4):
        citizen_client.post("/api/v1/dossiers/", {"procedure": SICKNESS}, format="json")
    with CaptureQueriesContext(connection) as five:
        response = citizen_client.get("/api/v1/dossiers/")

    assert len(response.json()["results"]) == 5
    assert len(five) == len(one)


def test_timeline_shows_applicants_only_their_events_and_officers_all(
    citizen_client, sickness, officers
):
    from tests.api.conftest import session_client

    _procedure, version = sickness
    body = file_sickness_draft(citizen_client, version, known=CITIZEN_KNOWN)
    submitted = citizen_client.post(f"/api/v1/dossiers/{body['reference']}/submit/").json()

    mine = citizen_client.get(f"/api/v1/dossiers/{submitted['code']}/timeline/").json()
    staff = session_client(officers["counter"]).get(
        f"/api/v1/dossiers/{submitted['code']}/timeline/"
    )

    assert [e["kind"] for e in mine] == ["submitted"]
    assert staff.status_code == 200
    kinds = [e["kind"] for e in staff.json()]
    assert kinds[0] == "created"
    assert "document_added" in kinds
    assert kinds[-1] == "submitted"


def test_officers_cannot_start_online_drafts(officers, sickness):
    from tests.api.conftest import session_client

    response = session_client(officers["counter"]).post(
        "/api/v1/dossiers/", {"procedure": SICKNESS}, format="json"
    )

    assert response.status_code == 403
    assert Dossier.objects.filter(state=DossierState.DRAFT).count() == 0


def test_i_van_filings_arrive_on_the_i_van_channel_and_count_as_such(
    ivan, employer, sickness, catalogue, officers, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from dashboards.models import DailyRollup
    from dashboards.services import daily_rollup_refresh

    _procedure, version = sickness
    by_ivan = file_sickness_draft(ivan.client, version)
    by_employer = file_sickness_draft(employer.client, version)
    assert (by_ivan["channel"], by_employer["channel"]) == ("ivan", "online")
    submitted = ivan.client.post(f"/api/v1/dossiers/{by_ivan['reference']}/submit/")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["channel"] == "ivan"

    # A procedure the catalogue does not open to I-VAN is refused on that channel.
    refused = ivan.client.post(
        "/api/v1/dossiers/", {"procedure": "hi-card-reissue-exchange"}, format="json"
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "intake_refused"

    accepted = session_client(officers["counter"]).post(
        f"/api/v1/dossiers/{submitted.json()['code']}/actions/accept/", {}, format="json"
    )
    assert accepted.status_code == 200
    daily_rollup_refresh(day=timezone.localdate())
    rows = DailyRollup.objects.filter(day=timezone.localdate(), channel="ivan")
    assert sum(r.received for r in rows) == 1
    assert not DailyRollup.objects.filter(day=timezone.localdate(), channel="online").exists()


def test_an_si_code_may_be_the_cccd_and_must_agree_with_the_date_of_birth(ivan, sickness):
    # Since 1 July 2025 the personal ID number (12 digits) serves as the SI code.
    _procedure, version = sickness

    def create(**values):
        data = required_values(version, date_of_birth="1990-05-17", **values)
        return ivan.client.post(
            "/api/v1/dossiers/",
            {"procedure": SICKNESS, "province_code": 1, "data": data},
            format="json",
        )

    accepted = create(si_code="001 090 012 345")
    born_elsewhen = create(si_code="001091012345")
    unknown_province = create(si_code="003090012345")

    assert accepted.status_code == 201, accepted.content
    assert Dossier.objects.get().data["si_code"] == "001090012345"
    for response, code in (
        (born_elsewhen, "national_id_birth_year"),
        (unknown_province, "national_id_province"),
    ):
        assert response.status_code == 400
        assert response["Content-Type"] == "application/problem+json"
        assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
            ("data.si_code", code)
        ]
