"""A Redis cache that degrades to "nothing cached" when Redis is down, instead of failing.

The cache only ever holds what can be lost: predicted completion times, DRF rate-limit
histories, tracking look-up attempt counters. Sessions are in the database
(SESSION_ENGINE), so with Redis down citizens still sign in, file and submit, and officers
still work. Each operation that cannot reach Redis (refused, timed out) behaves as a miss:
`get` returns the default, `set`/`add`/`delete` store nothing, `incr` counts from zero. So
rate limits fail open while Redis is down (every request is allowed): docs/operations.md.

After a failure the backend does not try Redis again for `RETRY_AFTER` seconds (a page
makes several cache calls; each would otherwise wait for the connect timeout), and it
logs `cache_unavailable` at most once per `LOG_INTERVAL` seconds per process, with the
number of operations answered as a miss since the last log line.
"""

from __future__ import annotations

import threading
import time
from functools import wraps

import structlog
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = structlog.get_logger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)


class _Outage:
    """Per-process memory of a Redis outage: when to try again, when to log again."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.retry_at = 0.0
        self.logged_at: float | None = None
        self.missed = 0

    def skipping(self) -> bool:
        return time.monotonic() < self.retry_at

    def failed(self, *, operation: str, error: Exception, retry_after: float, log_interval: float):
        now = time.monotonic()
        with self._lock:
            self.retry_at = now + retry_after
            self.missed += 1
            if self.logged_at is not None and now - self.logged_at < log_interval:
                return
            self.logged_at = now
            missed, self.missed = self.missed, 0
        logger.warning(
            "cache_unavailable",
            operation=operation,
            error=error.__class__.__name__,
            misses_since_last_log=missed,
            retry_after_seconds=retry_after,
        )

    def skipped(self) -> None:
        with self._lock:
            self.missed += 1

    def recovered(self) -> None:
        if self.logged_at is None:
            return
        with self._lock:
            if self.logged_at is None:
                return
            self.logged_at = None
            missed, self.missed = self.missed, 0
        logger.info("cache_available_again", misses_since_last_log=missed)


def _degrades(fallback):
    """Run the operation; while Redis is unreachable, answer `fallback(*args, **kwargs)`."""

    def decorator(method):
        @wraps(method)
        def wrapper(self, *args, **kwargs):
            if self._outage.skipping():
                self._outage.skipped()
                return fallback(*args, **kwargs)
            try:
                result = method(self, *args, **kwargs)
            except UNAVAILABLE as error:
                self._outage.failed(
                    operation=method.__name__,
                    error=error,
                    retry_after=self.retry_after,
                    log_interval=self.log_interval,
                )
                return fallback(*args, **kwargs)
            self._outage.recovered()
            return result

        return wrapper

    return decorator


def _default(key, default=None, version=None):
    return default


def _none(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


def _no_values(keys, version=None):
    return {}


def _counted_from_zero(key, delta=1, version=None):
    return delta


def _all_keys_failed(data, timeout=None, version=None):
    return list(data)


class ResilientRedisCache(RedisCache):
    """Django's RedisCache; an unreachable Redis is a miss or a no-op, logged (see above).

    OPTIONS: `RETRY_AFTER` (seconds, default 5) and `LOG_INTERVAL` (seconds, default 60)
    are this backend's; everything else (socket_connect_timeout, socket_timeout ...) goes
    to redis-py's connection pool as usual.
    """

    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        self.retry_after = float(options.pop("RETRY_AFTER", 5))
        self.log_interval = float(options.pop("LOG_INTERVAL", 60))
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._outage = _Outage()

    get = _degrades(_default)(RedisCache.get)
    add = _degrades(_false)(RedisCache.add)
    set = _degrades(_none)(RedisCache.set)
    touch = _degrades(_false)(RedisCache.touch)
    delete = _degrades(_false)(RedisCache.delete)
    get_many = _degrades(_no_values)(RedisCache.get_many)
    has_key = _degrades(_false)(RedisCache.has_key)
    incr = _degrades(_counted_from_zero)(RedisCache.incr)  # decr is incr(-delta)
    set_many = _degrades(_all_keys_failed)(RedisCache.set_many)
    delete_many = _degrades(_none)(RedisCache.delete_many)
    clear = _degrades(_false)(RedisCache.clear)
