"""Every approved dossier gives the citizen a signed result document to download."""

import datetime as dt
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from pypdf import PdfReader

from accounts.constants import Role
from dossiers.constants import DossierState as S
from dossiers.constants import SlipKind
from dossiers.documents.signing import DEMO_CERT_NAME, verify_pdf_signature
from dossiers.services import dossier_decide, dossier_return_result, dossier_sign
from procedures.models import Procedure
from tests.beneficiaries.factories import HiCardFactory, PaymentMethodFactory, PersonFactory
from tests.dossiers.factories import make_dossier
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes) -> str:
    text = "\n".join(page.extract_text() or "" for page in PdfReader(BytesIO(pdf)).pages)
    return " ".join(text.split())


@pytest.fixture
def signing_dir(settings, tmp_path):
    settings.SIGNING_KEY_PATH = ""
    settings.SIGNING_CERT_PATH = ""
    settings.BASE_DIR = tmp_path  # the demo identity is created under tmp_path/var/signing
    return tmp_path / "var" / "signing"


@pytest.fixture
def staff(offices):
    hanoi = offices[1]
    return {
        "officer": UserFactory(
            username="rd-officer",
            role=Role.PROCESSING_OFFICER,
            office=hanoi,
            full_name="Lê Thị Cúc",
        ),
        "leader": UserFactory(username="rd-leader", role=Role.OFFICE_LEADER, office=hanoi),
        "counter": UserFactory(username="rd-counter", role=Role.COUNTER_OFFICER, office=hanoi),
    }


def approve(dossier, staff, capture):
    """The officer approves; a leader signs where the procedure has that step."""
    with capture(execute=True):
        dossier = dossier_decide(
            dossier=dossier, officer=staff["officer"], outcome="approved", decision_text=""
        )
    if dossier.state == S.AWAITING_SIGNATURE:
        with capture(execute=True):
            dossier = dossier_sign(dossier=dossier, leader=staff["leader"])
    return dossier


def test_a_returned_hi_card_reissue_gives_the_signed_confirmation_of_the_card(
    catalogue, offices, staff, signing_dir, client, django_capture_on_commit_callbacks
):
    citizen = UserFactory(citizen=True, username="rd-citizen")
    person = PersonFactory(full_name="Nguyễn Văn An")
    card = HiCardFactory(person=person, facility_name="Bệnh viện Bạch Mai")
    dossier = make_dossier(
        procedure=catalogue["hi-card-reissue-exchange"],
        state=S.APPRAISAL,
        office=offices[1],
        applicant=citizen,
        assigned_to=staff["officer"],
        applicant_national_id=person.national_id,
        data={"card_request_type": "reissue_lost"},
    )

    processed = approve(dossier, staff, django_capture_on_commit_callbacks)

    assert processed.state == S.PROCESSED  # no leader's signature step for this procedure
    assert processed.decision_number == "1/QĐ-BHXH"
    result = processed.slips.get(kind=SlipKind.RESULT)
    assert result.signed
    pdf = result.file.read()
    check = verify_pdf_signature(pdf, trust_cert_path=signing_dir / DEMO_CERT_NAME)
    assert check["intact"]
    assert check["valid"]
    text = pdf_text(pdf)
    assert "QUYẾT ĐỊNH" in text
    assert "Số: 1/QĐ-BHXH" in text
    assert "Về việc giải quyết cấp lại, đổi thẻ bảo hiểm y tế" in text
    assert f"mã số thẻ {card.number}" in text
    assert "Giá trị sử dụng: từ ngày 01/01/2026 đến ngày 31/12/2026" in text
    assert "Bệnh viện Bạch Mai" in text
    assert "TL. GIÁM ĐỐC" in text  # the officer signs on the director's behalf
    assert "Lê Thị Cúc" in text

    with django_capture_on_commit_callbacks(execute=True):
        dossier_return_result(dossier=processed, officer=staff["counter"], delivery="electronic")
    client.force_login(citizen)
    page = client.get(f"/dossiers/d/{dossier.reference}/").content.decode()
    assert 'data-testid="result-download"' in page
    response = client.get(f"/dossiers/d/{dossier.reference}/slips/{result.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf


def test_a_payment_method_change_confirms_the_new_method_and_its_start(
    catalogue, offices, staff, signing_dir, django_capture_on_commit_callbacks
):
    person = PersonFactory()
    PaymentMethodFactory(person=person, method="cash_post", bank_account="", bank_name="")
    dossier = make_dossier(
        procedure=catalogue["payment-method-change"],
        state=S.APPRAISAL,
        office=offices[1],
        assigned_to=staff["officer"],
        applicant_national_id=person.national_id,
        data={
            "new_payment_method": "bank",
            "new_bank_account": "0011004455667",
            "new_bank_name": "Vietcombank Hoàn Kiếm",
        },
    )
    # 23:30 on 3 December in Hà Nội (16:30 UTC): the start date is the local one.
    late_evening = dt.datetime(2026, 12, 3, 23, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    with time_machine.travel(late_evening, tick=False):
        processed = approve(dossier, staff, django_capture_on_commit_callbacks)

    text = pdf_text(processed.slips.get(kind=SlipKind.RESULT).file.read())
    assert (
        "Phương thức nhận chế độ: chuyển khoản vào tài khoản số *********5667 tại "
        "Vietcombank Hoàn Kiếm, áp dụng từ ngày 03/12/2026." in text
    )
    assert "0011004455667" not in text


def test_every_procedure_of_the_catalogue_gives_a_signed_result_on_approval(
    catalogue, offices, staff, signing_dir, django_capture_on_commit_callbacks
):
    slugs = sorted(Procedure.objects.values_list("slug", flat=True))
    assert len(slugs) >= 18
    without_result = []
    for slug in slugs:
        dossier = make_dossier(
            procedure=Procedure.objects.get(slug=slug),
            state=S.APPRAISAL,
            office=offices[1],
            assigned_to=staff["officer"],
        )
        processed = approve(dossier, staff, django_capture_on_commit_callbacks)
        assert processed.state == S.PROCESSED, slug
        result = processed.slips.filter(kind=SlipKind.RESULT, signed=True).first()
        if result is None:
            without_result.append(slug)
            continue
        text = pdf_text(result.file.read())
        assert processed.code in text, slug
        assert f"Số: {processed.decision_number}" in text, slug
        assert "Điều 1. Chấp thuận đề nghị giải quyết" in text, slug
    assert without_result == []
