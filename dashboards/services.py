"""Writes of the dashboards app: the daily rollups and their refresh queue.

A day's rollup rows are rebuilt from the dossiers in one transaction, holding that day's
`RollupDay` row lock, so two refreshes of the same day never interleave and a refresh can
run any number of times with the same result. Transitions only append a `RollupDirtyDay`
marker (an insert that never waits on a refresh); the periodic task recomputes the marked
days. See docs/adr/0004-dashboard-rollups.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

import structlog
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    Min,
    OuterRef,
    Q,
    Sum,
)
from django.db.models.fields.json import KT
from django.utils import timezone

from dossiers.constants import Outcome, SlipKind, Timeliness
from dossiers.models import Dossier, Slip
from offices.models import Office
from ratings.models import Rating
from workdays.services import Calendar, working_days_between

from .constants import (
    HISTOGRAM_STEP,
    PAYMENT_CASH,
    PAYMENT_NON_CASH,
    PAYMENT_VIA_EMPLOYER,
    SATISFIED_MIN_SCORE,
)
from .models import (
    DailyRollup,
    MonthlyOfficeHistogram,
    MonthlyRollup,
    RollupCounters,
    RollupDay,
    RollupDirtyDay,
    RollupMonth,
)
from .rules import late_apologised_q, outside_residence_q

logger = structlog.get_logger(__name__)

_KEY = ("competent_office_id", "receiving_office_id", "procedure_id", "channel")
_STEP = Decimal(HISTOGRAM_STEP)


def local_day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a calendar day in the portal's time zone, as aware datetimes."""
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min), tz)
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min), tz)
    return start, end


def histogram_bucket(working_days: float) -> str:
    """The histogram key of a processing time: working days rounded half-up to 0.1."""
    return str(Decimal(repr(working_days)).quantize(_STEP, rounding=ROUND_HALF_UP))


def rollup_days_of(dossier: Dossier) -> set[dt.date]:
    """The days whose rollups count this dossier (reception, decision, return)."""
    moments = (dossier.received_at, dossier.decided_at, dossier.returned_at)
    return {timezone.localdate(m) for m in moments if m is not None}


def rollups_mark_dirty(*, days: Iterable[dt.date], office_id: int | None = None) -> int:
    """Queue days (of one competent office, or whole days) for recomputation.

    Insert-only, so it never waits on a running refresh.
    """
    markers = [RollupDirtyDay(day=day, competent_office_id=office_id) for day in sorted(set(days))]
    RollupDirtyDay.objects.bulk_create(markers)
    return len(markers)


def rollups_mark_dossier(*, dossier: Dossier | None = None, dossier_id: int | None = None) -> int:
    """Queue the days a dossier counts in, for its competent office; call on commit.

    Takes the dossier or its id (an outbox handler only has the id); an unknown id marks
    nothing.
    """
    if dossier is None:
        dossier = (
            Dossier.objects.filter(pk=dossier_id)
            .only("received_at", "decided_at", "returned_at", "competent_office_id")
            .first()
        )
        if dossier is None:
            return 0
    return rollups_mark_dirty(days=rollup_days_of(dossier), office_id=dossier.competent_office_id)


def rollups_mark_rating(*, rating: Rating) -> int:
    """Queue the day a rating was given, for the dossier's competent office; call on commit."""
    return rollups_mark_dirty(
        days=[timezone.localdate(rating.created_at)],
        office_id=rating.dossier.competent_office_id,
    )


def rollups_dirty_slices(*, day: dt.date | None = None) -> dict[dt.date, set[int | None]]:
    """Queued work: day -> competent office ids (None: the whole day); one day if given."""
    slices: dict[dt.date, set[int | None]] = {}
    markers = RollupDirtyDay.objects.all()
    if day is not None:
        markers = markers.filter(day=day)  # the (day) index
    for marked_day, office_id in markers.values_list("day", "competent_office_id"):
        slices.setdefault(marked_day, set()).add(office_id)
    return slices


def rollups_dirty_days() -> list[dt.date]:
    return sorted(rollups_dirty_slices())


class _Row:
    """The counts of one rollup key while a day is being computed."""

    __slots__ = ("fields",)

    def __init__(self) -> None:
        self.fields: dict = {"processing_histogram": {}, "processing_days_sum": 0.0}

    def add(self, name: str, amount: int | float = 1) -> None:
        self.fields[name] = self.fields.get(name, 0) + amount


