"""Reads of the counter queue: position and estimated wait, the display board, the live view."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Min
from django.utils import timezone

from offices.models import Office

from .constants import (
    ACTIVE_STATES,
    BOARD_NEXT_COUNT,
    DEFAULT_SERVICE_TIME,
    SERVICE_TIME_LOOKBACK,
    SERVICE_TIME_SAMPLE,
    CallRule,
    TicketState,
)
from .models import Counter, OfficeQueue, ServiceGroup, Ticket
from .ordering import annotate_rank, waiting_order


def call_rule(office_id: int) -> str:
    return (
        OfficeQueue.objects.filter(office_id=office_id).values_list("call_rule", flat=True).first()
        or CallRule.PRIORITY_APPOINTMENT_ARRIVAL
    )


def board_version(office_id: int) -> int:
    """The office's display version (the boards' ETag): one indexed row."""
    return (
        OfficeQueue.objects.filter(office_id=office_id).values_list("version", flat=True).first()
        or 0
    )


def waiting_in_order(*, office_id: int, group_ids=None, now: dt.datetime | None = None):
    """Today's waiting tickets in the order "call next" takes them."""
    now = now or timezone.now()
    queryset = Ticket.objects.filter(
        office_id=office_id, day=timezone.localdate(now), state=TicketState.WAITING
    )
    if group_ids is not None:
        queryset = queryset.filter(group_id__in=group_ids)
    return annotate_rank(queryset, now).order_by(*waiting_order(call_rule(office_id), now))


def average_service_time(*, office_id: int, group_id: int | None, now: dt.datetime) -> dt.timedelta:
    """The mean of the last 20 service times (called → finished) of the office and group in
    the past 7 days; the office's when the group has none, else 5 minutes."""
    base = Ticket.objects.filter(
        office_id=office_id,
        state=TicketState.DONE,
        finished_at__gte=now - SERVICE_TIME_LOOKBACK,
        finished_at__lte=now,
        called_at__isnull=False,
    )
    for queryset in (base.filter(group_id=group_id), base) if group_id else (base,):
        durations = list(
            queryset.order_by("-finished_at")
            .annotate(took=ExpressionWrapper(F("finished_at") - F("called_at"), DurationField()))
            .values_list("took", flat=True)[:SERVICE_TIME_SAMPLE]
        )
        if durations:
            return sum(durations, dt.timedelta()) / len(durations)
    return DEFAULT_SERVICE_TIME


def counters_serving(*, office_id: int, group_id: int) -> int:
    """Open counters with an officer, not paused, that serve the group."""
    return Counter.objects.filter(
        office_id=office_id,
        is_open=True,
        is_paused=False,
        officer__isnull=False,
        groups=group_id,
    ).count()


@dataclass(frozen=True)
class Position:
    ahead: int
    estimated_wait: dt.timedelta | None
    state: str


def ticket_position(ticket: Ticket, *, now: dt.datetime | None = None) -> Position:
    """People ahead of a waiting ticket and its estimated wait (docs/queue.md)."""
    now = now or timezone.now()
    if ticket.state != TicketState.WAITING:
        return Position(ahead=0, estimated_wait=None, state=ticket.state)
    order = list(
        waiting_in_order(office_id=ticket.office_id, group_ids=[ticket.group_id], now=now)
        .filter(for_counter__isnull=True)
        .values_list("pk", flat=True)
    )
    ahead = order.index(ticket.pk) if ticket.pk in order else 0
    return Position(
        ahead=ahead,
        estimated_wait=estimated_wait(
            office_id=ticket.office_id, group_id=ticket.group_id, ahead=ahead, now=now
        ),
        state=ticket.state,
    )


def estimated_wait(*, office_id: int, group_id: int, ahead: int, now: dt.datetime) -> dt.timedelta:
    """Those ahead, shared among the counters serving the group, times the recent mean
    service time; rounded up to a whole minute."""
    counters = max(1, counters_serving(office_id=office_id, group_id=group_id))
    mean = average_service_time(office_id=office_id, group_id=group_id, now=now)
    seconds = mean.total_seconds() * ahead / counters
    return dt.timedelta(minutes=math.ceil(seconds / 60))


def board_state(office: Office, *, now: dt.datetime | None = None) -> dict:
    """What the display board shows: each counter's ticket, the last called, the next few."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    counters = list(Counter.objects.filter(office=office, is_open=True).order_by("number"))
    active = {
        t.counter_id: t
        for t in Ticket.objects.filter(
            office=office, day=today, state__in=ACTIVE_STATES, counter__isnull=False
        ).select_related("group")
    }
    last_called = (
        Ticket.objects.filter(office=office, day=today, last_called_at__isnull=False)
        .select_related("counter")
        .order_by("-last_called_at", "-pk")
        .first()
    )
    upcoming = list(
        waiting_in_order(office_id=office.pk, now=now).select_related("group")[:BOARD_NEXT_COUNT]
    )
    return {
        "counters": [
            {"counter": counter, "ticket": active.get(counter.pk)} for counter in counters
        ],
        "last_called": last_called,
        "upcoming": upcoming,
    }


def office_live(office: Office, *, now: dt.datetime | None = None) -> dict:
    """The leader's live view: waiting per group, longest wait, counters, mean service time."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    waiting = Ticket.objects.filter(office=office, day=today, state=TicketState.WAITING)
    per_group = {
        row["group"]: row
        for row in waiting.values("group").annotate(count=Count("pk"), oldest=Min("issued_at"))
    }
    groups = []
    for group in ServiceGroup.objects.filter(is_active=True):
        row = per_group.get(group.pk)
        groups.append(
            {
                "group": group,
                "waiting": row["count"] if row else 0,
                "longest": (now - row["oldest"]) if row else None,
            }
        )
    oldest = waiting.aggregate(oldest=Min("issued_at"))["oldest"]
    service = (
        Ticket.objects.filter(office=office, day=today, state=TicketState.DONE)
        .annotate(took=ExpressionWrapper(F("finished_at") - F("called_at"), DurationField()))
        .aggregate(mean=Avg("took"))["mean"]
    )
    counters = list(
        Counter.objects.filter(office=office).select_related("officer").order_by("number")
    )
    return {
        "groups": groups,
        "longest": (now - oldest) if oldest else None,
        "counters": counters,
        "counters_open": sum(1 for c in counters if c.is_open and c.officer_id),
        "mean_service": service,
    }


def counter_of(officer) -> Counter | None:
    return Counter.objects.filter(officer=officer).select_related("office").first()


def counter_current(counter: Counter) -> Ticket | None:
    return (
        Ticket.objects.filter(counter=counter, state__in=ACTIVE_STATES)
        .select_related("group", "dossier")
        .order_by("-called_at")
        .first()
    )


def visit_panel_context(*, user, dossier) -> dict | None:
    """The visit block of a dossier page (staff only): the ticket it was received from."""
    if not user.is_authenticated or user.is_citizen:
        return None
    ticket = (
        Ticket.objects.filter(dossier=dossier)
        .select_related("group", "counter", "served_by")
        .order_by("issued_at")
        .first()
    )
    if ticket is None:
        return None
    wait = ticket.wait
    service = ticket.service_time
    return {
        "ticket": ticket,
        "wait": divmod(int(wait.total_seconds()), 60) if wait else None,
        "service": divmod(int(service.total_seconds()), 60) if service else None,
    }
