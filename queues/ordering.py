"""The order "call next" takes waiting tickets in (shared by the writes and the reads)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, IntegerField, Value, When
from django.db.models.functions import Coalesce

from .constants import CallRule


def waiting_order(rule: str, now: dt.datetime) -> list:
    """The ORDER BY of "call next" for an office's rule (annotations from `annotate_rank`)."""
    arrival = ["effective_at", "pk"]
    if rule == CallRule.ARRIVAL:
        return arrival
    if rule == CallRule.APPOINTMENT_PRIORITY_ARRIVAL:
        return ["-appointment_due", "-priority_rank", *arrival]
    return ["-priority_rank", "-appointment_due", *arrival]


def annotate_rank(queryset, now: dt.datetime):
    """Priority (1/0), appointment due now (1/0) and the time the ticket queues from: an
    appointment ticket takes its place at the slot's time, any other at its issue."""
    return queryset.annotate(
        priority_rank=Case(
            When(priority="", then=Value(0)), default=Value(1), output_field=IntegerField()
        ),
        appointment_due=Case(
            When(due_at__lte=now, then=Value(1)), default=Value(0), output_field=IntegerField()
        ),
        effective_at=Coalesce("due_at", "issued_at"),
    )
