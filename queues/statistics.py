"""The measured wait: what the dashboards report against the 15-minute promise.

A visitor's wait runs from the ticket's issue to its first call; an appointment ticket
taken early waits from the appointment's time instead (coming early is not the office's
delay). Tickets made by a transfer are the same visit and are not counted again.
Percentiles are nearest-rank (PostgreSQL `percentile_disc`; a Python aggregate of the same
name on SQLite), in whole seconds.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db.backends.signals import connection_created
from django.db.models import Aggregate, Count, F, FloatField, Func, Q
from django.db.models.functions import Abs, Coalesce, Greatest, TruncMonth
from django.dispatch import receiver

from .constants import APPOINTMENT_GRACE, WAIT_TARGET, TicketSource, TicketState
from .models import Ticket


class EpochSeconds(Func):
    """A duration in seconds."""

    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite's durations are whole microseconds (Django's django_timestamp_diff).
        return self.as_sql(
            compiler, connection, template="((%(expressions)s) / 1000000.0)", **extra_context
        )


class PercentileDisc(Aggregate):
    """The nearest-rank percentile of the values (`percentile_disc`)."""

    function = "percentile_disc"
    template = "%(function)s(%(percentile)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra_context):
        # The development database has no ordered-set aggregates: a Python aggregate of the
        # same name does it (registered below on each SQLite connection).
        clone = self.copy()
        clone.template = "%(function)s(%(expressions)s, %(percentile)s)"
        return clone.as_sql(compiler, connection, **extra_context)


class _NearestRank:
    """SQLite aggregate: percentile_disc(value, fraction), nearest rank, NULLs ignored."""

    def __init__(self):
        self.values: list[float] = []
        self.fraction = 0.5

    def step(self, value, fraction):
        self.fraction = fraction
        if value is not None:
            self.values.append(value)

    def finalize(self):
        if not self.values:
            return None
        ordered = sorted(self.values)
        rank = math.ceil(self.fraction * len(ordered))
        return ordered[max(rank - 1, 0)]


@receiver(connection_created)
def _sqlite_percentile(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("percentile_disc", 2, _NearestRank)


@dataclass(frozen=True)
class WaitSummary:
    visitors: int  # tickets called
    within_target: int  # of which called within 15 minutes
    median_seconds: int | None
    p90_seconds: int | None
    no_shows: int
    appointments: int  # appointment tickets called
    appointments_punctual: int  # of which called within 5 minutes of their time
    estimate_error_median_seconds: int | None  # |wait − estimate printed on the ticket|

    @property
    def within_target_share(self) -> float | None:
        return self.within_target * 100 / self.visitors if self.visitors else None


def _visits(*, start: dt.date, end: dt.date, province_code=None, office_id=None, group_id=None):
    queryset = Ticket.objects.filter(day__gte=start, day__lte=end).exclude(
        source=TicketSource.TRANSFER
    )
    if province_code is not None:
        queryset = queryset.filter(office__province_code=province_code)
    if office_id is not None:
        queryset = queryset.filter(office_id=office_id)
    if group_id is not None:
        queryset = queryset.filter(group_id=group_id)
    return queryset


def _aggregates() -> dict:
    target = WAIT_TARGET.total_seconds()
    grace = APPOINTMENT_GRACE.total_seconds()
    called = Q(called_at__isnull=False)
    appointment = called & Q(source=TicketSource.APPOINTMENT)
    return {
        "visitors": Count("pk", filter=called),
        "within_target": Count("pk", filter=called & Q(wait_s__lte=target)),
        "median": PercentileDisc("wait_s", percentile=0.5, filter=called),
        "p90": PercentileDisc("wait_s", percentile=0.9, filter=called),
        "no_shows": Count("pk", filter=Q(state=TicketState.NO_SHOW)),
        "appointments": Count("pk", filter=appointment),
        "appointments_punctual": Count("pk", filter=appointment & Q(wait_s__lte=grace)),
        "estimate_error": PercentileDisc(
            "estimate_error_s", percentile=0.5, filter=called & Q(estimated_wait__isnull=False)
        ),
    }


def _with_wait(queryset):
    return queryset.annotate(
        wait_s=EpochSeconds(
            F("called_at") - Greatest("issued_at", Coalesce("due_at", "issued_at"))
        ),
        estimate_error_s=Abs(EpochSeconds(F("called_at") - F("issued_at") - F("estimated_wait"))),
    )


def _summary(row: dict) -> WaitSummary:
    def seconds(value):
        return None if value is None else round(value)

    return WaitSummary(
        visitors=row["visitors"],
        within_target=row["within_target"],
        median_seconds=seconds(row["median"]),
        p90_seconds=seconds(row["p90"]),
        no_shows=row["no_shows"],
        appointments=row["appointments"],
        appointments_punctual=row["appointments_punctual"],
        estimate_error_median_seconds=seconds(row["estimate_error"]),
    )


def wait_summary(**filters) -> WaitSummary:
    """The figures over a period (start, end: local days) and optional province/office/group."""
    return _summary(_with_wait(_visits(**filters)).aggregate(**_aggregates()))


def wait_by_office_day_group(**filters) -> list[dict]:
    """The same figures per office, day and service group (for exports and the leader)."""
    rows = (
        _with_wait(_visits(**filters))
        .values("office_id", "office__name", "day", "group__code", "group__name")
        .annotate(**_aggregates())
        .order_by("day", "office_id", "group__code")
    )
    return [{**row, "summary": _summary(row)} for row in rows]


def wait_by_province_month(*, year: int, province_code: int | None = None) -> dict:
    """Visitors called, called within 15 minutes, median and 90th percentile wait (seconds)
    per (province code, first day of the month) of `year`: one grouped query (open data)."""
    rows = (
        _with_wait(
            _visits(
                start=dt.date(year, 1, 1), end=dt.date(year, 12, 31), province_code=province_code
            )
        )
        .annotate(month_start=TruncMonth("day"))
        .values("office__province_code", "month_start")
        .annotate(
            visitors=Count("pk", filter=Q(called_at__isnull=False)),
            within_target=Count(
                "pk",
                filter=Q(called_at__isnull=False, wait_s__lte=WAIT_TARGET.total_seconds()),
            ),
            median=PercentileDisc("wait_s", percentile=0.5, filter=Q(called_at__isnull=False)),
            p90=PercentileDisc("wait_s", percentile=0.9, filter=Q(called_at__isnull=False)),
        )
        .order_by()
    )
    result = {}
    for row in rows:
        month = row["month_start"]
        month = month.date() if isinstance(month, dt.datetime) else month
        result[(row["office__province_code"], month)] = {
            "visitors": row["visitors"],
            "within_target": row["within_target"],
            "median_seconds": None if row["median"] is None else round(row["median"]),
            "p90_seconds": None if row["p90"] is None else round(row["p90"]),
        }
    return result
