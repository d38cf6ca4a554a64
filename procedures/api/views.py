"""Public read API of the procedure catalogue: one view per operation."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import PROBLEM_CONTENT_TYPE, CursorPaginationWithTotal
from procedures.constants import BenefitGroup
from procedures.models import Procedure
from procedures.selectors import (
    NoVersionInForce,
    procedure_detail,
    procedure_list,
    version_in_force,
)

from .serializers import (
    ProblemOutputSerializer,
    ProcedureDetailOutputSerializer,
    ProcedureListInputSerializer,
    ProcedureListOutputSerializer,
)

TAGS = ["procedures"]


class ProcedurePagination(CursorPaginationWithTotal):
    """The catalogue's order (the publisher's `ordering`, then the name), by cursor as every
    API list; `?include_total=true` adds the count (a few dozen procedures: cheap)."""

    ordering = ("ordering", "name_vi", "id")
    page_size_query_description = (
        "Số thủ tục mỗi trang (mặc định 20, tối đa 100) / Procedures per page (20 by default, "
        "at most 100)."
    )


# --- OpenAPI examples (the catalogue entry of the sickness benefit, shortened) --------

_SICKNESS = {
    "code": "1.001667",
    "slug": "sickness-benefit",
    "name_vi": "Giải quyết hưởng chế độ ốm đau",
    "name_en": "Sickness benefit",
    "summary_vi": (
        "Trợ cấp cho người lao động phải nghỉ việc vì ốm đau, tai nạn không phải tai nạn lao "
        "động hoặc để chăm sóc con dưới 7 tuổi bị ốm."
    ),
    "summary_en": (
        "Benefit for employees who miss work because of illness, a non-work accident or to "
        "care for a sick child under 7."
    ),
    "group": "sickness",
    "group_label": "Ốm đau",
    "filer": "both",
    "channels": ["online", "counter", "post", "ivan"],
    "field_inspection": False,
    "url": "https://portal.vss.gov.vn/api/v1/procedures/sickness-benefit/",
}
_FILE_TYPES = ["pdf", "jpeg", "png", "tiff", "heic"]
LIST_ITEM_EXAMPLE = OpenApiExample(
    "Chế độ ốm đau / Sickness benefit", value=_SICKNESS, response_only=True
)
DETAIL_EXAMPLE = OpenApiExample(
    "Chế độ ốm đau / Sickness benefit",
    value={
        **_SICKNESS,
        "result_type_vi": "Quyết định hưởng và tiền trợ cấp ốm đau",
        "result_type_en": "Benefit decision and sickness allowance payment",
        "fee_vnd": 0,
        "competent_office": "employer_province",
        "current_version": {
            "effective_from": "2025-07-01",
            "effective_to": None,
            "legal_basis_vi": "Luật Bảo hiểm xã hội 2024 số 41/2024/QH15",
            "legal_basis_en": "Law on Social Insurance 2024 No. 41/2024/QH15",
            "time_limit": 7,
            "time_limit_unit": "working_days",
            "time_limit_unit_label": "ngày làm việc",
            "internal_target": None,
            "verification_time_limit": None,
            "workflow": {"appraisal": True, "leader_signature": True, "payment_request": False},
            "components": [
                {
                    "code": "medical_leave_certificate",
                    "name_vi": "Giấy chứng nhận nghỉ việc hưởng bảo hiểm xã hội",
                    "name_en": "Certificate of leave for social insurance benefit",
                    "original_or_copy": "original",
                    "quantity": 1,
                    "requirement": "conditional",
                    "condition_vi": "Khi điều trị ngoại trú",
                    "condition_en": "When treated as an outpatient",
                    "required_when": {"field": "treatment_type", "in": ["outpatient"]},
                    "one_of_group": "treatment_proof",
                    "file_types": _FILE_TYPES,
                    "max_size_mb": 10,
                    "prefill_source": "",
                },
                {
                    "code": "hospital_discharge_paper",
                    "name_vi": "Giấy ra viện (bản sao)",
                    "name_en": "Hospital discharge paper (copy)",
                    "original_or_copy": "copy",
                    "quantity": 1,
                    "requirement": "conditional",
                    "condition_vi": "Khi điều trị nội trú",
                    "condition_en": "When treated as an inpatient",
                    "required_when": {"field": "treatment_type", "in": ["inpatient"]},
                    "one_of_group": "treatment_proof",
                    "file_types": _FILE_TYPES,
                    "max_size_mb": 10,
                    "prefill_source": "",
                },
            ],
            "fields": [
                {
                    "name": "national_id",
                    "type": "cccd",
                    "label_vi": "Số định danh cá nhân / CCCD",
                    "label_en": "Personal ID number (CCCD)",
                    "help_vi": "12 chữ số",
                    "help_en": "12 digits",
                    "required": True,
                    "step": 1,
                    "choices": None,
                    "prefill": "national_id",
                },
                {
                    "name": "sickness_reason",
                    "type": "choice",
                    "label_vi": "Lý do nghỉ việc",
                    "label_en": "Reason for leave",
                    "help_vi": None,
                    "help_en": None,
                    "required": True,
                    "step": 2,
                    "choices": [
                        {
                            "value": "own_illness",
                            "label_vi": "Bản thân ốm đau, tai nạn không phải tai nạn lao động",
                            "label_en": "Own illness or non-work accident",
                        },
                        {
                            "value": "child_illness",
                            "label_vi": "Chăm sóc con dưới 7 tuổi bị ốm đau",
                            "label_en": "Caring for a sick child under 7",
                        },
                    ],
                    "prefill": None,
                },
                {
                    "name": "leave_start_date",
                    "type": "date",
                    "label_vi": "Nghỉ từ ngày",
                    "label_en": "Leave start date",
                    "help_vi": None,
                    "help_en": None,
                    "required": True,
                    "step": 2,
                    "choices": None,
                    "prefill": None,
                },
            ],
        },
    },
    response_only=True,
)


def _problem(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=ProblemOutputSerializer, description=description)


class ProcedureListApi(ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = ProcedureListOutputSerializer
    pagination_class = ProcedurePagination

    @extend_schema(
        operation_id="procedures_list",
        tags=TAGS,
        summary="Danh mục thủ tục hành chính / Catalogue of administrative procedures",
        description=(
            "Các thủ tục đang công bố, tìm theo từ khóa có hoặc không dấu "
            "(“thai san” tìm thấy “thai sản”) và lọc theo nhóm chế độ.\n\n"
            "Published procedures, searched by words with or without Vietnamese diacritics "
            "(“thai san” finds “thai sản”) and filtered by benefit group."
        ),
        parameters=[
            OpenApiParameter(
                "q",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                description=(
                    "Từ khóa, có hoặc không dấu; mọi từ phải khớp / "
                    "Search words, with or without diacritics; every word must match."
                ),
            ),
            OpenApiParameter(
                "group",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                enum=BenefitGroup.values,
                description="Nhóm chế độ / Benefit group.",
            ),
        ],
        responses={
            200: OpenApiResponse(
                response=ProcedureListOutputSerializer(many=True),
                description="Một trang kết quả / One page of results.",
                examples=[LIST_ITEM_EXAMPLE],
            ),
            (400, PROBLEM_CONTENT_TYPE): _problem(
                "Tham số không hợp lệ / Invalid query parameters."
            ),
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = ProcedureListInputSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return procedure_list(
            query=params.validated_data.get("q", ""),
            group=params.validated_data.get("group", ""),
        )


class ProcedureDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="procedures_retrieve",
        tags=TAGS,
        summary="Chi tiết thủ tục / Procedure detail",
        description=(
            "Thủ tục và phiên bản đang có hiệu lực hôm nay: căn cứ pháp lý, thời hạn giải "
            "quyết, quy trình, thành phần hồ sơ và các trường của tờ khai.\n\n"
            "The procedure and its version in force today: legal basis, time limit, "
            "workflow steps, dossier documents and the applicant form's fields."
        ),
        parameters=[
            OpenApiParameter(
                "slug",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description=(
                    "Mã định danh của thủ tục / Procedure slug, e.g. maternity-benefit-direct."
                ),
            )
        ],
        responses={
            200: OpenApiResponse(
                response=ProcedureDetailOutputSerializer,
                description=(
                    "Thủ tục và phiên bản hiện hành / The procedure and its current version."
                ),
                examples=[DETAIL_EXAMPLE],
            ),
            (404, PROBLEM_CONTENT_TYPE): _problem(
                "Không có thủ tục này hoặc chưa có phiên bản có hiệu lực / "
                "No such published procedure, or no version in force."
            ),
        },
    )
    def get(self, request, slug: str):
        try:
            procedure = procedure_detail(slug=slug)
            # Read by the output serializer as `current_version`.
            procedure.current_version = version_in_force(procedure=procedure)
        except (Procedure.DoesNotExist, NoVersionInForce) as exc:
            raise NotFound from exc
        serializer = ProcedureDetailOutputSerializer(procedure, context={"request": request})
        return Response(serializer.data)
