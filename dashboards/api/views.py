"""Open-data API (Decree 47/2020/ND-CP): public, throttled by the default throttles."""

from dataclasses import asdict

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import PROBLEM_CONTENT_TYPE, ProblemOutputSerializer

from ..constants import OPEN_DATA_MIN_CELL
from ..selectors.open_data import (
    DICTIONARY,
    dictionary_entry,
    open_data_computed_at,
    open_data_rows,
)
from .serializers import (
    DictionaryEntrySerializer,
    OpenDataInputSerializer,
    OpenDataOutputSerializer,
)

TAGS = ["open-data"]

# --- OpenAPI examples (figures are fictitious) ---------------------------------------

STATISTICS_EXAMPLE = OpenApiExample(
    "Hà Nội và Điện Biên, tháng 10/2026 / Hanoi and Dien Bien, October 2026",
    value={
        "year": 2026,
        "min_cell": OPEN_DATA_MIN_CELL,
        "computed_at": "2026-11-30T10:01:00+07:00",
        "results": [
            {
                "province_code": 1,
                "province_name": "Thành phố Hà Nội",
                "month": "2026-10",
                "received": 1250,
                "received_online": 812,
                "received_counter": 301,
                "received_post": 37,
                "received_ivan": 100,
                "electronic_share": 72.9,
                "received_outside_residence": 96,
                "received_digitised": 1202,
                "processed": 1174,
                "returned": 1160,
                "returned_early": 402,
                "returned_on_time": 731,
                "returned_late": 27,
                "returned_late_apologised": 19,
                "on_time_rate": 97.6,
                "returned_signed": 1160,
                "average_processing_days": 4.6,
                "paid_non_cash": 1088,
                "paid_cash": 42,
                "rated": 318,
                "rated_satisfied": 291,
                "satisfied_share": 91.5,
                "average_score": 4.5,
                "counter_visitors": 412,
                "called_within_15_min_share": 86.4,
                "median_wait_minutes": 6.5,
                "p90_wait_minutes": 17.2,
            },
            {
                "province_code": 11,
                "province_name": "Điện Biên",
                "month": "2026-10",
                "received": 3,
                "received_online": 2,
                "received_counter": 1,
                "received_post": 0,
                "received_ivan": 0,
                "electronic_share": None,
                "received_outside_residence": 0,
                "received_digitised": 3,
                "processed": 2,
                "returned": 2,
                "returned_early": 1,
                "returned_on_time": 1,
                "returned_late": 0,
                "returned_late_apologised": 0,
                "on_time_rate": None,
                "returned_signed": 2,
                "average_processing_days": None,
                "paid_non_cash": 2,
                "paid_cash": 0,
                "rated": 1,
                "rated_satisfied": 1,
                "satisfied_share": None,
                "average_score": None,
                "counter_visitors": 2,
                "called_within_15_min_share": None,
                "median_wait_minutes": None,
                "p90_wait_minutes": None,
            },
        ],
    },
    description=(
        "Điện Biên có dưới 5 hồ sơ nên tỷ lệ và trung bình để trống / Dien Bien has fewer "
        "than 5 dossiers, so its rates and averages are null."
    ),
    response_only=True,
)
DICTIONARY_EXAMPLE = OpenApiExample(
    "Tỷ lệ đúng hạn / The on-time rate",
    value=asdict(dictionary_entry("on_time_rate")),
    response_only=True,
)


class OpenDataApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="open_data_dossier_statistics",
        tags=TAGS,
        summary=(
            "Số liệu giải quyết hồ sơ theo tỉnh và tháng / "
            "Dossier statistics per province and month"
        ),
        description=(
            "Dữ liệu mở theo Nghị định 47/2020/NĐ-CP: số liệu tổng hợp, đã ẩn danh, theo tỉnh "
            "(của cơ quan BHXH có thẩm quyền) và theo tháng. Không có mã hồ sơ, họ tên, số định "
            f"danh hay đơn vị dưới cấp tỉnh; tỷ lệ và trung bình tính từ dưới {OPEN_DATA_MIN_CELL} "
            "hồ sơ được để trống. Mô tả từng trường: /api/v1/open-data/dictionary/.\n\n"
            "Open data under Decree 47/2020/ND-CP: aggregated, anonymised figures per province "
            "(of the competent social security office) and month. No dossier codes, names, "
            "identifiers or units below the province; rates and averages computed from fewer "
            f"than {OPEN_DATA_MIN_CELL} dossiers are null. Field descriptions: "
            "/api/v1/open-data/dictionary/."
        ),
        parameters=[
            OpenApiParameter(
                "year",
                OpenApiTypes.INT,
                OpenApiParameter.QUERY,
                description="Năm, mặc định năm hiện tại / Year, the current year by default.",
            ),
            OpenApiParameter(
                "province",
                OpenApiTypes.INT,
                OpenApiParameter.QUERY,
                description=(
                    "Mã tỉnh (Quyết định 19/2025/QĐ-TTg), ví dụ 1 Hà Nội, 79 TP. Hồ Chí Minh / "
                    "Province code (Decision 19/2025/QD-TTg), e.g. 1 Hà Nội, 79 Hồ Chí Minh City."
                ),
            ),
        ],
        responses={
            200: OpenApiResponse(
                response=OpenDataOutputSerializer,
                description=(
                    "Một dòng cho mỗi tỉnh và tháng có hoạt động / "
                    "One row per province and month with any activity."
                ),
                examples=[STATISTICS_EXAMPLE],
            ),
            (400, PROBLEM_CONTENT_TYPE): OpenApiResponse(
                response=ProblemOutputSerializer,
                description="Tham số không hợp lệ / Invalid query parameters.",
            ),
            (429, PROBLEM_CONTENT_TYPE): OpenApiResponse(
                response=ProblemOutputSerializer,
                description="Quá nhiều yêu cầu / Too many requests.",
            ),
        },
    )
    def get(self, request):
        params = OpenDataInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        year = params.validated_data.get("year") or timezone.localdate().year
        rows = open_data_rows(year=year, province_code=params.validated_data.get("province"))
        body = {
            "year": year,
            "min_cell": OPEN_DATA_MIN_CELL,
            "computed_at": open_data_computed_at(year=year),
            "results": rows,
        }
        return Response(OpenDataOutputSerializer(body).data)


class OpenDataDictionaryApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="open_data_dictionary",
        tags=TAGS,
        summary="Từ điển dữ liệu / Data dictionary",
        description=(
            "Tên, kiểu và ý nghĩa của từng trường trong số liệu mở.\n\n"
            "Name, type and meaning of every field of the open data."
        ),
        responses={
            200: OpenApiResponse(
                response=DictionaryEntrySerializer(many=True),
                description="Các trường theo thứ tự / The fields, in order.",
                examples=[DICTIONARY_EXAMPLE],
            ),
            (429, PROBLEM_CONTENT_TYPE): OpenApiResponse(
                response=ProblemOutputSerializer,
                description="Quá nhiều yêu cầu / Too many requests.",
            ),
        },
    )
    def get(self, request):
        return Response(DictionaryEntrySerializer(DICTIONARY, many=True).data)
