import datetime as dt
import shutil
import subprocess
from io import BytesIO

import pytest
from pypdf import PdfReader

from dossiers.documents.letters import (
    control_sheet_rows,
    decision_subject,
    render_apology,
    render_control_sheet,
    render_decision,
    render_refusal,
    render_stopped_notice,
    render_supplement_request,
)
from dossiers.models import Dossier
from tests.factories import UserFactory

UTC = dt.UTC
CODE = "000.00.01.G12-260224-0007"
SITE_URL = "https://dichvucong.example.vn"
AT = dt.datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 08:00 in Hà Nội
A5 = (420, 595)
A4 = (595, 842)


def pdf_text(pdf: bytes) -> str:
    text = "\n".join(page.extract_text() or "" for page in PdfReader(BytesIO(pdf)).pages)
    return " ".join(text.split())


def page_size(pdf: bytes) -> tuple[int, int]:
    page = PdfReader(BytesIO(pdf)).pages[0]
    return round(float(page.mediabox.width)), round(float(page.mediabox.height))


def make_letter_dossier(catalogue, offices) -> Dossier:
    """A sickness-benefit dossier received at the Hà Nội counter (09:30, due 02/03 10:00)."""
    office = offices[1]
    procedure = catalogue["sickness-benefit"]
    version = procedure.versions.order_by("-effective_from").first()
    officer = UserFactory(counter_officer=True, full_name="Trần Văn Bình", office=office)
    dossier = Dossier.objects.create(
        procedure=procedure,
        version=version,
        channel="counter",
        applicant_name="Nguyễn Thị Hồng Nhung",
        applicant_address="Số 12 phố Hàng Bài, phường Hoàn Kiếm, Hà Nội",
        applicant_phone="0912345678",
        return_method="counter",
        receiving_office=office,
        competent_office=office,
        created_by=officer,
    )
    Dossier.objects.filter(pk=dossier.pk).update(
        state="in_processing",
        code=CODE,
        received_by=officer,
        submitted_at=dt.datetime(2026, 2, 24, 2, 30, tzinfo=UTC),
        received_at=dt.datetime(2026, 2, 24, 2, 30, tzinfo=UTC),  # 09:30 in Hà Nội
        due_at=dt.datetime(2026, 3, 2, 3, 0, tzinfo=UTC),  # 10:00 in Hà Nội
        original_due_at=dt.datetime(2026, 3, 2, 3, 0, tzinfo=UTC),
        statutory_due_at=dt.datetime(2026, 3, 2, 3, 0, tzinfo=UTC),
    )
    dossier.refresh_from_db()
    return dossier


@pytest.fixture
def dossier(catalogue, offices, settings):
    settings.SITE_URL = SITE_URL
    return make_letter_dossier(catalogue, offices)


@pytest.fixture
def officer(offices):
    return UserFactory(counter_officer=True, full_name="Phạm Thu Hà", office=offices[1])


@pytest.fixture
def leader(offices):
    return UserFactory(role="office_leader", full_name="Hoàng Văn Giang", office=offices[1])


@pytest.mark.django_db
def test_supplement_request_lists_what_is_missing_and_how_to_supply_it(dossier, officer):
    pdf = render_supplement_request(
        dossier,
        officer=officer,
        reason="Giấy ra viện nộp kèm là bản chụp không rõ ngày ra viện",
        missing_items=["Giấy ra viện (bản sao có chứng thực)", "Đơn đề nghị mẫu 14-HSB"],
        at=AT,
    )

    assert page_size(pdf) == A5
    assert len(PdfReader(BytesIO(pdf)).pages) == 1
    text = pdf_text(pdf)
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert CODE in text
    assert "Nguyễn Thị Hồng Nhung" in text
    assert "Giải quyết hưởng chế độ ốm đau" in text
    assert "1. Giấy ra viện (bản sao có chứng thực)" in text
    assert "2. Đơn đề nghị mẫu 14-HSB" in text
    assert "Giấy ra viện nộp kèm là bản chụp không rõ ngày ra viện" in text
    assert f"Trực tuyến: đăng nhập tài khoản của Ông/Bà tại {SITE_URL}/" in text
    assert "Trực tiếp hoặc qua dịch vụ bưu chính: tại Bảo hiểm xã hội thành phố Hà Nội" in text
    assert "NGƯỜI HƯỚNG DẪN" in text
    assert "Phạm Thu Hà" in text
    assert "Hà Nội, ngày 02 tháng 03 năm 2026" in text


