"""Trends by week and month, and the ranking of offices, from the daily rollups."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce, TruncMonth, TruncWeek

from core.db import replica_reads
from offices.models import Office

from ..constants import ELECTRONIC_CHANNELS
from ..models import DailyRollup
from .figures import share
from .scope import Filters, Scope
from .summary import SummaryPart, summary_parts


@dataclass(frozen=True)
class TrendPoint:
    start: dt.date
    end: dt.date
    received: int
    electronic: int
    returned_timed: int
    timely: int

    @property
    def on_time_rate(self) -> float | None:
        return share(self.timely, self.returned_timed)

    @property
    def electronic_share(self) -> float | None:
        return share(self.electronic, self.received)


def _series_sums():
    electronic = Q(channel__in=ELECTRONIC_CHANNELS)
    return {
        "received_sum": Coalesce(Sum("received"), 0),
        "electronic_sum": Coalesce(Sum("received", filter=electronic), 0),
        "early_sum": Coalesce(Sum("returned_early"), 0),
        "on_time_sum": Coalesce(Sum("returned_on_time"), 0),
        "late_sum": Coalesce(Sum("returned_late"), 0),
    }


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _trend(scope: Scope, filters: Filters, trunc, buckets: list[tuple[dt.date, dt.date]]):
    start, end = buckets[0][0], buckets[-1][1]
    q = scope.rollup_q() & filters.rollup_q(period=False)
    if trunc is TruncWeek:  # weeks cut across months: daily rows
        parts = [SummaryPart(DailyRollup.objects.filter(q, day__gte=start, day__lte=end), "day")]
    else:  # whole calendar months: the monthly summary (the current month up to today)
        parts = summary_parts(q, start, end)
    by_start: dict[dt.date, dict[str, int]] = {}
    for part in parts:
        rows = (
            part.rows.annotate(bucket=trunc(part.date_field))
            .order_by()
            .values("bucket")
            .annotate(**_series_sums())
        )
        for r in rows:
            point = by_start.setdefault(_as_date(r.pop("bucket")), {})
            for name, value in r.items():
                point[name] = point.get(name, 0) + value
    points = []
    for first, last in buckets:
        r = by_start.get(first, {})
        points.append(
            TrendPoint(
                start=first,
                end=last,
                received=r.get("received_sum", 0),
                electronic=r.get("electronic_sum", 0),
                returned_timed=r.get("early_sum", 0)
                + r.get("on_time_sum", 0)
                + r.get("late_sum", 0),
                timely=r.get("early_sum", 0) + r.get("on_time_sum", 0),
            )
        )
    return points


@replica_reads()
def weekly_trend(*, scope: Scope, filters: Filters, weeks: int = 12) -> list[TrendPoint]:
    """The `weeks` weeks (Monday-Sunday) up to the one holding the period's last day."""
    last_monday = filters.end - dt.timedelta(days=filters.end.weekday())
    buckets = []
    for n in range(weeks - 1, -1, -1):
        monday = last_monday - dt.timedelta(weeks=n)
        buckets.append((monday, monday + dt.timedelta(days=6)))
    return _trend(scope, filters, TruncWeek, buckets)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@replica_reads()
def monthly_trend(*, scope: Scope, filters: Filters, months: int = 12) -> list[TrendPoint]:
    """The `months` calendar months up to the one holding the period's last day."""
    last_first = filters.end.replace(day=1)
    buckets = []
    for n in range(months - 1, -1, -1):
        first = _add_months(last_first, -n)
        buckets.append((first, _add_months(first, 1) - dt.timedelta(days=1)))
    return _trend(scope, filters, TruncMonth, buckets)


@dataclass(frozen=True)
class OfficeRank:
    office_id: int
    name: str
    province_code: int
    received: int
    returned_timed: int
    timely: int
    late: int

    @property
    def on_time_rate(self) -> float | None:
        return share(self.timely, self.returned_timed)


@replica_reads()
def office_ranking(*, scope: Scope, filters: Filters) -> list[OfficeRank]:
    """Competent offices in scope by on-time rate (then volume); offices without returns last."""
    q = scope.rollup_q() & filters.rollup_q(period=False) & Q(competent_office__isnull=False)
    by_office: dict[int, dict[str, int]] = {}
    for part in summary_parts(q, filters.start, filters.end):
        for r in part.rows.order_by().values("competent_office_id").annotate(**_series_sums()):
            sums = by_office.setdefault(r.pop("competent_office_id"), {})
            for name, value in r.items():
                sums[name] = sums.get(name, 0) + value
    rows = [{"competent_office_id": pk, **sums} for pk, sums in by_office.items()]
    offices = {
        o.pk: o
        for o in Office.objects.filter(pk__in=[r["competent_office_id"] for r in rows]).only(
            "pk", "name", "province_code"
        )
    }
    ranking = [
        OfficeRank(
            office_id=r["competent_office_id"],
            name=offices[r["competent_office_id"]].name,
            province_code=offices[r["competent_office_id"]].province_code,
            received=r["received_sum"],
            returned_timed=r["early_sum"] + r["on_time_sum"] + r["late_sum"],
            timely=r["early_sum"] + r["on_time_sum"],
            late=r["late_sum"],
        )
        for r in rows
    ]
    ranking.sort(
        key=lambda o: (
            o.on_time_rate is None,
            -Fraction(o.timely, o.returned_timed) if o.returned_timed else 0,
            -o.returned_timed,
            o.name,
        )
    )
    return ranking
