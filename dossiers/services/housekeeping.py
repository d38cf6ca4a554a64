"""Housekeeping writes that belong to no single dossier."""

from __future__ import annotations

import datetime as dt

import structlog
from django.conf import settings
from django.db import connection
from django.utils import timezone

from ..models import IdempotencyRecord

logger = structlog.get_logger(__name__)


def idempotency_records_purge(*, now: dt.datetime | None = None, limit: int = 5000) -> int:
    """Forget Idempotency-Keys older than settings.IDEMPOTENCY_KEY_TTL_HOURS (in batches).

    What the keys created stays; only the record that replays it goes. Safe to run twice.
    """
    cutoff = (now or timezone.now()) - dt.timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    ids = list(
        IdempotencyRecord.objects.filter(created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    deleted, _ = IdempotencyRecord.objects.filter(pk__in=ids).delete()
    if deleted:
        logger.info("idempotency_records_purged", count=deleted)
    return deleted


def event_partitions_ensure(*, months_ahead: int = 3) -> int:
    """Create the event trail's month partitions up to `months_ahead` months from now.

    PostgreSQL only (dossiers migration 0020); SQLite keeps one table and makes nothing.
    Returns how many partitions were created; a second run creates none.
    """
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT dossiers_event_partitions_ensure(now(), %s)", [months_ahead])
        made = cursor.fetchone()[0]
    if made:
        logger.info("event_partitions_created", count=made)
    return made
