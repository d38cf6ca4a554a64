"""The partner app's subscribers (registered in apps.py)."""

from __future__ import annotations

from outbox.models import OutboxMessage


def webhooks_for_event(message: OutboxMessage) -> None:
    """Queue the signed webhooks of a dossier event for the partner that filed the dossier."""
    from .services import webhooks_enqueue_for_event

    # idempotency: one delivery per (endpoint, event type, event) (get_or_create on that
    # unique triple), written in the outbox row's own transaction (atomic): a repeat queues
    # nothing.
    webhooks_enqueue_for_event(event_id=message.ref_id)


def webhooks_for_bundle_part(message: OutboxMessage) -> None:
    """Queue `bundle.part_completed` for the partner that filed a dossier of the bundle."""
    from .services import webhooks_enqueue_bundle_part_completed

    # idempotency: one delivery per (endpoint, type, bundle part) (get_or_create on the
    # unique triple), in the outbox row's own transaction (atomic).
    context = message.payload
    webhooks_enqueue_bundle_part_completed(
        part_id=context["part_id"],
        bundle_event_id=context["bundle_event_id"],
        occurred_at=context["occurred_at"],
        bundle=context["bundle"],
        part=context["part"],
        dossier_ids=context.get("dossier_ids", []),
    )
