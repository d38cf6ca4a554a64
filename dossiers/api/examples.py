"""Request and response examples for the OpenAPI document (data is fictitious)."""

from drf_spectacular.utils import OpenApiExample

SICKNESS_VALUES = {
    "full_name": "Nguyễn Văn An",
    "national_id": "001090012345",
    "date_of_birth": "1990-05-17",
    "si_code": "0123456789",
    "phone": "0912345678",
    "sickness_reason": "own_illness",
    "treatment_type": "outpatient",
    "leave_start_date": "2026-11-16",
    "leave_end_date": "2026-11-20",
    "treatment_facility": "Bệnh viện Bạch Mai",
    "payment_method": "bank",
    "bank_account": "0123456789012",
    "return_method": "electronic",
}

CREATE_REQUEST = OpenApiExample(
    "Chế độ ốm đau / Sickness benefit",
    value={
        "procedure": "sickness-benefit",
        "province_code": 1,
        "address": "12 Phố Huế, Hà Nội",
        "data": SICKNESS_VALUES,
        "external_id": "NV-00042",
    },
    request_only=True,
)

UPDATE_REQUEST = OpenApiExample(
    "Sửa ngày nghỉ / Change the leave dates",
    value={"data": {"leave_start_date": "2026-11-17", "leave_end_date": "2026-11-21"}},
    request_only=True,
)

_PROCEDURE = {
    "code": "1.001667",
    "slug": "sickness-benefit",
    "name_vi": "Giải quyết hưởng chế độ ốm đau",
    "name_en": "Sickness benefit",
}
_OFFICE = {
    "agency_code": "000.00.01.H26",
    "name": "Bảo hiểm xã hội thành phố Hà Nội",
    "name_en": "Hanoi Social Security",
}

DOSSIER_DETAIL = OpenApiExample(
    "Hồ sơ đã nộp / A submitted dossier",
    value={
        "reference": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
        "code": "000.00.01.H26-261124-0001",
        "url": "https://portal.vss.gov.vn/api/v1/dossiers/000.00.01.H26-261124-0001/",
        "procedure": _PROCEDURE,
        "state": "submitted",
        "state_label": "Đã nộp trực tuyến",
        "portal_code": 1,
        "channel": "online",
        "applicant_name": "Nguyễn Văn An",
        "created_at": "2026-11-24T08:12:00+07:00",
        "updated_at": "2026-11-24T08:20:00+07:00",
        "submitted_at": "2026-11-24T08:20:00+07:00",
        "due_at": "2026-12-02T08:20:00+07:00",
        "revision": 6,
        "applicant": {
            "name": "Nguyễn Văn An",
            "national_id": "001090012345",
            "phone": "0912345678",
            "email": "",
            "address": "12 Phố Huế, Hà Nội",
            "province_code": 1,
        },
        "data": SICKNESS_VALUES,
        "return_method": "electronic",
        "draft_expires_at": None,
        "received_at": None,
        "original_due_at": "2026-12-02T08:20:00+07:00",
        "decided_at": None,
        "returned_at": None,
        "receiving_office": _OFFICE,
        "competent_office": _OFFICE,
        "supplement_reason": "",
        "supplement_items": [],
        "outcome": "",
        "decision_text": "",
        "stop_reason": "",
        "result_delivery": "",
        "post_tracking_number": "",
        "timeliness": "",
        "documents": [
            {
                "id": 812,
                "component": "medical_leave_certificate",
                "name": "giay-nghi-om.pdf",
                "content_type": "application/pdf",
                "size": 183211,
                "sha256": "9f2c4c0e1d5b3a8f6e7d9c0b1a2f3e4d5c6b7a8f9e0d1c2b3a4f5e6d7c8b9a0f",
                "page_count": 1,
                "source": "upload",
                "digitisation_status": "done",
                "created_at": "2026-11-24T08:15:00+07:00",
            }
        ],
        "missing_items": [],
        "available_actions": [
            {
                "name": "withdraw",
                "label": "Rút hồ sơ",
                "needs_reason": True,
                "url": "https://portal.vss.gov.vn/api/v1/dossiers/000.00.01.H26-261124-0001/"
                "actions/withdraw/",
            }
        ],
    },
    response_only=True,
)

