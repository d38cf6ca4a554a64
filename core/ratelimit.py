"""RateLimit-* headers on rate-limited API answers (IETF draft "RateLimit header fields").

A throttle with `RateLimitHeadersMixin` records its quota on the request each time it counts
one; `RateLimitHeadersMiddleware` writes the tightest recorded quota on the response:
`RateLimit-Limit` (requests per window), `RateLimit-Remaining` (left in the window) and
`RateLimit-Reset` (seconds until one more request is allowed). A 429 also carries
`Retry-After`, which DRF sets from the throttle's `wait()`. `rate_limit_headers_hook`
declares them in the OpenAPI document.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

ATTRIBUTE = "rate_limit_quota"
HEADERS = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")


@dataclass(frozen=True)
class Quota:
    limit: int
    remaining: int
    reset: int


class RateLimitHeadersMixin:
    """For DRF's SimpleRateThrottle family: remember the quota this request was counted in."""

    def allow_request(self, request, view):
        self._http_request = getattr(request, "_request", request)
        return super().allow_request(request, view)

    def throttle_success(self):
        allowed = super().throttle_success()
        self._record(max(self.num_requests - len(self.history), 0))
        return allowed

    def throttle_failure(self):
        self._record(0)
        return super().throttle_failure()

    def _record(self, remaining: int) -> None:
        oldest = self.history[-1] if self.history else self.now
        reset = max(math.ceil(oldest + self.duration - self.now), 0)
        quota = Quota(limit=self.num_requests, remaining=remaining, reset=reset)
        current = getattr(self._http_request, ATTRIBUTE, None)
        # Several throttles may count one request: the client needs the tightest one.
        if current is None or (quota.remaining, -quota.reset) < (current.remaining, -current.reset):
            setattr(self._http_request, ATTRIBUTE, quota)


class RateLimitHeadersMiddleware:
    """Writes the quota a throttle recorded on the request as RateLimit-* headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        quota = getattr(request, ATTRIBUTE, None)
        if quota is not None:
            response["RateLimit-Limit"] = str(quota.limit)
            response["RateLimit-Remaining"] = str(quota.remaining)
            response["RateLimit-Reset"] = str(quota.reset)
        return response


def _header(description: str) -> dict:
    return {"schema": {"type": "integer", "minimum": 0}, "description": description}


RATE_LIMIT_HEADERS = {
    "RateLimit-Limit": _header(
        "Số yêu cầu được phép trong một khung thời gian / Requests allowed per window."
    ),
    "RateLimit-Remaining": _header(
        "Số yêu cầu còn lại trong khung thời gian / Requests left in the current window."
    ),
    "RateLimit-Reset": _header(
        "Số giây đến khi được gửi thêm yêu cầu / Seconds until one more request is allowed."
    ),
}
RETRY_AFTER = _header("Số giây cần chờ trước khi thử lại / Seconds to wait before retrying.")


def rate_limit_headers_hook(result, generator, request, public):
    """drf-spectacular postprocessing: every operation declares the RateLimit-* headers on its
    successful answers and its 429, and Retry-After on the 429. Every API view is throttled
    (REST_FRAMEWORK's DEFAULT_THROTTLE_CLASSES; none opts out)."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for status_code, response in operation.get("responses", {}).items():
                code = str(status_code)
                if not (code.startswith("2") or code == "429"):
                    continue
                headers = response.setdefault("headers", {})
                for name, header in RATE_LIMIT_HEADERS.items():
                    headers.setdefault(name, dict(header))
                if code == "429":
                    headers.setdefault("Retry-After", dict(RETRY_AFTER))
    return result
