"""Results and documents over the API: the citizen app files a dossier and reads its slip,
letters and signed result; access follows the pages (issue #20)."""

import pytest
import time_machine

from dossiers.constants import DigitisationStatus
from dossiers.digitisation import searchable_pdf_name
from dossiers.models import Dossier, DossierDocument
from tests.api.conftest import (
    CITIZEN_KNOWN,
    file_sickness_draft,
    pdf_bytes,
    pdf_upload,
    session_client,
)

pytestmark = pytest.mark.django_db

# A Tuesday morning in Hà Nội: the counter is open.
FILED_AT = "2026-11-24T09:00:00+07:00"


@pytest.fixture
def signing_dir(settings, tmp_path):
    settings.SIGNING_KEY_PATH = ""
    settings.SIGNING_CERT_PATH = ""
    settings.BASE_DIR = tmp_path  # the demo identity is created under tmp_path/var/signing
    return tmp_path / "var" / "signing"


def _act(client, code, action, body=None):
    response = client.post(f"/api/v1/dossiers/{code}/actions/{action}/", body or {}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def _content(response) -> bytes:
    return b"".join(response.streaming_content)


def _submitted(client, version, known=CITIZEN_KNOWN) -> str:
    body = file_sickness_draft(client, version, known=known)
    response = client.post(f"/api/v1/dossiers/{body['reference']}/submit/")
    assert response.status_code == 200, response.content
    return response.json()["code"]


def test_citizen_app_files_and_reads_its_slip_letters_and_signed_result(
    citizen_client, sickness, officers, signing_dir, django_capture_on_commit_callbacks
):
    _procedure, version = sickness
    counter = session_client(officers["counter"])
    leader = session_client(officers["leader"])
    officer = session_client(officers["processing"])
    with (
        time_machine.travel(FILED_AT, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        code = _submitted(citizen_client, version)
        # The counter asks for the hospital discharge paper; the citizen app adds it.
        _act(
            counter,
            code,
            "request_supplement",
            {"reason": "Thiếu giấy ra viện", "items": ["Giấy ra viện"]},
        )
        upload = citizen_client.post(
            f"/api/v1/dossiers/{code}/documents/",
            {"component": "hospital_discharge_paper", "file": pdf_upload("giay-ra-vien.pdf")},
            format="multipart",
        )
        assert upload.status_code == 201, upload.content
        _act(citizen_client, code, "supply", {"note": "Đã bổ sung"})
        _act(counter, code, "accept")
        _act(leader, code, "assign", {"officer": officers["processing"].pk})
        _act(officer, code, "send_to_appraisal")
        _act(officer, code, "approve", {"decision_text": "Đủ điều kiện hưởng 5 ngày."})
        _act(leader, code, "sign")

    # Signed but not returned yet: the citizen sees the letter, not the result.
    slips = citizen_client.get(f"/api/v1/dossiers/{code}/slips/").json()["results"]
    assert "result" not in {s["kind"] for s in slips}
    assert "supplement" in {s["kind"] for s in slips}
    staff_view = counter.get(f"/api/v1/dossiers/{code}/slips/").json()["results"]
    assert "result" in {s["kind"] for s in staff_view}

    with django_capture_on_commit_callbacks(execute=True):
        _act(counter, code, "return_result", {"delivery": "electronic"})

    # The reception slip, as a PDF attachment with its ETag; asked again, 304.
    slip = citizen_client.get(f"/api/v1/dossiers/{code}/reception-slip/")
    assert slip.status_code == 200
    assert slip["Content-Type"] == "application/pdf"
    assert slip["Content-Disposition"].startswith("attachment;")
    assert f"giay-tiep-nhan-{code}.pdf" in slip["Content-Disposition"]
    assert _content(slip).startswith(b"%PDF")
    again = citizen_client.get(
        f"/api/v1/dossiers/{code}/reception-slip/", HTTP_IF_NONE_MATCH=slip["ETag"]
    )
    assert again.status_code == 304
    assert again["ETag"] == slip["ETag"]

    # Letters and the result, each with links; the result's signature is valid and VSS's.
    listing = citizen_client.get(f"/api/v1/dossiers/{code}/slips/")
    kinds = [s["kind"] for s in listing.json()["results"]]
    assert {"reception", "supplement", "result"} <= set(kinds)
    result = next(s for s in listing.json()["results"] if s["kind"] == "result")
    assert result["signed"] is True
    assert result["signature"]["valid"] is True
    assert result["signature"]["trusted"] is True
    assert result["signature"]["signer"]
    letter = next(s for s in listing.json()["results"] if s["kind"] == "supplement")
    assert letter["signature"] is None

    detail = citizen_client.get(result["links"]["self"])
    assert detail.status_code == 200
    assert detail.json()["signature"]["valid"] is True
    assert (
        citizen_client.get(result["links"]["self"], HTTP_IF_NONE_MATCH=detail["ETag"]).status_code
        == 304
    )
    pdf = citizen_client.get(result["links"]["pdf"])
    assert pdf.status_code == 200
    assert pdf["ETag"] == f'"{result["sha256"]}"'
    assert _content(pdf).startswith(b"%PDF")
    letter_pdf = citizen_client.get(letter["links"]["pdf"], {"inline": "1"})
    assert letter_pdf["Content-Disposition"].startswith("inline;")


def test_a_tampered_result_is_reported_invalid(
    citizen, citizen_client, sickness, officers, signing_dir, django_capture_on_commit_callbacks
):
    from dossiers.constants import DossierState, SlipKind
    from dossiers.services import dossier_return_result, dossier_sign
    from tests.dossiers.factories import make_dossier

    dossier = make_dossier(
        procedure=sickness[0],
        state=DossierState.AWAITING_SIGNATURE,
        office=officers["leader"].office,
        applicant=citizen,
        decision_text="Đồng ý giải quyết.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        signed = dossier_sign(dossier=dossier, leader=officers["leader"])
        dossier_return_result(dossier=signed, officer=officers["counter"], delivery="electronic")
    result = signed.slips.get(kind=SlipKind.RESULT)
    data = bytearray(result.file.read())
    data[len(data) // 3] ^= 0x01  # one bit inside the signed range
    with result.file.storage.open(result.file.name, "wb") as handle:
        handle.write(bytes(data))
    result.sha256 = "0" * 64  # a new file: the check is not the cached one
    result.save(update_fields=["sha256"])

    body = citizen_client.get(f"/api/v1/dossiers/{dossier.code}/slips/{result.pk}/").json()

    assert body["signature"]["valid"] is False


def test_documents_with_ocr_text_and_searchable_pdf(citizen_client, sickness, officers):
    _procedure, version = sickness
    code = _submitted(citizen_client, version)
    document = DossierDocument.objects.get(dossier__code=code)
    listing = citizen_client.get(f"/api/v1/dossiers/{code}/documents/")
    assert listing.status_code == 200
    [item] = listing.json()["results"]
    assert item["component"] == "medical_leave_certificate"
    assert item["links"]["searchable_pdf"] is None
    pending = citizen_client.get(item["links"]["self"]).json()
    assert pending["ocr_text"] is None
    assert (
        citizen_client.get(
            f"/api/v1/dossiers/{code}/documents/{document.pk}/searchable-pdf/"
        ).status_code
        == 404
    )

    # Digitisation done: the recognised text and the searchable PDF are there.
    storage = document.file.storage
    storage.save(searchable_pdf_name(document), __import__("io").BytesIO(pdf_bytes(2)))
    DossierDocument.objects.filter(pk=document.pk).update(
        digitisation_status=DigitisationStatus.DONE, ocr_text="GIẤY CHỨNG NHẬN NGHỈ VIỆC"
    )
    done = citizen_client.get(item["links"]["self"]).json()
    assert done["ocr_text"] == "GIẤY CHỨNG NHẬN NGHỈ VIỆC"
    searchable = citizen_client.get(done["links"]["searchable_pdf"])
    assert searchable.status_code == 200
    assert "giay-nghi-om-ocr.pdf" in searchable["Content-Disposition"]
    original = citizen_client.get(done["links"]["file"])
    assert original["ETag"] == f'"{document.sha256}"'
    assert _content(original) == document.file.open("rb").read()
    # The officer of the office sees it too.
    assert session_client(officers["counter"]).get(done["links"]["file"]).status_code == 200


def test_others_get_404_and_partners_need_their_filing_and_scope(
    citizen_client, other_citizen_client, sickness, offices, make_partner, ivan
):
    from accounts.constants import Role
    from partners.constants import PartnerKind
    from tests.factories import UserFactory

    _procedure, version = sickness
    code = _submitted(citizen_client, version)
    document = DossierDocument.objects.get(dossier__code=code)
    urls = [
        f"/api/v1/dossiers/{code}/documents/",
        f"/api/v1/dossiers/{code}/documents/{document.pk}/",
        f"/api/v1/dossiers/{code}/documents/{document.pk}/file/",
        f"/api/v1/dossiers/{code}/slips/",
        f"/api/v1/dossiers/{code}/reception-slip/",
    ]
    elsewhere = session_client(UserFactory(role=Role.COUNTER_OFFICER, office=offices[79]))
    for url in urls:
        assert other_citizen_client.get(url).status_code == 404, url
        assert elsewhere.get(url).status_code == 404, url
        assert ivan.client.get(url).status_code == 404, url  # not its filing

    # A partner reads what it filed, with `dossiers_read`; a token without it is refused.
    partner_code = _submitted(ivan.client, version, known=())
    assert ivan.client.get(f"/api/v1/dossiers/{partner_code}/documents/").status_code == 200
    no_read = make_partner(kind=PartnerKind.IVAN, name="I-VAN B", scopes=["dossiers_write"])
    response = no_read.client.get(f"/api/v1/dossiers/{partner_code}/slips/")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_a_draft_has_no_reception_slip_and_a_fresh_one_is_being_prepared(
    citizen_client, sickness, settings
):
    _procedure, version = sickness
    body = file_sickness_draft(citizen_client, version, known=CITIZEN_KNOWN)
    draft = citizen_client.get(f"/api/v1/dossiers/{body['reference']}/reception-slip/")
    assert draft.status_code == 404
    assert draft["Content-Type"] == "application/problem+json"

    settings.RECEPTION_SLIP_WAIT_SECONDS = 3600
    code = citizen_client.post(f"/api/v1/dossiers/{body['reference']}/submit/").json()["code"]
    assert Dossier.objects.get(code=code).slips.count() == 0  # no worker ran
    preparing = citizen_client.get(
        f"/api/v1/dossiers/{code}/reception-slip/", HTTP_ACCEPT="application/pdf"
    )
    assert preparing.status_code == 202
    assert preparing["Retry-After"] == "2"
    assert preparing.json()["status"] == "preparing"
