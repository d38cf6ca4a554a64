import re
import time
import uuid

import structlog
from django.http import QueryDict

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


def strip_control_characters(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", text)


class ControlCharactersMiddleware:
    """Strips control characters from every query parameter before a view reads it.

    A NUL byte in a search used to reach PostgreSQL (which refuses it: a 500) and held a
    worker for seconds; no page or API parameter needs a control character. Form fields
    refuse NUL themselves (Django's and DRF's CharField)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.GET
        if any(
            CONTROL_CHARACTERS.search(key) or any(CONTROL_CHARACTERS.search(v) for v in values)
            for key, values in query.lists()
        ):
            cleaned = QueryDict(mutable=True)
            for key, values in query.lists():
                cleaned.setlist(
                    strip_control_characters(key), [strip_control_characters(v) for v in values]
                )
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)
