"""RFC 9457 problem details for every API error."""

import math

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_BASE = "https://portal.vss.gov.vn/problems/"


def problem_response(
    *,
    status_code: int,
    title: str,
    detail: str = "",
    code: str = "error",
    errors=None,
    headers=None,
) -> Response:
    body = {
        "type": PROBLEM_BASE + code.replace("_", "-"),
        "title": str(title),
        "status": status_code,
        "detail": str(detail or title),
        "code": code,
    }
    if errors:
        body["errors"] = errors
    response = Response(body, status=status_code, headers=headers)
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


class ProblemFieldErrorSerializer(serializers.Serializer):
    """One invalid field of a request (`field` is a dotted path, null for the whole request)."""

    field = serializers.CharField(allow_null=True)
    message = serializers.CharField()
    code = serializers.CharField(allow_blank=True)


class ProblemOutputSerializer(serializers.Serializer):
    """RFC 9457 problem details, as written by `problem_response`."""

    type = serializers.CharField(help_text="URI of the problem type.")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField(
        required=False, help_text="Stable machine-readable code (present on API errors)."
    )
    errors = ProblemFieldErrorSerializer(many=True, required=False)


class Problem(exceptions.APIException):
    """An API error with its own status, stable code, title and optional field errors."""

    def __init__(
        self,
        *,
        status_code: int,
        code: str,
        title,
        detail=None,
        errors: list[dict] | None = None,
        headers: dict[str, str] | None = None,
    ):
        self.status_code = status_code
        self.title = str(title)
        self.errors = errors or []
        self.headers = headers or {}
        super().__init__(detail=str(detail or title), code=code)


def query_integer(request, name: str, *, minimum: int, maximum: int | None = None) -> int | None:
    """A whole-number query parameter within its bounds, None when absent; otherwise a 400
    problem naming the parameter (DRF's paginators would silently use their default)."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or value < minimum or (maximum is not None and value > maximum):
        if maximum is None:
            message = _("Enter a whole number of at least %(minimum)d.") % {"minimum": minimum}
        else:
            message = _("Enter a whole number from %(minimum)d to %(maximum)d.") % {
                "minimum": minimum,
                "maximum": maximum,
            }
        raise exceptions.ValidationError({name: [message]}, code="invalid")
    return value


def integer_parameter_schema(parameters: list[dict], name: str, **bounds) -> list[dict]:
    """Declare a paginator's integer parameter with its bounds in the OpenAPI document."""
    for parameter in parameters:
        if parameter["name"] == name:
            parameter["schema"] = {**parameter.get("schema", {}), "type": "integer", **bounds}
    return parameters


PAGING_PARAMETERS = ("page_size", "limit", "offset", "include_total")


# A cursor that is not one of ours: DRF's cursor pagination answers 404.
_INVALID_CURSOR = {
    "description": "Con trỏ trang không hợp lệ / An invalid page cursor.",
    "content": {
        PROBLEM_CONTENT_TYPE: {
            "schema": {"$ref": "#/components/schemas/ProblemOutput"},
            "examples": {
                "InvalidCursor": {
                    "summary": "Con trỏ sai / Invalid cursor",
                    "value": {
                        "type": PROBLEM_BASE + "not-found",
                        "title": "Not found.",
                        "status": 404,
                        "detail": "Invalid cursor",
                        "code": "not_found",
                    },
                }
            },
        }
    },
}


def paging_problems_hook(result, generator, request, public):
    """drf-spectacular postprocessing: every list operation with a paging parameter documents
    the 400 problem that a parameter outside its bounds answers (`query_integer`), and a
    cursor-paged one the 404 of a cursor that is not one of ours."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            names = {
                p.get("name") for p in operation.get("parameters", []) if p.get("in") == "query"
            }
            if "cursor" in names and "404" not in operation["responses"]:
                operation["responses"]["404"] = _INVALID_CURSOR
            if not names.intersection(PAGING_PARAMETERS) or "400" in operation["responses"]:
                continue
            operation["responses"]["400"] = {
                "description": (
                    "Tham số phân trang không hợp lệ; `errors` nêu tham số / A paging "
                    "parameter is out of bounds; `errors` names it."
                ),
                "content": {
                    PROBLEM_CONTENT_TYPE: {
                        "schema": {"$ref": "#/components/schemas/ProblemOutput"},
                        "examples": {
                            "BadPageSize": {
                                "summary": "Cỡ trang sai / Bad page size",
                                "value": {
                                    "type": PROBLEM_BASE + "validation-error",
                                    "title": "The request has invalid fields.",
                                    "status": 400,
                                    "detail": "The request has invalid fields.",
                                    "code": "validation_error",
                                    "errors": [
                                        {
                                            "field": "page_size",
                                            "message": "Enter a whole number from 1 to 100.",
                                            "code": "invalid",
                                        }
                                    ],
                                },
                            }
                        },
                    }
                },
            }
    return result


def problem_field_errors(detail) -> list[dict]:
    """DRF error detail (dict or list, nested) as the flat `errors` list of a problem."""
    return _field_errors(detail)


def _field_errors(detail, prefix=""):
    """Flatten DRF's nested error detail into [{field, message, code}]."""
    items = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            items.extend(_field_errors(value, "" if key == "non_field_errors" else name))
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                items.extend(_field_errors(value, f"{prefix}[{index}]"))
            else:
                items.extend(_field_errors(value, prefix))
    else:
        items.append(
            {"field": prefix or None, "message": str(detail), "code": getattr(detail, "code", "")}
        )
    return items


