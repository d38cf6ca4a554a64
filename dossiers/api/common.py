"""What every dossier API view shares: authentication, scopes, throttles, errors, ETags."""

from __future__ import annotations

import re
import uuid

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from accesslog.constants import AccessChannel, AccessKind
from accounts.constants import Role
from core.api import (
    PROBLEM_CONTENT_TYPE,
    CursorPaginationWithTotal,
    Problem,
    ProblemOutputSerializer,
)
from core.api_access import HasScope, request_token
from core.parsers import JSONParser

from ..access import dossier_opened
from ..exceptions import (
    AccessReasonRequired,
    DossierConflict,
    DossierError,
    DossierIncomplete,
)
from ..models import Dossier
from ..selectors import staff_may_open, visible_dossiers
from ..uploads import UploadRejected

# --- the base view -------------------------------------------------------------------


def _missing_field(item) -> str | None:
    """Where a missing item goes: its field (`data.<name>`), or `documents.<code>` for one
    document (`documents` for one of several); None for a plain label."""
    field = getattr(item, "field", None)
    if field:
        return field
    documents = getattr(item, "documents", ())
    if len(documents) == 1:
        return f"documents.{documents[0]}"
    return "documents" if documents else None


def as_problem(exc: Exception) -> Exception:
    """Domain errors as RFC 9457 problems; anything else unchanged."""
    if isinstance(exc, DossierIncomplete):
        return Problem(
            status_code=exc.status,
            code=exc.code,
            title=exc.message,
            errors=[
                {"field": _missing_field(item), "message": str(item), "code": "missing"}
                for item in exc.missing
            ],
        )
    if isinstance(exc, DossierError):
        return Problem(status_code=exc.status, code=exc.code, title=exc.message)
    if isinstance(exc, UploadRejected):
        return Problem(
            status_code=400,
            code="upload_rejected",
            title=_("The file was not accepted."),
            detail=exc.message,
            errors=[{"field": "file", "message": str(exc.message), "code": exc.code}],
        )
    return exc


class ApiView(APIView):
    """Session (browser) or API token; a token needs the view's `required_scopes`.

    Authentication and throttles are the project's defaults (REST_FRAMEWORK in
    vss_portal/settings/api.py: partner token, then session; per-token, anonymous and
    per-user rates), named there by dotted path so this app imports no partner code.
    """

    permission_classes = [IsAuthenticated, HasScope]
    parser_classes = [JSONParser]
    required_scopes: tuple[str, ...] | dict[str, tuple[str, ...]] = ()

    def handle_exception(self, exc):
        return super().handle_exception(as_problem(exc))


# The API's one pagination style lives in core (procedures, below this app, uses it too).
PortalCursorPagination = CursorPaginationWithTotal


# --- finding a dossier ---------------------------------------------------------------


def is_applicant_side(request) -> bool:
    """Citizens and partner systems see what applicants see; staff see the office view."""
    return request_token(request) is not None or request.user.role == Role.CITIZEN


def dossiers_for(request):
    """The dossiers this client may open: a partner only those it filed."""
    queryset = visible_dossiers(request.user)
    token = request_token(request)
    if token is not None:
        queryset = queryset.filter(partner_filing__partner_id=token.partner_id)
    return queryset


def get_dossier(request, key: str, *, detail: bool = False, opened: bool = True) -> Dossier:
    """By dossier code, or by reference (UUID) for a draft, which has no code yet.

    Another person's dossier is answered exactly like a missing one: 404. A read (GET) by
    staff or a partner is written to the access log (`opened=False`: already written by
    this request); a supervisor outside the dossier's office names a reason in the
    `X-Access-Reason` header, or gets a 403 problem `access_reason_required`.
    """
    queryset = dossiers_for(request).select_related(
        "procedure", "version", "competent_office", "receiving_office"
    )
    if detail:
        queryset = queryset.prefetch_related("documents__component")
    try:
        reference = uuid.UUID(key)
    except ValueError:
        lookup = {"code": key.strip().upper()}
    else:
        lookup = {"reference": reference}
    dossier = queryset.filter(**lookup).first()
    if dossier is not None and request_token(request) is None:
        dossier = dossier if staff_may_open(request.user, dossier) else None
    if dossier is None:
        raise NotFound(_("No dossier with this code that you may see."))
    token = request_token(request)
    header = " ".join(request.headers.get(ACCESS_REASON_HEADER, "").split())
    try:
        dossier_opened(
            request=request,
            dossier=dossier,
            kind=AccessKind.DOSSIER if opened else None,
            channel=AccessChannel.API,
            partner_id=token.partner_id if token is not None else None,
            reason=header or None,
        )
    except AccessReasonRequired as exc:
        raise Problem(
            status_code=exc.status,
            code=exc.code,
            title=exc.message,
            detail=_("Send the reason in the %(header)s header.")
            % {"header": ACCESS_REASON_HEADER},
        ) from exc
    return dossier


