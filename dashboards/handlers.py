"""The dashboards' subscriber to dossier changes (registered in apps.py)."""

from __future__ import annotations

from outbox.models import OutboxMessage


def rollups_mark(message: OutboxMessage) -> None:
    """Queue the dashboard days a changed dossier counts in."""
    from dossiers.models import Dossier

    from .services import rollups_mark_dossier

    # idempotency: marking only inserts "to recompute" markers, which the refresh reads as a
    # set; it commits with the outbox row (atomic), so a repeat adds nothing.
    dossier = Dossier.objects.filter(pk=message.ref_id).first()
    if dossier is not None and dossier.competent_office_id:
        rollups_mark_dossier(dossier=dossier)
