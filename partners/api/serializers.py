"""Shapes of the partner self-service API (webhook endpoints and their delivery log)."""

from django.urls import reverse
from rest_framework import serializers

from ..constants import DeliveryStatus, WebhookEventType


class WebhookEndpointCreateInputSerializer(serializers.Serializer):
    url = serializers.CharField(
        max_length=500,
        help_text="Địa chỉ https nhận sự kiện / The https address that receives the events.",
    )
    description = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="Ghi chú của đối tác / Your own note.",
    )
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEventType.choices),
        required=False,
        max_length=len(WebhookEventType.values),
        help_text=(
            "Các loại sự kiện muốn nhận; bỏ trống để nhận mọi loại / The event types to "
            "receive; empty (or absent) receives every type."
        ),
    )


class WebhookEndpointUpdateInputSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=500, required=False, help_text="Địa chỉ mới / New URL.")
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEventType.choices),
        required=False,
        max_length=len(WebhookEventType.values),
        help_text=(
            "Các loại sự kiện muốn nhận; bỏ trống để nhận mọi loại / The event types to "
            "receive; empty (or absent) receives every type."
        ),
    )
    is_active = serializers.BooleanField(
        required=False,
        help_text=(
            "false: tạm dừng gửi; sự kiện trong thời gian dừng không được gửi / false pauses "
            "sending; events while paused are not sent."
        ),
    )


class WebhookEndpointOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    description = serializers.CharField()
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEventType.choices),
        help_text=(
            "Các loại sự kiện đã đăng ký; rỗng: mọi loại / The event types subscribed to; "
            "empty: every type."
        ),
    )
    is_active = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    deliveries_url = serializers.SerializerMethodField()

    def get_deliveries_url(self, endpoint) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("partners_api:webhook_deliveries", args=[endpoint.pk])
        )


class WebhookEndpointWithSecretOutputSerializer(WebhookEndpointOutputSerializer):
    secret = serializers.CharField(
        help_text=(
            "Khóa ký HMAC-SHA256; chỉ trả về khi tạo hoặc đổi khóa / The HMAC-SHA256 signing "
            "secret; returned only when created or rotated."
        )
    )


class WebhookDeliveryOutputSerializer(serializers.Serializer):
    reference = serializers.UUIDField(help_text="Giá trị header X-VSS-Delivery.")
    event_id = serializers.IntegerField(
        source="payload.event_id",
        help_text=(
            "Mã sự kiện nguồn, duy nhất theo từng loại / The source event's id, unique per type."
        ),
    )
    event_type = serializers.ChoiceField(choices=WebhookEventType.choices)
    dossier_code = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=DeliveryStatus.choices)
    attempts = serializers.IntegerField()
    last_response_code = serializers.IntegerField(allow_null=True)
    last_error = serializers.CharField()
    next_retry_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    payload = serializers.JSONField(help_text="Nội dung đã ký / The signed body.")

    def get_dossier_code(self, delivery) -> str:
        return ((delivery.payload or {}).get("dossier") or {}).get("code") or ""
