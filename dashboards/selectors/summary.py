"""Which summary rows a period reads: whole months from `MonthlyRollup`, the rest by day.

A month counts as whole when the period covers every day of it up to today (later days have
no rows yet), so "this month", "last month" and "this year" read only monthly rows: at most
12 rows per (office, procedure, channel) for a year, whatever the number of dossiers. Days
of a month the period only partly covers are read from `DailyRollup`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from ..models import DailyRollup, MonthlyRollup
from ..services import month_end


@dataclass(frozen=True)
class PeriodParts:
    """First and last whole month (first days), and the day ranges outside them."""

    months: tuple[dt.date, dt.date] | None
    days: tuple[tuple[dt.date, dt.date], ...]


def period_parts(start: dt.date, end: dt.date, *, today: dt.date | None = None) -> PeriodParts:
    today = today or timezone.localdate()
    whole: list[dt.date] = []
    days: list[tuple[dt.date, dt.date]] = []
    month = start.replace(day=1)
    while month <= end:
        last = month_end(month)
        if start <= month and end >= min(last, max(today, month)):
            whole.append(month)
        else:
            days.append((max(start, month), min(end, last)))
        month = last + dt.timedelta(days=1)
    # Whole months are contiguous: only the first and the last month can be partial.
    return PeriodParts(months=(whole[0], whole[-1]) if whole else None, days=tuple(days))


@dataclass(frozen=True)
class SummaryPart:
    """Rows of one summary table and the name of its date column."""

    rows: QuerySet
    date_field: str
    bounds: tuple[dt.date, dt.date] | None = None  # first and last month, for "month"


def summary_parts(q: Q, start: dt.date, end: dt.date) -> list[SummaryPart]:
    """The rows of the period [start, end] matching `q` (a filter on the shared columns)."""
    parts = period_parts(start, end)
    result = []
    if parts.months is not None:
        first, last = parts.months
        rows = MonthlyRollup.objects.filter(q, month__gte=first, month__lte=last)
        result.append(SummaryPart(rows, "month", (first, last)))
    if parts.days:
        in_days = Q()
        for first, last in parts.days:
            in_days |= Q(day__gte=first, day__lte=last)
        result.append(SummaryPart(DailyRollup.objects.filter(q & in_days), "day"))
    return result