def problem_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, Problem):
        return problem_response(
            status_code=exc.status_code,
            title=exc.title,
            detail=str(exc.detail),
            code=exc.detail.code,
            errors=exc.errors,
            headers={**dict(response.items()), **exc.headers},
        )
    if isinstance(exc, exceptions.ValidationError):
        return problem_response(
            status_code=status.HTTP_400_BAD_REQUEST,
            title=_("The request has invalid fields."),
            code="validation_error",
            errors=_field_errors(exc.detail),
            headers=dict(response.items()),
        )
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        # DRF formats its "Expected available in {wait} seconds" before translating it.
        wait = math.ceil(exc.wait)
        detail = " ".join(
            (
                str(exc.default_detail),
                ngettext("Try again in %(wait)d second.", "Try again in %(wait)d seconds.", wait)
                % {"wait": wait},
            )
        )
    code = getattr(exc, "default_code", "error")
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        if isinstance(codes, str):
            code = codes
    title = str(getattr(exc, "default_detail", detail))
    if "{" in title:  # a template such as 'Unsupported media type "{media_type}"': say it
        title = str(detail)
    return problem_response(
        status_code=response.status_code,
        title=title,
        detail=str(detail),
        code=code,
        headers=dict(response.items()),
    )


def not_modified(request, *, etag: str, cache_control: str) -> Response | None:
    """A 304 when the client's If-None-Match names `etag` (Django's conditional GET), with
    the same ETag and Cache-Control; None when the full answer is due."""
    from django.utils.cache import get_conditional_response

    django_request = getattr(request, "_request", request)
    answer = get_conditional_response(django_request, etag=etag)
    if answer is None or answer.status_code != status.HTTP_304_NOT_MODIFIED:
        return None
    return Response(
        status=status.HTTP_304_NOT_MODIFIED,
        headers={"ETag": etag, "Cache-Control": cache_control},
    )


def content_etag(data) -> str:
    """A strong ETag for a JSON answer: a hash of its canonical form."""
    import hashlib
    import json

    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return '"' + hashlib.sha256(canonical.encode()).hexdigest()[:32] + '"'


# --- the API's one pagination style ---------------------------------------------------

INCLUDE_TOTAL = "include_total"


class CursorPaginationWithTotal(CursorPagination):
    """Cursor pagination of every API list: `next`/`previous` links, `page_size` 1-100, and
    `total` (every item of the list, all pages) when asked with `?include_total=true`.

    The total is one COUNT of the filtered list, cheap at the sizes a client's own lists
    have (a partner's or a citizen's dossiers use their indexes); it is not computed
    unless asked.
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    cursor_query_description = (
        "Con trỏ trang, lấy từ `next`/`previous` / The page cursor, taken from `next` or "
        "`previous`."
    )
    total = None

    def get_page_size(self, request):
        size = query_integer(request, "page_size", minimum=1, maximum=self.max_page_size)
        return self.page_size if size is None else size

    def wants_total(self, request) -> bool:
        raw = (request.query_params.get(INCLUDE_TOTAL) or "").strip().lower()
        if raw in ("", "false", "0"):
            return False
        if raw in ("true", "1"):
            return True
        raise exceptions.ValidationError({INCLUDE_TOTAL: [_("Use true or false.")]}, code="invalid")

    def count_if_asked(self, queryset, request) -> None:
        """Count the list once, before a subclass narrows it for the page."""
        if self.total is None and self.wants_total(request):
            self.total = queryset.count()

    def paginate_queryset(self, queryset, request, view=None):
        self.count_if_asked(queryset, request)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        if self.total is not None:
            response.data["total"] = self.total
        return response

    def get_schema_operation_parameters(self, view):
        parameters = integer_parameter_schema(
            super().get_schema_operation_parameters(view),
            "page_size",
            minimum=1,
            maximum=self.max_page_size,
        )
        return [
            *parameters,
            {
                "name": INCLUDE_TOTAL,
                "required": False,
                "in": "query",
                "description": (
                    "true: thêm `total`, tổng số mục của danh sách (mọi trang) / true adds "
                    "`total`, the number of items in the whole list (all pages)."
                ),
                "schema": {"type": "boolean", "default": False},
            },
        ]

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        cursors = {"next": "cD0yMDI2LTExLTI0", "previous": "cj0xJnA9MjAyNi0xMS0yNQ"}
        for link, cursor in cursors.items():
            paginated["properties"][link]["example"] = (
                f"https://portal.vss.gov.vn/api/v1/dossiers/?cursor={cursor}"
            )
            paginated["properties"][link]["description"] = (
                "Địa chỉ trang tiếp theo / trước đó, hoặc null / The next or previous page, or "
                "null."
            )
        paginated["properties"]["total"] = {
            "type": "integer",
            "minimum": 0,
            "description": (
                "Tổng số mục, chỉ khi hỏi `include_total=true` / The number of items, only "
                "when asked with `include_total=true`."
            ),
            "example": 42,
        }
        return paginated
