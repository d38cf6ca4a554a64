"""The dossiers behind a figure, with the same rules as the rollups, keyset-paginated."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from core.db import replica_reads
from dossiers.constants import Channel, Outcome, SlipKind, Timeliness
from dossiers.models import Dossier, Slip

from ..constants import (
    ELECTRONIC_CHANNELS,
    PAYMENT_CASH,
    PAYMENT_NON_CASH,
    SATISFIED_MIN_SCORE,
    Drill,
)
from ..rules import late_apologised_q, outside_residence_q, overdue_q
from .scope import Filters, Scope

PAGE_SIZE = 50

RECEIVED_DRILLS = {
    Drill.RECEIVED: Q(),
    Drill.ELECTRONIC: Q(channel__in=ELECTRONIC_CHANNELS),
    Drill.CHANNEL_ONLINE: Q(channel=Channel.ONLINE),
    Drill.CHANNEL_COUNTER: Q(channel=Channel.COUNTER),
    Drill.CHANNEL_POST: Q(channel=Channel.POST),
    Drill.CHANNEL_IVAN: Q(channel=Channel.IVAN),
    Drill.OUTSIDE_RESIDENCE: outside_residence_q(),
    Drill.DIGITISED: Q(fully_digitised_at__isnull=False),
    Drill.NOT_DIGITISED: Q(fully_digitised_at__isnull=True),
}
RETURNED_DRILLS = {
    Drill.RETURNED: Q(),
    Drill.EARLY: Q(timeliness=Timeliness.EARLY),
    Drill.ON_TIME: Q(timeliness=Timeliness.ON_TIME),
    Drill.TIMELY: Q(timeliness__in=[Timeliness.EARLY, Timeliness.ON_TIME]),
    Drill.LATE: Q(timeliness=Timeliness.LATE),
    Drill.LATE_APOLOGISED: late_apologised_q(),
    Drill.SIGNED: Q(result_signed=True),
    Drill.UNSIGNED: Q(result_signed=False),
    Drill.NON_CASH: Q(outcome=Outcome.APPROVED, data__payment_method__in=PAYMENT_NON_CASH),
    Drill.CASH: Q(outcome=Outcome.APPROVED, data__payment_method__in=PAYMENT_CASH),
}

RATING_DRILLS = {
    Drill.RATED: Q(),
    Drill.UNSATISFIED: Q(rating__score__lt=SATISFIED_MIN_SCORE),
}


@dataclass(frozen=True)
class DrillSpec:
    """Which moment dates the dossiers of a drill-down, and how they are ordered."""

    date_field: str
    descending: bool


def drill_spec(drill: str) -> DrillSpec:
    if drill in RATING_DRILLS:
        return DrillSpec("rated_at", descending=True)
    if drill == Drill.OVERDUE:
        return DrillSpec("due_at", descending=False)  # most overdue first
    if drill == Drill.DECIDED:
        return DrillSpec("decided_at", descending=True)
    if drill in RETURNED_DRILLS:
        return DrillSpec("returned_at", descending=True)
    if drill in RECEIVED_DRILLS:
        return DrillSpec("received_at", descending=True)
    raise ValueError(f"unknown drill-down: {drill}")


def drill_queryset(
    *, drill: str, scope: Scope, filters: Filters, now: dt.datetime | None = None
) -> QuerySet[Dossier]:
    """Every dossier behind the figure (unordered, for counting and paging)."""
    spec = drill_spec(drill)
    qs = Dossier.objects.filter(scope.dossier_q() & filters.dossier_q())
    if drill == Drill.OVERDUE:
        return qs.filter(overdue_q(now or timezone.now()))
    start, end = filters.bounds()
    if drill in RATING_DRILLS:
        qs = qs.annotate(rated_at=F("rating__created_at"))
    qs = qs.filter(**{f"{spec.date_field}__gte": start, f"{spec.date_field}__lt": end})
    if drill in RETURNED_DRILLS:
        signed = Slip.objects.filter(dossier=OuterRef("pk"), kind=SlipKind.RESULT, signed=True)
        qs = qs.annotate(result_signed=Exists(signed))
        return qs.filter(RETURNED_DRILLS[drill])
    if drill in RECEIVED_DRILLS:
        return qs.filter(RECEIVED_DRILLS[drill])
    return qs.filter(RATING_DRILLS.get(drill, Q()))


@dataclass
class DrillPage:
    rows: list[Dossier]
    total: int
    next_cursor: str
    date_field: str


def _cursor_q(spec: DrillSpec, cursor: str) -> Q | None:
    moment_text, _, id_text = cursor.partition("|")
    try:
        moment = dt.datetime.fromisoformat(moment_text)
        pk = int(id_text)
    except ValueError:
        return None
    if timezone.is_naive(moment):
        return None
    field = spec.date_field
    if spec.descending:
        return Q(**{f"{field}__lt": moment}) | Q(**{field: moment, "pk__lt": pk})
    return Q(**{f"{field}__gt": moment}) | Q(**{field: moment, "pk__gt": pk})


@replica_reads()
def drill_page(
    *,
    drill: str,
    scope: Scope,
    filters: Filters,
    after: str = "",
    limit: int = PAGE_SIZE,
    now: dt.datetime | None = None,
) -> DrillPage:
    spec = drill_spec(drill)
    qs = drill_queryset(drill=drill, scope=scope, filters=filters, now=now)
    total = qs.count()
    if after:
        condition = _cursor_q(spec, after)
        if condition is not None:
            qs = qs.filter(condition)
    order = (f"-{spec.date_field}", "-pk") if spec.descending else (spec.date_field, "pk")
    rows = list(
        qs.select_related("procedure", "competent_office", "receiving_office").order_by(*order)[
            : limit + 1
        ]
    )
    next_cursor = ""
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = f"{getattr(last, spec.date_field).isoformat()}|{last.pk}"
    return DrillPage(rows=rows, total=total, next_cursor=next_cursor, date_field=spec.date_field)
