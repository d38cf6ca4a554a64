"""Request and response examples for the OpenAPI document (data is fictitious).

`tests/api/test_openapi_docs.py` checks every example against the schema of its operation.
An example of a list answer is one item: drf-spectacular puts it in the list (and the page).
"""

import copy

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

CREATE_FOR_CHILD_REQUEST = OpenApiExample(
    "Nộp thay cho con / Filing for a child",
    value={
        "procedure": "sickness-benefit",
        "province_code": 1,
        "principal": {"kind": "guardian", "national_id": "001224012345"},
    },
    request_only=True,
)

CREATE_WITH_AUTHORISATION_REQUEST = OpenApiExample(
    "Nộp thay theo giấy ủy quyền / Filing under a letter of authorisation",
    value={
        "procedure": "sickness-benefit",
        "province_code": 1,
        "principal": {
            "kind": "authorisation",
            "national_id": "001185012345",
            "full_name": "Lê Thị Hoa",
            "scope": "Nộp và nhận kết quả hồ sơ ốm đau / File and collect the sickness dossier",
            "authorisation_letter": {"name": "giay-uy-quyen.pdf", "content": "JVBERi0xLjQK"},
        },
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

_URL = "https://portal.vss.gov.vn/api/v1/dossiers/000.00.01.H26-261124-0001/"
_SUBMITTED = {
    "reference": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
    "code": "000.00.01.H26-261124-0001",
    "url": _URL,
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
    "statutory_due_at": "2026-12-02T08:20:00+07:00",
    "decided_at": None,
    "returned_at": None,
    "receiving_office": _OFFICE,
    "competent_office": _OFFICE,
    "supplement_reason": "",
    "supplement_items": [],
    "outcome": "",
    "decision_text": "",
    "decision_number": "",
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
    "missing": [],
    "available_actions": [
        {
            "name": "withdraw",
            "label": "Rút hồ sơ",
            "needs_reason": True,
            "url": f"{_URL}actions/withdraw/",
        }
    ],
}
DOSSIER_DETAIL = OpenApiExample(
    "Hồ sơ đã nộp / A submitted dossier", value=_SUBMITTED, response_only=True
)


def _action(name: str, label: str, *, needs_reason: bool = False) -> dict:
    return {
        "name": name,
        "label": label,
        "needs_reason": needs_reason,
        "url": f"{_URL}actions/{name}/",
    }


def _dossier(**changes) -> dict:
    """The submitted dossier of DOSSIER_DETAIL, as it is after some steps of its workflow."""
    value = copy.deepcopy(_SUBMITTED)
    value.update(changes)
    return value


_DRAFT_URL = "https://portal.vss.gov.vn/api/v1/dossiers/7c9e6679-7425-40de-944b-e07fc1f90ae7/"

DOSSIER_LIST_ITEM = OpenApiExample(
    "Hồ sơ đã nộp / A submitted dossier",
    value={
        key: _SUBMITTED[key]
        for key in (
            "reference",
            "code",
            "url",
            "procedure",
            "state",
            "state_label",
            "portal_code",
            "channel",
            "applicant_name",
            "created_at",
            "updated_at",
            "submitted_at",
            "due_at",
        )
    },
    response_only=True,
)

DRAFT_DETAIL = OpenApiExample(
    "Bản nháp còn thiếu giấy tờ / A draft still missing a document",
    value=_dossier(
        code=None,
        url=_DRAFT_URL,
        state="draft",
        state_label="Hồ sơ nháp",
        portal_code=None,
        updated_at="2026-11-24T08:14:00+07:00",
        submitted_at=None,
        due_at=None,
        revision=3,
        data={**SICKNESS_VALUES, "leave_start_date": "2026-11-17", "leave_end_date": "2026-11-21"},
        draft_expires_at="2026-12-24T08:14:00+07:00",
        original_due_at=None,
        statutory_due_at=None,
        receiving_office=None,
        documents=[],
        missing_items=["Nghỉ đến ngày", "Giấy chứng nhận nghỉ việc hưởng bảo hiểm xã hội"],
        missing=[
            {
                "label": "Nghỉ đến ngày",
                "code": "field_required",
                "field": "data.leave_end_date",
                "documents": [],
            },
            {
                "label": "Giấy chứng nhận nghỉ việc hưởng bảo hiểm xã hội",
                "code": "document_required",
                "field": None,
                "documents": ["medical_leave_certificate"],
            },
        ],
        available_actions=[],
    ),
    response_only=True,
)

DOCUMENT_UPLOAD_REQUEST = OpenApiExample(
    "Giấy chứng nhận nghỉ việc / Medical-leave certificate",
    value={"component": "medical_leave_certificate", "file": "giay-nghi-om.pdf"},
    description=(
        "`file` là nội dung tệp (multipart), không phải tên tệp / `file` is the file's content "
        "(a multipart file part), not its name."
    ),
    request_only=True,
    media_type="multipart/form-data",
)

DOCUMENT = OpenApiExample(
    "Tệp PDF đã nhận / A stored PDF",
    value=_SUBMITTED["documents"][0],
    response_only=True,
)

# --- workflow actions ----------------------------------------------------------------

_RECEIVED = {
    "state": "received",
    "state_label": "Đã tiếp nhận",
    "portal_code": 2,
    "received_at": "2026-11-24T09:05:00+07:00",
    "updated_at": "2026-11-24T09:05:00+07:00",
    "revision": 7,
}
_IN_PROCESSING = {
    **_RECEIVED,
    "state": "in_processing",
    "state_label": "Đang giải quyết",
    "portal_code": 4,
    "updated_at": "2026-11-24T09:30:00+07:00",
    "revision": 8,
}
_DECISION = "Giải quyết hưởng chế độ ốm đau 5 ngày, từ 16/11/2026 đến 20/11/2026."
_DENIAL = "Thời gian nghỉ trùng với thời gian nghỉ hằng năm theo bảng chấm công của đơn vị."
_PROCESSED = {
    **_IN_PROCESSING,
    "state": "processed",
    "state_label": "Đã giải quyết",
    "portal_code": 9,
    "outcome": "approved",
    "decision_text": _DECISION,
    "decision_number": "123/QĐ-BHXH",
    "decided_at": "2026-11-30T15:40:00+07:00",
    "updated_at": "2026-11-30T15:40:00+07:00",
    "revision": 12,
}
_REASONS = {
    "refuse": "Hồ sơ không thuộc thẩm quyền giải quyết của BHXH thành phố Hà Nội.",
    "request_supplement": "Giấy ra viện bị mờ, không đọc được ngày ra viện.",
    "send_back": "Đề nghị kiểm tra lại số ngày nghỉ theo giấy chứng nhận.",
    "apologise": "Hệ thống cơ sở dữ liệu về bảo hiểm xã hội bị gián đoạn.",
    "stop": "Người lao động đã được giải quyết hưởng cho cùng thời gian nghỉ.",
    "withdraw": "Tôi nộp nhầm thủ tục, sẽ nộp lại hồ sơ khác.",
    "verification": "Xác minh quá trình đóng BHXH từ 2010 đến 2015 tại đơn vị cũ.",
}
_VERIFICATION_DUE_AT = "2027-01-08T08:00:00+07:00"
_SUPPLEMENT_ITEMS = ["Giấy ra viện (bản sao rõ nét)"]
_NEW_DUE_AT = "2026-12-04T17:00:00+07:00"


def _reason(name: str, title: str) -> OpenApiExample:
    return OpenApiExample(title, value={"reason": _REASONS[name]}, request_only=True)


ACTION_REQUESTS: dict[str, list[OpenApiExample]] = {
    "refuse": [_reason("refuse", "Sai thẩm quyền / Not this office's competence")],
    "request_supplement": [
        OpenApiExample(
            "Giấy ra viện bị mờ / Unreadable discharge paper",
            value={"reason": _REASONS["request_supplement"], "items": _SUPPLEMENT_ITEMS},
            request_only=True,
        )
    ],
    "supply": [
        OpenApiExample(
            "Đã tải lên giấy tờ / Documents uploaded",
            value={"note": "Đã tải lên bản sao giấy ra viện rõ nét."},
            request_only=True,
        )
    ],
    "approve": [
        OpenApiExample(
            "Chấp thuận 5 ngày / Approve 5 days",
            value={"decision_text": _DECISION},
            request_only=True,
        )
    ],
    "deny": [
        OpenApiExample(
            "Trùng ngày nghỉ phép / Overlaps annual leave",
            value={"decision_text": _DENIAL},
            request_only=True,
        )
    ],
    "send_back": [_reason("send_back", "Kiểm tra lại số ngày / Check the days again")],
    "return_result": [
        OpenApiExample(
            "Gửi qua bưu điện / By post",
            value={"delivery": "post", "tracking_number": "EB123456789VN"},
            request_only=True,
        ),
        OpenApiExample(
            "Trả điện tử / Electronically", value={"delivery": "electronic"}, request_only=True
        ),
    ],
    "apologise": [
        OpenApiExample(
            "Hẹn lại ngày trả / A new return date",
            value={"reason": _REASONS["apologise"], "new_due_at": _NEW_DUE_AT},
            request_only=True,
        )
    ],
    "stop": [_reason("stop", "Đã giải quyết trùng / Already settled")],
    "verification": [
        _reason("verification", "Xác minh quá trình đóng / Verify the contribution history")
    ],
    "withdraw": [_reason("withdraw", "Nộp nhầm thủ tục / Filed under the wrong procedure")],
    "assign": [
        OpenApiExample(
            "Giao cán bộ số 17 / Assign officer 17", value={"officer": 17}, request_only=True
        )
    ],
}

_SUPPLY_ACTION = _action("supply", "Đã bổ sung hồ sơ")
_AFTER = {
    "accept": (
        "Đã tiếp nhận / Received",
        {
            **_RECEIVED,
            "available_actions": [
                _action("request_supplement", "Yêu cầu bổ sung hồ sơ", needs_reason=True),
            ],
        },
    ),
    "refuse": (
        "Đã từ chối tiếp nhận / Refused",
        {
            "state": "refused",
            "state_label": "Từ chối tiếp nhận",
            "portal_code": 3,
            "stop_reason": _REASONS["refuse"],
            "revision": 7,
            "available_actions": [],
        },
    ),
    "request_supplement": (
        "Chờ bổ sung / Waiting for the supplement",
        {
            **_IN_PROCESSING,
            "state": "supplement_requested",
            "state_label": "Yêu cầu bổ sung",
            "portal_code": 5,
            "supplement_reason": _REASONS["request_supplement"],
            "supplement_items": _SUPPLEMENT_ITEMS,
            "revision": 9,
            "available_actions": [_SUPPLY_ACTION],
        },
    ),
    "supply": (
        "Đã bổ sung, tiếp tục xử lý / Supplemented, processing again",
        {
            **_IN_PROCESSING,
            "supplement_reason": _REASONS["request_supplement"],
            "supplement_items": _SUPPLEMENT_ITEMS,
            "due_at": "2026-12-03T10:20:00+07:00",
            "revision": 10,
            "available_actions": [],
        },
    ),
    "send_to_appraisal": (
        "Đang thẩm định / Under appraisal",
        {
            **_IN_PROCESSING,
            "state": "appraisal",
            "state_label": "Đang thẩm định",
            "revision": 9,
            "available_actions": [
                _action("approve", "Chấp thuận"),
                _action("deny", "Không chấp thuận", needs_reason=True),
            ],
        },
    ),
    "request_payment": (
        "Chờ nộp tiền / Waiting for payment",
        {
            **_IN_PROCESSING,
            "state": "payment_requested",
            "state_label": "Yêu cầu thanh toán",
            "portal_code": 6,
            "revision": 9,
            "available_actions": [_action("confirm_payment", "Đã nhận thanh toán")],
        },
    ),
    "confirm_payment": (
        "Đã nhận tiền, tiếp tục xử lý / Paid, processing again",
        {**_IN_PROCESSING, "revision": 10, "available_actions": []},
    ),
    "approve": (
        "Chờ lãnh đạo ký / Awaiting the leader's signature",
        {
            **_IN_PROCESSING,
            "state": "awaiting_signature",
            "state_label": "Chờ lãnh đạo ký duyệt",
            "outcome": "approved",
            "decision_text": _DECISION,
            "revision": 11,
            "available_actions": [],
        },
    ),
    "deny": (
        "Đề xuất từ chối, chờ ký / Denial awaiting the signature",
        {
            **_IN_PROCESSING,
            "state": "awaiting_signature",
            "state_label": "Chờ lãnh đạo ký duyệt",
            "outcome": "denied",
            "decision_text": _DENIAL,
            "revision": 11,
            "available_actions": [],
        },
    ),
    "sign": (
        "Đã ký, đã giải quyết / Signed and processed",
        {**_PROCESSED, "available_actions": [_action("return_result", "Trả kết quả")]},
    ),
    "send_back": (
        "Trả lại cán bộ xử lý / Back with the officer",
        {**_IN_PROCESSING, "revision": 12, "available_actions": []},
    ),
    "return_result": (
        "Đã trả kết quả qua bưu điện / Returned by post",
        {
            **_PROCESSED,
            "state": "returned",
            "state_label": "Đã trả kết quả",
            "portal_code": 10,
            "returned_at": "2026-12-01T09:00:00+07:00",
            "updated_at": "2026-12-01T09:00:00+07:00",
            "result_delivery": "post",
            "post_tracking_number": "EB123456789VN",
            "timeliness": "early",
            "revision": 13,
            "available_actions": [],
        },
    ),
    "apologise": (
        "Hẹn lại ngày trả kết quả / A new return date",
        {**_IN_PROCESSING, "due_at": _NEW_DUE_AT, "revision": 9, "available_actions": []},
    ),
    "stop": (
        "Đã dừng xử lý / Processing stopped",
        {
            **_IN_PROCESSING,
            "state": "stopped",
            "state_label": "Dừng xử lý",
            "portal_code": 8,
            "stop_reason": _REASONS["stop"],
            "revision": 9,
            "available_actions": [],
        },
    ),
    "withdraw": (
        "Đã rút hồ sơ / Withdrawn",
        {
            "state": "withdrawn",
            "state_label": "Người nộp hồ sơ đã rút hồ sơ",
            "portal_code": 7,
            "stop_reason": _REASONS["withdraw"],
            "updated_at": "2026-11-24T08:40:00+07:00",
            "revision": 7,
            "available_actions": [],
        },
    ),
    "assign": (
        "Đã giao, đang giải quyết / Assigned, being processed",
        {**_IN_PROCESSING, "available_actions": []},
    ),
    "verification": (
        "Cần xác minh, thời hạn dài hơn / Verification needed, longer limit",
        {**_IN_PROCESSING, "due_at": _VERIFICATION_DUE_AT, "revision": 9, "available_actions": []},
    ),
}
ACTION_ANSWERS = {
    name: OpenApiExample(title, value=_dossier(**changes), response_only=True)
    for name, (title, changes) in _AFTER.items()
}

TAKEN = OpenApiExample(
    "Hồ sơ vừa nhận / The dossier you took",
    value=_dossier(
        **_IN_PROCESSING,
        available_actions=[
            _action("request_supplement", "Yêu cầu bổ sung hồ sơ", needs_reason=True),
            _action("send_to_appraisal", "Chuyển thẩm định"),
            _action(
                "apologise",
                "Phát hành phiếu xin lỗi và hẹn lại ngày trả kết quả",
                needs_reason=True,
            ),
        ],
    ),
    response_only=True,
)

TIMELINE = [
    OpenApiExample(
        "Đã nộp trực tuyến / Submitted online",
        value={
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
        response_only=True,
    ),
    OpenApiExample(
        "Cán bộ đã tiếp nhận / Received by an officer",
        value={
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
        response_only=True,
    ),
]

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
        "statutory_due_at": "2026-12-02T08:20:00+07:00",
        "returned_at": None,
        "timeliness": "",
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
