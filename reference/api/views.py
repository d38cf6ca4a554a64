"""Reference data for integrators: provinces and communes (after 1 July 2025), VSS offices
with agency codes, opening hours and phone, health facilities, and the officers of an
office for the `assign` action.

Public data is open to anyone (any partner token too), cache-friendly: a strong ETag (304
on If-None-Match) and `Cache-Control: public`. The officers of an office are for its staff
only (another office's officer gets 404, like a dossier of another office).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from accounts.constants import STAFF_ROLES, Role
from accounts.selectors import office_officers
from beneficiaries.selectors import health_facilities
from core.api import content_etag, not_modified
from core.api_access import HasScope
from dossiers.api.common import AUTH_PROBLEMS, ApiView, PortalCursorPagination, problem
from offices.geography import commune_choices, is_province
from offices.models import Office
from offices.selectors import office_by_agency_code, office_list

from . import examples
from .serializers import (
    CommuneOutputSerializer,
    HealthFacilityListInputSerializer,
    HealthFacilityOutputSerializer,
    OfficeListInputSerializer,
    OfficeOutputSerializer,
    OfficerOutputSerializer,
    ProvinceOutputSerializer,
)

TAGS = ["reference"]
# The package's data changes with a release; offices and facilities with an admin's edit.
STATIC_CACHE = "public, max-age=86400"
DATA_CACHE = "public, max-age=3600"
STAFF_CACHE = "private, no-cache"
P = "application/problem+json"

CACHE_HEADERS = [
    OpenApiParameter(
        "If-None-Match",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        description=(
            "ETag đã có; nếu chưa đổi thì trả 304 / An ETag you hold; 304 when it is still current."
        ),
    ),
    OpenApiParameter(
        "ETag",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        response=[200, 304],
        description="Phiên bản của dữ liệu / The version of this data.",
    ),
    OpenApiParameter(
        "Cache-Control",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        response=[200, 304],
        description=(
            "Thời gian được lưu đệm (dữ liệu công khai) / How long the answer may be cached "
            "(public data)."
        ),
    ),
]
NOT_MODIFIED = {304: OpenApiResponse(description="Không đổi / Not modified since your ETag.")}
BAD_QUERY = {(400, P): problem("Tham số không hợp lệ / Invalid query parameters.")}
PUBLIC_NOTE = (
    "Dữ liệu công khai: không cần đăng nhập; mọi mã truy cập đối tác đều dùng được / Public "
    "data: no sign-in needed; any partner token may read it too."
)


def cacheable(request, body, *, cache_control: str, status: int = 200) -> Response:
    etag = content_etag(body)
    unchanged = not_modified(request, etag=etag, cache_control=cache_control)
    if unchanged is not None:
        return unchanged
    return Response(body, status=status, headers={"ETag": etag, "Cache-Control": cache_control})


class PublicApiView(ApiView):
    """Anyone; a partner token needs no particular scope."""

    permission_classes = [HasScope]
    required_scopes = ()


class _CodePagination(PortalCursorPagination):
    ordering = ("province_code", "id")


# --- provinces and communes ----------------------------------------------------------


class ProvinceListApi(PublicApiView):
    @extend_schema(
        operation_id="provinces_list",
        tags=TAGS,
        summary="Tỉnh, thành phố / Provinces and cities",
        description=(
            "34 tỉnh, thành phố từ ngày 1/7/2025 (mã theo Quyết định 19/2025/QĐ-TTg), xếp "
            "theo tên. Một danh sách cố định, không phân trang.\n\n"
            "The 34 provinces and cities since 1 July 2025 (Decision 19/2025/QD-TTg codes), "
            f"by name. A fixed list, not paginated. {PUBLIC_NOTE}"
        ),
        parameters=CACHE_HEADERS,
        responses={
            200: OpenApiResponse(
                ProvinceOutputSerializer(many=True),
                description="Các tỉnh, thành phố / The provinces.",
                examples=[examples.PROVINCES],
            ),
            **NOT_MODIFIED,
            **AUTH_PROBLEMS,
        },
    )
    def get(self, request):
        from vietnam_provinces import Province

        from offices.geography import province_choices

        provinces = []
        for code, _name in province_choices():
            province = Province.from_code(code)
            provinces.append(
                {
                    "code": code,
                    "name": province.name,
                    "division_type": province.division_type.value,
                    "phone_code": province.phone_code,
                    "communes_url": request.build_absolute_uri(
                        reverse("reference_api:communes", args=[code])
                    ),
                }
            )
        body = ProvinceOutputSerializer(provinces, many=True).data
        return cacheable(request, body, cache_control=STATIC_CACHE)


class CommuneListApi(PublicApiView):
    @extend_schema(
        operation_id="provinces_communes_list",
        tags=TAGS,
        summary="Xã, phường của một tỉnh / A province's communes",
        description=(
            "Các xã, phường, đặc khu của tỉnh (không còn cấp huyện), xếp theo tên, không "
            "phân trang.\n\n"
            "The communes, wards and special zones of the province (there are no districts "
            f"any more), by name, not paginated. {PUBLIC_NOTE}"
        ),
        parameters=[
            OpenApiParameter(
                "province_code",
                OpenApiTypes.INT,
                OpenApiParameter.PATH,
                description="Mã tỉnh, ví dụ 1 Hà Nội / Province code, e.g. 1 for Hà Nội.",
            ),
            *CACHE_HEADERS,
        ],
        responses={
            200: OpenApiResponse(
                CommuneOutputSerializer(many=True),
                description="Các xã, phường / The communes.",
                examples=[examples.COMMUNES],
            ),
            **NOT_MODIFIED,
            **AUTH_PROBLEMS,
            (404, P): problem("Không có tỉnh này / No such province."),
        },
    )
    def get(self, request, province_code: int):
        from vietnam_provinces import Ward

        if not is_province(province_code):
            raise NotFound(_("No province has this code."))
        communes = [
            {
                "code": code,
                "name": name,
                "division_type": Ward.from_code(code).division_type.value,
                "province_code": province_code,
            }
            for code, name in commune_choices(province_code)
        ]
        body = CommuneOutputSerializer(communes, many=True).data
        return cacheable(request, body, cache_control=STATIC_CACHE)


# --- offices and health facilities ---------------------------------------------------


class OfficeListApi(PublicApiView, GenericAPIView):
    pagination_class = _CodePagination

    @extend_schema(
        operation_id="offices_list",
        tags=TAGS,
        summary="Cơ quan BHXH / VSS offices",
        description=(
            "Các cơ quan BHXH đang hoạt động: mã cơ quan (dùng trong mã hồ sơ), địa chỉ, "
            "điện thoại, giờ mở cửa; lọc theo tỉnh hoặc loại.\n\n"
            "The active VSS offices: agency code (used in dossier codes), address, phone, "
            f"opening hours; filter by province or kind. {PUBLIC_NOTE}"
        ),
        parameters=[OfficeListInputSerializer, *CACHE_HEADERS],
        responses={
            200: OpenApiResponse(
                OfficeOutputSerializer(many=True),
                description="Một trang cơ quan / One page of offices.",
                examples=[examples.OFFICE],
            ),
            **NOT_MODIFIED,
            **BAD_QUERY,
            **AUTH_PROBLEMS,
        },
    )
    def get(self, request):
        params = OfficeListInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        offices = office_list()
        if "province_code" in params.validated_data:
            offices = offices.filter(province_code=params.validated_data["province_code"])
        if "kind" in params.validated_data:
            offices = offices.filter(kind=params.validated_data["kind"])
        page = self.paginate_queryset(offices)
        data = OfficeOutputSerializer(page, many=True, context={"request": request}).data
        body = self.get_paginated_response(data).data
        return cacheable(request, body, cache_control=DATA_CACHE)


class HealthFacilityListApi(PublicApiView, GenericAPIView):
    pagination_class = _CodePagination

    @extend_schema(
        operation_id="health_facilities_list",
        tags=TAGS,
        summary="Cơ sở khám chữa bệnh / Health facilities",
        description=(
            "Các cơ sở khám chữa bệnh ban đầu, theo tỉnh; tìm theo tên hoặc mã.\n\n"
            "Health facilities for initial care, by province; search by name or code. "
            f"{PUBLIC_NOTE}"
        ),
        parameters=[HealthFacilityListInputSerializer, *CACHE_HEADERS],
        responses={
            200: OpenApiResponse(
                HealthFacilityOutputSerializer(many=True),
                description="Một trang cơ sở / One page of facilities.",
                examples=[examples.HEALTH_FACILITY],
            ),
            **NOT_MODIFIED,
            **BAD_QUERY,
            **AUTH_PROBLEMS,
        },
    )
    def get(self, request):
        params = HealthFacilityListInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        facilities = health_facilities(
            province_code=params.validated_data.get("province_code"),
            query=params.validated_data.get("q", "").strip(),
        )
        page = self.paginate_queryset(facilities)
        body = self.get_paginated_response(HealthFacilityOutputSerializer(page, many=True).data)
        return cacheable(request, body.data, cache_control=DATA_CACHE)


# --- the officers of an office -------------------------------------------------------


class OfficerPagination(PortalCursorPagination):
    ordering = ("full_name", "id")


def _office_for_staff(request, agency_code: str) -> Office:
    user = request.user
    if user.role not in STAFF_ROLES:
        raise PermissionDenied(_("Only VSS staff see the officers of an office."))
    try:
        office = office_by_agency_code(agency_code=agency_code)
    except Office.DoesNotExist as exc:
        raise NotFound(_("No office with this agency code that you may see.")) from exc
    if user.role not in (Role.SUPERVISOR, Role.ADMINISTRATOR) and user.office_id != office.pk:
        raise NotFound(_("No office with this agency code that you may see."))
    return office


class OfficeOfficersApi(ApiView, GenericAPIView):
    required_scopes = None  # staff sessions only
    pagination_class = OfficerPagination

    @extend_schema(
        operation_id="offices_officers_list",
        tags=TAGS,
        summary="Cán bộ xử lý và lãnh đạo của cơ quan / An office's officers and leaders",
        description=(
            "Cán bộ xử lý và lãnh đạo đang làm việc của cơ quan: mã số, tên hiển thị, vai "
            "trò. Người có `assignable` là người nhận được hồ sơ qua thao tác `assign`. Chỉ "
            "cán bộ của chính cơ quan (và giám sát viên, quản trị) xem được; cơ quan khác "
            "trả 404; mã truy cập đối tác bị từ chối.\n\n"
            "The office's active processing officers and leaders: id, display name, role. "
            "Those with `assignable` are whom the `assign` action takes. Only the office's "
            "own staff (and supervisors, administrators) see it; another office's staff get "
            "404; partner tokens are refused."
        ),
        parameters=[
            OpenApiParameter(
                "agency_code",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                pattern=r"^[A-Za-z0-9.]{1,32}$",
                description=("Mã cơ quan, ví dụ 000.00.01.H26 / Agency code, e.g. 000.00.01.H26."),
                examples=[OpenApiExample("Hà Nội / Hanoi", value="000.00.01.H26")],
            )
        ],
        responses={
            200: OpenApiResponse(
                OfficerOutputSerializer(many=True),
                description="Một trang cán bộ / One page of officers.",
                examples=[examples.OFFICER],
            ),
            **AUTH_PROBLEMS,
            (404, P): problem(
                "Không có cơ quan này hoặc bạn không được xem / No such office, or not yours "
                "to see."
            ),
        },
    )
    def get(self, request, agency_code: str):
        office = _office_for_staff(request, agency_code)
        page = self.paginate_queryset(office_officers(office_id=office.pk))
        body = self.get_paginated_response(OfficerOutputSerializer(page, many=True).data)
        return cacheable(request, body.data, cache_control=STAFF_CACHE)
