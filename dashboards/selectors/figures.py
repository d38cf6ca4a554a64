"""The figures VSS reports against its plans, read from the daily rollups.

Everything period-bound comes from `DailyRollup` (one aggregate query and one histogram
query); only "overdue now" reads the dossiers table, through the (state, due_at) index.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.db import replica_reads
from dossiers.constants import Channel
from dossiers.models import Dossier
from procedures.models import Procedure

from ..constants import (
    CHANNEL_DRILLS,
    ELECTRONIC_CHANNELS,
    Counted,
    Drill,
    Status,
    TargetKey,
    Unit,
)
from ..models import MonthlyOfficeHistogram, RollupDay, Target
from ..rules import is_boundary_free, overdue_q
from ..services import COUNTER_FIELDS, merge_histograms
from .satisfaction import CRITERIA, satisfaction_summary
from .scope import Filters, Scope
from .summary import summary_parts
from .waiting import waiting_group

# Every counter of a rollup row, summed (the processing days' float sum and the histogram
# are merged apart): one list, the model's (dashboards.services.COUNTER_FIELDS).
SUM_FIELDS = tuple(name for name in COUNTER_FIELDS if name != "processing_days_sum")


def share(numerator: int, denominator: int) -> float | None:
    """A percentage truncated (not rounded) to 0.1, so 99.96% never reads as 100%."""
    if not denominator:
        return None
    return (numerator * 1000 // denominator) / 10


def round_1(value: float | None) -> float | None:
    if value is None:
        return None
    return float(Decimal(repr(value)).quantize(Decimal("0.1"), rounding="ROUND_HALF_UP"))


def nearest_rank_percentile(histogram: dict[str, int], percent: int) -> float | None:
    """The nearest-rank percentile of a {value: count} histogram (integer arithmetic)."""
    total = sum(histogram.values())
    if total == 0:
        return None
    rank = -(-percent * total // 100)  # ceil(percent/100 × total) without float error
    seen = 0
    for key in sorted(histogram, key=Decimal):
        seen += histogram[key]
        if seen >= rank:
            return float(Decimal(key))
    return None  # pragma: no cover - unreachable: seen reaches total


@dataclass
class Figure:
    key: str
    label: str
    value: float | int | None
    unit: str
    numerator: int | None = None
    denominator: int | None = None
    target: Target | None = None
    drill: str = ""  # the dossiers counted
    gap_drill: str = ""  # the dossiers that keep the figure from its target
    counts: str = "dossiers"  # what the numerator and denominator count (Counted)
    note: str = ""
    measured: bool = True

    @classmethod
    def percent(cls, key: str, label: str, numerator: int, denominator: int, **extra) -> Figure:
        """A share of `denominator`, shown with both counts."""
        return cls(
            key,
            label,
            share(numerator, denominator),
            Unit.PERCENT,
            numerator=numerator,
            denominator=denominator,
            **extra,
        )

    @property
    def status(self) -> str:
        if not self.measured:
            return Status.NOT_MEASURED
        if self.value is None:
            return Status.NO_DATA
        if self.target is None:
            return Status.NO_TARGET
        return Status.ON_TARGET if self.target.is_met(self.value) else Status.OFF_TARGET

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)

    @property
    def drill_count(self) -> int | None:
        """How many dossiers the drill-down lists, when the figure says it."""
        if self.numerator is not None:
            return self.numerator
        if self.unit == Unit.COUNT:
            return self.value
        return None

    @property
    def gap_label(self) -> str:
        return str(Drill(self.gap_drill).label) if self.gap_drill else ""

    @property
    def gap_count(self) -> int | None:
        if self.numerator is None or self.denominator is None:
            return None
        return self.denominator - self.numerator


@dataclass
class FigureGroup:
    key: str
    title: str
    figures: list[Figure]
    # Figures shown together in one card as a list (e.g. the score per criterion).
    breakdown: list[Figure] = field(default_factory=list)
    breakdown_title: str = ""


@dataclass
class Dashboard:
    groups: list[FigureGroup]
    totals: dict[str, int]
    refreshed_at: dt.datetime | None = None
    days_not_computed: int = 0
    next_refresh_at: dt.datetime | None = None
    figures_by_key: dict[str, Figure] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.figures_by_key = {f.key: f for g in self.groups for f in (*g.figures, *g.breakdown)}

    def figure(self, key: str) -> Figure:
        return self.figures_by_key[key]


def rollup_totals(*, scope: Scope, filters: Filters) -> dict[str, int]:
    """Sums of the summary counters in scope and period.

    One aggregate query on the monthly summary for the period's whole months, and one on
    the daily rows for the days around them (when the period has any).
    """
    aggregates = {f"t_{name}": Coalesce(Sum(name), 0) for name in SUM_FIELDS}
    aggregates["t_processing_days_sum"] = Coalesce(Sum("processing_days_sum"), 0.0)
    for channel in Channel.values:
        aggregates[f"t_channel_{channel}"] = Coalesce(Sum("received", filter=Q(channel=channel)), 0)
    totals: dict[str, int] = {}
    q = scope.rollup_q() & filters.rollup_q(period=False)
    for part in summary_parts(q, filters.start, filters.end):
        for name, value in part.rows.aggregate(**aggregates).items():
            key = name.removeprefix("t_")
            totals[key] = totals.get(key, 0) + value
    if not totals:  # a period with nothing to read (it cannot be empty, but stay total)
        totals = {name.removeprefix("t_"): 0 for name in aggregates}
    return totals


def processing_histogram(*, scope: Scope, filters: Filters) -> dict[str, int]:
    merged: dict[str, int] = {}
    q = scope.rollup_q() & filters.rollup_q(period=False)
    for part in summary_parts(q & Q(processing_count__gt=0), filters.start, filters.end):
        rows = part.rows
        if part.date_field == "month" and filters.procedure_id is None and not filters.channel:
            # All procedures and channels: one histogram per office and month is enough.
            first, last = part.bounds
            rows = MonthlyOfficeHistogram.objects.filter(q, month__gte=first, month__lte=last)
        rows = rows.values_list("processing_histogram", flat=True)
        for histogram in rows.iterator(chunk_size=5000):
            merge_histograms(merged, histogram)
    return merged


def overdue_now(*, scope: Scope, filters: Filters, now: dt.datetime | None = None) -> int:
    """Open dossiers past their statutory date right now, whatever the period."""
    now = now or timezone.now()
    return Dossier.objects.filter(scope.dossier_q() & filters.dossier_q() & overdue_q(now)).count()


def _targets() -> dict[str, Target]:
    return {t.key: t for t in Target.objects.all()}


NIGHTLY_REFRESH = dt.time(1, 30)  # the beat entry "dashboards-rollups-nightly"


def next_refresh(*, includes_today: bool, today_refreshed_at: dt.datetime | None) -> dt.datetime:
    """When the figures of a period are next recomputed by beat.

    A period that includes today: today's changes are rolled up every
    `DASHBOARD_LIVE_REFRESH_SECONDS`. Past days only: the nightly catch-up at 01:30.
    """
    now = timezone.now()
    if includes_today:
        interval = dt.timedelta(seconds=settings.DASHBOARD_LIVE_REFRESH_SECONDS)
        due = (today_refreshed_at or now) + interval
        return due if due > now else now + interval
    local = timezone.localtime(now)
    tonight = local.replace(
        hour=NIGHTLY_REFRESH.hour, minute=NIGHTLY_REFRESH.minute, second=0, microsecond=0
    )
    return tonight if tonight > local else tonight + dt.timedelta(days=1)


def _refresh_state(filters: Filters) -> tuple[dt.datetime | None, int, dt.datetime]:
    """(latest refresh of the days read, days never computed, next refresh due)."""
    today = timezone.localdate()
    last_day = min(filters.end, today)
    includes_today = filters.start <= today <= filters.end
    if last_day < filters.start:
        return None, 0, next_refresh(includes_today=False, today_refreshed_at=None)
    state = RollupDay.objects.filter(
        day__gte=filters.start, day__lte=last_day, refreshed_at__isnull=False
    ).aggregate(
        latest=Max("refreshed_at"),
        days=Count("day"),
        today=Max("refreshed_at", filter=Q(day=today)),
    )
    expected = (last_day - filters.start).days + 1
    due = next_refresh(includes_today=includes_today, today_refreshed_at=state["today"])
    return state["latest"], expected - state["days"], due


def boundary_free_procedures(*, filters: Filters | None = None) -> tuple[int, int]:
    """(procedures handled regardless of administrative boundaries, published procedures).

    Read from the catalogue, whatever the period (a chosen procedure narrows it to that one):
    see `rules.is_boundary_free`.
    """
    qs = Procedure.objects.filter(is_published=True)
    if filters is not None and filters.procedure_id is not None:
        qs = qs.filter(pk=filters.procedure_id)
    rows = list(qs.values_list("field_inspection", "channels"))
    free = sum(
        1
        for inspection, channels in rows
        if is_boundary_free(field_inspection=inspection, channels=channels or [])
    )
    return free, len(rows)


@replica_reads()
def dashboard_figures(
    *, scope: Scope, filters: Filters, now: dt.datetime | None = None
) -> Dashboard:
    totals = rollup_totals(scope=scope, filters=filters)
    histogram = processing_histogram(scope=scope, filters=filters)
    targets = _targets()
    received = totals["received"]
    returned_timed = totals["returned_early"] + totals["returned_on_time"] + totals["returned_late"]
    on_time = totals["returned_early"] + totals["returned_on_time"]
    electronic = sum(totals[f"channel_{c}"] for c in ELECTRONIC_CHANNELS)
    paid_to_person = totals["paid_non_cash"] + totals["paid_cash"]
    processing_count = totals["processing_count"]
    average_days = (
        round_1(totals["processing_days_sum"] / processing_count) if processing_count else None
    )

    volume = FigureGroup(
        "volume",
        _("Volume"),
        [
            Figure("received", _("Dossiers received"), received, Unit.COUNT, drill=Drill.RECEIVED),
            Figure(
                "processed",
                _("Dossiers processed (decided)"),
                totals["decided"],
                Unit.COUNT,
                drill=Drill.DECIDED,
            ),
            Figure(
                "returned",
                _("Results returned"),
                totals["returned"],
                Unit.COUNT,
                drill=Drill.RETURNED,
            ),
            Figure(
                "overdue_now",
                _("Overdue now"),
                overdue_now(scope=scope, filters=filters, now=now),
                Unit.COUNT,
                drill=Drill.OVERDUE,
                note=_(
                    "Open dossiers past their statutory date today (an apology's new date "
                    "does not hide them), whatever the period."
                ),
            ),
        ],
    )
    timeliness = FigureGroup(
        "timeliness",
        _("Timeliness"),
        [
            Figure.percent(
                "on_time_rate",
                _("On-time rate (early or on time)"),
                on_time,
                returned_timed,
                target=targets.get(TargetKey.ON_TIME),
                drill=Drill.TIMELY,
                gap_drill=Drill.LATE,
                note=_(
                    "Of the results returned in the period, judged against the statutory "
                    "date: the new date of an apology letter does not make a late result on "
                    "time."
                ),
            ),
            Figure.percent(
                "early",
                _("Returned early"),
                totals["returned_early"],
                returned_timed,
                drill=Drill.EARLY,
            ),
            Figure.percent(
                "on_time",
                _("Returned on time"),
                totals["returned_on_time"],
                returned_timed,
                drill=Drill.ON_TIME,
            ),
            Figure.percent(
                "late",
                _("Returned late"),
                totals["returned_late"],
                returned_timed,
                drill=Drill.LATE,
            ),
            Figure.percent(
                "late_apologised",
                _("Returned late, by the apologised date"),
                totals["returned_late_apologised"],
                returned_timed,
                drill=Drill.LATE_APOLOGISED,
                note=_(
                    "Late against the statutory date, but returned by the new date the apology "
                    "letter gave; counted in the late results above."
                ),
            ),
            Figure(
                "processing_average",
                _("Average processing time"),
                average_days,
                Unit.WORKING_DAYS,
                denominator=processing_count,
                drill=Drill.RETURNED,
                note=_("From reception to return of the result, in working days."),
            ),
            Figure(
                "processing_p90",
                _("Processing time, 90th percentile"),
                nearest_rank_percentile(histogram, 90),
                Unit.WORKING_DAYS,
                denominator=processing_count,
                drill=Drill.RETURNED,
                note=_("Nine in ten results were returned within this many working days."),
            ),
        ],
    )
    channel_labels = {
        Channel.ONLINE: _("Received online"),
        Channel.COUNTER: _("Received at the counter"),
        Channel.POST: _("Received by post"),
        Channel.IVAN: _("Received through I-VAN"),
    }
    channels = FigureGroup(
        "channels",
        _("Channels"),
        [
            Figure.percent(
                "electronic_share",
                _("Received electronically (online or I-VAN)"),
                electronic,
                received,
                target=targets.get(TargetKey.ONLINE_SHARE),
                drill=Drill.ELECTRONIC,
            ),
            *[
                Figure.percent(
                    f"channel_{channel}",
                    channel_labels[channel],
                    totals[f"channel_{channel}"],
                    received,
                    drill=CHANNEL_DRILLS[channel],
                )
                for channel in Channel.values
            ],
        ],
    )
    one_stop = FigureGroup(
        "one_stop",
        _("One-stop shop"),
        [
            Figure.percent(
                "boundary_free_procedures",
                _("Procedures handled regardless of administrative boundaries"),
                *boundary_free_procedures(filters=filters),
                target=targets.get(TargetKey.CROSS_BOUNDARY),
                counts=Counted.PROCEDURES,
                note=_(
                    "Published procedures that can be filed online from any province and at "
                    "any office's counter (no field inspection), whatever the period."
                ),
            ),
            Figure.percent(
                "received_outside_residence",
                _("Received outside the applicant's province of residence"),
                totals["received_outside_residence"],
                received,
                drill=Drill.OUTSIDE_RESIDENCE,
                note=_(
                    "Of the dossiers received in the period: at an office of another province "
                    "than the applicant's, or online by the office of another province."
                ),
            ),
            Figure.percent(
                "digitised",
                _("Dossiers fully digitised"),
                totals["received_digitised"],
                received,
                target=targets.get(TargetKey.DIGITISED),
                drill=Drill.DIGITISED,
                gap_drill=Drill.NOT_DIGITISED,
                note=_("Of the dossiers received in the period."),
            ),
            Figure.percent(
                "signed",
                _("Results signed electronically"),
                totals["returned_signed"],
                totals["returned"],
                target=targets.get(TargetKey.SIGNED),
                drill=Drill.SIGNED,
                gap_drill=Drill.UNSIGNED,
                note=_("Of the results returned in the period."),
            ),
        ],
    )
    satisfaction = _satisfaction_group(totals=totals, targets=targets)
    waiting = waiting_group(
        scope=scope, filters=filters, targets=targets, figure_cls=Figure, group_cls=FigureGroup
    )
    payments = FigureGroup(
        "payments",
        _("Benefit payments"),
        [
            Figure.percent(
                "non_cash",
                _("Benefits paid non-cash"),
                totals["paid_non_cash"],
                paid_to_person,
                target=targets.get(TargetKey.NON_CASH),
                drill=Drill.NON_CASH,
                gap_drill=Drill.CASH,
                note=_(
                    "Approved benefits returned in the period, paid to a personal account or "
                    "in cash (%(employer)s paid through employers are not counted). The target "
                    "is set for urban areas."
                )
                % {"employer": totals["paid_via_employer"]},
            ),
        ],
    )
    refreshed_at, missing, next_refresh_at = _refresh_state(filters)
    return Dashboard(
        groups=[volume, timeliness, channels, one_stop, waiting, satisfaction, payments],
        totals=totals,
        refreshed_at=refreshed_at,
        days_not_computed=missing,
        next_refresh_at=next_refresh_at,
    )


def _satisfaction_group(*, totals: dict, targets: dict[str, Target]) -> FigureGroup:
    summary = satisfaction_summary(totals)
    rated = summary.ratings
    figures = [
        Figure.percent(
            "satisfied",
            _("Satisfied applicants (4 or 5 out of 5)"),
            summary.satisfied,
            rated,
            target=targets.get(TargetKey.SATISFACTION),
            drill=Drill.RATED,
            gap_drill=Drill.UNSATISFIED,
            note=_("Of the ratings given in the period."),
        ),
        Figure(
            "average_score",
            _("Average score"),
            round_1(summary.average_score),
            Unit.SCORE,
            denominator=rated,
        ),
    ]
    criteria = [
        *[
            Figure(f"criterion_{name}", label, round_1(summary.criteria[name]), Unit.SCORE)
            for name, label in CRITERIA.items()
        ],
        Figure(
            "criterion_trips",
            _("Trips to the office needed"),
            round_1(summary.average_trips),
            Unit.TRIPS,
        ),
    ]
    return FigureGroup(
        "satisfaction",
        _("Satisfaction"),
        figures,
        breakdown=criteria,
        breakdown_title=_("Average by criterion"),
    )