class _Rows(dict):
    """Rollup key -> _Row, created on first use."""

    def __missing__(self, key):
        value = self[key] = _Row()
        return value


def _received(base, start, end, rows) -> None:
    qs = (
        base.filter(received_at__gte=start, received_at__lt=end)
        .order_by()
        .values(*_KEY)
        .annotate(
            n=Count("pk"),
            digitised=Count("pk", filter=Q(fully_digitised_at__isnull=False)),
            outside=Count("pk", filter=outside_residence_q()),
        )
    )
    for item in qs:
        row = rows[tuple(item[k] for k in _KEY)]
        row.add("received", item["n"])
        row.add("received_digitised", item["digitised"])
        row.add("received_outside_residence", item["outside"])


def _decided(base, start, end, rows) -> None:
    qs = (
        base.filter(decided_at__gte=start, decided_at__lt=end)
        .order_by()
        .values(*_KEY)
        .annotate(n=Count("pk"))
    )
    for item in qs:
        rows[tuple(item[k] for k in _KEY)].add("decided", item["n"])


_TIMELINESS_FIELD = {
    Timeliness.EARLY: "returned_early",
    Timeliness.ON_TIME: "returned_on_time",
    Timeliness.LATE: "returned_late",
}


def _payment_field(outcome: str, method: str | None) -> str | None:
    if outcome != Outcome.APPROVED or not method:
        return None
    if method in PAYMENT_NON_CASH:
        return "paid_non_cash"
    if method in PAYMENT_CASH:
        return "paid_cash"
    if method in PAYMENT_VIA_EMPLOYER:
        return "paid_via_employer"
    return None


def _calendar_for(returned, end) -> Calendar | None:
    """One working-day calendar covering every returned dossier's processing time."""
    earliest = returned.aggregate(earliest=Min("received_at"))["earliest"]
    if earliest is None:
        return None
    return Calendar.load(timezone.localdate(earliest), timezone.localdate(end))


def _returned(base, start, end, rows) -> None:
    signed = Slip.objects.filter(dossier=OuterRef("pk"), kind=SlipKind.RESULT, signed=True)
    returned = base.filter(returned_at__gte=start, returned_at__lt=end)
    calendar = _calendar_for(returned, end)
    qs = (
        returned.annotate(
            result_signed=Exists(signed),
            payment=KT("data__payment_method"),
            late_apologised=ExpressionWrapper(late_apologised_q(), output_field=BooleanField()),
        )
        .order_by()
        .values(
            *_KEY,
            "timeliness",
            "late_apologised",
            "received_at",
            "returned_at",
            "outcome",
            "result_signed",
            "payment",
        )
    )
    for item in qs.iterator(chunk_size=2000):
        row = rows[tuple(item[k] for k in _KEY)]
        row.add("returned")
        if item["timeliness"] in _TIMELINESS_FIELD:
            row.add(_TIMELINESS_FIELD[item["timeliness"]])
        if item["late_apologised"]:
            row.add("returned_late_apologised")
        if item["result_signed"]:
            row.add("returned_signed")
        paid = _payment_field(item["outcome"], item["payment"])
        if paid:
            row.add(paid)
        if item["received_at"] is not None and item["returned_at"] >= item["received_at"]:
            days = working_days_between(item["received_at"], item["returned_at"], calendar=calendar)
            row.add("processing_count")
            row.add("processing_days_sum", days)
            bucket = histogram_bucket(days)
            histogram = row.fields["processing_histogram"]
            histogram[bucket] = histogram.get(bucket, 0) + 1


_RATING_KEY = tuple(f"dossier__{k}" for k in _KEY)


def _rated(start, end, office_id, rows) -> None:
    qs = Rating.objects.filter(created_at__gte=start, created_at__lt=end).exclude(
        dossier__procedure__is_demo=True
    )
    if office_id is not None:
        qs = qs.filter(dossier__competent_office_id=office_id)
    qs = (
        qs.order_by()
        .values(*_RATING_KEY)
        .annotate(
            n=Count("pk"),
            satisfied=Count("pk", filter=Q(score__gte=SATISFIED_MIN_SCORE)),
            score_total=Sum("score"),
            timeliness_total=Sum("timeliness"),
            attitude_total=Sum("attitude"),
            guidance_total=Sum("guidance"),
            trips_total=Sum("trips_needed"),
        )
    )
    for item in qs:
        row = rows[tuple(item[k] for k in _RATING_KEY)]
        row.add("rated", item["n"])
        row.add("rated_satisfied", item["satisfied"])
        for name in ("score", "timeliness", "attitude", "guidance", "trips"):
            row.add(f"{name}_sum", item[f"{name}_total"])


