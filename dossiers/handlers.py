"""The dossier app's own subscribers (registered in apps.py): slips, letters, digitisation.

Each runs from an outbox row (outbox.services.message_deliver) and says how it is safe to
run twice. They run outside the row's transaction (atomic=False): rendering a PDF or OCR
takes long, and each is idempotent by itself.
"""

from __future__ import annotations

from django.db import transaction

from outbox.models import OutboxMessage

from .constants import EventKind
from .models import Dossier, DossierEvent


def reception_slip_make(*, dossier_id: int) -> None:
    """The reception slip of a submitted or received dossier, then the confirmation."""
    from .events import reception_slip_issued
    from .slips import reception_slip_issue

    # idempotency: reception_slip_issue returns the stored slip when one exists, and the
    # one-reception-slip-per-dossier constraint settles a race between two workers. The
    # confirmation is published after the slip (so the e-mail can carry it); its subscriber
    # sends once per (event, channel), so publishing it again re-sends nothing.
    dossier = (
        Dossier.objects.filter(pk=dossier_id)
        .select_related("procedure", "version", "receiving_office", "received_by")
        .first()
    )
    if dossier is None or dossier.code is None:
        return
    reception_slip_issue(dossier=dossier)
    confirmed = (
        dossier.events.filter(
            kind__in=[EventKind.SUBMITTED, EventKind.RECEIVED], citizen_visible=True
        )
        .order_by("created_at", "id")
        .values_list("pk", flat=True)
        .first()
    )
    if confirmed is not None:
        with transaction.atomic():
            reception_slip_issued(event_id=confirmed, dossier_id=dossier.pk)


def reception_slip(message: OutboxMessage) -> None:
    """Subscriber of SUBMITTED and RECEIVED events."""
    # idempotency: reception_slip_make (above).
    reception_slip_make(dossier_id=message.payload["dossier_id"])


def letter(message: OutboxMessage) -> None:
    """Subscriber of events whose action issues a letter (the `letter` hint)."""
    from .slips import letter_issue

    # idempotency: one slip per (event, kind), enforced by a unique constraint; a repeat
    # finds the stored slip and renders nothing.
    event = (
        DossierEvent.objects.filter(pk=message.ref_id)
        .select_related(
            "dossier__procedure",
            "dossier__version",
            "dossier__competent_office",
            "dossier__signed_by",
            "actor",
        )
        .first()
    )
    if event is not None:
        letter_issue(event=event, kind=message.payload["letter"])


def document_digitise(message: OutboxMessage) -> None:
    """Subscriber of DOCUMENT_ADDED (when digitising on upload) and DIGITISATION_RETRIED."""
    from .tasks import document_digitise_task

    # idempotency: hands the document to its task, which keeps its own time limits, retries
    # and failure state; the task returns at once for a document already digitised, so a
    # row delivered twice costs one quick no-op run.
    event = DossierEvent.objects.filter(pk=message.ref_id).only("payload").first()
    if event is not None and event.payload.get("document_id"):
        document_digitise_task.delay(event.payload["document_id"])
