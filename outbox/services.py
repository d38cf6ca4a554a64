"""Writes to the outbox: publish in the change's transaction, relay, deliver, sweep, purge.

See docs/adr/0006-transactional-outbox.md. In short: `message_publish` writes one row per
matching subscription inside the caller's transaction (rolled back with it) and, on commit,
hands the rows to Celery without waiting for a broker that is down; `outbox_sweep` hands
over whatever is still pending; `message_deliver` runs a row's handler at most once to
completion and marks the row delivered.
"""

from __future__ import annotations

import datetime as dt
import traceback
from typing import Any

import structlog
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from .constants import MessageStatus
from .models import OutboxMessage
from .registry import subscription_for_handler, subscriptions_for

logger = structlog.get_logger(__name__)


# Rows of one workload relayed to the workers in one broker message, up to this many.
RELAY_CHUNK = 50


def message_publish(
    *,
    topic: str,
    ref_id: int | None,
    subject: Any = None,
    context: dict[str, Any] | None = None,
) -> list[OutboxMessage]:
    """Write one outbox row per subscription that wants this publish; run inline ones.

    Call inside the transaction of the change: the rows commit (or roll back) with it, and
    are relayed to Celery once it has committed.
    """
    context = dict(context or {})
    rows = []
    for subscription in subscriptions_for(topic):
        if not subscription.matches(subject, context):
            continue
        if subscription.inline is not None:
            subscription.inline(subject, context)
            continue
        rows.append(
            OutboxMessage(topic=topic, handler=subscription.handler, ref_id=ref_id, payload=context)
        )
    if not rows:
        return []
    created = OutboxMessage.objects.bulk_create(rows)
    ids = [row.pk for row in created]
    if None in ids:  # a backend without RETURNING (not PostgreSQL nor SQLite >= 3.35)
        ids = list(
            OutboxMessage.objects.filter(topic=topic, ref_id=ref_id)
            .order_by("-pk")
            .values_list("pk", flat=True)[: len(rows)]
        )[::-1]
    handlers = [row.handler for row in rows]
    transaction.on_commit(lambda: messages_relay(ids=ids, handlers=handlers))
    return created


def messages_publish(
    *, topic: str, items: list[tuple[int | None, Any, dict[str, Any]]]
) -> list[OutboxMessage]:
    """`message_publish` for many subjects at once: one INSERT, one relay after commit.

    `items` are (ref_id, subject, context). For batch writers (the deadline sweeps), whose
    thousands of rows would otherwise cost an INSERT and a broker message each.
    """
    rows = []
    for ref_id, subject, context in items:
        context = dict(context or {})
        for subscription in subscriptions_for(topic):
            if not subscription.matches(subject, context):
                continue
            if subscription.inline is not None:
                subscription.inline(subject, context)
                continue
            rows.append(
                OutboxMessage(
                    topic=topic, handler=subscription.handler, ref_id=ref_id, payload=context
                )
            )
    if not rows:
        return []
    created = OutboxMessage.objects.bulk_create(rows)
    ids = [row.pk for row in created]
    if None not in ids:  # without RETURNING the sweep relays them
        handlers = [row.handler for row in rows]
        transaction.on_commit(lambda: messages_relay(ids=ids, handlers=handlers))
    return created


def _workload(handler: str) -> str:
    subscription = subscription_for_handler(handler)
    return subscription.workload if subscription is not None else ""


def relay_plan(*, ids: list[int], handlers: list[str]) -> list[tuple[str | None, list[int]]]:
    """How rows go to the broker: (queue, ids) per message, grouped by workload.

    One message per workload per publish (in chunks of RELAY_CHUNK rows), so a submission's
    slip, notifications and webhooks are three messages that workers take side by side, and
    a queue per workload (settings.CELERY_WORKLOAD_QUEUES) lets separate worker pools take
    OCR, PDFs, notifications and webhooks (docs/scaling.md). `None`: the default queue.
    """
    queues = settings.CELERY_WORKLOAD_QUEUES
    groups: dict[str, list[int]] = {}
    for pk, handler in zip(ids, handlers, strict=True):
        groups.setdefault(_workload(handler), []).append(pk)
    return [
        (queues.get(workload) or None, group[start : start + RELAY_CHUNK])
        for workload, group in groups.items()
        for start in range(0, len(group), RELAY_CHUNK)
    ]


def messages_relay(*, ids: list[int], handlers: list[str] | None = None) -> int:
    """Hand committed rows to Celery; a broker that is down leaves them to the sweep.

    Never raises and never waits for the broker: one publish attempt with the short
    connection timeout of the settings, no retry loop. Returns how many were handed over.
    `handlers` are the rows' handlers, in the order of `ids` (read when not given).
    """
    from .tasks import outbox_deliver_task

    if outbox_deliver_task.app.conf.task_always_eager:
        # Unit tests and eager set-ups: deliver at once, in this process (errors propagate
        # as any eager task's would).
        for pk in ids:
            message_deliver(message_id=pk)
        return len(ids)
    from .tasks import outbox_deliver_many_task

    if handlers is None:
        known = dict(OutboxMessage.objects.filter(pk__in=ids).values_list("pk", "handler"))
        ids = [pk for pk in ids if pk in known]
        handlers = [known[pk] for pk in ids]
    handed = 0
    for queue, chunk in relay_plan(ids=ids, handlers=handlers):
        options = {"retry": False} if queue is None else {"retry": False, "queue": queue}
        try:
            if len(chunk) == 1:
                outbox_deliver_task.apply_async((chunk[0],), **options)
            else:
                outbox_deliver_many_task.apply_async((chunk,), **options)
        except Exception as error:  # the broker is unreachable: the sweep will do it
            logger.warning(
                "outbox_relay_failed",
                message_id=chunk[0],
                left=len(ids) - handed,
                error=type(error).__name__,
            )
            break
        handed += len(chunk)
    return handed


