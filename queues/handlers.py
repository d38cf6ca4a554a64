"""The queue's subscribers to dossier events (registered in apps.py)."""

from __future__ import annotations

import structlog
from django.db import transaction

from .constants import ACTIVE_STATES
from .models import Ticket
from .services import ticket_link_dossier as _link

logger = structlog.get_logger(__name__)


def ticket_link_dossier(event, context) -> None:
    """Inline, in the counter reception's transaction: the ticket the receiving officer is
    serving records the dossier. Never fails the reception (no ticket: nothing to record)."""
    if event.actor_id is None:
        return
    ticket = (
        Ticket.objects.select_for_update()
        .filter(served_by_id=event.actor_id, state__in=ACTIVE_STATES, dossier__isnull=True)
        .order_by("-called_at")
        .first()
    )
    if ticket is None:
        return
    try:
        with transaction.atomic():  # a savepoint: a failure here leaves the reception alone
            _link(ticket=ticket, dossier_id=event.dossier_id, officer=event.actor)
    except Exception:  # noqa: BLE001 - the reception must not fail because of the queue
        logger.exception("ticket_dossier_link_failed", ticket_id=ticket.pk)
        return
    logger.info("ticket_dossier_linked", ticket_id=ticket.pk, dossier_id=event.dossier_id)
