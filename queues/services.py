"""Writes of the counter queue: issue, call next, recall, no-show, transfer, finish, pause.

Each write runs in one transaction: it locks the rows it changes, runs the django-fsm
transition, saves the changed fields, appends a `TicketEvent` (published on the outbox for
the apps above) and bumps the office's display version (the boards' ETag). No Redis: the
database is the source of truth.
"""

from __future__ import annotations

import datetime as dt

import structlog
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.constants import Role
from accounts.models import User
from offices.models import Office

from . import events
from .constants import (
    ACTIVE_STATES,
    CallRule,
    CounterEventKind,
    Priority,
    TicketEventKind,
    TicketSource,
    TicketState,
)
from .exceptions import (
    CounterNotReady,
    NoTicketWaiting,
    OfficeClosed,
    QueueError,
    RemoteLimitReached,
    TicketStateError,
    TooEarlyForNoShow,
    UnknownGroup,
)
from .models import (
    Counter,
    CounterEvent,
    OfficeQueue,
    ServiceGroup,
    Ticket,
    TicketEvent,
    TicketSequence,
)
from .ordering import annotate_rank, waiting_order

logger = structlog.get_logger(__name__)


def office_queue(office: Office) -> OfficeQueue:
    """The office's queue settings (created with the defaults the first time)."""
    return OfficeQueue.objects.get_or_create(office=office)[0]


def _bump(office_id: int) -> None:
    """A change the display board shows: its version (ETag) moves on."""
    OfficeQueue.objects.filter(office_id=office_id).update(version=F("version") + 1)


def _record(
    ticket: Ticket,
    kind: str,
    *,
    at: dt.datetime,
    actor: User | None = None,
    counter: Counter | None = None,
    payload: dict | None = None,
) -> TicketEvent:
    event = TicketEvent.objects.create(
        ticket=ticket, kind=kind, actor=actor, counter=counter, created_at=at, payload=payload or {}
    )
    events.ticket_event_publish(event=event)
    return event


