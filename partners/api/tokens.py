"""A partner system rotates its own API token: a new token is issued (its secret returned
once), and the one that made the request keeps working for a grace period, then is refused."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from dossiers.api.common import AUTH_PROBLEMS, BAD_REQUEST, ApiView

from ..permissions import request_token
from ..services import partner_token_rotate


class TokenRotatedOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Mã số mã truy cập mới / The new token's id.")
    name = serializers.CharField(help_text="Nhãn / Label.")
    key_prefix = serializers.CharField(help_text="Phần đầu của khóa / How the secret starts.")
    secret = serializers.CharField(
        help_text="Khóa mới, chỉ trả về một lần / The new secret, returned only once."
    )
    scopes = serializers.ListField(child=serializers.CharField(), help_text="Phạm vi / Scopes.")
    expires_at = serializers.DateTimeField(help_text="Hạn của mã mới / When the new token expires.")
    previous_token_expires_at = serializers.DateTimeField(
        help_text=(
            "Mã cũ (mã gửi yêu cầu này) còn dùng được đến lúc này / The token that made this "
            "request keeps working until then."
        )
    )


ROTATED_EXAMPLE = OpenApiExample(
    "Mã mới / The new token",
    value={
        "id": 42,
        "name": "I-VAN production",
        "key_prefix": "vss_Qm3x",
        "secret": "vss_Qm3xY0bq1V9mT2wZc8rJ4nK6pL5sD7fG3hA1eU0iO2",
        "scopes": ["dossiers:read", "dossiers:write"],
        "expires_at": "2027-12-03T09:00:00+07:00",
        "previous_token_expires_at": "2026-12-06T09:00:00+07:00",
    },
    response_only=True,
)


class TokenRotateApi(ApiView):
    """Any partner token may rotate itself; a browser session has no token to rotate."""

    @extend_schema(
        operation_id="partner_token_rotate",
        tags=["tokens"],
        summary="Đổi mã truy cập / Rotate the API token",
        description=(
            "Cấp mã truy cập mới cùng phạm vi và giới hạn; khóa mới chỉ trả về một lần. Mã đang "
            "dùng cho yêu cầu này còn hiệu lực trong thời gian chuyển đổi (mặc định 72 giờ), sau "
            "đó bị từ chối với lỗi 401 `token_expired`. Mỗi mã có hạn (mặc định 365 ngày).\n\n"
            "Issues a new token with the same scopes and limits; its secret is returned only "
            "once. The token that made this request keeps working for the grace period "
            "(72 hours by default), then is refused with 401 `token_expired`. Every token "
            "expires (365 days after issue by default)."
        ),
        request=None,
        responses={
            201: OpenApiResponse(
                TokenRotatedOutputSerializer,
                description="Mã mới / The new token.",
                examples=[ROTATED_EXAMPLE],
            ),
            **BAD_REQUEST,
            **AUTH_PROBLEMS,
        },
    )
    def post(self, request):
        token = request_token(request)
        if token is None:
            raise PermissionDenied(_("Only an API token can be rotated."))
        try:
            new, secret = partner_token_rotate(token=token)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"token": exc.messages}) from exc
        token.refresh_from_db(fields=["expires_at"])
        body = {
            "id": new.pk,
            "name": new.name,
            "key_prefix": new.key_prefix,
            "secret": secret,
            "scopes": new.scopes,
            "expires_at": new.expires_at,
            "previous_token_expires_at": token.expires_at,
        }
        response = Response(TokenRotatedOutputSerializer(body).data, status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        return response
