"""HI card look-up for health facilities (partner tokens with scope `hi_card_lookup`): by
the holder's CCCD or by the card number in either printed form."""

from __future__ import annotations

import structlog
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ErrorDetail, NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accesslog.constants import AccessChannel, AccessKind
from accesslog.services import access_record
from dossiers.api.common import AUTH_PROBLEMS, ApiView, problem, problem_example
from partners.constants import PartnerKind, Scope
from partners.permissions import HasScope, PartnerOnly, request_token

from ..validators import validate_hi_card_lookup
from .serializers import HiCardStatusOutputSerializer

logger = structlog.get_logger(__name__)


def hi_card_status(*, identifier: str) -> dict | None:
    # Imported when called: the registry is built by its own issue and may still be moving.
    from ..selectors import hi_card_status as lookup

    return lookup(identifier=identifier)


class HiCardLookupApi(ApiView):
    permission_classes = [IsAuthenticated, PartnerOnly, HasScope]
    partner_kinds = (PartnerKind.HEALTH_FACILITY,)
    required_scopes = (Scope.HI_CARD_LOOKUP,)

    @extend_schema(
        operation_id="hi_cards_retrieve",
        tags=["health insurance"],
        summary="Tra cứu thẻ BHYT / Look up a health insurance card",
        description=(
            "Cơ sở khám chữa bệnh tra cứu thẻ BHYT đang hoạt động theo số CCCD của người bệnh "
            "hoặc theo mã thẻ BHYT: mã 10 số in trên thẻ từ năm 2021 (mã số BHXH) hoặc mã 15 ký "
            "tự của thẻ cũ. Trả về mã thẻ, mức hưởng, thời hạn và nơi đăng ký KCB ban đầu; "
            "người có nhiều thẻ được trả thẻ đang hoạt động.\n\n"
            "A health facility looks up the patient's active health insurance card by personal "
            "ID number or by card number: the 10 digits printed on cards since 2021 (the SI "
            "code) or the 15 characters of older cards. Answers the card number, benefit "
            "level, validity and initial care facility; for a person with several cards, the "
            "active one. Health-facility tokens with scope `hi_card_lookup` only."
        ),
        parameters=[
            OpenApiParameter(
                "identifier",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description=(
                    "Số CCCD 12 chữ số, mã thẻ BHYT 10 số (in trên thẻ từ năm 2021) hoặc mã "
                    "thẻ 15 ký tự / The 12-digit personal ID number, the 10-digit card number "
                    "(printed on cards since 2021) or the 15-character card number."
                ),
                pattern=r"^([0-9]{10}|[0-9]{12}|[A-Za-z]{2}[1-5][0-9]{12})$",
                examples=[
                    OpenApiExample("CCCD / Personal ID number", value="001090012345"),
                    OpenApiExample("Mã thẻ 10 số / 10-digit card number", value="0123456789"),
                    OpenApiExample(
                        "Mã thẻ 15 ký tự / 15-character card number", value="DN4010123456789"
                    ),
                ],
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
                "Không phải số CCCD hay mã thẻ BHYT hợp lệ / Not a valid personal ID number "
                "or card number.",
                problem_example(
                    "Số sai / Invalid number",
                    400,
                    "validation_error",
                    "The request has invalid fields.",
                    errors=[
                        {
                            "field": "identifier",
                            "message": (
                                "Enter the 12-digit personal ID number, the 10-digit number "
                                "on the health insurance card or the 15-character card number."
                            ),
                            "code": "hi_card_lookup_format",
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
    def get(self, request, identifier: str):
        try:
            number = validate_hi_card_lookup(identifier)
        except DjangoValidationError as exc:
            raise ValidationError(
                {"identifier": [ErrorDetail(m, exc.code or "invalid") for m in exc.messages]}
            ) from exc
        status = hi_card_status(identifier=number)
        logger.info(
            "hi_card_looked_up", token_id=request_token(request).pk, found=status is not None
        )
        if status is None:
            raise NotFound(_("No active health insurance card for this number."))
        access_record(
            actor=request.user,
            kind=AccessKind.REGISTRY,
            channel=AccessChannel.API,
            object_id=status["person_id"],
            partner_id=request_token(request).partner_id,
        )
        return Response(HiCardStatusOutputSerializer(status).data)
