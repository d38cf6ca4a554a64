"""Appointments: capacity, past and full slots, cancelling frees, check-in queues at its time."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from queues.appointments import booking_cancel, booking_check_in, slot_book
from queues.exceptions import BookingNotAllowed, QueueError, SlotUnavailable
from queues.models import Slot
from queues.services import ticket_call_next, ticket_issue
from tests.factories import UserFactory

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = dt.datetime(2026, 11, 23, 8, 0, tzinfo=HCM)

pytestmark = pytest.mark.django_db


@pytest.fixture
def slot(office, groups):
    return Slot.objects.create(
        office=office,
        group=groups["benefits"],
        starts_at=MONDAY + dt.timedelta(hours=2),
        capacity=1,
    )


def test_full_and_past_slots_are_refused_and_cancel_frees_the_place(slot):
    first, second = UserFactory(citizen=True), UserFactory(citizen=True)
    with time_machine.travel(MONDAY, tick=False):
        booking = slot_book(slot=slot, citizen=first)
        with pytest.raises(SlotUnavailable):
            slot_book(slot=slot, citizen=second)
        booking_cancel(booking=booking, citizen=first)
        slot_book(slot=slot, citizen=second)
    slot.refresh_from_db()
    assert slot.booked == 1
    with (
        time_machine.travel(MONDAY + dt.timedelta(hours=3), tick=False),
        pytest.raises(SlotUnavailable),
    ):
        slot_book(slot=slot, citizen=first)


def test_collection_of_results_needs_a_submitted_dossier(office, groups):
    slot = Slot.objects.create(
        office=office, group=groups["collection"], starts_at=MONDAY + dt.timedelta(hours=1)
    )
    with time_machine.travel(MONDAY, tick=False), pytest.raises(BookingNotAllowed):
        slot_book(slot=slot, citizen=UserFactory(citizen=True))


def test_check_in_gives_a_ticket_served_at_the_appointment_time(office, groups, slot, counter):
    citizen = UserFactory(citizen=True)
    with time_machine.travel(MONDAY, tick=False):
        booking = slot_book(slot=slot, citizen=citizen)
    with time_machine.travel(MONDAY + dt.timedelta(minutes=100), tick=False):
        walk_in = ticket_issue(office=office, group=groups["benefits"])
        ticket = booking_check_in(office=office, code=booking.code.lower())
        with pytest.raises(QueueError):
            booking_check_in(office=office, code=booking.code)
        # Before its time, the appointment waits behind the earlier walk-in ...
        assert ticket_call_next(counter=counter, officer=counter.officer) == walk_in
    with time_machine.travel(MONDAY + dt.timedelta(minutes=121), tick=False):
        later = ticket_issue(office=office, group=groups["benefits"])
        # ... and at its time it goes before anyone who arrived later.
        assert ticket_call_next(counter=counter, officer=counter.officer) == ticket
        assert ticket_call_next(counter=counter, officer=counter.officer) == later


def test_booking_page_books_and_shows_the_code(client, office, groups, slot):
    citizen = UserFactory(citizen=True)
    client.force_login(citizen)
    url = reverse("queues:appointments") + f"?office={office.pk}&group={groups['benefits'].pk}"
    with time_machine.travel(MONDAY, tick=False):
        assert client.get(url).status_code == 200
        response = client.post(url, {"slot": slot.pk}, follow=True)
        code = citizen.queue_bookings.get().code
        assert code in response.content.decode()
        full = client.post(url, {"slot": slot.pk})
        assert full.status_code == 400
        assert client.post(url, {"slot": "nonsense"}).status_code == 400
