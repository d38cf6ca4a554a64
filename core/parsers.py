"""API request parsers that refuse text no client needs: control characters and the like.

Every string in a JSON body (keys too, at any depth) and every form or multipart field of an
API request is checked; one that holds a C0 control other than tab, line feed or carriage
return, DEL, a C1 control, a bidirectional embedding, override or isolate, or a lone UTF-16
surrogate (JSON can spell one as `\\ud800`) is refused with 400 `validation_error`, naming
the field. A NUL reaching PostgreSQL is a server error (text refuses it, and jsonb refuses
`\\u0000`), and a lone surrogate cannot be encoded; both used to be 500s.
"""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, parsers

from core.middleware import FORBIDDEN_TEXT

MESSAGE = _("Contains control or bidirectional-override characters, which are not allowed.")
_MAX_DEPTH = 64


def _offending_field(data: Any, path: str = "", depth: int = 0) -> str | None:
    """The dotted path of the first string (or key) holding forbidden text, or None."""
    if depth > _MAX_DEPTH:
        return None
    if isinstance(data, str):
        return path or "non_field_errors" if FORBIDDEN_TEXT.search(data) else None
    if isinstance(data, QueryDict):
        for key, values in data.lists():
            field = key if not FORBIDDEN_TEXT.search(key) else "non_field_errors"
            if field != key or any(isinstance(v, str) and FORBIDDEN_TEXT.search(v) for v in values):
                return field
        return None
    if isinstance(data, dict):
        for key, value in data.items():
            field = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and FORBIDDEN_TEXT.search(key):
                return path or "non_field_errors"
            found = _offending_field(value, field, depth + 1)
            if found:
                return found
        return None
    if isinstance(data, list):
        for index, value in enumerate(data):
            found = _offending_field(value, f"{path}[{index}]" if path else f"[{index}]", depth + 1)
            if found:
                return found
    return None


def _refuse_forbidden_text(data: Any) -> None:
    field = _offending_field(data)
    if field is not None:
        raise exceptions.ValidationError({field: [MESSAGE]}, code="control_characters")


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        _refuse_forbidden_text(data)
        return data


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        _refuse_forbidden_text(data)
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        _refuse_forbidden_text(result.data)
        return result


def control_character_problems_hook(result, generator, request, public):
    """drf-spectacular postprocessing: every operation with a path parameter or a request body
    documents the 400 problem a control character there answers (middleware and parsers)."""
    from core.api import PROBLEM_BASE, PROBLEM_CONTENT_TYPE

    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            in_path = any(p.get("in") == "path" for p in operation.get("parameters", []))
            if not (in_path or "requestBody" in operation) or "400" in operation["responses"]:
                continue
            operation["responses"]["400"] = {
                "description": (
                    "Đường dẫn có ký tự điều khiển / The path holds a control character."
                ),
                "content": {
                    PROBLEM_CONTENT_TYPE: {
                        "schema": {"$ref": "#/components/schemas/ProblemOutput"},
                        "examples": {
                            "ControlCharacters": {
                                "summary": "Ký tự điều khiển / Control characters",
                                "value": {
                                    "type": PROBLEM_BASE + "control-characters",
                                    "title": "The address contains control characters.",
                                    "status": 400,
                                    "detail": "The address contains control characters.",
                                    "code": "control_characters",
                                },
                            }
                        },
                    }
                },
            }
    return result