# A supervisor opening another office's dossier through the API gives the reason here.
ACCESS_REASON_HEADER = "X-Access-Reason"


# --- ETag / If-Match -----------------------------------------------------------------

_ENTITY_TAG = re.compile(r'\s*(W/)?"([^"]*)"\s*')


def etag_for(dossier: Dossier) -> str:
    return f'"{dossier.revision}"'


def stale_version_problem() -> Problem:
    return Problem(
        status_code=412,
        code="precondition_failed",
        title=_("The dossier has changed since you read it."),
        detail=DossierConflict.message,
    )


def if_match_revision(request, dossier: Dossier, *, required: bool) -> int | None:
    """The revision the client says it changes (from If-Match), checked again under lock by
    the service. None when the header is absent (and allowed to be) or is `*`."""
    header = request.headers.get("If-Match")
    if header is None or not header.strip():
        if required:
            raise Problem(
                status_code=428,
                code="precondition_required",
                title=_("Send the dossier's ETag in an If-Match header."),
            )
        return None
    if header.strip() == "*":
        return None
    revisions = []
    for part in header.split(","):
        match = _ENTITY_TAG.fullmatch(part)
        if match is None or match.group(1) or not match.group(2).isdigit():
            continue  # weak or foreign tags never match (strong comparison, RFC 9110)
        revisions.append(int(match.group(2)))
    if dossier.revision in revisions:
        return dossier.revision
    raise stale_version_problem()


# --- OpenAPI building blocks ---------------------------------------------------------


def problem(description: str, *examples: OpenApiExample) -> OpenApiResponse:
    return OpenApiResponse(
        response=ProblemOutputSerializer, description=description, examples=list(examples)
    )


def problem_example(name: str, status: int, code: str, title: str, **extra) -> OpenApiExample:
    body = {
        "type": f"https://portal.vss.gov.vn/problems/{code.replace('_', '-')}",
        "title": title,
        "status": status,
        "detail": extra.pop("detail", title),
        "code": code,
        **extra,
    }
    return OpenApiExample(name, value=body, response_only=True, status_codes=[str(status)])


P = PROBLEM_CONTENT_TYPE

AUTH_PROBLEMS = {
    (401, P): problem(
        "Chưa xác thực hoặc mã truy cập không hợp lệ / Not authenticated, or an invalid "
        "or revoked token.",
        problem_example(
            "Mã truy cập bị thu hồi / Revoked token",
            401,
            "authentication_failed",
            "Invalid or revoked token.",
        ),
        problem_example(
            "Mã truy cập hết hạn / Expired token",
            401,
            "token_expired",
            "Incorrect authentication credentials.",
            detail=(
                "This token has expired. Use the token that replaced it, or ask the social "
                "security office for a new one."
            ),
        ),
    ),
    (403, P): problem(
        "Không có quyền: mã truy cập thiếu phạm vi, sai loại đối tác, hoặc vai trò không được "
        "phép / Forbidden: the token lacks the scope or is of another partner kind, the CSRF "
        "check failed, or the role may not do this.",
        problem_example(
            "Thiếu phạm vi / Missing scope",
            403,
            "permission_denied",
            "This token does not have the scope this operation needs.",
        ),
    ),
    (429, P): problem(
        "Quá nhiều yêu cầu; xem Retry-After / Too many requests; see Retry-After.",
        problem_example(
            "Giới hạn tốc độ / Rate limited",
            429,
            "throttled",
            "Request was throttled. Expected available in 42 seconds.",
        ),
    ),
}
NOT_FOUND = {
    (404, P): problem(
        "Không có hồ sơ này hoặc bạn không được xem / No such dossier, or not yours to see.",
        problem_example(
            "Không tìm thấy / Not found",
            404,
            "not_found",
            "No dossier with this code that you may see.",
        ),
    )
}
BAD_REQUEST = {
    (400, P): problem(
        "Dữ liệu không hợp lệ; `errors` liệt kê từng trường / Invalid input; `errors` lists "
        "each field.",
        problem_example(
            "Trường không hợp lệ / Invalid field",
            400,
            "validation_error",
            "The request has invalid fields.",
            errors=[
                {
                    "field": "data.national_id",
                    "message": "The personal ID number must have exactly 12 digits.",
                    "code": "national_id_length",
                }
            ],
        ),
    )
}
UNSUPPORTED_MEDIA = {
    (415, P): problem("Kiểu nội dung không được hỗ trợ / Unsupported content type."),
}
STALE = {
    (412, P): problem(
        "If-Match không khớp phiên bản hiện tại (ETag) / If-Match does not match the current "
        "version (ETag).",
        problem_example(
            "Phiên bản cũ / Stale version",
            412,
            "precondition_failed",
            "The dossier has changed since you read it.",
        ),
    ),
}
CONFLICT = {
    (409, P): problem(
        "Xung đột: hồ sơ vừa được người khác thay đổi / Conflict: changed by someone else "
        "meanwhile.",
    ),
}
NOT_ALLOWED_OR_INCOMPLETE = {
    (422, P): problem(
        "Không thể thực hiện với hồ sơ ở trạng thái này / Cannot be done on the dossier as it is.",
        problem_example(
            "Hồ sơ chưa đủ / Incomplete",
            422,
            "incomplete",
            "The dossier is not complete yet. Still missing:",
            errors=[{"field": None, "message": "Giấy ra viện", "code": "missing"}],
        ),
    ),
}


