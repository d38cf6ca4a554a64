"""Read replica routing: dashboards, open data and exports read from `replica` when set.

`DATABASE_REPLICA_URL` adds a `replica` database alias (a streaming PostgreSQL replica).
Code that may read slightly stale data (aggregated figures, open data, exports) runs inside
`replica_reads()`; the router then sends its reads there. Everything else, every write and
every read inside a transaction on `default` (which must see its own writes) stays on
`default`. Without a replica everything runs on `default`. See docs/operations.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"

_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


def _in_transaction_on_default() -> bool:
    # Django's TestCase wraps each test in atomic blocks it marks `_from_testcase`; those are
    # not the application's transactions (Django's own on_commit handling skips them too).
    blocks = connections[DEFAULT_DB_ALIAS].atomic_blocks
    return any(not getattr(block, "_from_testcase", False) for block in blocks)


def read_alias() -> str:
    """The alias a replica-tolerant read should use right now."""
    if _replica_reads.get() and replica_configured() and not _in_transaction_on_default():
        return REPLICA
    return DEFAULT_DB_ALIAS


@contextmanager
def replica_reads() -> Iterator[None]:
    """Within it, reads may go to the replica; also a decorator (`@replica_reads()`)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


class ReplicaRouter:
    """Reads inside `replica_reads()` go to the replica; all else to `default`."""

    def db_for_read(self, model, **hints) -> str | None:
        alias = read_alias()
        return alias if alias == REPLICA else None

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the replica is a copy of default: same rows, same ids

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        return db != REPLICA  # a streaming replica follows default's schema by itself
