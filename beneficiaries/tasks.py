"""Celery tasks of the registry and the bundles: thin, idempotent, taking IDs."""

from celery import shared_task

from .adapters import AgencyUnavailable

RETRYING = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "max_retries": 6,
    "retry_backoff": True,
    "retry_backoff_max": 600,
}


@shared_task(**RETRYING, autoretry_for=(OSError,))
def registry_apply_result_task(self, dossier_id: int) -> bool:
    from dossiers.models import Dossier

    from .services import registry_apply_result

    # idempotency: registry_apply_result records one "applied" event per dossier (unique
    # constraint) and returns False when it finds it, so a repeat changes nothing.
    dossier = Dossier.objects.filter(pk=dossier_id).select_related("procedure").first()
    if dossier is None:
        return False
    return registry_apply_result(dossier=dossier)


@shared_task(**RETRYING, autoretry_for=(AgencyUnavailable, OSError))
def bundle_part_send_task(self, part_id: int) -> None:
    from .bundles.models import BundlePart
    from .bundles.services import bundle_part_send

    # idempotency: only a part still "queued" is sent; the agency hand-off carries the
    # part's idempotency key and a VSS dossier is resumed through the part's link and
    # submission key.
    if not BundlePart.objects.filter(pk=part_id).exists():
        return
    bundle_part_send(part_id=part_id)


@shared_task(**RETRYING, autoretry_for=(AgencyUnavailable, OSError))
def bundle_part_poll_task(self, part_id: int) -> None:
    from .bundles.models import BundlePart
    from .bundles.services import bundle_part_poll

    # idempotency: bundle_part_poll does nothing for a part that is no longer "sent", and
    # the answer is recorded under the bundle lock only while it still is.
    if not BundlePart.objects.filter(pk=part_id).exists():
        return
    if not bundle_part_poll(part_id=part_id):
        raise self.retry(countdown=min(60 * 2**self.request.retries, 3600))


@shared_task(**RETRYING, autoretry_for=(OSError,))
def bundle_part_refusal_slip_task(self, part_id: int) -> None:
    from .bundles.models import BundlePart
    from .bundles.services import bundle_part_refusal_slip_issue

    # idempotency: a part that has its slip keeps it; the file name is stored under a row
    # lock, and a slower duplicate deletes its own file.
    if not BundlePart.objects.filter(pk=part_id).exists():
        return
    bundle_part_refusal_slip_issue(part_id=part_id)


@shared_task(acks_late=True)
def bundles_sweep_task() -> dict:
    from .bundles.services import bundles_sweep

    # idempotency: each step selects only parts still in the state it acts on, and each
    # action re-checks that state under the bundle lock.
    return bundles_sweep()
