"""The signed-in person's inbox: list, unread count, mark one or all read.

Sessions only for now (the citizen app signs in like the portal; OAuth 2 tokens come
later through the project's authentication classes). Partner tokens are refused: an
inbox belongs to a person, not to a system filing for many.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from dossiers.api.common import AUTH_PROBLEMS, ApiView, PortalCursorPagination, problem

from ..selectors import inbox, inbox_unread_count
from ..services import inbox_mark_read
from .serializers import (
    InboxListInputSerializer,
    InboxMessageOutputSerializer,
    MarkedOutputSerializer,
    UnreadCountOutputSerializer,
)

TAGS = ["inbox"]
SESSION_NOTE = (
    "Chỉ phiên đăng nhập của chính người dùng; mã truy cập đối tác bị từ chối (403) / The "
    "signed-in person's own session only; partner tokens are refused (403)."
)
_MESSAGE = {
    "id": 4182,
    "subject": "Hồ sơ 000.00.01.H26-261124-0001 đã có kết quả",
    "body": "Hồ sơ hưởng chế độ ốm đau của bạn đã có kết quả. Xem và tải kết quả trên cổng.",
    "event": "transition",
    "created_at": "2026-11-27T16:02:10+07:00",
    "read_at": None,
    "dossier": {
        "code": "000.00.01.H26-261124-0001",
        "reference": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
        "url": "https://portal.vss.gov.vn/api/v1/dossiers/000.00.01.H26-261124-0001/",
    },
}
MESSAGE_EXAMPLE = OpenApiExample("Có kết quả / Result returned", value=_MESSAGE, response_only=True)
READ_EXAMPLE = OpenApiExample(
    "Đã đọc / Read",
    value={**_MESSAGE, "read_at": "2026-11-27T18:30:00+07:00"},
    response_only=True,
)
MESSAGE_NOT_FOUND = {
    (404, "application/problem+json"): problem(
        "Không có tin này trong hộp thư của bạn / No such message in your inbox."
    )
}


class InboxPagination(PortalCursorPagination):
    ordering = ("-created_at", "-id")
    page_size_query_description = "Số tin mỗi trang (1-100) / Messages per page (1-100)."


class InboxApi(ApiView, GenericAPIView):
    required_scopes = None  # closed to partner tokens
    pagination_class = InboxPagination

    @extend_schema(
        operation_id="inbox_list",
        tags=TAGS,
        summary="Hộp thư / Inbox",
        description=(
            "Các tin về hồ sơ của bạn, mới nhất trước, phân trang theo con trỏ.\n\n"
            f"Messages about your dossiers, newest first, cursor pagination. {SESSION_NOTE}"
        ),
        parameters=[InboxListInputSerializer],
        responses={
            200: OpenApiResponse(
                InboxMessageOutputSerializer(many=True),
                description="Một trang tin / One page of messages.",
                examples=[MESSAGE_EXAMPLE],
            ),
            **AUTH_PROBLEMS,
            (400, "application/problem+json"): problem(
                "Tham số không hợp lệ / Invalid query parameters."
            ),
        },
    )
    def get(self, request):
        params = InboxListInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        messages = inbox(user=request.user)
        if params.validated_data["unread"]:
            messages = messages.filter(read_at__isnull=True)
        page = self.paginate_queryset(messages)
        body = InboxMessageOutputSerializer(page, many=True, context={"request": request}).data
        return self.get_paginated_response(body)


class InboxUnreadCountApi(ApiView):
    required_scopes = None

    @extend_schema(
        operation_id="inbox_unread_count",
        tags=TAGS,
        summary="Số tin chưa đọc / Unread count",
        description=(
            "Số tin chưa đọc, cho biểu tượng hộp thư.\n\n"
            f"How many messages are unread, for the inbox badge. {SESSION_NOTE}"
        ),
        responses={
            200: OpenApiResponse(
                UnreadCountOutputSerializer,
                description="Số tin chưa đọc / The unread count.",
                examples=[
                    OpenApiExample(
                        "Hai tin chưa đọc / Two unread", value={"unread": 2}, response_only=True
                    )
                ],
            ),
            **AUTH_PROBLEMS,
        },
    )
    def get(self, request):
        return Response(
            {"unread": inbox_unread_count(request.user)}, headers={"Cache-Control": "no-store"}
        )


class InboxMarkReadApi(ApiView):
    required_scopes = None

    @extend_schema(
        operation_id="inbox_mark_read",
        tags=TAGS,
        summary="Đánh dấu một tin đã đọc / Mark a message read",
        description=(
            "Đánh dấu tin đã đọc; làm lại không thay đổi gì (giữ thời điểm đọc đầu tiên).\n\n"
            "Marks the message read; repeating it changes nothing (the first reading time "
            f"stays). {SESSION_NOTE}"
        ),
        request=None,
        parameters=[
            OpenApiParameter(
                "message_id",
                OpenApiTypes.INT,
                OpenApiParameter.PATH,
                description="Mã số tin / The message's id.",
            )
        ],
        responses={
            200: OpenApiResponse(
                InboxMessageOutputSerializer,
                description="Tin đã đọc / The message, read.",
                examples=[READ_EXAMPLE],
            ),
            **AUTH_PROBLEMS,
            **MESSAGE_NOT_FOUND,
        },
    )
    def post(self, request, message_id: int):
        messages = inbox(user=request.user)
        if not messages.filter(pk=message_id).exists():
            raise NotFound(_("No such message in your inbox."))
        inbox_mark_read(user=request.user, notification_ids=[message_id])
        message = messages.get(pk=message_id)
        return Response(InboxMessageOutputSerializer(message, context={"request": request}).data)


class InboxMarkAllReadApi(ApiView):
    required_scopes = None

    @extend_schema(
        operation_id="inbox_mark_all_read",
        tags=TAGS,
        summary="Đánh dấu tất cả đã đọc / Mark all read",
        description=(
            "Đánh dấu mọi tin chưa đọc là đã đọc và cho biết bao nhiêu tin.\n\n"
            f"Marks every unread message read and says how many. {SESSION_NOTE}"
        ),
        request=None,
        responses={
            200: OpenApiResponse(
                MarkedOutputSerializer,
                description="Số tin vừa đánh dấu / How many were marked.",
                examples=[
                    OpenApiExample(
                        "Đã đánh dấu ba tin / Three marked", value={"marked": 3}, response_only=True
                    )
                ],
            ),
            **AUTH_PROBLEMS,
        },
    )
    def post(self, request):
        return Response({"marked": inbox_mark_read(user=request.user)})
