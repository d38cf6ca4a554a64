"""Rate limits: per API token (its own rate), and per user for sessions.

Every throttle records its quota for the RateLimit-* headers (core.ratelimit). They live in
core because every API app throttles with them.
"""

from rest_framework import throttling

from core.api_access import request_token
from core.ratelimit import RateLimitHeadersMixin

WINDOW_SECONDS = 60


class PartnerTokenRateThrottle(RateLimitHeadersMixin, throttling.SimpleRateThrottle):
    """`rate_limit_per_minute` requests per minute for each token, from the token row."""

    cache_format = "throttle_partner_token_%(ident)s"
    rate = "per token"  # read from the token on each request

    def __init__(self):  # the rate is the token's, not a setting
        pass

    def allow_request(self, request, view):
        token = request_token(request)
        if token is None:
            return True
        self.num_requests = token.rate_limit_per_minute
        self.duration = WINDOW_SECONDS
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.cache_format % {"ident": request_token(request).pk}


class SessionUserRateThrottle(RateLimitHeadersMixin, throttling.UserRateThrottle):
    """The "user" rate for sessions and anonymous clients; tokens have their own rate."""

    def allow_request(self, request, view):
        if request_token(request) is not None:
            return True
        return super().allow_request(request, view)


class AnonRateThrottle(RateLimitHeadersMixin, throttling.AnonRateThrottle):
    """DRF's "anon" rate, with RateLimit-* headers."""


class ScopedRateThrottle(RateLimitHeadersMixin, throttling.ScopedRateThrottle):
    """DRF's per-view `throttle_scope` rate, with RateLimit-* headers."""
