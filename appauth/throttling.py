"""Failed token requests counted per client address (core.http.client_ip)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

from core.http import client_ip

_KEY = "oauth_token_failures:%s"


def _key(request) -> str:
    return _KEY % client_ip(request)


def token_failures_exceeded(request) -> int:
    """Seconds until this address may try again; 0 while it is under the limit."""
    record = cache.get(_key(request))
    if not record or record["count"] < settings.OAUTH_TOKEN_FAILURES_PER_ADDRESS:
        return 0
    return max(int(record["until"] - time.time()), 1)


def token_failure_record(request) -> None:
    """Count one failed token request; the window starts at the first failure."""
    window = settings.OAUTH_TOKEN_FAILURE_WINDOW_SECONDS
    key = _key(request)
    record = cache.get(key) or {"count": 0, "until": time.time() + window}
    record["count"] += 1
    cache.set(key, record, timeout=max(int(record["until"] - time.time()), 1))
