"""Subscribers of the notification app to dossier events (registered in apps.py).

They run from outbox rows outside the row's transaction (atomic=False): sending e-mail and
SMS leaves the machine, and each is idempotent by itself.
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
    from .services import notify_staff

    # idempotency: one notification per (event, channel, recipient), enforced by a partial
    # unique constraint; rows already sent are skipped.
    notify_staff(event_id=message.ref_id, recipient_ids=message.payload["recipients"])
