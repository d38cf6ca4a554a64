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

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from workdays.services import Calendar, working_day_length_seconds

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


def _office_hours() -> tuple[dt.time, dt.time]:
    return (
        dt.time.fromisoformat(settings.OFFICE_DAY_START),
        dt.time.fromisoformat(settings.OFFICE_DAY_END),
    )


def _day_bounds(day: dt.date, tz) -> tuple[dt.datetime, dt.datetime]:
    opening, closing = _office_hours()
    return (
        timezone.make_aware(dt.datetime.combine(day, opening), tz),
        timezone.make_aware(dt.datetime.combine(day, closing), tz),
    )


# The two helpers below are workdays.services.working_seconds_between and
# add_working_seconds over a calendar loaded once, so that hundreds of dossiers cost one
# calendar query instead of one each.


def _working_seconds(calendar: Calendar, start: dt.datetime, end: dt.datetime) -> float:
    start, end = timezone.localtime(start), timezone.localtime(end)
    total = 0.0
    day = start.date()
    while day <= end.date():
        if calendar.is_working_day(day):
            day_open, day_close = _day_bounds(day, start.tzinfo)
            lo, hi = max(day_open, start), min(day_close, end)
            if hi > lo:
                total += (hi - lo).total_seconds()
        day += dt.timedelta(days=1)
    return total


def _add_working_seconds(calendar: Calendar, moment: dt.datetime, seconds: float) -> dt.datetime:
    cursor = timezone.localtime(moment)
    remaining = dt.timedelta(seconds=seconds)
    for _ in range(3660):
        day = cursor.date()
        day_open, day_close = _day_bounds(day, cursor.tzinfo)
        if calendar.is_working_day(day):
            lo = max(cursor, day_open)
            if lo < day_close:
                if day_close - lo >= remaining:
                    return lo + remaining
                remaining -= day_close - lo
        cursor = _day_bounds(day + dt.timedelta(days=1), cursor.tzinfo)[0]
    return cursor


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
            max(_working_seconds(calendar, received, returned), 0.0) for received, returned in rows
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
        predicted = _add_working_seconds(calendar, start, seconds)
        if predicted > now:  # a typical date already past says nothing useful
            result[pk] = predicted
    return result


def predicted_completion(dossier: Dossier) -> dt.datetime | None:
    """When this dossier is likely to be returned, or None (see the module docstring)."""
    return predicted_completions([dossier]).get(dossier.pk)
