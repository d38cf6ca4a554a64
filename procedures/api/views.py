"""Public read API of the procedure catalogue: one view per operation."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import PROBLEM_CONTENT_TYPE
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


class ProcedurePagination(LimitOffsetPagination):
    default_limit = 20
    max_limit = 100


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
