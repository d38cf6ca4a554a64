"""Letters and slips honour the accommodation needs the registry holds for the applicant."""

import datetime as dt
from collections import Counter
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar, LTTextContainer, LTTextLine

from dossiers.documents.letters import (
    render_control_sheet,
    render_decision,
    render_refusal,
    render_supplement_request,
)
from dossiers.documents.reception_slip import render_reception_slip
from dossiers.documents.signing import (
    ensure_demo_signing_identity,
    sign_pdf,
    verify_pdf_signature,
)
from dossiers.models import Dossier
from tests.beneficiaries.factories import PersonFactory
from tests.dossiers.test_letters import AT, make_letter_dossier, page_size, pdf_text
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NATIONAL_ID = "001188004321"  # a woman born in 1988, registered in Hà Nội
A4 = (595, 842)
A5 = (420, 595)
INTERPRETER_VI = "bố trí người phiên dịch"
INTERPRETER_EN = "interpreter"
ASSISTED_VI = "hỗ trợ Ông/Bà thực hiện các bước trực tuyến"


def _lines(pdf: bytes):
    for page in extract_pages(BytesIO(pdf)):
        for element in page:
            if isinstance(element, LTTextContainer):
                for line in element:
                    if isinstance(line, LTTextLine):
                        yield line


def body_font_size(pdf: bytes) -> float:
    """The size most characters of the PDF are set in (the body text)."""
    sizes = Counter(
        round(char.size, 1)
        for line in _lines(pdf)
        for char in line
        if isinstance(char, LTChar) and not char.get_text().isspace()
    )
    return sizes.most_common(1)[0][0]


def longest_line(pdf: bytes) -> int:
    return max(len(line.get_text().strip()) for line in _lines(pdf))


def page_count(pdf: bytes) -> int:
    return sum(1 for _ in extract_pages(BytesIO(pdf)))


@pytest.fixture
def officer(offices):
    return UserFactory(counter_officer=True, full_name="Phạm Thu Hà", office=offices[1])


@pytest.fixture
def dossier(catalogue, offices, settings):
    """A received sickness-benefit dossier whose applicant snapshot carries the CCCD."""
    settings.SITE_URL = "https://dichvucong.example.vn"
    offices[1].phone = "024 3936 7890"
    offices[1].save(update_fields=["phone"])
    dossier = make_letter_dossier(catalogue, offices)
    Dossier.objects.filter(pk=dossier.pk).update(applicant_national_id=NATIONAL_ID)
    dossier.refresh_from_db()
    return dossier


def register(**needs):
    return PersonFactory(
        national_id=NATIONAL_ID,
        full_name="Nguyễn Thị Hồng Nhung",
        date_of_birth=dt.date(1988, 3, 14),
        gender="female",
        **needs,
    )


def test_large_print_letter_is_set_bigger_on_a4(dossier):
    normal = render_reception_slip(dossier)
    register(needs_large_print=True)
    large = render_reception_slip(dossier)

    assert body_font_size(normal) < 10
    assert body_font_size(large) >= 16
    # The A5 form moves to A4 and still holds fewer characters per line.
    assert page_size(normal) == A5
    assert page_size(large) == A4
    assert longest_line(large) < longest_line(normal)
    # Same legal content, no support box (large print alone needs no notice).
    text = pdf_text(large)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "Nguyễn Thị Hồng Nhung" in text
    assert "Hỗ trợ dành cho Ông/Bà" not in text


def test_large_print_applies_to_every_letter_to_the_person(dossier, officer):
    register(needs_large_print=True)
    refusal = render_refusal(
        dossier, officer=officer, reason="Hồ sơ không thuộc thẩm quyền.", at=AT
    )
    supplement = render_supplement_request(
        dossier, officer=officer, reason="Thiếu giấy tờ.", missing_items=["Giấy ra viện"], at=AT
    )
    decision = render_decision(
        dossier, outcome="approved", decision_text="Điều 1. Duyệt.", signer_name="Lê Minh", at=AT
    )
    for pdf in (refusal, supplement, decision):
        assert body_font_size(pdf) >= 16
        assert page_size(pdf) == A4
    assert page_count(supplement) >= 2  # the same letter runs longer in large print


def test_signed_large_print_decision_still_verifies(dossier, tmp_path, settings):
    key_path, cert_path = ensure_demo_signing_identity(tmp_path / "signing")
    settings.SIGNING_KEY_PATH = str(key_path)
    settings.SIGNING_CERT_PATH = str(cert_path)
    register(needs_large_print=True, needs_interpreter=True, preferred_language="km")
    pdf = render_decision(
        dossier, outcome="approved", decision_text="Điều 1. Duyệt.", signer_name="Lê Minh", at=AT
    )
    signed = sign_pdf(pdf, reason="Phê duyệt", location="Hà Nội", signer_name="Lê Minh")
    result = verify_pdf_signature(signed, trust_cert_path=cert_path)
    assert result["valid"] is True
    assert result["trusted"] is True
    assert "interpreter (Khmer)" in pdf_text(signed)


def test_interpreter_need_puts_a_bilingual_notice_with_the_office_phone(dossier, officer):
    register(needs_interpreter=True, preferred_language="hmn")
    text = pdf_text(render_refusal(dossier, officer=officer, reason="Sai thẩm quyền.", at=AT))

    assert "Hỗ trợ dành cho Ông/Bà / Support for you" in text
    assert f"{INTERPRETER_VI} tiếng H'Mông miễn phí" in text
    assert "interpreter (Hmong) free of charge" in text
    assert "024 3936 7890" in text
    # The preferred language is named, and the legal text stays Vietnamese.
    assert "Ngôn ngữ Ông/Bà đã đăng ký sử dụng: tiếng H'Mông" in text
    assert "Your preferred language: Hmong" in text
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    # Normal print: only the notice was asked for.
    assert body_font_size(render_reception_slip(dossier)) < 10