def _compute_day(day: dt.date, office_id: int | None = None) -> list[DailyRollup]:
    start, end = local_day_bounds(day)
    # Demo procedures (seed_demo only) never count in figures, exports or open data.
    base = Dossier.objects.exclude(procedure__is_demo=True)
    if office_id is not None:
        base = base.filter(competent_office_id=office_id)
    rows = _Rows()
    _received(base, start, end, rows)
    _decided(base, start, end, rows)
    _returned(base, start, end, rows)
    _rated(start, end, office_id, rows)
    if not rows:
        return []
    office_ids = {key[0] for key in rows if key[0] is not None}
    provinces = dict(Office.objects.filter(pk__in=office_ids).values_list("pk", "province_code"))
    result = []
    for (competent_id, receiving_id, procedure_id, channel), row in rows.items():
        result.append(
            DailyRollup(
                day=day,
                province_code=provinces.get(competent_id),
                competent_office_id=competent_id,
                receiving_office_id=receiving_id,
                procedure_id=procedure_id,
                channel=channel,
                **row.fields,
            )
        )
    return result


def daily_rollup_refresh(*, day: dt.date, office_id: int | None = None) -> int:
    """Rebuild one day's rollup rows (all offices, or one competent office's slice).

    Returns the number of rows written.

    idempotency: the rows are deleted and recomputed under the day's row lock, so a
    repeated or concurrent run leaves the same rows; queue markers older than the start of
    the run are cleared, later ones stay for the next run.
    """
    with transaction.atomic():
        RollupDay.objects.get_or_create(day=day)
        state = RollupDay.objects.select_for_update().get(day=day)
        markers = RollupDirtyDay.objects.filter(day=day)
        existing = DailyRollup.objects.filter(day=day)
        if office_id is not None:
            markers = markers.filter(competent_office_id=office_id)
            existing = existing.filter(competent_office_id=office_id)
        last_marker = markers.order_by("-id").values_list("id", flat=True).first()
        rows = _compute_day(day, office_id)
        existing.delete()
        DailyRollup.objects.bulk_create(rows, batch_size=1000)
        monthly_rollup_rebuild(month=day.replace(day=1), office_id=office_id)
        state.refreshed_at = timezone.now()
        state.rows = len(rows) if office_id is None else DailyRollup.objects.filter(day=day).count()
        state.save(update_fields=["refreshed_at", "rows"])
        if last_marker is not None:
            markers.filter(id__lte=last_marker).delete()
    logger.info(
        "dashboard_rollup_refreshed", day=day.isoformat(), office_id=office_id, rows=len(rows)
    )
    return len(rows)


def rollups_refresh_dirty(*, day: dt.date | None = None) -> int:
    """Recompute what the queue asks for: whole days, or single offices' slices of a day.

    With `day`, only that day's queued slices (the live refresh of today).
    """
    written = 0
    for dirty_day, offices in sorted(rollups_dirty_slices(day=day).items()):
        if None in offices:
            written += daily_rollup_refresh(day=dirty_day)
            continue
        for office_id in sorted(offices):
            written += daily_rollup_refresh(day=dirty_day, office_id=office_id)
    return written


def rollups_refresh_today(*, now: dt.datetime | None = None) -> int:
    """Roll up today's changes now: only the offices whose dossiers changed today.

    Run every `DASHBOARD_LIVE_REFRESH_SECONDS` by beat. Cheap at scale: it reads the queue
    for today only and rebuilds only the queued offices' slices of today; history is left
    to the 5-minute queue and the nightly catch-up. When nothing changed, today's
    `RollupDay.refreshed_at` still moves on, so "computed at" tells the figures are current.
    """
    today = timezone.localdate(now or timezone.now())
    written = rollups_refresh_dirty(day=today)
    # A quiet minute: nothing to rebuild, but today's figures were checked just now. Every
    # change to today that a transition marks has been rolled up above, so a day that began
    # quietly is computed too (its rows, if any, come with the first marked change).
    RollupDay.objects.get_or_create(day=today)
    RollupDay.objects.filter(day=today).update(refreshed_at=timezone.now())
    return written


