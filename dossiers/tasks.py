"""Celery tasks of the dossier app: thin, idempotent, taking IDs."""

from celery import shared_task

from .models import DossierDocument, DossierEvent

RETRYING = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "max_retries": 5,
    "autoretry_for": (OSError,),
    "retry_backoff": True,
    "retry_backoff_max": 300,
}


@shared_task(**RETRYING)
def reception_slip_generate(self, dossier_id: int) -> None:
    from .handlers import reception_slip_make

    # idempotency: see reception_slip_make (the stored slip is returned, the confirmation is
    # sent once per event and channel).
    reception_slip_make(dossier_id=dossier_id)


@shared_task(**RETRYING)
def letter_issue(self, event_id: int, kind: str) -> None:
    from .slips import letter_issue as issue

    # idempotency: one slip per (event, kind), enforced by a unique constraint; a repeat
    # finds the stored slip and renders nothing.
    event = (
        DossierEvent.objects.filter(pk=event_id)
        .select_related(
            "dossier__procedure",
            "dossier__version",
            "dossier__competent_office",
            "dossier__signed_by",
            "actor",
        )
        .first()
    )
    if event is None:
        return
    issue(event=event, kind=kind)


@shared_task(**RETRYING, soft_time_limit=300, time_limit=360)
def document_digitise_task(self, document_id: int) -> None:
    from .digitisation import document_digitisation_fail, document_digitise

    # idempotency: document_digitise returns at once when the document is done and its
    # searchable PDF is stored; the derived files have fixed names, so a run cut short and
    # repeated replaces them instead of adding more.
    try:
        document_digitise(document_id=document_id)
    except DossierDocument.DoesNotExist:
        return  # removed before its turn came
    except OSError:
        if self.request.retries >= self.max_retries:
            document_digitisation_fail(document_id=document_id, code="storage")
        raise


@shared_task(acks_late=True)
def drafts_purge_expired_task() -> int:
    from .services import drafts_purge_expired

    # idempotency: only expired drafts that still hold documents are selected, so a second
    # run finds nothing left to purge.
    return drafts_purge_expired()


@shared_task(acks_late=True)
def idempotency_records_purge_task() -> int:
    from .services import idempotency_records_purge

    # idempotency: a second run finds only keys not yet old enough.
    return idempotency_records_purge()


@shared_task(acks_late=True)
def event_partitions_ensure_task() -> int:
    from .services.housekeeping import event_partitions_ensure

    # idempotency: a partition that exists is left alone; a second run creates none.
    return event_partitions_ensure()


# --- deadline tracking (Celery beat; docs/workers.md) ---------------------------------------

SWEEP = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "soft_time_limit": 240,
    "time_limit": 300,
}


@shared_task(**SWEEP)
def sla_due_soon_sweep_task() -> int:
    from .sla import sla_sweep_due_soon

    # idempotency: each dossier is claimed by a conditional UPDATE of `due_soon_warned_at`
    # (only while it is NULL), so a second or concurrent sweep warns nobody twice.
    return sla_sweep_due_soon()


@shared_task(**SWEEP)
def sla_overdue_sweep_task() -> int:
    from .sla import sla_sweep_overdue

    # idempotency: each dossier is claimed by a conditional UPDATE of `overdue_flagged_at`
    # (only while it is NULL), so a second or concurrent sweep flags and escalates once.
    return sla_sweep_overdue()
