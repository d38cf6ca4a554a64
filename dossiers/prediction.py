"""Predicted completion: when an open dossier is likely to be returned.

From the competent office's recent history for the same procedure: the median office time
(working hours on the working-day calendar) from reception to return of the dossiers it
returned in the last HISTORY_DAYS days, counted from this dossier's reception. Shown only
when at least MIN_SAMPLES such dossiers exist; the median is cached per (office, procedure).

The history query filters on (competent_office, procedure, state, returned_at); the partial
index `dossier_returned_history_idx` (see docs/tracking-and-ratings.md) serves it.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable

from django.core.cache import cache
from django.utils import timezone

from workdays.services import (
    Calendar,
    add_working_seconds,
    working_day_length_seconds,
    working_seconds_between,
)

from .constants import CLOCK_RUNNING_STATES, DossierState
from .models import Dossier

HISTORY_DAYS = 180
MIN_SAMPLES = 10
MAX_SAMPLES = 500  # the most recent returns; enough for a stable median, bounded work
CACHE_SECONDS = 3600
_CACHE_VERSION = 1

# The clock stops while a supplement is awaited, so no date is predicted then; decided
# dossiers are about to be returned and closed ones need none.
PREDICTED_STATES = CLOCK_RUNNING_STATES


def _cache_key(office_id: int, procedure_id: int) -> str:
    return f"dossier-prediction:v{_CACHE_VERSION}:{office_id}:{procedure_id}"


def typical_processing_seconds(*, office_id: int, procedure_id: int) -> float | None:
    """Median office seconds from reception to return, or None without enough history."""
    key = _cache_key(office_id, procedure_id)
    cached = cache.get(key)
    if cached is not None:
        return cached["seconds"]
    since = timezone.now() - dt.timedelta(days=HISTORY_DAYS)
    rows = list(
        Dossier.objects.filter(
            competent_office_id=office_id,
            procedure_id=procedure_id,
            state=DossierState.RETURNED,
            returned_at__gte=since,
            received_at__isnull=False,
        )
        .order_by("-returned_at")
        .values_list("received_at", "returned_at")[:MAX_SAMPLES]
    )
    seconds = None
    if len(rows) >= MIN_SAMPLES:
        first = timezone.localdate(min(received for received, _ in rows))
        last = timezone.localdate(max(returned for _, returned in rows))
        calendar = Calendar.load(first, last)
        seconds = statistics.median(
            max(working_seconds_between(received, returned, calendar=calendar), 0.0)
            for received, returned in rows
        )
    cache.set(key, {"seconds": seconds, "samples": len(rows)}, CACHE_SECONDS)
    return seconds


def predicted_completions(dossiers: Iterable[Dossier]) -> dict[int, dt.datetime]:
    """Predicted return moments by dossier id, for the dossiers that get one.

    One history query per (office, procedure) not in the cache, and one calendar query.
    """
    now = timezone.now()
    starts: dict[int, tuple[dt.datetime, float]] = {}
    for dossier in dossiers:
        start = dossier.received_at or dossier.submitted_at
        if (
            dossier.state not in PREDICTED_STATES
            or start is None
            or dossier.competent_office_id is None
        ):
            continue
        seconds = typical_processing_seconds(
            office_id=dossier.competent_office_id, procedure_id=dossier.procedure_id
        )
        if seconds is not None:
            starts[dossier.pk] = (start, seconds)
    if not starts:
        return {}
    first = timezone.localdate(min(start for start, _ in starts.values()))
    longest = max(seconds for _, seconds in starts.values())
    # Overrides are loaded far enough ahead for the longest median plus weekends and Tết.
    span = int(longest / working_day_length_seconds() * 2) + 30
    calendar = Calendar.load(first, max(first, timezone.localdate(now)) + dt.timedelta(days=span))
    result = {}
    for pk, (start, seconds) in starts.items():
        predicted = add_working_seconds(start, seconds, calendar=calendar)
        if predicted > now:  # a typical date already past says nothing useful
            result[pk] = predicted
    return result


def predicted_completion(dossier: Dossier) -> dt.datetime | None:
    """When this dossier is likely to be returned, or None (see the module docstring)."""
    return predicted_completions([dossier]).get(dossier.pk)
