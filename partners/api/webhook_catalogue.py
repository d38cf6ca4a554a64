"""The webhook event catalogue in the OpenAPI document (its OpenAPI 3.1 `webhooks` section).

Each event type is a POST the portal sends to a partner's endpoint, with its payload schema
and an example (checked against the schema by tests/api/test_openapi_docs.py). The
payloads are built by partners.services.webhooks; these serializers only describe them.
Listed in SPECTACULAR_SETTINGS["WEBHOOKS"].
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, OpenApiWebhook, extend_schema
from rest_framework import serializers

from dossiers.api.serializers import ProcedureRefOutputSerializer
from dossiers.constants import DossierState, Outcome, ReturnMethod

from ..constants import WebhookEventType

# --- payload shapes ------------------------------------------------------------------


class WebhookDossierSerializer(serializers.Serializer):
    reference = serializers.UUIDField()
    code = serializers.CharField(allow_null=True, help_text="Mã hồ sơ / Dossier code.")
    procedure = ProcedureRefOutputSerializer(
        help_text="Thủ tục, như trong REST API / The procedure, as the REST API gives it."
    )
    state = serializers.ChoiceField(
        choices=DossierState.choices, help_text="Trạng thái sau sự kiện / State after the event."
    )
    previous_state = serializers.ChoiceField(
        choices=DossierState.choices,
        allow_null=True,
        help_text="Trạng thái trước, nếu đổi / State before, when it changed.",
    )
    portal_code = serializers.IntegerField(
        allow_null=True, help_text="Mã trạng thái Cổng DVC quốc gia / National portal code."
    )
    due_at = serializers.DateTimeField(allow_null=True)
    url = serializers.URLField(help_text="GET để đọc hồ sơ / GET it for the whole dossier.")


class _EnvelopeSerializer(serializers.Serializer):
    event_id = serializers.IntegerField(
        help_text=(
            "Mã sự kiện; cùng `type` thì duy nhất, dùng để bỏ bản trùng / The event's id, "
            "unique per `type`: drop duplicates by it."
        )
    )
    occurred_at = serializers.DateTimeField(
        help_text="Giờ Việt Nam (+07:00), như REST API / Vietnam time (+07:00), as in REST."
    )


class StatusChangedPayloadSerializer(_EnvelopeSerializer):
    type = serializers.ChoiceField(choices=[WebhookEventType.STATUS_CHANGED.value])
    dossier = WebhookDossierSerializer()
    reason = serializers.CharField(
        allow_blank=True, help_text="Lý do công dân được xem / Reason the citizen may see."
    )


class SupplementSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)
    items = serializers.ListField(
        child=serializers.CharField(), help_text="Những gì còn thiếu / What is missing."
    )


class SupplementRequestedPayloadSerializer(_EnvelopeSerializer):
    type = serializers.ChoiceField(choices=[WebhookEventType.SUPPLEMENT_REQUESTED.value])
    dossier = WebhookDossierSerializer()
    supplement = SupplementSerializer()


class SignedResultSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices, allow_null=True)
    decision_number = serializers.CharField(allow_null=True)
    signed_at = serializers.DateTimeField()


class ResultSignedPayloadSerializer(_EnvelopeSerializer):
    type = serializers.ChoiceField(choices=[WebhookEventType.RESULT_SIGNED.value])
    dossier = WebhookDossierSerializer()
    result = SignedResultSerializer()


class ReturnedResultSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices, allow_null=True)
    delivery = serializers.ChoiceField(choices=ReturnMethod.choices, allow_null=True)
    returned_at = serializers.DateTimeField()


class ResultReturnedPayloadSerializer(_EnvelopeSerializer):
    type = serializers.ChoiceField(choices=[WebhookEventType.RESULT_RETURNED.value])
    dossier = WebhookDossierSerializer()
    result = ReturnedResultSerializer()


class RatingSummarySerializer(serializers.Serializer):
    score = serializers.IntegerField(min_value=1, max_value=5)
    channel = serializers.CharField(help_text="web | tablet")
    changed = serializers.BooleanField(help_text="Đánh giá được sửa / A changed rating.")


class RatingReceivedPayloadSerializer(_EnvelopeSerializer):
    type = serializers.ChoiceField(choices=[WebhookEventType.RATING_RECEIVED.value])
    dossier = WebhookDossierSerializer()
    rating = RatingSummarySerializer()


class WebhookBundleSerializer(serializers.Serializer):
    reference = serializers.UUIDField()
    kind = serializers.CharField(help_text="birth | death")
    title_vi = serializers.CharField()
    title_en = serializers.CharField()


class WebhookBundlePartSerializer(serializers.Serializer):
    procedure = serializers.CharField()
    agency = serializers.CharField(help_text="justice | police | vss")
    status = serializers.CharField(help_text="completed")
    name_vi = serializers.CharField()
    name_en = serializers.CharField()
    agency_reference = serializers.CharField(allow_blank=True)


class BundlePartCompletedPayloadSerializer(_EnvelopeSerializer):
    type = serializers.ChoiceField(choices=[WebhookEventType.BUNDLE_PART_COMPLETED.value])
    bundle = WebhookBundleSerializer()
    part = WebhookBundlePartSerializer()
    dossier = WebhookDossierSerializer(
        allow_null=True, help_text="Hồ sơ BHXH của phần này / The part's VSS dossier, if any."
    )


PAYLOAD_SERIALIZERS = {
    WebhookEventType.STATUS_CHANGED: StatusChangedPayloadSerializer,
    WebhookEventType.SUPPLEMENT_REQUESTED: SupplementRequestedPayloadSerializer,
    WebhookEventType.RESULT_SIGNED: ResultSignedPayloadSerializer,
    WebhookEventType.RESULT_RETURNED: ResultReturnedPayloadSerializer,
    WebhookEventType.RATING_RECEIVED: RatingReceivedPayloadSerializer,
    WebhookEventType.BUNDLE_PART_COMPLETED: BundlePartCompletedPayloadSerializer,
}

# --- examples ------------------------------------------------------------------------

_DOSSIER = {
    "reference": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
    "code": "000.00.01.H26-261124-0001",
    "procedure": {
        "code": "1.001667",
        "slug": "sickness-benefit",
        "name_vi": "Giải quyết hưởng chế độ ốm đau",
        "name_en": "Sickness benefit",
    },
    "state": "received",
    "previous_state": "submitted",
    "portal_code": 2,
    "due_at": "2026-12-02T08:20:00+07:00",
    "url": "https://portal.vss.gov.vn/api/v1/dossiers/000.00.01.H26-261124-0001/",
}
EXAMPLES = {
    WebhookEventType.STATUS_CHANGED: {
        "event_id": 9007,
        "type": "dossier.status_changed",
        "occurred_at": "2026-11-24T09:05:00+07:00",
        "dossier": _DOSSIER,
        "reason": "",
    },
    WebhookEventType.SUPPLEMENT_REQUESTED: {
        "event_id": 9011,
        "type": "dossier.supplement_requested",
        "occurred_at": "2026-11-25T10:00:00+07:00",
        "dossier": {
            **_DOSSIER,
            "state": "supplement_requested",
            "previous_state": "in_processing",
            "portal_code": 5,
        },
        "supplement": {
            "reason": "Giấy ra viện không rõ ngày.",
            "items": ["Giấy ra viện (bản sao rõ ngày ra viện)"],
        },
    },
    WebhookEventType.RESULT_SIGNED: {
        "event_id": 9020,
        "type": "dossier.result_signed",
        "occurred_at": "2026-11-27T15:30:00+07:00",
        "dossier": {
            **_DOSSIER,
            "state": "processed",
            "previous_state": "awaiting_signature",
            "portal_code": 9,
        },
        "result": {
            "outcome": "approved",
            "decision_number": "123/QĐ-BHXH",
            "signed_at": "2026-11-27T15:30:00+07:00",
        },
    },
    WebhookEventType.RESULT_RETURNED: {
        "event_id": 9024,
        "type": "dossier.result_returned",
        "occurred_at": "2026-11-28T09:00:00+07:00",
        "dossier": {
            **_DOSSIER,
            "state": "returned",
            "previous_state": "processed",
            "portal_code": 10,
        },
        "result": {
            "outcome": "approved",
            "delivery": "electronic",
            "returned_at": "2026-11-28T09:00:00+07:00",
        },
    },
    WebhookEventType.RATING_RECEIVED: {
        "event_id": 9031,
        "type": "dossier.rating_received",
        "occurred_at": "2026-11-29T20:15:00+07:00",
        "dossier": {**_DOSSIER, "state": "returned", "previous_state": None, "portal_code": 10},
        "rating": {"score": 5, "channel": "web", "changed": False},
    },
    WebhookEventType.BUNDLE_PART_COMPLETED: {
        "event_id": 512,
        "type": "bundle.part_completed",
        "occurred_at": "2026-11-26T11:00:00+07:00",
        "bundle": {
            "reference": "3b2f7a8e-1c4d-4e6f-9a0b-2c3d4e5f6a7b",
            "kind": "birth",
            "title_vi": "Liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y "
            "tế cho trẻ em dưới 6 tuổi",
            "title_en": "Interconnected birth registration, permanent residence registration "
            "and health insurance card for a child under 6",
        },
        "part": {
            "procedure": "hi_card_child",
            "agency": "vss",
            "status": "completed",
            "name_vi": "Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi",
            "name_en": "Health insurance card for a child under 6",
            "agency_reference": "",
        },
        "dossier": {
            **_DOSSIER,
            "procedure": {
                "code": "1.002759",
                "slug": "hi-card-child",
                "name_vi": "Cấp thẻ BHYT cho trẻ em dưới 6 tuổi",
                "name_en": "HI card for a child under 6",
            },
            "state": "returned",
            "previous_state": None,
            "portal_code": 10,
        },
    },
}

_SUMMARIES = {
    WebhookEventType.STATUS_CHANGED: (
        "Hồ sơ đổi trạng thái / A dossier changed state",
        "Mỗi lần hồ sơ bạn nộp đổi trạng thái (kể cả khi nộp và tiếp nhận).",
        "Each time a dossier you filed changes state (submission and reception included).",
    ),
    WebhookEventType.SUPPLEMENT_REQUESTED: (
        "Yêu cầu bổ sung hồ sơ / Supplement requested",
        "Cán bộ yêu cầu bổ sung; `supplement.items` liệt kê những gì còn thiếu (cũng có một "
        "sự kiện đổi trạng thái).",
        "An officer asked for a supplement; `supplement.items` lists what is missing (a "
        "status change event is sent too).",
    ),
    WebhookEventType.RESULT_SIGNED: (
        "Kết quả đã được ký / Result signed",
        "Lãnh đạo đã ký quyết định; văn bản kết quả được ký số ngay sau đó.",
        "The leader signed the decision; the result document is digitally signed right after.",
    ),
    WebhookEventType.RESULT_RETURNED: (
        "Đã trả kết quả / Result returned",
        "Kết quả đã được trả cho người nộp (cũng có một sự kiện đổi trạng thái).",
        "The result was handed to the applicant (a status change event is sent too).",
    ),
    WebhookEventType.RATING_RECEIVED: (
        "Nhận được đánh giá / Rating received",
        "Người nộp đánh giá (hoặc sửa đánh giá) mức độ hài lòng; không kèm nhận xét.",
        "The applicant rated (or changed their rating of) the service; without the comment.",
    ),
    WebhookEventType.BUNDLE_PART_COMPLETED: (
        "Một phần của hồ sơ liên thông hoàn thành / A bundle part completed",
        "Một thủ tục trong hồ sơ liên thông đã hoàn thành; gửi cho đối tác đã nộp hồ sơ BHXH "
        "của liên thông đó.",
        "A procedure of an interconnected bundle completed; sent to the partner that filed "
        "the bundle's VSS dossier.",
    ),
}

HEADERS_NOTE = (
    "Ký bằng HMAC-SHA256: `X-VSS-Signature: sha256=<hex>` của `X-VSS-Timestamp + '.' + thân`; "
    "`X-VSS-Event` là loại sự kiện, `X-VSS-Delivery` mã lần gửi. Trả 2xx để xác nhận.\n\n"
    "Signed with HMAC-SHA256: `X-VSS-Signature: sha256=<hex>` of `X-VSS-Timestamp + '.' + "
    "body`; `X-VSS-Event` is the event type, `X-VSS-Delivery` the delivery's reference. "
    "Answer 2xx to acknowledge."
)


def _webhook(event_type: WebhookEventType) -> OpenApiWebhook:
    summary, vietnamese, english = _SUMMARIES[event_type]
    return OpenApiWebhook(
        name=str(event_type.value),
        decorator=extend_schema(
            summary=summary,
            description=f"{vietnamese}\n\n{english}\n\n{HEADERS_NOTE}",
            request=PAYLOAD_SERIALIZERS[event_type],
            examples=[
                OpenApiExample(
                    f"Ví dụ {event_type.value} / Example {event_type.value}",
                    value=EXAMPLES[event_type],
                )
            ],
            responses={
                200: OpenApiResponse(description="Đã nhận / Received."),
                204: OpenApiResponse(description="Đã nhận / Received."),
            },
        ),
    )


# One name per event type: SPECTACULAR_SETTINGS["WEBHOOKS"] lists their import paths.
STATUS_CHANGED = _webhook(WebhookEventType.STATUS_CHANGED)
SUPPLEMENT_REQUESTED = _webhook(WebhookEventType.SUPPLEMENT_REQUESTED)
RESULT_SIGNED = _webhook(WebhookEventType.RESULT_SIGNED)
RESULT_RETURNED = _webhook(WebhookEventType.RESULT_RETURNED)
RATING_RECEIVED = _webhook(WebhookEventType.RATING_RECEIVED)
BUNDLE_PART_COMPLETED = _webhook(WebhookEventType.BUNDLE_PART_COMPLETED)
