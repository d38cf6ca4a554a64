"""Celery tasks of the dashboards app: refresh the daily rollups."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone


@shared_task(acks_late=True, reject_on_worker_lost=True)
def rollups_refresh(days: list[str] | None = None) -> int:
    """Recompute the given days (ISO dates), or by default what the queue asks for.

    Beat runs it every few minutes without arguments; transitions queue their days.
    """
    from .services import rollups_refresh_days, rollups_refresh_dirty

    # idempotency: a day's rows are rebuilt from the dossiers under that day's row lock, so
    # running twice (or after a lost worker) writes the same rows again.
    if days:
        selected = {dt.date.fromisoformat(day) for day in days}
        return sum(rollups_refresh_days(days=selected).values())
    return rollups_refresh_dirty()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def rollups_refresh_today() -> int:
    """Every minute: roll up the offices whose dossiers changed today (today only)."""
    from .services import rollups_refresh_today as refresh_today

    # idempotency: it rebuilds today's queued slices under the day's row lock (see
    # rollups_refresh); an empty queue only moves today's refresh time on.
    return refresh_today()


@shared_task(acks_late=True)
def rollups_refresh_recent(last: int = 62) -> int:
    """Queue one `rollups_refresh` per day of the last `last` days (the nightly catch-up).

    Catches what no transition marked: documents digitised or results signed days after
    the dossier's reception or return, a procedure's field-inspection flag edited.
    """
    # idempotency: it only enqueues refreshes, which are themselves safe to repeat.
    today = timezone.localdate()
    for n in range(last):
        rollups_refresh.delay(days=[(today - dt.timedelta(days=n)).isoformat()])
    return last


@shared_task(acks_late=True)
def rollups_analyze() -> None:
    """Nightly, after the catch-up: fresh planner statistics for the summary tables."""
    from .services import rollups_analyze as analyze

    # idempotency: ANALYZE only samples the tables again; running it twice is harmless.
    analyze()