def ticket_number_next(*, office_id: int, group: ServiceGroup, day: dt.date) -> int:
    """The next number of the office's group on `day` (inside the caller's transaction).

    The counter row stays locked until the caller commits, so concurrent kiosks get distinct
    numbers; a number is never given twice in a day, restarts included.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("ticket_number_next must run inside a transaction")
    try:
        with transaction.atomic():  # a savepoint: the day's first ticket creates the row
            TicketSequence.objects.get_or_create(office_id=office_id, group=group, day=day)
    except IntegrityError:
        pass  # another kiosk created it at the same moment
    sequence = TicketSequence.objects.filter(office_id=office_id, group=group, day=day)
    sequence.update(last_number=F("last_number") + 1)
    return group.first_number + sequence.values_list("last_number", flat=True).get() - 1


def _check_open(office: Office) -> OfficeQueue:
    queue = office_queue(office)
    if not office.is_active or not queue.is_open:
        raise OfficeClosed()
    return queue


def _check_group(group: ServiceGroup | None) -> ServiceGroup:
    if group is None or not group.is_active:
        raise UnknownGroup()
    return group


def ticket_issue(
    *,
    office: Office,
    group: ServiceGroup | None,
    priority: str = Priority.NONE,
    source: str = TicketSource.KIOSK,
    citizen: User | None = None,
    due_at: dt.datetime | None = None,
    for_counter: Counter | None = None,
    transferred_from: Ticket | None = None,
    actor: User | None = None,
) -> Ticket:
    """Give a ticket at `office` for `group` (kiosk, phone, appointment or transfer)."""
    group = _check_group(group)
    if priority not in Priority.values:
        raise QueueError(field="priority")
    if source != TicketSource.TRANSFER:
        _check_open(office)
    now = timezone.now()
    day = timezone.localdate(now)
    with transaction.atomic():
        ticket = Ticket.objects.create(
            office=office,
            group=group,
            day=day,
            number=ticket_number_next(office_id=office.pk, group=group, day=day),
            priority=priority,
            source=source,
            citizen=citizen,
            due_at=due_at,
            for_counter=for_counter,
            transferred_from=transferred_from,
            issued_at=now,
        )
        _record(ticket, TicketEventKind.ISSUED, at=now, actor=actor or citizen)
        _bump(office.pk)
    _estimate_store(ticket, now)
    logger.info("ticket_issued", office_id=office.pk, group=group.code, source=source)
    return ticket


def _estimate_store(ticket: Ticket, now: dt.datetime) -> None:
    """Keep the estimate the ticket shows, to check it against the wait measured later."""
    from .selectors import ticket_position

    ticket.estimated_wait = ticket_position(ticket, now=now).estimated_wait
    Ticket.objects.filter(pk=ticket.pk).update(estimated_wait=ticket.estimated_wait)


def ticket_issue_remote(*, office: Office, group: ServiceGroup | None, citizen: User) -> Ticket:
    """A ticket taken from the phone: at most `remote_tickets_per_day` per person and day."""
    group = _check_group(group)
    _check_open(office)
    with transaction.atomic():
        # The citizen's row serialises their own remote tickets (no check-then-act race).
        User.objects.select_for_update().filter(pk=citizen.pk).first()
        limit = office_queue(office).remote_tickets_per_day
        taken = Ticket.objects.filter(
            office=office,
            citizen=citizen,
            source=TicketSource.PHONE,
            day=timezone.localdate(),
        ).count()
        if taken >= limit:
            raise RemoteLimitReached()
        return ticket_issue(office=office, group=group, source=TicketSource.PHONE, citizen=citizen)


# --- counters ---------------------------------------------------------------------------


def counter_sign_in(*, counter: Counter, officer: User) -> Counter:
    """The officer works at `counter` (and leaves any other counter they were at)."""
    if officer.role != Role.COUNTER_OFFICER or officer.office_id != counter.office_id:
        raise CounterNotReady()
    with transaction.atomic():
        Counter.objects.filter(officer=officer).exclude(pk=counter.pk).update(officer=None)
        locked = Counter.objects.select_for_update().get(pk=counter.pk)
        if locked.officer_id not in (None, officer.pk):
            raise QueueError(_("Another officer is signed in to this counter."))
        locked.officer = officer
        locked.is_paused = False
        locked.save(update_fields=["officer", "is_paused"])
        _bump(locked.office_id)
    return locked


def counter_sign_out(*, officer: User) -> None:
    with transaction.atomic():
        for counter in Counter.objects.select_for_update().filter(officer=officer):
            counter.officer = None
            counter.save(update_fields=["officer"])
            _bump(counter.office_id)


def counter_pause(*, counter: Counter, officer: User, paused: bool) -> Counter:
    with transaction.atomic():
        locked = _own_counter(counter, officer)
        locked.is_paused = paused
        locked.save(update_fields=["is_paused"])
        _bump(locked.office_id)
    return locked


def counter_set_open(*, counter: Counter, actor: User, is_open: bool) -> Counter:
    """A leader opens or closes a counter of their office."""
    if actor.role != Role.OFFICE_LEADER or actor.office_id != counter.office_id:
        raise QueueError()
    with transaction.atomic():
        locked = Counter.objects.select_for_update().get(pk=counter.pk)
        locked.is_open = is_open
        fields = ["is_open"]
        if not is_open:
            locked.officer = None
            fields.append("officer")
        locked.save(update_fields=fields)
        CounterEvent.objects.create(
            counter=locked,
            kind=CounterEventKind.OPENED if is_open else CounterEventKind.CLOSED,
            actor=actor,
            created_at=timezone.now(),
        )
        _bump(locked.office_id)
    return locked


def _own_counter(counter: Counter, officer: User) -> Counter:
    locked = Counter.objects.select_for_update().get(pk=counter.pk)
    if locked.officer_id != officer.pk:
        raise CounterNotReady()
    return locked


# --- calling ----------------------------------------------------------------------------


def _finish_current(counter: Counter, officer: User, now: dt.datetime) -> None:
    for current in Ticket.objects.select_for_update().filter(
        counter=counter, state__in=ACTIVE_STATES
    ):
        current.finish(at=now)
        current.save(update_fields=["state", "finished_at"])
        _record(current, TicketEventKind.DONE, at=now, actor=officer, counter=counter)


def ticket_call_next(*, counter: Counter, officer: User) -> Ticket:
    """Finish the counter's current ticket and call the next one by the office's rule.

    The next ticket is taken with `SELECT ... FOR UPDATE SKIP LOCKED`: two officers calling
    at the same moment get different tickets, and neither waits for the other's choice.
    """
    now = timezone.now()
    with transaction.atomic():
        locked = _own_counter(counter, officer)
        if not locked.is_open or locked.is_paused:
            raise CounterNotReady()
        _finish_current(locked, officer, now)
        rule = (
            OfficeQueue.objects.filter(office_id=locked.office_id)
            .values_list("call_rule", flat=True)
            .first()
            or CallRule.PRIORITY_APPOINTMENT_ARRIVAL
        )
        group_ids = list(locked.groups.values_list("pk", flat=True))
        candidates = annotate_rank(
            Ticket.objects.filter(
                office_id=locked.office_id,
                day=timezone.localdate(now),
                state=TicketState.WAITING,
                group_id__in=group_ids,
            ).filter(Q(for_counter__isnull=True) | Q(for_counter=locked)),
            now,
        ).order_by(*waiting_order(rule, now))
        ticket = candidates.select_for_update(skip_locked=True).first()
        if ticket is None:
            _bump(locked.office_id)
            raise NoTicketWaiting()
        ticket.call(at=now, counter=locked, officer=officer)
        ticket.save(update_fields=["state", "called_at", "last_called_at", "counter", "served_by"])
        _record(
            ticket,
            TicketEventKind.CALLED,
            at=now,
            actor=officer,
            counter=locked,
            payload={"wait_seconds": int(ticket.wait.total_seconds())},
        )
        _ahead_three(locked.office_id, group_ids, now, rule)
        _bump(locked.office_id)
    logger.info("ticket_called", office_id=locked.office_id, counter=locked.number)
    return ticket


def _ahead_three(office_id: int, group_ids: list[int], now: dt.datetime, rule: str) -> None:
    """The ticket that now has three people ahead, if it has a citizen, is told (once)."""
    waiting = annotate_rank(
        Ticket.objects.filter(
            office_id=office_id,
            day=timezone.localdate(now),
            state=TicketState.WAITING,
            group_id__in=group_ids,
        ),
        now,
    ).order_by(*waiting_order(rule, now))
    fourth = waiting[3:4].first()
    if fourth is not None and fourth.citizen_id is not None:
        events.ahead_three_publish(ticket=fourth)


def _lock_active(ticket: Ticket, officer: User) -> Ticket:
    locked = (
        Ticket.objects.select_for_update(of=("self",)).select_related("counter").get(pk=ticket.pk)
    )
    if locked.state not in ACTIVE_STATES or locked.served_by_id != officer.pk:
        raise TicketStateError()
    return locked


def ticket_recall(*, ticket: Ticket, officer: User) -> Ticket:
    now = timezone.now()
    with transaction.atomic():
        locked = _lock_active(ticket, officer)
        if locked.state != TicketState.CALLED:
            raise TicketStateError()
        locked.recall(at=now)
        locked.save(update_fields=["state", "last_called_at", "recalls"])
        _record(locked, TicketEventKind.RECALLED, at=now, actor=officer, counter=locked.counter)
        _bump(locked.office_id)
    return locked


def ticket_start(*, ticket: Ticket, officer: User) -> Ticket:
    """The called person has come to the counter (serving starts; idempotent)."""
    now = timezone.now()
    with transaction.atomic():
        locked = _lock_active(ticket, officer)
        if locked.state == TicketState.SERVING:
            return locked
        locked.start()
        locked.save(update_fields=["state"])
        _record(locked, TicketEventKind.SERVING, at=now, actor=officer, counter=locked.counter)
        _bump(locked.office_id)
    return locked


def ticket_finish(*, ticket: Ticket, officer: User) -> Ticket:
    now = timezone.now()
    with transaction.atomic():
        locked = _lock_active(ticket, officer)
        locked.finish(at=now)
        locked.save(update_fields=["state", "finished_at"])
        _record(locked, TicketEventKind.DONE, at=now, actor=officer, counter=locked.counter)
        _bump(locked.office_id)
    return locked


def ticket_no_show(*, ticket: Ticket, officer: User) -> Ticket:
    """The called person did not come after the office's number of recalls."""
    now = timezone.now()
    with transaction.atomic():
        locked = _lock_active(ticket, officer)
        if locked.state != TicketState.CALLED:
            raise TicketStateError()
        needed = office_queue(locked.office).recalls_before_no_show
        if locked.recalls < needed:
            raise TooEarlyForNoShow()
        locked.no_show(at=now)
        locked.save(update_fields=["state", "finished_at"])
        _record(locked, TicketEventKind.NO_SHOW, at=now, actor=officer, counter=locked.counter)
        _bump(locked.office_id)
    return locked