@pytest.mark.django_db
def test_refusal_gives_the_reason(dossier, officer):
    pdf = render_refusal(
        dossier,
        officer=officer,
        reason="Thủ tục không thuộc thẩm quyền giải quyết của cơ quan bảo hiểm xã hội",
        at=AT,
    )

    assert page_size(pdf) == A5
    text = pdf_text(pdf)
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert CODE in text
    assert "Nguyễn Thị Hồng Nhung" in text
    assert "Thủ tục không thuộc thẩm quyền giải quyết của cơ quan bảo hiểm xã hội" in text
    assert "thông báo không tiếp nhận, giải quyết hồ sơ này" in text
    assert "Phạm Thu Hà" in text


@pytest.mark.django_db
def test_apology_shows_the_first_and_the_new_appointed_time(dossier, officer, leader):
    # The due time has already moved once: the letter still cites the first appointment.
    Dossier.objects.filter(pk=dossier.pk).update(due_at=dt.datetime(2026, 3, 3, 3, 0, tzinfo=UTC))
    pdf = render_apology(
        dossier,
        officer=officer,
        signer=leader,
        reason="Cần xác minh thêm thời gian đóng bảo hiểm xã hội với đơn vị cũ",
        new_due_at=dt.datetime(2026, 3, 5, 8, 15, tzinfo=UTC),  # 15:15 in Hà Nội
        at=AT,
    )

    assert page_size(pdf) == A5
    assert len(PdfReader(BytesIO(pdf)).pages) == 1
    text = pdf_text(pdf)
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text
    assert CODE in text
    assert "Kính gửi: Ông/Bà Nguyễn Thị Hồng Nhung" in text
    assert "Cần xác minh thêm thời gian đóng bảo hiểm xã hội với đơn vị cũ" in text
    assert "09 giờ 30 phút, ngày 24/02/2026" in text  # received
    assert "Thời hạn trả kết quả giải quyết hồ sơ: 10 giờ 00 phút, ngày 02/03/2026" in text
    assert "15 giờ 15 phút, ngày 05/03/2026" in text
    assert "xin lỗi Ông/Bà" in text
    # Prepared by the officer, signed by the head of the agency: the leader's name and
    # title stand under "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ", the officer's under the preparer.
    assert (
        "NGƯỜI LẬP PHIẾU (Ký, ghi rõ họ tên) Phạm Thu Hà "
        "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ GIÁM ĐỐC (Ký, ghi rõ họ tên và đóng dấu) Hoàng Văn Giang"
    ) in text


@pytest.mark.django_db
def test_apology_falls_back_to_due_at_without_an_original_appointment(dossier, officer, leader):
    Dossier.objects.filter(pk=dossier.pk).update(original_due_at=None)

    pdf = render_apology(
        dossier,
        officer=officer,
        signer=leader,
        reason="Hệ thống liên thông gián đoạn",
        new_due_at=dt.datetime(2026, 3, 4, 2, 0, tzinfo=UTC),
        at=AT,
    )

    text = pdf_text(pdf)
    assert "Thời hạn trả kết quả giải quyết hồ sơ: 10 giờ 00 phút, ngày 02/03/2026" in text
    assert "09 giờ 00 phút, ngày 04/03/2026" in text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.django_db
