"""Partner self-service: a partner system registers the addresses that receive its signed
dossier status events, rotates their secrets, and reads (and replays) the delivery log.

Only partner tokens with scope `webhooks` (I-VAN providers and employers, the kinds that file
dossiers); a partner sees and changes only its own endpoints (anyone else's answer 404).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.mixins import ListModelMixin
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from dossiers.api.common import (
    AUTH_PROBLEMS,
    BAD_REQUEST,
    IDEMPOTENCY_KEY,
    IDEMPOTENT_REPLAYED_HEADER,
    LOCATION_HEADER,
    UNSUPPORTED_MEDIA,
    ApiView,
    PortalCursorPagination,
    problem,
    problem_example,
)
from dossiers.api.idempotency import fingerprint, run_idempotent_resource

from ..constants import (
    WEBHOOK_MAX_ACTIVE_ENDPOINTS,
    DeliveryStatus,
    PartnerKind,
    Scope,
    WebhookEventType,
)
from ..models import WebhookEndpoint
from ..permissions import HasScope, PartnerOnly, request_token
from ..selectors import (
    endpoint_deliveries,
    endpoint_delivery,
    partner_webhook_endpoint,
    partner_webhook_endpoints,
)
from ..services import (
    webhook_endpoint_create,
    webhook_endpoint_secret_rotate,
    webhook_endpoint_update,
    webhook_redeliver,
)
from .serializers import (
    WebhookDeliveryOutputSerializer,
    WebhookEndpointCreateInputSerializer,
    WebhookEndpointOutputSerializer,
    WebhookEndpointUpdateInputSerializer,
    WebhookEndpointWithSecretOutputSerializer,
)
from .webhook_catalogue import EXAMPLES

TAGS = ["webhooks"]
NOTE = (
    "Chỉ mã truy cập của đối tác I-VAN hoặc đơn vị sử dụng lao động có phạm vi `webhooks` / "
    "I-VAN and employer tokens with scope `webhooks` only."
)
P = "application/problem+json"
ENDPOINT_NOT_FOUND = {
    (404, P): problem(
        "Không có địa chỉ này trong các địa chỉ của bạn / No such endpoint among yours.",
        problem_example(
            "Không tìm thấy / Not found", 404, "not_found", "No such webhook endpoint."
        ),
    )
}
ENDPOINT_ID = OpenApiParameter(
    "endpoint_id",
    OpenApiTypes.INT,
    OpenApiParameter.PATH,
    description="Mã số địa chỉ nhận / The endpoint's id.",
)
_ENDPOINT = {
    "id": 7,
    "url": "https://ivan.example.vn/vss/events",
    "description": "Production",
    "event_types": ["dossier.status_changed", "dossier.result_returned"],
    "is_active": True,
    "created_at": "2026-11-24T09:30:00+07:00",
    "deliveries_url": "https://portal.vss.gov.vn/api/v1/webhooks/7/deliveries/",
}
SECRET_EXAMPLE = OpenApiExample(
    "Địa chỉ mới kèm khóa ký / New endpoint with its secret",
    value={**_ENDPOINT, "secret": "whsec_4kq0V3mZ0yQe7Yt1n8c2fW9rT5uB6xH3jL0pA2sD1gE"},
    response_only=True,
)
ENDPOINT_EXAMPLE = OpenApiExample(
    "Địa chỉ đang hoạt động / An active endpoint", value=_ENDPOINT, response_only=True
)
PAUSED_EXAMPLE = OpenApiExample(
    "Địa chỉ đã tạm dừng / A paused endpoint",
    value={**_ENDPOINT, "is_active": False},
    response_only=True,
)
_DELIVERY = {
    "reference": "5a1d7e0c-3b4f-4c2a-8e9d-6f7a8b9c0d1e",
    "event_id": 9007,
    "event_type": "dossier.status_changed",
    "dossier_code": "000.00.01.H26-261124-0001",
    "status": "delivered",
    "attempts": 1,
    "last_response_code": 200,
    "last_error": "",
    "next_retry_at": None,
    "delivered_at": "2026-11-24T09:05:02+07:00",
    "created_at": "2026-11-24T09:05:00+07:00",
    "payload": EXAMPLES[WebhookEventType.STATUS_CHANGED],
}
DELIVERY_EXAMPLE = OpenApiExample(
    "Đã gửi thành công / Delivered", value=_DELIVERY, response_only=True
)
REDELIVERY_EXAMPLE = OpenApiExample(
    "Gửi lại sau khi đã thất bại / Queued again after failing",
    value={
        **_DELIVERY,
        "status": "pending",
        "attempts": 8,
        "last_response_code": None,
        "last_error": "TimeoutError: timed out",
        "next_retry_at": "2026-11-24T16:00:00+07:00",
        "delivered_at": None,
    },
    response_only=True,
)
VERIFY_NOTE = (
    "Mỗi sự kiện là POST JSON kèm `X-VSS-Timestamp`, `X-VSS-Delivery` và `X-VSS-Signature: "
    "sha256=<hex>` = HMAC-SHA256(khóa, timestamp + '.' + thân); từ chối nếu lệch quá 5 phút. "
    "Trả 2xx để xác nhận; lỗi 5xx/408/429/mạng được gửi lại với thời gian chờ tăng dần.\n\n"
    "Each event is a JSON POST with `X-VSS-Timestamp`, `X-VSS-Delivery` and `X-VSS-Signature: "
    "sha256=<hex>` = HMAC-SHA256(secret, timestamp + '.' + body); refuse it when the timestamp "
    "is more than 5 minutes off. Answer 2xx to acknowledge; 5xx, 408, 429 and network errors "
    "are retried with growing back-off."
)


class _PartnerWebhookView(ApiView):
    permission_classes = [IsAuthenticated, PartnerOnly, HasScope]
    partner_kinds = (PartnerKind.IVAN, PartnerKind.EMPLOYER)
    required_scopes = (Scope.WEBHOOKS,)

    def partner_id(self) -> int:
        return request_token(self.request).partner_id

    def endpoint(self, endpoint_id) -> WebhookEndpoint:
        endpoint = partner_webhook_endpoint(partner_id=self.partner_id(), pk=endpoint_id)
        if endpoint is None:
            raise NotFound(_("No such webhook endpoint."))
        return endpoint


def _as_field_errors(exc: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(exc.message_dict)


class EndpointPagination(PortalCursorPagination):
    ordering = ("created_at", "id")
    page_size_query_description = "Số địa chỉ mỗi trang (1-100) / Endpoints per page (1-100)."


class WebhookCollectionApi(_PartnerWebhookView, ListModelMixin, GenericAPIView):
    pagination_class = EndpointPagination
    serializer_class = WebhookEndpointOutputSerializer

    @extend_schema(
        operation_id="webhooks_list",
        tags=TAGS,
        summary="Danh sách địa chỉ nhận sự kiện / List your webhook endpoints",
        description=(
            "Các địa chỉ đã đăng ký, cũ nhất trước; phân trang bằng con trỏ như mọi danh sách "
            "/ Your endpoints, oldest first; paged by cursor like every list. " + NOTE
        ),
        responses={
            200: OpenApiResponse(
                WebhookEndpointOutputSerializer(many=True),
                description="Một trang địa chỉ / One page of endpoints.",
                examples=[ENDPOINT_EXAMPLE],
            ),
            **BAD_REQUEST,
            **AUTH_PROBLEMS,
        },
    )
    def get(self, request):
        return self.list(request)

    def get_queryset(self):
        return partner_webhook_endpoints(partner_id=self.partner_id())

    @extend_schema(
        operation_id="webhooks_create",
        tags=TAGS,
        summary="Đăng ký địa chỉ nhận sự kiện / Register a webhook endpoint",
        description=(
            "Đăng ký một địa chỉ https nhận sự kiện của các hồ sơ bạn đã nộp (danh mục trong "
            "mục `webhooks` của tài liệu này); `event_types` chọn một phần, mặc định là tất "
            "cả. Khóa ký (`secret`) chỉ trả về trong câu trả lời này "
            f"(và khi gửi lại cùng Idempotency-Key); hãy lưu lại. Tối đa "
            f"{WEBHOOK_MAX_ACTIVE_ENDPOINTS} địa chỉ đang hoạt động.\n\n"
            "Registers an https address that receives the events of the dossiers you filed "
            "(the catalogue is this document's `webhooks` section); `event_types` picks a "
            "subset, every type by default. The signing `secret` is "
            "returned only in this answer (and on a replay with the same Idempotency-Key): "
            f"store it. At most {WEBHOOK_MAX_ACTIVE_ENDPOINTS} active endpoints.\n\n"
            f"{VERIFY_NOTE}\n\n{NOTE}"
        ),
        request=WebhookEndpointCreateInputSerializer,
        parameters=[IDEMPOTENCY_KEY, IDEMPOTENT_REPLAYED_HEADER, LOCATION_HEADER],
        examples=[
            OpenApiExample(
                "Đăng ký / Register",
                value={
                    "url": "https://ivan.example.vn/vss/events",
                    "description": "Production",
                    "event_types": ["dossier.status_changed", "dossier.result_returned"],
                },
                request_only=True,
            ),
            SECRET_EXAMPLE,
        ],
        responses={
            201: OpenApiResponse(
                WebhookEndpointWithSecretOutputSerializer,
                description="Địa chỉ đã đăng ký, kèm khóa ký / The endpoint, with its secret.",
            ),
            **BAD_REQUEST,
            **AUTH_PROBLEMS,
            **UNSUPPORTED_MEDIA,
            (409, P): problem(
                "Yêu cầu cùng Idempotency-Key đang được xử lý / A request with this key is "
                "still being processed."
            ),
            (422, P): problem(
                "Idempotency-Key đã dùng cho yêu cầu khác / The key was used for a different "
                "request."
            ),
        },
    )
    def post(self, request):
        serializer = WebhookEndpointCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        partner = request_token(request).partner

        def create() -> WebhookEndpoint:
            try:
                endpoint, _secret = webhook_endpoint_create(
                    partner=partner,
                    url=data["url"],
                    description=data["description"],
                    event_types=data.get("event_types", []),
                )
            except DjangoValidationError as exc:
                raise _as_field_errors(exc) from exc
            return endpoint

        endpoint, replayed = run_idempotent_resource(
            request=request,
            request_fingerprint=fingerprint(request, data),
            resource_type="webhook_endpoint",
            create=create,
            load=lambda pk: partner_webhook_endpoint(partner_id=partner.pk, pk=pk),
        )
        body = WebhookEndpointWithSecretOutputSerializer(
            endpoint, context={"request": request}
        ).data
        headers = {
            "Location": request.build_absolute_uri(
                reverse("partners_api:webhook", args=[endpoint.pk])
            )
        }
        if replayed:
            headers["Idempotent-Replayed"] = "true"
        return Response(body, status=status.HTTP_201_CREATED, headers=headers)


class WebhookDetailApi(_PartnerWebhookView):
    @extend_schema(
        operation_id="webhooks_retrieve",
        tags=TAGS,
        summary="Một địa chỉ nhận sự kiện / One webhook endpoint",
        description=f"Không kèm khóa ký / Without its secret. {NOTE}",
        parameters=[ENDPOINT_ID],
        responses={
            200: OpenApiResponse(
                WebhookEndpointOutputSerializer,
                description="Địa chỉ nhận sự kiện / The endpoint.",
                examples=[ENDPOINT_EXAMPLE],
            ),
            **AUTH_PROBLEMS,
            **ENDPOINT_NOT_FOUND,
        },
    )
    def get(self, request, endpoint_id):
        endpoint = self.endpoint(endpoint_id)
        return Response(
            WebhookEndpointOutputSerializer(endpoint, context={"request": request}).data
        )

    @extend_schema(
        operation_id="webhooks_partial_update",
        tags=TAGS,
        summary="Sửa, tạm dừng hoặc bật lại địa chỉ / Change, pause or resume an endpoint",
        description=(
            "Chỉ gửi các trường cần đổi. `is_active: false` tạm dừng gửi.\n\n"
            f"Send only the fields you change. `is_active: false` pauses sending. {NOTE}"
        ),
        parameters=[ENDPOINT_ID],
        request=WebhookEndpointUpdateInputSerializer,
        examples=[
            OpenApiExample("Tạm dừng / Pause", value={"is_active": False}, request_only=True)
        ],
        responses={
            200: OpenApiResponse(
                WebhookEndpointOutputSerializer,
                description="Đã lưu / Saved.",
                examples=[PAUSED_EXAMPLE],
            ),
            **BAD_REQUEST,
            **AUTH_PROBLEMS,
            **ENDPOINT_NOT_FOUND,
            **UNSUPPORTED_MEDIA,
        },
    )
    def patch(self, request, endpoint_id):
        endpoint = self.endpoint(endpoint_id)
        serializer = WebhookEndpointUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            endpoint = webhook_endpoint_update(
                endpoint=endpoint,
                url=data.get("url", endpoint.url),
                description=data.get("description", endpoint.description),
                is_active=data.get("is_active", endpoint.is_active),
                event_types=data.get("event_types"),
            )
        except DjangoValidationError as exc:
            raise _as_field_errors(exc) from exc
        return Response(
            WebhookEndpointOutputSerializer(endpoint, context={"request": request}).data
        )

    @extend_schema(
        operation_id="webhooks_destroy",
        tags=TAGS,
        summary="Ngừng nhận sự kiện / Stop an endpoint",
        description=(
            "Ngừng gửi tới địa chỉ này; nhật ký gửi được giữ lại.\n\n"
            f"Stops sending to this endpoint; its delivery log is kept. {NOTE}"
        ),
        parameters=[ENDPOINT_ID],
        responses={
            204: OpenApiResponse(description="Đã ngừng / Stopped."),
            **AUTH_PROBLEMS,
            **ENDPOINT_NOT_FOUND,
        },
    )
    def delete(self, request, endpoint_id):
        endpoint = self.endpoint(endpoint_id)
        if endpoint.is_active:
            webhook_endpoint_update(
                endpoint=endpoint,
                url=endpoint.url,
                description=endpoint.description,
                is_active=False,
            )
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookSecretRotateApi(_PartnerWebhookView):
    @extend_schema(
        operation_id="webhooks_rotate_secret",
        tags=TAGS,
        summary="Đổi khóa ký / Rotate the signing secret",
        description=(
            "Tạo khóa ký mới, chỉ trả về một lần; các lần gửi từ nay dùng khóa mới.\n\n"
            "Makes a new signing secret, returned only once; deliveries from now on are "
            f"signed with it. {NOTE}"
        ),
        parameters=[ENDPOINT_ID],
        request=None,
        responses={
            200: OpenApiResponse(
                WebhookEndpointWithSecretOutputSerializer,
                description="Địa chỉ kèm khóa mới / The endpoint with its new secret.",
                examples=[SECRET_EXAMPLE],
            ),
            **AUTH_PROBLEMS,
            **ENDPOINT_NOT_FOUND,
        },
    )
    def post(self, request, endpoint_id):
        endpoint, _secret = webhook_endpoint_secret_rotate(endpoint=self.endpoint(endpoint_id))
        return Response(
            WebhookEndpointWithSecretOutputSerializer(endpoint, context={"request": request}).data
        )


class DeliveryPagination(PortalCursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 50
    page_size_query_description = "Số bản ghi mỗi trang (1-100) / Deliveries per page (1-100)."


class DeliveryListInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=DeliveryStatus.choices,
        required=False,
        help_text="Lọc theo trạng thái gửi / Only deliveries in this state.",
    )


class WebhookDeliveryListApi(_PartnerWebhookView, ListModelMixin, GenericAPIView):
    pagination_class = DeliveryPagination
    serializer_class = WebhookDeliveryOutputSerializer

    @extend_schema(
        operation_id="webhooks_deliveries_list",
        tags=TAGS,
        summary="Nhật ký gửi sự kiện / The delivery log",
        description=(
            "Mọi sự kiện đã và sẽ gửi tới địa chỉ này, mới nhất trước, kèm số lần thử và mã "
            "trả lời gần nhất.\n\nEvery event sent or to be sent to this endpoint, newest "
            f"first, with the attempts made and the last response code. {NOTE}"
        ),
        parameters=[ENDPOINT_ID, DeliveryListInputSerializer],
        responses={
            200: OpenApiResponse(
                WebhookDeliveryOutputSerializer(many=True),
                description="Một trang / One page.",
                examples=[DELIVERY_EXAMPLE],
            ),
            **BAD_REQUEST,
            **AUTH_PROBLEMS,
            **{
                key: problem(
                    "Không có địa chỉ hoặc con trỏ sai / No such endpoint, or an invalid cursor."
                )
                for key in ENDPOINT_NOT_FOUND
            },
        },
    )
    def get(self, request, endpoint_id):
        return self.list(request)

    def get_queryset(self):
        params = DeliveryListInputSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        queryset = endpoint_deliveries(endpoint=self.endpoint(self.kwargs["endpoint_id"]))
        if "status" in params.validated_data:
            queryset = queryset.filter(status=params.validated_data["status"])
        return queryset


class WebhookRedeliverApi(_PartnerWebhookView):
    @extend_schema(
        operation_id="webhooks_deliveries_redeliver",
        tags=TAGS,
        summary="Gửi lại một sự kiện / Send an event again",
        description=(
            "Xếp hàng gửi lại ngay (vd. sau khi hệ thống của bạn khôi phục). Nội dung và "
            "`event_id` giữ nguyên để bạn bỏ bản trùng.\n\n"
            "Queues the delivery to be sent again now (e.g. after your system recovered). The "
            f"body and `event_id` stay the same, so you can drop duplicates. {NOTE}"
        ),
        parameters=[
            ENDPOINT_ID,
            OpenApiParameter(
                "reference",
                OpenApiTypes.UUID,
                OpenApiParameter.PATH,
                description="Mã lần gửi (X-VSS-Delivery) / The delivery's reference.",
            ),
        ],
        request=None,
        responses={
            202: OpenApiResponse(
                WebhookDeliveryOutputSerializer,
                description="Đã xếp hàng / Queued.",
                examples=[REDELIVERY_EXAMPLE],
            ),
            **AUTH_PROBLEMS,
            (404, P): problem("Không có lần gửi này / No such delivery."),
        },
    )
    def post(self, request, endpoint_id, reference):
        delivery = endpoint_delivery(endpoint=self.endpoint(endpoint_id), reference=reference)
        if delivery is None:
            raise NotFound(_("No such delivery."))
        webhook_redeliver(delivery=delivery, actor=request.user)
        delivery = endpoint_delivery(endpoint=delivery.endpoint, reference=reference)
        return Response(
            WebhookDeliveryOutputSerializer(delivery, context={"request": request}).data,
            status=status.HTTP_202_ACCEPTED,
        )