TIMELINE = OpenApiExample(
    "Đã nộp rồi được tiếp nhận / Submitted, then received",
    value=[
        {
            "id": 9001,
            "kind": "submitted",
            "label": "Đã nộp trực tuyến",
            "from_state": "draft",
            "to_state": "submitted",
            "reason": "",
            "office": None,
            "actor_role": "citizen",
            "created_at": "2026-11-24T08:20:00+07:00",
        },
        {
            "id": 9007,
            "kind": "transition",
            "label": "Đã tiếp nhận",
            "from_state": "submitted",
            "to_state": "received",
            "reason": "",
            "office": "000.00.01.H26",
            "actor_role": "counter_officer",
            "created_at": "2026-11-24T09:05:00+07:00",
        },
    ],
    response_only=True,
)

TRACKING = OpenApiExample(
    "Đang xử lý / In processing",
    value={
        "code": "000.00.01.H26-261124-0001",
        "procedure": _PROCEDURE,
        "state": "in_processing",
        "state_label": "Đang xử lý",
        "portal_code": 4,
        "applicant_masked_name": "N***** V** A*",
        "submitted_at": "2026-11-24T08:20:00+07:00",
        "received_at": "2026-11-24T09:05:00+07:00",
        "due_at": "2026-12-02T08:20:00+07:00",
        "returned_at": None,
        "competent_office": _OFFICE,
        "timeline": [
            {
                "label": "Đã nộp trực tuyến",
                "to_state": "submitted",
                "created_at": "2026-11-24T08:20:00+07:00",
            },
            {
                "label": "Đã tiếp nhận",
                "to_state": "received",
                "created_at": "2026-11-24T09:05:00+07:00",
            },
        ],
    },
    response_only=True,
)

BATCH_REQUEST = OpenApiExample(
    "Danh sách ốm đau / A sickness list",
    value={
        "procedure": "sickness-benefit",
        "submit": True,
        "items": [
            {
                "external_id": "NV-00042",
                "province_code": 1,
                "data": SICKNESS_VALUES,
                "documents": [
                    {
                        "component": "medical_leave_certificate",
                        "file_name": "giay-nghi-om.pdf",
                        "content": "JVBERi0xLjQKJ...",
                    }
                ],
            },
            {"external_id": "NV-00043", "province_code": 1, "data": {"full_name": ""}},
        ],
    },
    request_only=True,
)

BATCH_RESULT = OpenApiExample(
    "Một hồ sơ nộp được, một bị từ chối / One filed, one rejected",
    value={
        "reference": "0b8f3c52-6f0e-4b7e-9d1c-8e4a2f6b9c10",
        "url": "https://portal.vss.gov.vn/api/v1/batches/0b8f3c52-6f0e-4b7e-9d1c-8e4a2f6b9c10/",
        "procedure": "sickness-benefit",
        "submit": True,
        "created_at": "2026-11-24T08:30:00+07:00",
        "summary": {"total": 2, "submitted": 1, "drafts": 0, "rejected": 1},
        "items": [
            {
                "index": 0,
                "external_id": "NV-00042",
                "status": "submitted",
                "dossier": {
                    "reference": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
                    "code": "000.00.01.H26-261124-0001",
                    "state": "submitted",
                },
                "errors": [],
                "missing": [],
            },
            {
                "index": 1,
                "external_id": "NV-00043",
                "status": "rejected",
                "dossier": None,
                "errors": [
                    {
                        "field": "data.full_name",
                        "message": "This field is required.",
                        "code": "required",
                    }
                ],
                "missing": [],
            },
        ],
    },
    response_only=True,
)
