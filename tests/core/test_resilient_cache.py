"""The Redis cache answers "not cached" while Redis is down, quickly, and says so in the log."""

import logging
import socket
import time

import pytest

from core.cache import ResilientRedisCache

REFUSED = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def silent_redis():
    """A server that accepts connections and never answers (a hung or overloaded Redis)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(64)
        yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"


def _cache(location, **options):
    return ResilientRedisCache(
        location,
        {
            "OPTIONS": {
                "socket_connect_timeout": 0.2,
                "socket_timeout": 0.2,
                "RETRY_AFTER": 60,
                "LOG_INTERVAL": 60,
                **options,
            }
        },
    )


class _Record:
    def __init__(self, event, fields):
        self.msg = {"event": event, **fields}


@pytest.fixture
def cache_log(monkeypatch):
    """What the backend logs, read from its structlog logger itself (whatever the logging
    configuration of the process is by then: tests run in any order, side by side)."""
    import core.cache

    class Recorder:
        records: list = []

        def warning(self, event, **fields):
            self.records.append((logging.WARNING, _Record(event, fields)))

        def info(self, event, **fields):
            self.records.append((logging.INFO, _Record(event, fields)))

    recorder = Recorder()
    recorder.records = []
    monkeypatch.setattr(core.cache, "logger", recorder)
    return recorder


def _cache_warnings(cache_log):
    return [record for level, record in cache_log.records if level == logging.WARNING]


def test_every_operation_behaves_as_a_miss_when_redis_refuses(cache_log):
    cache = _cache(REFUSED)

    assert cache.get("missing", "default") == "default"
    assert cache.get_or_set("computed", lambda: 42) == 42
    assert cache.add("attempts", 0, 60) is False
    assert cache.incr("attempts") == 1  # counts from zero: limits fail open
    assert cache.decr("attempts") == -1
    assert cache.set("key", "value") is None
    assert cache.get("key") is None
    assert cache.get_many(["key", "other"]) == {}
    assert cache.has_key("key") is False
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert cache.delete("key") is False
    assert cache.touch("key") is False
    cache.delete_many(["a", "b"])
    assert cache.clear() is False


def test_a_hung_redis_costs_one_timeout_then_is_skipped(silent_redis, cache_log):
    cache = _cache(silent_redis)

    started = time.monotonic()
    for number in range(50):
        assert cache.get(f"key-{number}") is None
        cache.set(f"key-{number}", number)
    elapsed = time.monotonic() - started

    # One read timeout (0.2 s) at most, not 100 of them.
    assert elapsed < 1.5
    warnings = _cache_warnings(cache_log)
    assert len(warnings) == 1  # logged once, not once per call
    assert warnings[0].msg["event"] == "cache_unavailable"
    assert warnings[0].msg["error"] == "TimeoutError"


def test_the_outage_is_logged_at_most_once_per_interval(cache_log):
    cache = _cache(REFUSED, RETRY_AFTER=0, LOG_INTERVAL=3600)

    for _ in range(20):
        cache.get("key")

    warnings = _cache_warnings(cache_log)
    assert len(warnings) == 1
    assert warnings[0].msg["operation"] == "get"


def test_redis_is_tried_again_after_the_pause(monkeypatch):
    cache = _cache(REFUSED, RETRY_AFTER=30)
    client = cache._cache  # Django's Redis client under the backend
    calls = []
    refused = client.get

    def counting_get(key, default):
        calls.append(key)
        return refused(key, default)

    monkeypatch.setattr(client, "get", counting_get)
    cache.get("first")  # refused: Redis is left alone for 30 seconds
    cache.get("skipped")
    assert calls == [":1:first"]
    monkeypatch.setattr(cache._outage, "retry_at", time.monotonic() - 1)  # 30 s later
    assert cache.get("tried", "default") == "default"
    assert calls == [":1:first", ":1:tried"]
