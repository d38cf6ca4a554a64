"""A leader moves officers between the counters of their office (the live view).

Each move runs in one transaction: it locks the counters it touches, changes who is signed
in, appends a `CounterEvent` per counter (the audit trail: who moved whom, when) and bumps
the office's display version so the boards show the change.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.constants import Role
from accounts.models import User

from .constants import ACTIVE_STATES, CounterEventKind
from .exceptions import CounterBusy, QueueError
from .models import Counter, CounterEvent, Ticket
from .services import _bump


def _check_leader(actor: User, counter: Counter) -> None:
    if actor.role != Role.OFFICE_LEADER or actor.office_id != counter.office_id:
        raise QueueError(_("Only the leader of this office can move its officers."))


def _check_free(counter: Counter) -> None:
    """Nobody is being served at `counter` (a move would strand the citizen)."""
    if Ticket.objects.filter(counter=counter, state__in=ACTIVE_STATES).exists():
        raise CounterBusy()


def counter_officer_assign(*, counter: Counter, officer: User, actor: User) -> Counter:
    """Put `officer` at `counter`, taking them off the counter they were at, if any.

    Refused when the counter is closed, when the officer is not a counter officer of the
    office, or when a ticket is being served at a counter the move would empty.
    """
    _check_leader(actor, counter)
    if (
        officer.role != Role.COUNTER_OFFICER
        or officer.office_id != counter.office_id
        or not officer.is_active
    ):
        raise QueueError(_("Choose a counter officer of this office."), field="officer")
    now = timezone.now()
    with transaction.atomic():
        ids = {counter.pk}
        ids.update(Counter.objects.filter(officer=officer).values_list("pk", flat=True))
        locked = {c.pk: c for c in Counter.objects.select_for_update().filter(pk__in=ids)}
        target = locked.pop(counter.pk)
        if target.officer_id == officer.pk:
            return target  # already there: nothing to do
        if not target.is_open:
            raise QueueError(_("Open the counter before assigning an officer."), field="officer")
        if target.officer_id is not None:
            _check_free(target)
        for previous in locked.values():
            _check_free(previous)
            previous.officer = None
            previous.save(update_fields=["officer"])
            CounterEvent.objects.create(
                counter=previous,
                kind=CounterEventKind.REMOVED,
                actor=actor,
                officer=officer,
                created_at=now,
            )
        if target.officer_id is not None:
            CounterEvent.objects.create(
                counter=target,
                kind=CounterEventKind.REMOVED,
                actor=actor,
                officer_id=target.officer_id,
                created_at=now,
            )
        target.officer = officer
        target.is_paused = False
        target.save(update_fields=["officer", "is_paused"])
        CounterEvent.objects.create(
            counter=target,
            kind=CounterEventKind.ASSIGNED,
            actor=actor,
            officer=officer,
            created_at=now,
        )
        _bump(target.office_id)
    return target


def counter_officer_remove(*, counter: Counter, actor: User) -> Counter:
    """Take the officer off `counter` (refused while a ticket is being served there)."""
    _check_leader(actor, counter)
    with transaction.atomic():
        target = Counter.objects.select_for_update().get(pk=counter.pk)
        if target.officer_id is None:
            return target
        _check_free(target)
        CounterEvent.objects.create(
            counter=target,
            kind=CounterEventKind.REMOVED,
            actor=actor,
            officer_id=target.officer_id,
            created_at=timezone.now(),
        )
        target.officer = None
        target.save(update_fields=["officer"])
        _bump(target.office_id)
    return target
