"""What the queue publishes for the apps above it (notifications) to react to.

- `TICKET_EVENT` (ref: the TicketEvent): ticket_id, kind, office_id, and for a call the
  counter number. Published in the transaction of the change.
- `AHEAD_THREE` (ref: the Ticket): a call left a ticket with a citizen account with three
  people ahead of it (a subscriber tells the citizen; no subscriber yet).
"""

from __future__ import annotations

from outbox.services import message_publish

TICKET_EVENT = "queues.ticket_event"
AHEAD_THREE = "queues.ahead_three"


def ticket_event_publish(*, event) -> None:
    message_publish(
        topic=TICKET_EVENT,
        ref_id=event.pk,
        subject=event,
        context={
            "ticket_id": event.ticket_id,
            "kind": event.kind,
            "office_id": event.ticket.office_id,
            "counter": event.counter.number if event.counter_id else None,
            "has_citizen": event.ticket.citizen_id is not None,
        },
    )


def ahead_three_publish(*, ticket) -> None:
    message_publish(
        topic=AHEAD_THREE,
        ref_id=ticket.pk,
        subject=ticket,
        context={"ticket_id": ticket.pk, "office_id": ticket.office_id},
    )