def ticket_transfer(
    *,
    ticket: Ticket,
    officer: User,
    group: ServiceGroup | None = None,
    counter: Counter | None = None,
) -> Ticket:
    """Send the visitor on to another group or counter: a new ticket, at the head of the
    queue (it keeps the original issue time), for that counter only if one is named."""
    if group is None and counter is None:
        raise UnknownGroup()
    now = timezone.now()
    with transaction.atomic():
        locked = _lock_active(ticket, officer)
        if counter is not None and counter.office_id != locked.office_id:
            raise QueueError(field="counter")
        target_group = _check_group(group or locked.group)
        locked.transfer(at=now)
        locked.save(update_fields=["state", "finished_at"])
        _record(locked, TicketEventKind.TRANSFERRED, at=now, actor=officer, counter=locked.counter)
        new = Ticket.objects.create(
            office_id=locked.office_id,
            group=target_group,
            day=locked.day,
            number=ticket_number_next(
                office_id=locked.office_id, group=target_group, day=locked.day
            ),
            priority=locked.priority,
            source=TicketSource.TRANSFER,
            citizen=locked.citizen,
            due_at=locked.issued_at,  # queues from its first issue: ahead of later arrivals
            for_counter=counter,
            transferred_from=locked,
            issued_at=now,
        )
        _record(new, TicketEventKind.ISSUED, at=now, actor=officer, payload={"from": locked.pk})
        _bump(locked.office_id)
    return new


def ticket_cancel(*, ticket: Ticket, actor: User | None) -> Ticket:
    """A waiting ticket given up (the citizen on the phone, or an officer)."""
    now = timezone.now()
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if locked.state != TicketState.WAITING:
            raise TicketStateError()
        locked.cancel(at=now)
        locked.save(update_fields=["state", "finished_at"])
        _record(locked, TicketEventKind.CANCELLED, at=now, actor=actor)
        _bump(locked.office_id)
    return locked


def ticket_link_dossier(*, ticket: Ticket, dossier_id: int, officer: User) -> None:
    """The dossier received while serving this ticket (inside the reception transaction)."""
    now = timezone.now()
    Ticket.objects.filter(pk=ticket.pk).update(dossier_id=dossier_id)
    if ticket.state == TicketState.CALLED:
        ticket.start()
        ticket.save(update_fields=["state"])
    _record(
        ticket, TicketEventKind.LINKED, at=now, actor=officer, payload={"dossier_id": dossier_id}
    )
