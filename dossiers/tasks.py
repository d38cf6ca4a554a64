from celery import shared_task

from .models import Dossier


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=5,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=300,
)
def reception_slip_generate(self, dossier_id: int) -> None:
    from .slips import reception_slip_issue

    # idempotency: reception_slip_issue returns the stored slip when one exists, and the
    # one-reception-slip-per-dossier constraint settles a race between two workers.
    dossier = (
        Dossier.objects.filter(pk=dossier_id)
        .select_related("procedure", "version", "receiving_office", "received_by")
        .first()
    )
    if dossier is None or dossier.code is None:
        return
    reception_slip_issue(dossier=dossier)
