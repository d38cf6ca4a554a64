"""Public tracking by dossier code: no sign-in, no personal data, rate-limited per client."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.http import client_ip
from core.throttling import ScopedRateThrottle

from ..services import dossier_timeliness
from ..tracking import TooManyAttempts, masked_name, tracked_lookup
from . import examples
from .common import AUTH_PROBLEMS, BAD_REQUEST, as_problem, problem, problem_example
from .serializers import TrackingInputSerializer, TrackingOutputSerializer


class TrackingApi(APIView):
    """Anonymous on purpose: the code with the ID's last 4 digits (or the slip's token) is
    the credential. Failed attempts count against the same budgets as the tracking page
    (per client address, and per dossier code for the ID digits)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "tracking"

    def handle_exception(self, exc):
        return super().handle_exception(as_problem(exc))

    @extend_schema(
        operation_id="tracking_retrieve",
        tags=["tracking"],
        auth=[],
        summary="Tra cứu tiến độ hồ sơ / Track a dossier",
        description=(
            "Tra cứu không cần đăng nhập bằng mã hồ sơ kèm 4 số cuối CCCD của người nộp, hoặc "
            "mã trên phiếu hẹn. Không trả về dữ liệu cá nhân (họ tên được che). Giới hạn số "
            "lần thử theo địa chỉ.\n\n"
            "Tracking without signing in, by dossier code with the last 4 digits of the "
            "applicant's ID number, or with the token printed on the slip. No personal data "
            "is returned (the name is masked). Attempts are limited per client address."
        ),
        parameters=[
            OpenApiParameter(
                "code",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="Mã hồ sơ / Dossier code.",
                pattern=r"^[A-Za-z0-9.\-]{1,64}$",
                examples=[OpenApiExample("Mã / Code", value="000.00.01.H26-261124-0001")],
            ),
            TrackingInputSerializer,
        ],
        responses={
            200: OpenApiResponse(
                TrackingOutputSerializer,
                description="Tiến độ hồ sơ / The dossier's progress.",
                examples=[examples.TRACKING],
            ),
            **BAD_REQUEST,
            (404, "application/problem+json"): problem(
                "Không có hồ sơ khớp mã và 4 số cuối CCCD / No dossier matches the code and "
                "the ID digits.",
                problem_example(
                    "Không khớp / No match",
                    404,
                    "not_found",
                    "No dossier matches this code and ID number.",
                ),
            ),
            (429, "application/problem+json"): AUTH_PROBLEMS[(429, "application/problem+json")],
        },
    )
    def get(self, request, code: str):
        params = TrackingInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        token = params.validated_data.get("token")
        try:
            dossier = tracked_lookup(
                client=client_ip(request),
                code=code,
                id_last4=None if token else params.validated_data.get("id_last4"),
                token=token,
            )
        except TooManyAttempts as exc:
            raise Throttled(wait=exc.window_seconds) from exc
        if dossier is None:
            raise NotFound(
                _("No dossier matches this code and ID number. Check both and try again.")
            )
        dossier.applicant_masked_name = masked_name(dossier.applicant_name)
        dossier.current_timeliness = dossier_timeliness(dossier)
        dossier.timeline = dossier.trail().filter(citizen_visible=True).order_by("created_at", "id")
        return Response(TrackingOutputSerializer(dossier).data)