def _dossier_key_parameter() -> OpenApiParameter:
    return OpenApiParameter(
        "code",
        OpenApiTypes.STR,
        OpenApiParameter.PATH,
        description=(
            "Mã hồ sơ, hoặc mã tham chiếu (UUID) với bản nháp chưa có mã / Dossier code, or "
            "the reference (UUID) of a draft, which has no code yet."
        ),
        pattern=r"^[A-Za-z0-9.\-]{1,64}$",
        examples=[
            OpenApiExample("Mã hồ sơ / Dossier code", value="000.00.01.H26-261124-0001"),
            OpenApiExample(
                "Bản nháp / Draft reference", value="7c9e6679-7425-40de-944b-e07fc1f90ae7"
            ),
        ],
    )


DOSSIER_KEY = _dossier_key_parameter()

ETAG_HEADER = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 201],
    description=(
        "Phiên bản hồ sơ; gửi lại trong If-Match khi sửa / The dossier's version; send it back "
        "in If-Match when changing the dossier."
    ),
)


ACCESS_REASON_PARAMETER = OpenApiParameter(
    "X-Access-Reason",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "Lý do mở hồ sơ, bắt buộc với giám sát viên mở hồ sơ của cơ quan khác; được ghi vào "
        "nhật ký truy cập / Why you open the dossier: required from a supervisor opening "
        "another office's dossier; written to the access log."
    ),
    examples=[OpenApiExample("Lý do / Reason", value="Thanh tra theo kế hoạch 12/KH-BHXH")],
)

# 403 of the operations that open a dossier: also a supervisor without a reason.
OPENING_PROBLEMS = {
    **AUTH_PROBLEMS,
    (403, P): problem(
        "Không có quyền, hoặc giám sát viên mở hồ sơ của cơ quan khác mà không nêu lý do "
        "(X-Access-Reason) / Forbidden, or a supervisor opening another office's dossier "
        "without a reason (X-Access-Reason).",
        problem_example(
            "Thiếu phạm vi / Missing scope",
            403,
            "permission_denied",
            "This token does not have the scope this operation needs.",
        ),
        problem_example(
            "Thiếu lý do / Reason required",
            403,
            "access_reason_required",
            "This dossier belongs to another office: give the reason for opening it first. "
            "The reason is kept in the access log.",
            detail="Send the reason in the X-Access-Reason header.",
        ),
    ),
}


def if_match_parameter(*, required: bool) -> OpenApiParameter:
    return OpenApiParameter(
        "If-Match",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        required=required,
        description=(
            "ETag đã đọc; sai phiên bản thì trả 412"
            + ("" if required else " (không bắt buộc)")
            + " / The ETag you read; a stale one is answered with 412"
            + ("" if required else " (optional)")
            + "."
        ),
        examples=[OpenApiExample("ETag", value='"3"')],
    )


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        "Khóa duy nhất do máy khách tạo (tối đa 128 ký tự); gửi lại cùng yêu cầu với cùng khóa "
        "trả về cùng kết quả, không tạo thêm / A unique key chosen by the client (at most 128 "
        "characters); repeating the request with the same key returns the same result and "
        "creates nothing more. Reusing a key for a different request is answered with 422."
    ),
    pattern=r"^[\x21-\x7e]{1,128}$",
    examples=[OpenApiExample("UUID", value="5f0c2a4e-2b1d-4d7e-9a51-0c1b7f0d2e11")],
)

IDEMPOTENT_REPLAYED_HEADER = OpenApiParameter(
    "Idempotent-Replayed",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 201],
    enum=["true"],
    description=(
        "Có khi đây là kết quả của yêu cầu trước với cùng Idempotency-Key / Present when this "
        "is the result of an earlier request with the same Idempotency-Key."
    ),
)

LOCATION_HEADER = OpenApiParameter(
    "Location",
    OpenApiTypes.URI,
    OpenApiParameter.HEADER,
    response=[201],
    description="Địa chỉ của tài nguyên vừa tạo / URL of the created resource.",
)

SCOPE_NOTE = {
    "read": "Mã truy cập đối tác cần phạm vi / Partner tokens need scope `dossiers_read`.",
    "write": "Mã truy cập đối tác cần phạm vi / Partner tokens need scope `dossiers_write`.",
}
