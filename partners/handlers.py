"""The partner app's subscriber to dossier events (registered in apps.py)."""

from __future__ import annotations

from outbox.models import OutboxMessage


def webhooks_for_event(message: OutboxMessage) -> None:
    """Queue the signed status webhook of a state change for the partner that filed it."""
    from .services import webhooks_enqueue_for_event

    # idempotency: one delivery per (endpoint, event) (get_or_create on that unique pair),
    # written in the outbox row's own transaction (atomic): a repeat queues nothing.
    webhooks_enqueue_for_event(event_id=message.ref_id)
