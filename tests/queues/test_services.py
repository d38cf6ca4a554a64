"""The queue's writes: numbering, the call order, recall / no-show, transfer, pause."""

import datetime as dt
import zoneinfo

import pytest
import time_machine

from queues.constants import CallRule, Priority, TicketSource, TicketState
from queues.exceptions import (
    CounterNotReady,
    NoTicketWaiting,
    OfficeClosed,
    RemoteLimitReached,
    TooEarlyForNoShow,
    UnknownGroup,
)
from queues.models import OfficeQueue, Ticket, TicketEvent
from queues.services import (
    counter_pause,
    office_queue,
    ticket_call_next,
    ticket_finish,
    ticket_issue,
    ticket_issue_remote,
    ticket_no_show,
    ticket_recall,
    ticket_transfer,
)
from tests.factories import UserFactory
from tests.queues.conftest import make_counter

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
MORNING = dt.datetime(2026, 3, 10, 8, 0, tzinfo=HCM)


pytestmark = pytest.mark.django_db


def test_numbers_run_per_group_and_restart_the_next_day(office, groups):
    with time_machine.travel(MORNING, tick=False):
        first = ticket_issue(office=office, group=groups["health-insurance"])
        second = ticket_issue(office=office, group=groups["health-insurance"])
        other = ticket_issue(office=office, group=groups["benefits"])
    with time_machine.travel(MORNING + dt.timedelta(days=1), tick=False):
        next_day = ticket_issue(office=office, group=groups["health-insurance"])
    assert (first.number, second.number, other.number, next_day.number) == (1001, 1002, 2001, 1001)
    # One person ahead, no service history, no counter open: 5 minutes.
    assert (first.estimated_wait, second.estimated_wait) == (
        dt.timedelta(0),
        dt.timedelta(minutes=5),
    )
    assert first.events.get().kind == "issued"


def test_closed_office_and_unknown_group_are_refused(office, groups):
    with pytest.raises(UnknownGroup):
        ticket_issue(office=office, group=None)
    queue = office_queue(office)
    OfficeQueue.objects.filter(pk=queue.pk).update(is_open=False)
    with pytest.raises(OfficeClosed):
        ticket_issue(office=office, group=groups["benefits"])
    assert not Ticket.objects.exists()


def test_call_next_takes_priority_then_appointment_due_then_arrival(office, groups, counter):
    group = groups["health-insurance"]
    with time_machine.travel(MORNING, tick=False):
        walk_in = ticket_issue(office=office, group=group)
    with time_machine.travel(MORNING + dt.timedelta(minutes=1), tick=False):
        appointment = ticket_issue(
            office=office,
            group=group,
            source=TicketSource.APPOINTMENT,
            due_at=MORNING + dt.timedelta(minutes=5),
        )
    with time_machine.travel(MORNING + dt.timedelta(minutes=2), tick=False):
        elderly = ticket_issue(office=office, group=group, priority=Priority.ELDERLY)
    called = []
    with time_machine.travel(MORNING + dt.timedelta(minutes=6), tick=False):
        for _ in range(3):
            called.append(ticket_call_next(counter=counter, officer=counter.officer).pk)
        with pytest.raises(NoTicketWaiting):
            ticket_call_next(counter=counter, officer=counter.officer)
    assert called == [elderly.pk, appointment.pk, walk_in.pk]
    walk_in.refresh_from_db()
    # The last call finished the ticket before it: service time called → finished.
    assert Ticket.objects.get(pk=appointment.pk).state == TicketState.DONE
    assert walk_in.state == TicketState.CALLED
    assert walk_in.wait == dt.timedelta(minutes=6)


def test_arrival_rule_ignores_priority(office, groups, counter):
    office_queue(office)
    OfficeQueue.objects.filter(office=office).update(call_rule=CallRule.ARRIVAL)
    with time_machine.travel(MORNING, tick=False):
        first = ticket_issue(office=office, group=groups["benefits"])
        ticket_issue(office=office, group=groups["benefits"], priority=Priority.PREGNANT)
        assert ticket_call_next(counter=counter, officer=counter.officer) == first


def test_no_show_only_after_the_recalls(office, groups, counter):
    with time_machine.travel(MORNING, tick=False):
        ticket_issue(office=office, group=groups["benefits"])
        ticket = ticket_call_next(counter=counter, officer=counter.officer)
        with pytest.raises(TooEarlyForNoShow):
            ticket_no_show(ticket=ticket, officer=counter.officer)
        ticket_recall(ticket=ticket, officer=counter.officer)
        ticket_recall(ticket=ticket, officer=counter.officer)
        ticket = ticket_no_show(ticket=ticket, officer=counter.officer)
    assert ticket.state == TicketState.NO_SHOW
    assert ticket.recalls == 2
    kinds = list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert kinds == ["issued", "called", "recalled", "recalled", "no_show"]


def test_transfer_to_another_counter_queues_ahead_of_later_arrivals(office, groups, counter):
    other_officer = UserFactory(counter_officer=True, office=office, username="quay2")
    second = make_counter(office, 2, [groups["collection"]], other_officer)
    with time_machine.travel(MORNING, tick=False):
        ticket_issue(office=office, group=groups["benefits"])
        ticket = ticket_call_next(counter=counter, officer=counter.officer)
    with time_machine.travel(MORNING + dt.timedelta(minutes=3), tick=False):
        later = ticket_issue(office=office, group=groups["collection"])
        moved = ticket_transfer(
            ticket=ticket, officer=counter.officer, group=groups["collection"], counter=second
        )
        assert moved.number == 4002
        assert ticket_call_next(counter=second, officer=other_officer) == moved
        assert ticket_call_next(counter=second, officer=other_officer) == later
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.TRANSFERRED


def test_paused_counter_calls_nobody(office, groups, counter):
    ticket_issue(office=office, group=groups["benefits"])
    counter_pause(counter=counter, officer=counter.officer, paused=True)
    with pytest.raises(CounterNotReady):
        ticket_call_next(counter=counter, officer=counter.officer)
    counter_pause(counter=counter, officer=counter.officer, paused=False)
    ticket = ticket_call_next(counter=counter, officer=counter.officer)
    ticket_finish(ticket=ticket, officer=counter.officer)
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.DONE


def test_remote_tickets_are_limited_per_person_and_day(office, groups):
    citizen = UserFactory(citizen=True)
    with time_machine.travel(MORNING, tick=False):
        ticket_issue_remote(office=office, group=groups["benefits"], citizen=citizen)
        with pytest.raises(RemoteLimitReached):
            ticket_issue_remote(office=office, group=groups["health-insurance"], citizen=citizen)
    with time_machine.travel(MORNING + dt.timedelta(days=1), tick=False):
        ticket_issue_remote(office=office, group=groups["benefits"], citizen=citizen)


def test_every_change_bumps_the_display_version(office, groups, counter):
    before = office_queue(office).version
    ticket_issue(office=office, group=groups["benefits"])
    ticket_call_next(counter=counter, officer=counter.officer)
    assert office_queue(office).version == before + 2
