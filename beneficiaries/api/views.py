"""HI card look-up for health facilities (partner tokens with scope `hi_card_lookup`)."""

from __future__ import annotations

import structlog
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ErrorDetail, NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from dossiers.api.common import AUTH_PROBLEMS, ApiView, problem, problem_example
from partners.constants import PartnerKind, Scope
from partners.permissions import HasScope, PartnerOnly, request_token

from ..validators import validate_national_id
from .serializers import HiCardStatusOutputSerializer

logger = structlog.get_logger(__name__)


def hi_card_status(*, national_id: str) -> dict | None:
    # Imported when called: the registry is built by its own issue and may still be moving.
    from ..selectors import hi_card_status as lookup

    return lookup(national_id=national_id)


class HiCardLookupApi(ApiView):
    permission_classes = [IsAuthenticated, PartnerOnly, HasScope]
    partner_kinds = (PartnerKind.HEALTH_FACILITY,)
    required_scopes = (Scope.HI_CARD_LOOKUP,)

    @extend_schema(
        operation_id="hi_cards_retrieve",
        tags=["health insurance"],
        summary="Tra cứu thẻ BHYT / Look up a health insurance card",
        description=(
            "Cơ sở khám chữa bệnh tra cứu thẻ BHYT đang hoạt động theo số CCCD của người bệnh: "
            "mã thẻ, mức hưởng, thời hạn và nơi đăng ký KCB ban đầu.\n\n"
            "A health facility looks up the patient's active health insurance card by personal "
            "ID number: card number, benefit level, validity and initial care facility. "
            "Health-facility tokens with scope `hi_card_lookup` only."
        ),
        parameters=[
            OpenApiParameter(
                "national_id",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="Số CCCD 12 chữ số / The 12-digit personal ID number.",
                pattern=r"^[0-9]{12}$",
                examples=[OpenApiExample("CCCD", value="001090012345")],
            )
        ],
        responses={
            200: OpenApiResponse(
                HiCardStatusOutputSerializer,
                description="Thẻ đang hoạt động / The active card.",
                examples=[
                    OpenApiExample(
                        "Thẻ còn giá trị / A valid card",
                        value={
                            "valid": True,
                            "card_number": "DN4010123456789",
                            "group": "DN",
                            "benefit_level": 4,
                            "valid_from": "2026-01-01",
                            "valid_to": "2026-12-31",
                            "facility_code": "01001",
                            "facility_name": "Bệnh viện Bạch Mai",
                        },
                        response_only=True,
                    )
                ],
            ),
            (400, "application/problem+json"): problem(
                "Số CCCD không hợp lệ / Not a valid personal ID number.",
                problem_example(
                    "Số CCCD sai / Invalid ID number",
                    400,
                    "validation_error",
                    "The request has invalid fields.",
                    errors=[
                        {
                            "field": "national_id",
                            "message": "The personal ID number must have exactly 12 digits.",
                            "code": "national_id_length",
                        }
                    ],
                ),
            ),
            **AUTH_PROBLEMS,
            (404, "application/problem+json"): problem(
                "Không có thẻ BHYT đang hoạt động / No active health insurance card.",
            ),
        },
    )
    def get(self, request, national_id: str):
        try:
            number = validate_national_id(national_id)
        except DjangoValidationError as exc:
            raise ValidationError(
                {"national_id": [ErrorDetail(m, exc.code or "invalid") for m in exc.messages]}
            ) from exc
        status = hi_card_status(national_id=number)
        logger.info(
            "hi_card_looked_up", token_id=request_token(request).pk, found=status is not None
        )
        if status is None:
            raise NotFound(_("No active health insurance card for this ID number."))
        return Response(HiCardStatusOutputSerializer(status).data)
