"""Celery tasks of the notification app: thin, idempotent, taking IDs."""

from celery import shared_task

from dossiers.tasks import RETRYING


@shared_task(**RETRYING)
def staff_notify(self, event_id: int, recipient_ids: list[int]) -> None:
    from .services import notify_staff

    # idempotency: one notification per (event, channel, recipient), enforced by a partial
    # unique constraint; rows already sent are skipped, and a row being sent by another
    # worker is locked (SKIP LOCKED), so a repeat sends nothing twice.
    notify_staff(event_id=event_id, recipient_ids=recipient_ids)


@shared_task(**RETRYING)
def notification_deliver_task(self, notification_id: int) -> None:
    from .services import notification_deliver

    # idempotency: only a pending or retrying row is sent, under its row lock; a sent or
    # failed one is left as it is.
    notification_deliver(notification_id=notification_id)
