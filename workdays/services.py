"""Working-day arithmetic on the Vietnamese public-service calendar.

A day is a working day when it is Monday-Friday and not a public holiday (holidays.VN,
with the swaps its release knows of), unless a `CalendarOverride` says otherwise: an
override always wins, over holidays.VN's holidays and its make-up working days alike.
The government's swaps are shipped as overrides (`workdays.decisions`) and entered in
the admin as they are decided. Statutory limits are counted from the moment a dossier is received:
"N working days" ends at the same clock time on the N-th working day after it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache

import holidays
from django.conf import settings
from django.utils import timezone

from .constants import OverrideKind, TimeLimitUnit
from .decisions import DECISIONS, CalendarDecision
from .models import CalendarOverride

# Far enough for any statutory limit (the longest is 45 days) plus an apology extension.
_MAX_SCAN_DAYS = 3660


@lru_cache(maxsize=16)
def _public_holidays(year: int) -> holidays.HolidayBase:
    return holidays.VN(years=year)


def _office_hours() -> tuple[dt.time, dt.time]:
    return (
        dt.time.fromisoformat(settings.OFFICE_DAY_START),
        dt.time.fromisoformat(settings.OFFICE_DAY_END),
    )


@dataclass(frozen=True)
class Calendar:
    """A snapshot of the overrides in a date range; answers day questions without queries."""

    overrides: dict[dt.date, str]

    @classmethod
    def load(cls, start: dt.date, end: dt.date) -> Calendar:
        snapshot = _snapshot.get()
        if snapshot is not None and snapshot[0] <= start and end <= snapshot[1]:
            return snapshot[2]
        rows = CalendarOverride.objects.filter(date__range=(start, end)).values_list("date", "kind")
        return cls(overrides=dict(rows))

    def is_public_holiday(self, day: dt.date) -> bool:
        override = self.overrides.get(day)
        if override == OverrideKind.DAY_OFF:
            return True
        if override == OverrideKind.WORKING_DAY:
            return False
        return day in _public_holidays(day.year)

    def is_working_day(self, day: dt.date) -> bool:
        override = self.overrides.get(day)
        if override == OverrideKind.WORKING_DAY:
            return True
        if override == OverrideKind.DAY_OFF:
            return False
        vn = _public_holidays(day.year)
        if day in vn:
            return False
        if day in vn.weekend_workdays:
            return True
        return day.weekday() < 5


# The calendar a batch job loaded once (`calendar_preloaded`): (first day, last day, Calendar).
_snapshot: ContextVar[tuple[dt.date, dt.date, Calendar] | None] = ContextVar(
    "workdays_calendar_snapshot", default=None
)


@contextmanager
def calendar_preloaded(start: dt.date, end: dt.date) -> Iterator[Calendar]:
    """Answer every working-day question about days in `start`..`end` from one query.

    For batch jobs (the deadline sweeps) that ask the same calendar thousands of times:
    inside the block, `Calendar.load` for a range within `start`..`end` returns the
    snapshot taken on entry instead of querying the overrides again; a range reaching
    outside it is still loaded from the table. An override entered meanwhile is seen by
    the next block.
    """
    calendar = Calendar.load(start, end)
    token = _snapshot.set((start, end, calendar))
    try:
        yield calendar
    finally:
        _snapshot.reset(token)


def calendar_overrides_load(*, decisions: tuple[CalendarDecision, ...] = DECISIONS) -> int:
    """Add the shipped government decisions that are not in the table yet; return how many.

    Idempotent: a date that already has an override (perhaps corrected in the admin)
    is left untouched.
    """
    present = set(
        CalendarOverride.objects.filter(date__in=[d.date for d in decisions]).values_list(
            "date", flat=True
        )
    )
    missing = [
        CalendarOverride(date=d.date, kind=d.kind, reason=d.reason, legal_basis=d.legal_basis)
        for d in decisions
        if d.date not in present
    ]
    CalendarOverride.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def _calendar_around(start: dt.date, days: int) -> Calendar:
    span = min(max(days * 3 + 30, 60), _MAX_SCAN_DAYS)
    return Calendar.load(start - dt.timedelta(days=7), start + dt.timedelta(days=span))


def is_working_day(day: dt.date) -> bool:
    return Calendar.load(day, day).is_working_day(day)


def _local(moment: dt.datetime) -> dt.datetime:
    if timezone.is_naive(moment):
        raise ValueError("moment must be timezone-aware")
    return timezone.localtime(moment)


def _start_moment(moment: dt.datetime, calendar: Calendar) -> dt.datetime:
    """Where the clock starts: now if inside office hours, else the next opening time."""
    local = _local(moment)
    opening, closing = _office_hours()
    day = local.date()
    if calendar.is_working_day(day) and local.time() < opening:
        return local.replace(hour=opening.hour, minute=opening.minute, second=0, microsecond=0)
    if calendar.is_working_day(day) and local.time() <= closing:
        return local
    day += dt.timedelta(days=1)
    for _ in range(_MAX_SCAN_DAYS):
        if calendar.is_working_day(day):
            break
        day += dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, opening), local.tzinfo)


def add_working_days(moment: dt.datetime, days: int) -> dt.datetime:
    """The moment `days` working days after `moment` (same clock time, office hours)."""
    if days < 0:
        raise ValueError("days must not be negative")
    calendar = _calendar_around(_local(moment).date(), days)
    start = _start_moment(moment, calendar)
    day = start.date()
    remaining = days
    while remaining:
        day += dt.timedelta(days=1)
        if calendar.is_working_day(day):
            remaining -= 1
    return timezone.make_aware(
        dt.datetime.combine(day, start.timetz().replace(tzinfo=None)), start.tzinfo
    )


def add_days_excluding_holidays(moment: dt.datetime, days: int) -> dt.datetime:
    """`days` calendar days after `moment`, not counting public holidays (weekends count)."""
    if days < 0:
        raise ValueError("days must not be negative")
    local = _local(moment)
    calendar = _calendar_around(local.date(), days)
    day = local.date()
    remaining = days
    while remaining:
        day += dt.timedelta(days=1)
        if not calendar.is_public_holiday(day):
            remaining -= 1
    # A limit that ends on a day the office is closed moves to the next working day.
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, local.time()), local.tzinfo)


def add_time_limit(moment: dt.datetime, amount: int, unit: str) -> dt.datetime:
    """The due moment of a statutory time limit expressed in `unit` (TimeLimitUnit)."""
    if unit == TimeLimitUnit.WORKING_DAYS:
        return add_working_days(moment, amount)
    if unit == TimeLimitUnit.CALENDAR_DAYS_EXCLUDING_HOLIDAYS:
        return add_days_excluding_holidays(moment, amount)
    if unit == TimeLimitUnit.CALENDAR_DAYS:
        local = _local(moment)
        due = local + dt.timedelta(days=amount)
        calendar = _calendar_around(due.date(), 15)
        day = due.date()
        while not calendar.is_working_day(day):
            day += dt.timedelta(days=1)
        return timezone.make_aware(dt.datetime.combine(day, local.time()), local.tzinfo)
    raise ValueError(f"unknown time-limit unit: {unit}")


def working_seconds_between(
    start: dt.datetime, end: dt.datetime, *, calendar: Calendar | None = None
) -> float:
    """Office-hour seconds between two moments (negative when `end` is before `start`).

    Pass a `calendar` covering the range to answer many questions with one query.
    """
    if end < start:
        return -working_seconds_between(end, start, calendar=calendar)
    start_l, end_l = _local(start), _local(end)
    opening, closing = _office_hours()
    if calendar is None:
        calendar = Calendar.load(start_l.date(), end_l.date())
    tz = start_l.tzinfo
    total = 0.0
    day = start_l.date()
    while day <= end_l.date():
        if calendar.is_working_day(day):
            day_open = timezone.make_aware(dt.datetime.combine(day, opening), tz)
            day_close = timezone.make_aware(dt.datetime.combine(day, closing), tz)
            lo, hi = max(day_open, start_l), min(day_close, end_l)
            if hi > lo:
                total += (hi - lo).total_seconds()
        day += dt.timedelta(days=1)
    return total


def working_day_length_seconds() -> float:
    opening, closing = _office_hours()
    return (
        dt.datetime.combine(dt.date.min, closing) - dt.datetime.combine(dt.date.min, opening)
    ).total_seconds()


def working_days_between(
    start: dt.datetime, end: dt.datetime, *, calendar: Calendar | None = None
) -> float:
    """Working days (fractional, in office hours) between two moments."""
    return working_seconds_between(start, end, calendar=calendar) / working_day_length_seconds()


def subtract_working_hours(moment: dt.datetime, hours: float) -> dt.datetime:
    """The moment `hours` office hours before `moment` (for due-soon warnings)."""
    local = _local(moment)
    opening, closing = _office_hours()
    remaining = dt.timedelta(hours=hours)
    calendar = Calendar.load(local.date() - dt.timedelta(days=60), local.date())
    tz = local.tzinfo
    cursor = local
    for _ in range(_MAX_SCAN_DAYS):
        day = cursor.date()
        if calendar.is_working_day(day):
            day_open = timezone.make_aware(dt.datetime.combine(day, opening), tz)
            day_close = timezone.make_aware(dt.datetime.combine(day, closing), tz)
            hi = min(cursor, day_close)
            if hi > day_open:
                available = hi - day_open
                if available >= remaining:
                    return hi - remaining
                remaining -= available
        cursor = timezone.make_aware(dt.datetime.combine(day - dt.timedelta(days=1), closing), tz)
    return cursor


def add_working_seconds(
    moment: dt.datetime, seconds: float, *, calendar: Calendar | None = None
) -> dt.datetime:
    """The moment `seconds` of office time after `moment` (e.g. to restart a stopped clock).

    Pass a `calendar` covering the range to answer many questions with one query.
    """
    if seconds < 0:
        raise ValueError("seconds must not be negative")
    local = _local(moment)
    opening, closing = _office_hours()
    if calendar is None:
        calendar = _calendar_around(local.date(), int(seconds // working_day_length_seconds()) + 2)
    tz = local.tzinfo
    remaining = dt.timedelta(seconds=seconds)
    cursor = local
    for _ in range(_MAX_SCAN_DAYS):
        day = cursor.date()
        if calendar.is_working_day(day):
            day_open = timezone.make_aware(dt.datetime.combine(day, opening), tz)
            day_close = timezone.make_aware(dt.datetime.combine(day, closing), tz)
            lo = max(cursor, day_open)
            if lo < day_close:
                available = day_close - lo
                if available >= remaining:
                    return lo + remaining
                remaining -= available
        cursor = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), opening), tz)
    return cursor
