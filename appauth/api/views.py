"""GET /api/v1/me/: who the API sees (citizen through session or app token, staff, partner)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.constants import Role
from core.api_access import request_delegation, request_token
from dossiers.api.common import AUTH_PROBLEMS, ApiView

from ..constants import PROFILE
from .serializers import MeOutputSerializer

CITIZEN_EXAMPLE = OpenApiExample(
    "Công dân qua ứng dụng / A citizen through the app",
    value={
        "kind": "citizen",
        "role": "citizen",
        "citizen": {
            "national_id": "001090012345",
            "full_name": "Nguyễn Văn An",
            "date_of_birth": "1990-05-12",
            "gender": "male",
            "email": "an.nguyen@example.vn",
            "phone": "0912345678",
            "preferred_language": "vi",
            "identity_verified": True,
        },
        "app": {
            "client_id": "vss-citizen-app",
            "name": "VssID (ứng dụng công dân / citizen app)",
            "scopes": ["dossiers:read", "dossiers:write", "profile"],
            "expires_at": "2026-11-24T09:10:00+07:00",
        },
        "partner": None,
    },
    response_only=True,
)
PARTNER_EXAMPLE = OpenApiExample(
    "Hệ thống đối tác / A partner system",
    value={
        "kind": "partner",
        "role": "citizen",
        "citizen": None,
        "app": None,
        "partner": {
            "partner": "Công ty I-VAN Mẫu",
            "kind": "ivan",
            "token": "Production",
            "token_prefix": "vss_a1b2c3",
            "scopes": ["dossiers_read", "dossiers_write"],
            "rate_limit_per_minute": 120,
            "expires_at": "2027-12-03T10:00:00+07:00",
        },
    },
    response_only=True,
)


class MeApi(ApiView):
    # Any partner token may read its own access; a citizen app token needs `profile`.
    required_scopes = ()
    citizen_app_scopes = (PROFILE,)

    @extend_schema(
        operation_id="me",
        tags=["me"],
        summary="Tài khoản đang gọi / Who am I",
        description=(
            "Công dân (phiên đăng nhập hoặc mã truy cập của ứng dụng, phạm vi `profile`): hồ sơ "
            "cá nhân, và với mã của ứng dụng, ứng dụng và phạm vi được cấp. Hệ thống đối tác: "
            "phạm vi và giới hạn tốc độ của mã truy cập.\n\n"
            "A citizen (session, or the citizen app's token with the `profile` scope): their "
            "profile and, with an app token, the app and the scopes granted. A partner system: "
            "its token's scopes and rate limit. Staff sessions: their role."
        ),
        responses={
            200: OpenApiResponse(
                MeOutputSerializer,
                description="Tài khoản / The caller.",
                examples=[CITIZEN_EXAMPLE, PARTNER_EXAMPLE],
            ),
            **AUTH_PROBLEMS,
        },
    )
    def get(self, request):
        user = request.user
        token = request_token(request)
        grant = request_delegation(request)
        if grant is not None and not grant.has(PROFILE):
            raise PermissionDenied(_("This token does not have the scope this operation needs."))
        body = {"role": user.role, "citizen": None, "app": None, "partner": None}
        if token is not None:
            body["kind"] = "partner"
            body["partner"] = {
                "partner": token.partner.name,
                "kind": token.partner.kind,
                "token": token.name,
                "token_prefix": token.key_prefix,
                "scopes": list(token.scopes),
                "rate_limit_per_minute": token.rate_limit_per_minute,
                "expires_at": token.expires_at,
            }
        elif user.role == Role.CITIZEN:
            body["kind"] = "citizen"
            body["citizen"] = {
                "national_id": user.national_id or "",
                "full_name": user.full_name,
                "date_of_birth": user.date_of_birth,
                "gender": user.gender,
                "email": user.email,
                "phone": user.phone,
                "preferred_language": user.preferred_language,
                "identity_verified": user.identity_verified_at is not None,
            }
            if grant is not None:
                access_token = grant.access_token
                body["app"] = {
                    "client_id": access_token.application.client_id,
                    "name": access_token.application.name,
                    "scopes": grant.scopes,
                    "expires_at": access_token.expires,
                }
        else:
            body["kind"] = "staff"
        return Response(MeOutputSerializer(body).data)
