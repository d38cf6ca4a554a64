"""Celery tasks of the partners app: webhook deliveries."""

from celery import shared_task


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def webhook_deliver(self, delivery_id: int) -> str:
    from .services import webhook_delivery_attempt

    # idempotency: the attempt first claims the delivery with a conditional UPDATE (pending,
    # or sending and abandoned by a lost worker); a delivered or failed delivery, or one
    # another worker is sending, is left alone. One POST per claim.
    outcome = webhook_delivery_attempt(delivery_id=delivery_id)
    if outcome.retry_in is not None and not self.app.conf.task_always_eager:
        # Eager mode (embedded setup, tests) leaves retries to the periodic sweep, which
        # honours next_retry_at, instead of running them all at once.
        webhook_deliver.apply_async((delivery_id,), countdown=outcome.retry_in)
    return outcome.status


@shared_task(acks_late=True)
def webhook_deliveries_sweep() -> int:
    from .selectors import webhook_deliveries_due

    # idempotency: only deliveries that are due are queued, and webhook_deliver claims each
    # one before sending, so a delivery queued twice is still sent once.
    due = list(webhook_deliveries_due().values_list("pk", flat=True))
    for delivery_id in due:
        webhook_deliver.delay(delivery_id)
    return len(due)