def test_apology_text_matches_poppler_extraction(dossier, officer, leader):
    pdf = render_apology(
        dossier,
        officer=officer,
        signer=leader,
        reason="Cần xác minh thêm",
        new_due_at=dt.datetime(2026, 3, 5, 8, 15, tzinfo=UTC),
        at=AT,
    )

    result = subprocess.run(  # noqa: S603
        ["pdftotext", "-enc", "UTF-8", "-", "-"],  # noqa: S607
        input=pdf,
        capture_output=True,
        check=True,
        timeout=30,
    )
    text = " ".join(result.stdout.decode("utf-8").split())
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text
    assert "10 giờ 00 phút, ngày 02/03/2026" in text
    assert "15 giờ 15 phút, ngày 05/03/2026" in text


@pytest.mark.django_db
def test_stopped_notice_states_when_and_why(dossier, officer):
    pdf = render_stopped_notice(
        dossier,
        officer=officer,
        reason="Người đề nghị đã từ trần, thân nhân đề nghị dừng giải quyết",
        at=AT,
    )

    assert page_size(pdf) == A5
    text = pdf_text(pdf)
    assert "THÔNG BÁO VỀ VIỆC DỪNG XỬ LÝ HỒ SƠ" in text
    assert CODE in text
    assert "Nguyễn Thị Hồng Nhung" in text
    assert "dừng xử lý kể từ 08 giờ 00 phút, ngày 02/03/2026" in text
    assert "Người đề nghị đã từ trần, thân nhân đề nghị dừng giải quyết" in text
    assert f"{SITE_URL}/track/" in text


HANDOVERS = [
    {
        "unit": "Bộ phận tiếp nhận và trả kết quả",
        "given_at": dt.datetime(2026, 2, 24, 3, 0, tzinfo=UTC),
        "received_at": dt.datetime(2026, 2, 24, 3, 10, tzinfo=UTC),
        "result": "early",
        "note": "",
        "giver": "Trần Văn Bình",
        "receiver": "Lê Thị Cúc",
    },
    {
        "unit": "Phòng Chế độ bảo hiểm xã hội",
        "given_at": dt.datetime(2026, 2, 26, 8, 0, tzinfo=UTC),
        "received_at": dt.datetime(2026, 2, 26, 8, 30, tzinfo=UTC),
        "result": "on_time",
        "note": "Đã thẩm định",
        "giver": "Lê Thị Cúc",
        "receiver": "Đỗ Minh Đức",
    },
    {
        "unit": "Lãnh đạo cơ quan",
        "given_at": dt.datetime(2026, 3, 3, 2, 0, tzinfo=UTC),
        "received_at": None,
        "result": "late",
        "note": "Chờ ký",
        "giver": "Đỗ Minh Đức",
        "receiver": "",
    },
]


@pytest.mark.django_db
def test_control_sheet_has_one_row_per_handover(dossier):
    pdf = render_control_sheet(dossier, handovers=HANDOVERS)

    assert page_size(pdf) == A4
    text = pdf_text(pdf)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert CODE in text
    assert "Thời gian nhận hồ sơ: 09 giờ 30 phút, ngày 24/02/2026" in text
    assert "Thời gian hẹn trả kết quả: 10 giờ 00 phút, ngày 02/03/2026" in text
    assert "TÊN CƠ QUAN/ĐƠN VỊ" in text
    assert "THỜI GIAN GIAO, NHẬN HỒ SƠ" in text
    assert "(Trướchạn/đúnghạn/quáhạn)" in text.replace(" ", "")  # the header may wrap
    assert "GHI CHÚ" in text
    # The header says "Trước hạn" once; every other occurrence is a row's result.
    assert text.count("Trước hạn") == 2
    assert "Đúng hạn" in text
    assert "Quá hạn" in text
    assert "1. Bộ phận tiếp nhận và trả kết quả" in text
    assert "3. Lãnh đạo cơ quan" in text
    assert "Giao: 10 giờ 00 phút, ngày 24/02/2026" in text
    assert "Nhận: 10 giờ 10 phút, ngày 24/02/2026" in text
    for name in ("Trần Văn Bình", "Lê Thị Cúc", "Đỗ Minh Đức"):
        assert name in text
    assert "Người giao" in text
    assert "Người nhận" in text
    assert "Chờ ký" in text


