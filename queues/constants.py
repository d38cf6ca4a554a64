import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

# Without enough history, a service is assumed to take this long (estimated wait).
DEFAULT_SERVICE_TIME = dt.timedelta(minutes=5)
# The recent service times the estimate is taken from: at most this many, this far back.
SERVICE_TIME_SAMPLE = 20
SERVICE_TIME_LOOKBACK = dt.timedelta(days=7)
# The VSS promise: nobody waits longer than this at the counter.
WAIT_TARGET = dt.timedelta(minutes=15)
# An appointment called within this long after its time was served punctually.
APPOINTMENT_GRACE = dt.timedelta(minutes=5)
# How many "next" tickets the display board shows.
BOARD_NEXT_COUNT = 5


class TicketState(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    CALLED = "called", _("Called")
    SERVING = "serving", _("Being served")
    DONE = "done", _("Done")
    NO_SHOW = "no_show", _("Did not come")
    TRANSFERRED = "transferred", _("Transferred")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_STATES = (TicketState.CALLED, TicketState.SERVING)


class Priority(models.TextChoices):
    NONE = "", _("No priority")
    ELDERLY = "elderly", _("Elderly person")
    DISABILITY = "disability", _("Person with a disability")
    PREGNANT = "pregnant", _("Pregnant woman")
    CHILD = "child", _("With a child under 6")
    MERITORIOUS = "meritorious", _("Veteran or meritorious person")


class TicketSource(models.TextChoices):
    KIOSK = "kiosk", _("Kiosk")
    PHONE = "phone", _("Phone (remote ticket)")
    APPOINTMENT = "appointment", _("Appointment")
    TRANSFER = "transfer", _("Transfer")


class CallRule(models.TextChoices):
    """The order "call next" takes waiting tickets in, per office."""

    PRIORITY_APPOINTMENT_ARRIVAL = (
        "priority_appointment_arrival",
        _("Priority first, then appointments due, then arrival order"),
    )
    APPOINTMENT_PRIORITY_ARRIVAL = (
        "appointment_priority_arrival",
        _("Appointments due first, then priority, then arrival order"),
    )
    ARRIVAL = "arrival", _("Arrival order only")


class TicketEventKind(models.TextChoices):
    ISSUED = "issued", _("Issued")
    CALLED = "called", _("Called")
    RECALLED = "recalled", _("Called again")
    SERVING = "serving", _("Service started")
    DONE = "done", _("Done")
    NO_SHOW = "no_show", _("Did not come")
    TRANSFERRED = "transferred", _("Transferred")
    CANCELLED = "cancelled", _("Cancelled")
    LINKED = "linked", _("Dossier received")


class CounterEventKind(models.TextChoices):
    ASSIGNED = "assigned", _("Officer assigned")
    REMOVED = "removed", _("Officer taken off")
    OPENED = "opened", _("Opened")
    CLOSED = "closed", _("Closed")


class BookingState(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    CHECKED_IN = "checked_in", _("Checked in")