def test_assisted_digital_need_offers_help_with_online_steps(dossier):
    register(needs_assisted_digital=True)
    text = pdf_text(render_reception_slip(dossier))
    assert ASSISTED_VI in text
    # A Vietnamese reader without an interpreter gets the notice in Vietnamese only.
    assert "Support for you" not in text
    assert "Counter staff" not in text


def test_person_not_in_the_registry_gets_the_normal_letter(dossier, officer):
    PersonFactory(needs_large_print=True, needs_interpreter=True)  # someone else
    slip = render_reception_slip(dossier)
    refusal = render_refusal(dossier, officer=officer, reason="Sai thẩm quyền.", at=AT)
    for pdf in (slip, refusal):
        text = pdf_text(pdf)
        assert "Hỗ trợ dành cho Ông/Bà" not in text
        assert INTERPRETER_VI not in text
        assert INTERPRETER_EN not in text
        assert body_font_size(pdf) < 10
        assert page_size(pdf) == A5


def test_dossier_without_a_national_id_gets_the_normal_letter(dossier, officer):
    Dossier.objects.filter(pk=dossier.pk).update(applicant_national_id="", data={})
    dossier.refresh_from_db()
    register(needs_large_print=True, needs_interpreter=True)
    pdf = render_refusal(dossier, officer=officer, reason="Sai thẩm quyền.", at=AT)
    assert page_size(pdf) == A5
    assert INTERPRETER_VI not in pdf_text(pdf)


def test_national_id_is_taken_from_the_form_when_the_snapshot_is_empty(dossier):
    Dossier.objects.filter(pk=dossier.pk).update(
        applicant_national_id="", data={"national_id": NATIONAL_ID}
    )
    dossier.refresh_from_db()
    register(needs_large_print=True)
    assert body_font_size(render_reception_slip(dossier)) >= 16


def test_control_sheet_lists_the_needs_for_officers_in_normal_print(dossier):
    register(needs_large_print=True, needs_interpreter=True, preferred_language="km")
    pdf = render_control_sheet(dossier, handovers=[])
    text = pdf_text(pdf)
    assert "Nhu cầu hỗ trợ của người nộp hồ sơ" in text
    assert "Cần phiên dịch (tiếng Khmer)" in text
    assert "Văn bản in chữ cỡ lớn" in text
    assert "Support for you" not in text
    assert body_font_size(pdf) < 11


def test_preferences_are_looked_up_once_per_letter(dossier, officer):
    register(needs_large_print=True, needs_interpreter=True, needs_assisted_digital=True)
    with CaptureQueriesContext(connection) as queries:
        render_refusal(dossier, officer=officer, reason="Sai thẩm quyền.", at=AT)
    person_queries = [q["sql"] for q in queries if "beneficiaries_person" in q["sql"]]
    assert len(person_queries) == 1
    assert NATIONAL_ID in person_queries[0] or "national_id" in person_queries[0]


def test_bundle_refusal_slip_honours_the_applicant_needs(
    catalogue, offices, django_capture_on_commit_callbacks
):
    from beneficiaries.bundles.constants import (
        BundleKind,
        BundleProcedure,
        PartStatus,
    )
    from beneficiaries.bundles.models import BundlePart
    from beneficiaries.bundles.services import bundle_file, bundles_sweep
    from tests.beneficiaries.conftest import PARENT_ID, birth_declaration
    from tests.beneficiaries.factories import HealthFacilityFactory
    from workdays.services import add_working_days

    HealthFacilityFactory(code="01001", name="Bệnh viện Nhi Trung ương", province_code=1)
    parent = UserFactory(citizen=True, national_id=PARENT_ID, username=f"cd{PARENT_ID}")
    PersonFactory(
        national_id=PARENT_ID,
        date_of_birth=dt.date(1990, 5, 12),
        needs_large_print=True,
        needs_interpreter=True,
        preferred_language="en",
    )
    with django_capture_on_commit_callbacks(execute=True):
        bundle = bundle_file(
            kind=BundleKind.BIRTH,
            applicant=parent,
            declaration=birth_declaration(),
            procedures=[BundleProcedure.PERMANENT_RESIDENCE, BundleProcedure.HI_CARD_CHILD],
            uploads=[],  # the birth certificate never comes: the part is refused
        )
    with django_capture_on_commit_callbacks(execute=True):
        bundles_sweep(now=add_working_days(bundle.filed_at, 7))

    birth = BundlePart.objects.get(bundle=bundle, procedure=BundleProcedure.BIRTH_REGISTRATION)
    assert birth.status == PartStatus.REFUSED
    with birth.refusal_slip.open("rb") as handle:
        pdf = handle.read()
    assert "interpreter (English) free of charge" in pdf_text(pdf)
    assert body_font_size(pdf) >= 16


def test_officers_see_the_applicants_needs_on_the_dossier_page(dossier, officer, client):
    from django.urls import reverse

    register(needs_interpreter=True, preferred_language="sgn", needs_large_print=True)
    client.force_login(officer)

    page = client.get(reverse("dossiers:detail", args=[dossier.reference])).content.decode()

    assert 'data-testid="applicant-needs"' in page
    assert "In chữ lớn" in page  # "Large print", in the Vietnamese interface
    assert "ký hiệu" in page  # the interpreter language: sign language


def test_the_page_shows_no_needs_box_for_a_person_without_needs(dossier, officer, client):
    from django.urls import reverse

    register()
    client.force_login(officer)

    page = client.get(reverse("dossiers:detail", args=[dossier.reference])).content.decode()

    assert 'data-testid="applicant-needs"' not in page
