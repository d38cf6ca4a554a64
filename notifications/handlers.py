"""Subscribers of the notification app to dossier events (registered in apps.py).

They run from outbox rows outside the row's transaction (atomic=False): sending e-mail and
SMS leaves the machine, and each is idempotent by itself. Staff notifications are handed to
their Celery task, which retries each delivery with backoff and records every attempt.
"""

from __future__ import annotations

from outbox.models import OutboxMessage


def citizen_notify(message: OutboxMessage) -> None:
    """Tell the applicant of an event (inbox, e-mail, SMS)."""
    from .services import notify_event

    # idempotency: notify_event records one delivery per (event, channel) and skips the
    # channels already delivered.
    notify_event(event_id=message.ref_id)


def staff_notify(message: OutboxMessage) -> None:
    """Tell officers and leaders of an event (warnings, escalations, nobody to assign)."""
    from .tasks import staff_notify as staff_notify_task

    # idempotency: hands over to the staff_notify task, whose bounded retries record each
    # attempt of each delivery (shown in the admin); one notification per (event, channel,
    # recipient) is enforced by a partial unique constraint and rows already sent are
    # skipped, so a row handed over twice sends nothing twice.
    staff_notify_task.delay(message.ref_id, message.payload["recipients"])


def takeover_code_notify(message: OutboxMessage) -> None:
    """Give the applicant the one-time code a counter officer asks for (inbox and SMS)."""
    from .services import notify_takeover_code

    # idempotency: one notification per (event, channel), rows already sent are skipped.
    notify_takeover_code(event_id=message.ref_id, code=message.payload["code"])


def ticket_called_notify(message: OutboxMessage) -> None:
    """Tell a signed-in citizen their queue ticket is called (inbox and SMS)."""
    from .services import notify_ticket_holder

    # idempotency: one notification per (called event, channel), rows already sent skipped.
    notify_ticket_holder(ticket_id=message.payload["ticket_id"], called_event_id=message.ref_id)


def ticket_ahead_notify(message: OutboxMessage) -> None:
    """Tell a signed-in citizen that three people are ahead of their ticket."""
    from .services import notify_ticket_holder

    # idempotency: one notification per (ticket, channel), rows already sent skipped.
    notify_ticket_holder(ticket_id=message.ref_id)
