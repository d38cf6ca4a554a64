"""Celery tasks of the outbox: deliver one row, sweep what is left, purge old rows."""

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=540, time_limit=600)
def outbox_deliver_task(message_id: int) -> bool:
    from .services import message_deliver

    # idempotency: message_deliver claims the row with a conditional UPDATE (pending and not
    # held) and does nothing for a row delivered, failed or held by another delivery.
    return message_deliver(message_id=message_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=540, time_limit=600)
def outbox_deliver_many_task(message_ids: list[int]) -> int:
    from .services import message_deliver

    # idempotency: as outbox_deliver_task, row by row; a row already delivered (by the sweep
    # or an earlier run of this chunk) is skipped.
    return sum(bool(message_deliver(message_id=pk)) for pk in message_ids)


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def outbox_sweep_task() -> int:
    from .services import outbox_sweep

    # idempotency: rows handed over are pushed back by the grace period, and delivering a
    # row twice has its effect once (see outbox_deliver_task).
    return outbox_sweep()


@shared_task(acks_late=True)
def outbox_purge_task() -> int:
    from .services import outbox_purge

    # idempotency: a second run finds only rows not yet old enough.
    return outbox_purge()
