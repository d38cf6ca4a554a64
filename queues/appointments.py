"""Appointments: book a slot (capacity per slot), cancel (frees it), check in for a ticket.

A booking takes a place with a conditional `UPDATE ... SET booked = booked + 1 WHERE
booked < capacity` (no check-then-act); the check constraint `booked <= capacity` backs it.
Checking in gives a ticket that queues from the slot's time (`due_at`).
"""

from __future__ import annotations

import structlog
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from dossiers.constants import DossierState
from dossiers.models import Dossier
from offices.models import Office

from .constants import BookingState, TicketSource
from .exceptions import BookingNotAllowed, QueueError, SlotUnavailable
from .models import Booking, Slot, Ticket
from .services import ticket_issue

logger = structlog.get_logger(__name__)

# A check-in this early before the slot is turned away (the citizen is told to come back).
CHECK_IN_EARLIEST = timezone.timedelta(hours=2)


def has_submitted_dossier(citizen: User) -> bool:
    return (
        Dossier.objects.filter(applicant=citizen)
        .exclude(state__in=[DossierState.DRAFT, DossierState.REFUSED])
        .exists()
    )


def slot_book(*, slot: Slot, citizen: User) -> Booking:
    """Book a place in `slot`. A past or full slot raises SlotUnavailable."""
    if slot.group.is_collection and not has_submitted_dossier(citizen):
        raise BookingNotAllowed()
    if slot.starts_at <= timezone.now():
        raise SlotUnavailable(_("This time has passed: choose a later one."))
    with transaction.atomic():
        taken = Slot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(
            booked=F("booked") + 1
        )
        if not taken:
            raise SlotUnavailable(_("This time is fully booked: choose another."))
        try:
            with transaction.atomic():
                booking = Booking.objects.create(slot=slot, citizen=citizen)
        except IntegrityError:
            raise SlotUnavailable(_("You have already booked this time.")) from None
    logger.info("slot_booked", slot_id=slot.pk)
    return booking


def booking_cancel(*, booking: Booking, citizen: User) -> Booking:
    """Cancel a booking (frees its place in the slot); only the citizen who booked it."""
    with transaction.atomic():
        locked = Booking.objects.select_for_update().get(pk=booking.pk)
        if locked.citizen_id != citizen.pk or locked.state != BookingState.BOOKED:
            raise QueueError(_("This booking can no longer be cancelled."))
        locked.state = BookingState.CANCELLED
        locked.save(update_fields=["state"])
        Slot.objects.filter(pk=locked.slot_id).update(booked=F("booked") - 1)
    return locked


def booking_check_in(*, office: Office, code: str) -> Ticket:
    """At the kiosk: the booking code gives a ticket that queues from the slot's time."""
    code = "".join(code.split()).upper()
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("slot", "slot__group")
            .filter(code=code, slot__office=office)
            .first()
        )
        if booking is None or booking.state != BookingState.BOOKED:
            raise QueueError(_("No booking at this office has this code."), field="code")
        now = timezone.now()
        if timezone.localdate(booking.slot.starts_at) != timezone.localdate(now):
            raise QueueError(_("This booking is for another day."), field="code")
        if booking.slot.starts_at - now > CHECK_IN_EARLIEST:
            raise QueueError(_("Check in at most two hours before your appointment."), field="code")
        ticket = ticket_issue(
            office=office,
            group=booking.slot.group,
            source=TicketSource.APPOINTMENT,
            citizen=booking.citizen,
            due_at=booking.slot.starts_at,
        )
        booking.state = BookingState.CHECKED_IN
        booking.ticket = ticket
        booking.save(update_fields=["state", "ticket"])
    return ticket