def rollups_refresh_days(*, days: Iterable[dt.date]) -> dict[dt.date, int]:
    """Refresh several days, one transaction each; returns rows written per day."""
    return {day: daily_rollup_refresh(day=day) for day in sorted(set(days))}


def days_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """Every day from `start` to `end` inclusive."""
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


# --- The monthly summary ------------------------------------------------------------------

MONTHLY_KEY = ("province_code", "competent_office_id", "procedure_id", "channel")
COUNTER_FIELDS = tuple(
    f.name for f in RollupCounters._meta.get_fields() if f.name != "processing_histogram"
)


def month_end(month: dt.date) -> dt.date:
    """The last day of the month starting on `month`."""
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def merge_histograms(target: dict[str, int], histogram: dict[str, int]) -> None:
    for bucket, count in histogram.items():
        target[bucket] = target.get(bucket, 0) + count


def monthly_rollup_rebuild(*, month: dt.date, office_id: int | None = None) -> int:
    """Rebuild a month's summary rows (or one competent office's slice) from its daily rows.

    The counters are summed by the database (one GROUP BY); the histograms of the rows
    with returns are merged here. Called inside the refresh of a day of that month.

    idempotency: under the month's row lock, the slice is deleted and summed again from the
    daily rows, so a repeated or concurrent rebuild leaves the same rows.
    """
    month = month.replace(day=1)
    with transaction.atomic():
        RollupMonth.objects.get_or_create(month=month)
        state = RollupMonth.objects.select_for_update().get(month=month)
        daily = DailyRollup.objects.filter(day__gte=month, day__lte=month_end(month))
        existing = MonthlyRollup.objects.filter(month=month)
        if office_id is not None:
            daily = daily.filter(competent_office_id=office_id)
            existing = existing.filter(competent_office_id=office_id)
        sums = (
            daily.order_by()
            .values(*MONTHLY_KEY)
            .annotate(**{f"s_{name}": Sum(name) for name in COUNTER_FIELDS})
        )
        histograms: dict[tuple, dict[str, int]] = {}
        with_returns = daily.filter(processing_count__gt=0).order_by()
        for *key, histogram in with_returns.values_list(*MONTHLY_KEY, "processing_histogram"):
            merge_histograms(histograms.setdefault(tuple(key), {}), histogram)
        rows = []
        for item in sums:
            key = tuple(item[k] for k in MONTHLY_KEY)
            rows.append(
                MonthlyRollup(
                    month=month,
                    **dict(zip(MONTHLY_KEY, key, strict=True)),
                    **{name: item[f"s_{name}"] or 0 for name in COUNTER_FIELDS},
                    processing_histogram=histograms.get(key, {}),
                )
            )
        existing.delete()
        MonthlyRollup.objects.bulk_create(rows, batch_size=1000)
        by_office: dict[tuple, dict[str, int]] = {}
        for (province, office, *_rest), histogram in histograms.items():
            merge_histograms(by_office.setdefault((province, office), {}), histogram)
        office_histograms = MonthlyOfficeHistogram.objects.filter(month=month)
        if office_id is not None:
            office_histograms = office_histograms.filter(competent_office_id=office_id)
        office_histograms.delete()
        MonthlyOfficeHistogram.objects.bulk_create(
            [
                MonthlyOfficeHistogram(
                    month=month,
                    province_code=province,
                    competent_office_id=office,
                    processing_histogram=histogram,
                )
                for (province, office), histogram in by_office.items()
            ],
            batch_size=1000,
        )
        state.refreshed_at = timezone.now()
        state.save(update_fields=["refreshed_at"])
    return len(rows)


def rollups_analyze() -> None:
    """Refresh the planner's statistics of the summary tables after a large refresh.

    PostgreSQL only (SQLite plans without them). Autovacuum also analyses these tables
    sooner than its default (migration 0005), but a back-fill rewrites many rows at once.
    """
    if connection.vendor != "postgresql":
        return
    tables = (DailyRollup._meta.db_table, MonthlyRollup._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))
    logger.info("dashboard_rollups_analyzed")
