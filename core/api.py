"""RFC 9457 problem details for every API error."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
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
    if isinstance(exc, exceptions.ValidationError):
        return problem_response(
            status_code=status.HTTP_400_BAD_REQUEST,
            title=_("The request has invalid fields."),
            code="validation_error",
            errors=_field_errors(exc.detail),
            headers=dict(response.items()),
        )
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    code = getattr(exc, "default_code", "error")
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        if isinstance(codes, str):
            code = codes
    return problem_response(
        status_code=response.status_code,
        title=str(getattr(exc, "default_detail", detail)),
        detail=str(detail),
        code=code,
        headers=dict(response.items()),
    )