def _backoff(attempts: int) -> dt.timedelta:
    base = settings.OUTBOX_RETRY_BACKOFF_SECONDS
    return dt.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 3600))


def _claim(message_id: int, now: dt.datetime) -> bool:
    """Take the row for one delivery (a conditional UPDATE: one winner among racers)."""
    lease = dt.timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS)
    return bool(
        OutboxMessage.objects.filter(pk=message_id, status=MessageStatus.PENDING)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + lease, attempts=F("attempts") + 1)
    )


def message_deliver(*, message_id: int) -> bool:
    """Run the handler of one pending row and mark it delivered; True when it was.

    A row that is delivered, failed for good or held by another delivery is left alone, so
    a row handed over twice (relay and sweep, a message redelivered after a lost worker)
    has its effect once. Atomic subscriptions commit their writes with "delivered"; the
    others run first and are idempotent themselves (see each handler's comment).
    """
    now = timezone.now()
    if not _claim(message_id, now):
        return False
    message = OutboxMessage.objects.get(pk=message_id)
    subscription = subscription_for_handler(message.handler)
    atomic = subscription.atomic if subscription is not None else True
    try:
        handler = import_string(message.handler)
        if atomic:
            with transaction.atomic():
                handler(message)
                _mark_delivered(message_id)
        else:
            handler(message)
            _mark_delivered(message_id)
    except Exception as error:
        _record_failure(message, error)
        if getattr(settings, "OUTBOX_PROPAGATE_ERRORS", False):
            raise
        return False
    logger.info("outbox_delivered", message_id=message_id, handler=message.handler)
    return True


def _mark_delivered(message_id: int) -> None:
    OutboxMessage.objects.filter(pk=message_id).update(
        status=MessageStatus.DELIVERED, delivered_at=timezone.now(), claimed_until=None
    )


def _record_failure(message: OutboxMessage, error: Exception) -> None:
    attempts = OutboxMessage.objects.filter(pk=message.pk).values_list("attempts", flat=True)[0]
    failed = attempts >= settings.OUTBOX_MAX_ATTEMPTS
    text = "".join(traceback.format_exception_only(type(error), error)).strip()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=MessageStatus.FAILED if failed else MessageStatus.PENDING,
        last_error=text[:2000],
        claimed_until=None,
        available_at=timezone.now() + _backoff(attempts),
    )
    log = logger.error if failed else logger.warning
    log(
        "outbox_delivery_failed",
        message_id=message.pk,
        handler=message.handler,
        attempts=attempts,
        gave_up=failed,
        error=type(error).__name__,
    )


def outbox_sweep(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Hand over the pending rows the relay did not deliver (broker down, worker killed).

    Only rows older than OUTBOX_SWEEP_GRACE_SECONDS (the relay is probably on it) and due
    after their backoff. Each row is pushed back by the grace period as it is handed over,
    so a sweep that runs again before the delivery does not queue it twice; rows another
    sweep holds are skipped (SKIP LOCKED on PostgreSQL).
    """
    now = now or timezone.now()
    grace = dt.timedelta(seconds=settings.OUTBOX_SWEEP_GRACE_SECONDS)
    with transaction.atomic():
        due = OutboxMessage.objects.filter(
            status=MessageStatus.PENDING, available_at__lte=now, created_at__lte=now - grace
        ).filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        ids = list(
            due.order_by("available_at", "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        OutboxMessage.objects.filter(pk__in=ids).update(available_at=now + grace)
    if ids:
        logger.info("outbox_swept", messages=len(ids))
    return messages_relay(ids=ids)


def message_retry(*, message_ids: list[int]) -> int:
    """An administrator's "retry now": failed or waiting rows become due at once."""
    count = OutboxMessage.objects.filter(
        pk__in=message_ids, status__in=[MessageStatus.FAILED, MessageStatus.PENDING]
    ).update(
        status=MessageStatus.PENDING,
        available_at=timezone.now(),
        claimed_until=None,
        attempts=0,
    )
    transaction.on_commit(lambda: messages_relay(ids=list(message_ids)))
    logger.info("outbox_retry_requested", messages=count)
    return count


def outbox_purge(*, now: dt.datetime | None = None) -> int:
    """Delete delivered rows older than OUTBOX_RETENTION_DAYS (failed ones are kept)."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.OUTBOX_RETENTION_DAYS)
    deleted, _ = OutboxMessage.objects.filter(
        status=MessageStatus.DELIVERED, delivered_at__lt=cutoff
    ).delete()
    if deleted:
        logger.info("outbox_purged", messages=deleted)
    return deleted
