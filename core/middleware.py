import re
import time
import uuid

import structlog
from django.http import JsonResponse, QueryDict

logger = structlog.get_logger("vss_portal.request")


class RequestLogMiddleware:
    """Binds a request id to the log context and logs one line per request (no personal data)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        if not request.path.startswith("/static/"):
            logger.info(
                "http_request",
                method=request.method,
                path=request.path,
                status=response.status_code,
                duration_ms=round((time.perf_counter() - started) * 1000, 1),
            )
        return response


# C0 and C1 control characters, and the bidirectional embeddings, overrides and isolates
# that make text read differently from what it is ("invoice\u202efdp.exe").
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# In request bodies: the same, except the tab and line breaks a textarea holds, plus lone
# UTF-16 surrogates (a JSON body can spell one as "\ud800"; nothing can store it).
FORBIDDEN_TEXT = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def strip_control_characters(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", text)


def strip_forbidden_text(text: str) -> str:
    return FORBIDDEN_TEXT.sub("", text)


def _cleaned(query: QueryDict, strip) -> QueryDict | None:
    """A copy of `query` with `strip` applied to keys and values; None if nothing changes."""
    pattern = CONTROL_CHARACTERS if strip is strip_control_characters else FORBIDDEN_TEXT
    if not any(
        pattern.search(key) or any(isinstance(v, str) and pattern.search(v) for v in values)
        for key, values in query.lists()
    ):
        return None
    cleaned = QueryDict(mutable=True, encoding=query.encoding)
    for key, values in query.lists():
        cleaned.setlist(strip(key), [strip(v) if isinstance(v, str) else v for v in values])
    cleaned._mutable = False
    return cleaned


class ControlCharactersMiddleware:
    """Keeps control characters away from the views.

    - Query parameters: control characters are stripped before a view reads them. A NUL byte
      in a search used to reach PostgreSQL (which refuses it: a 500) and held a worker for
      seconds; no page or API parameter needs a control character.
    - Form fields of pages (POST): the same characters are stripped, except tab and line
      breaks, which a textarea keeps. API bodies are checked by the parsers of
      `core.parsers`, which refuse them with a problem naming the field.
    - The URL path (dossier codes, tracking codes, slugs...): a path that holds a control
      character, also percent-encoded (`%00`), is refused with 400 before any view runs: the
      portal's error page, or problem+json under /api/.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cleaned = _cleaned(request.GET, strip_control_characters)
        if cleaned is not None:
            request.GET = cleaned
        if (
            request.method == "POST"
            and not request.path_info.startswith("/api/")
            and request.content_type in _FORM_CONTENT_TYPES
        ):
            cleaned = _cleaned(request.POST, strip_forbidden_text)
            if cleaned is not None:
                request.POST = cleaned
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not CONTROL_CHARACTERS.search(request.path_info):
            return None
        if request.path_info.startswith("/api/"):
            from django.utils.translation import gettext as _

            from core.api import PROBLEM_BASE, PROBLEM_CONTENT_TYPE

            title = _("The address contains control characters.")
            return JsonResponse(
                {
                    "type": PROBLEM_BASE + "control-characters",
                    "title": title,
                    "status": 400,
                    "detail": title,
                    "code": "control_characters",
                },
                status=400,
                content_type=PROBLEM_CONTENT_TYPE,
            )
        from core.views import bad_request

        return bad_request(request)
