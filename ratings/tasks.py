"""Celery tasks of the ratings app: thin, idempotent, taking IDs."""

from celery import shared_task

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
def unhappy_rating_notify(self, event_id: int) -> None:
    """Tell the leaders of the dossier's competent office about an unhappy rating."""
    from dossiers.models import DossierEvent
    from notifications.services import notify_staff

    from .selectors import office_leader_ids

    # idempotency: notify_staff keeps one notification per (event, channel, recipient),
    # a partial unique constraint, so a repeated task finds what it sent and sends nothing.
    event = DossierEvent.objects.filter(pk=event_id).select_related("dossier").first()
    if event is None or event.dossier.competent_office_id is None:
        return
    leader_ids = office_leader_ids(office_id=event.dossier.competent_office_id)
    if leader_ids:
        notify_staff(event_id=event.pk, recipient_ids=leader_ids)
