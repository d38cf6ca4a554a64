"""OpenAPI examples of the results and documents API (fictitious data)."""

from drf_spectacular.utils import OpenApiExample

_BASE = "https://portal.vss.gov.vn/api/v1/dossiers/000.00.01.H26-261124-0001"
_SHA = "9f2c4d1e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e"

_DOCUMENT = {
    "id": 12,
    "component": "medical_leave_certificate",
    "component_name": "Giấy chứng nhận nghỉ việc hưởng bảo hiểm xã hội",
    "name": "giay-nghi-om.pdf",
    "content_type": "application/pdf",
    "size": 48213,
    "sha256": _SHA,
    "page_count": 1,
    "source": "upload",
    "digitisation_status": "done",
    "created_at": "2026-11-24T09:12:03+07:00",
    "links": {
        "self": f"{_BASE}/documents/12/",
        "file": f"{_BASE}/documents/12/file/",
        "searchable_pdf": f"{_BASE}/documents/12/searchable-pdf/",
    },
}

DOCUMENT_LIST_ITEM = OpenApiExample(
    "Giấy tờ đã nộp / An uploaded document", value=_DOCUMENT, response_only=True
)

DOCUMENT_DETAIL = OpenApiExample(
    "Giấy tờ đã số hóa / A digitised document",
    value={
        **_DOCUMENT,
        "ocr_text": "GIẤY CHỨNG NHẬN NGHỈ VIỆC HƯỞNG BẢO HIỂM XÃ HỘI\nHọ và tên: Nguyễn Văn An",
    },
    response_only=True,
)

_SIGNED_AT = "2026-11-27T15:40:11+07:00"
_RESULT = {
    "id": 31,
    "kind": "result",
    "kind_label": "Kết quả",
    "signed": True,
    "sha256": _SHA,
    "created_at": _SIGNED_AT,
    "signature": {
        "valid": True,
        "trusted": True,
        "signer": "Hoàng Văn Giang",
        "signed_at": _SIGNED_AT,
        "coverage": "ENTIRE_FILE",
    },
    "links": {"self": f"{_BASE}/slips/31/", "pdf": f"{_BASE}/slips/31/pdf/"},
}
_SUPPLEMENT = {
    "id": 27,
    "kind": "supplement",
    "kind_label": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "signed": False,
    "sha256": _SHA,
    "created_at": "2026-11-25T10:02:45+07:00",
    "signature": None,
    "links": {"self": f"{_BASE}/slips/27/", "pdf": f"{_BASE}/slips/27/pdf/"},
}

SLIP_LIST_ITEM = OpenApiExample(
    "Kết quả đã ký số / The signed result", value=_RESULT, response_only=True
)
SLIP_LIST_LETTER = OpenApiExample(
    "Phiếu yêu cầu bổ sung / Supplement request", value=_SUPPLEMENT, response_only=True
)
SLIP_DETAIL = OpenApiExample(
    "Kết quả đã ký số / The signed result", value=_RESULT, response_only=True
)
SLIP_DETAIL_LETTER = OpenApiExample(
    "Phiếu yêu cầu bổ sung / Supplement request", value=_SUPPLEMENT, response_only=True
)
SLIP_PREPARING = OpenApiExample(
    "Đang chuẩn bị / Being prepared",
    value={"status": "preparing", "retry_after": 2},
    response_only=True,
    status_codes=["202"],
)