def test_control_sheet_rows_label_results_and_leave_missing_times_blank():
    rows = control_sheet_rows([*HANDOVERS, {**HANDOVERS[0], "result": ""}])

    assert [row["result"] for row in rows] == ["Trước hạn", "Đúng hạn", "Quá hạn", ""]
    assert rows[2]["received"] == "…… giờ …… phút, ngày ……/……/………"
    assert rows[1]["given"] == "15 giờ 00 phút, ngày 26/02/2026"


def test_control_sheet_rows_refuse_an_unknown_result():
    with pytest.raises(ValueError, match="soon"):
        control_sheet_rows([{**HANDOVERS[0], "result": "soon"}])


DECISION_TEXT = (
    "Điều 1. Giải quyết hưởng chế độ ốm đau cho bà Nguyễn Thị Hồng Nhung, "
    "số ngày nghỉ: 05 ngày, số tiền: 1.250.000 đồng.\n"
    "Điều 2. Quyết định này có hiệu lực kể từ ngày ký."
)


@pytest.mark.django_db
def test_approved_decision_is_an_a4_decision_of_the_director(dossier):
    pdf = render_decision(
        dossier,
        outcome="approved",
        decision_text=DECISION_TEXT,
        signer_name="Nguyễn Văn Giám",
        at=AT,
    )

    assert page_size(pdf) == A4
    assert len(PdfReader(BytesIO(pdf)).pages) == 1
    text = pdf_text(pdf)
    assert "QUYẾT ĐỊNH" in text
    assert "Về việc giải quyết hưởng chế độ ốm đau" in text
    assert "GIÁM ĐỐC BẢO HIỂM XÃ HỘI THÀNH PHỐ HÀ NỘI" in text
    assert CODE in text
    assert "Nguyễn Thị Hồng Nhung" in text
    assert "số ngày nghỉ: 05 ngày, số tiền: 1.250.000 đồng." in text
    assert "Điều 2. Quyết định này có hiệu lực kể từ ngày ký." in text
    assert "Văn bản đã được ký số" in text
    assert "Nguyễn Văn Giám" in text
    assert "Số: ………/QĐ-BHXH" in text
    assert "Hà Nội, ngày 02 tháng 03 năm 2026" in text


@pytest.mark.django_db
def test_denied_result_is_a_notice(dossier):
    pdf = render_decision(
        dossier,
        outcome="denied",
        decision_text="Không đủ điều kiện hưởng do chưa đóng đủ 06 tháng trước khi ốm.",
        signer_name="Nguyễn Văn Giám",
        at=AT,
    )

    text = pdf_text(pdf)
    assert "THÔNG BÁO" in text
    assert "QUYẾT ĐỊNH" not in text
    assert "Về việc giải quyết hưởng chế độ ốm đau" in text
    assert "Không đủ điều kiện hưởng do chưa đóng đủ 06 tháng trước khi ốm." in text
    assert "Số: ………/TB-BHXH" in text
    assert "GIÁM ĐỐC" in text


@pytest.mark.django_db
def test_decision_refuses_an_unknown_outcome(dossier):
    with pytest.raises(ValueError, match="maybe"):
        render_decision(dossier, outcome="maybe", decision_text="", signer_name="", at=AT)


@pytest.mark.parametrize(
    ("name", "subject"),
    [
        ("Giải quyết hưởng chế độ ốm đau", "Về việc giải quyết hưởng chế độ ốm đau"),
        ("Cấp lại, đổi thẻ bảo hiểm y tế", "Về việc giải quyết cấp lại, đổi thẻ bảo hiểm y tế"),
        ("BHXH một lần", "Về việc giải quyết BHXH một lần"),
    ],
)
def test_decision_subject(name, subject):
    assert decision_subject(name) == subject
