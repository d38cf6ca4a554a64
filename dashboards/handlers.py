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


def rollups_mark_rated(message: OutboxMessage) -> None:
    """Queue the dashboard day of a rating given or changed (the `rated` dossier event)."""
    from dossiers.models import DossierEvent
    from ratings.models import Rating

    from .services import rollups_mark_rating

    # idempotency: as rollups_mark, it only inserts "to recompute" markers (a set), and it
    # commits with the outbox row (atomic).
    event = DossierEvent.objects.filter(pk=message.ref_id).only("payload").first()
    rating_id = (event.payload or {}).get("rating_id") if event is not None else None
    rating = Rating.objects.select_related("dossier").filter(pk=rating_id).first()
    if rating is not None:
        rollups_mark_rating(rating=rating)
