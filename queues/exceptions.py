from django.utils.translation import gettext_lazy as _


class QueueError(Exception):
    """A queue action that cannot be done; `message` is shown to the user, `field` names
    the form field it is about (or None for the whole form)."""

    code = "queue_error"
    status = 400
    field: str | None = None
    message = _("The queue action could not be done.")

    def __init__(self, message=None, *, field=None):
        if message is not None:
            self.message = message
        if field is not None:
            self.field = field
        super().__init__(str(self.message))


class OfficeClosed(QueueError):
    code = "office_closed"
    status = 409
    message = _("This office is not giving out tickets now.")


class UnknownGroup(QueueError):
    code = "unknown_group"
    field = "group"
    message = _("Choose one of the service groups offered at this office.")


class NoTicketWaiting(QueueError):
    code = "no_ticket_waiting"
    status = 409
    message = _("Nobody is waiting for the groups this counter serves.")


class CounterNotReady(QueueError):
    code = "counter_not_ready"
    status = 409
    message = _("Sign in to an open counter that is not paused first.")


class TicketStateError(QueueError):
    code = "ticket_state"
    status = 409
    message = _("The ticket has changed meanwhile: reload the page.")


class TooEarlyForNoShow(QueueError):
    code = "too_early_for_no_show"
    status = 409
    message = _("Call the ticket again before marking it as not come.")


class RemoteLimitReached(QueueError):
    code = "remote_limit"
    status = 409
    field = "group"
    message = _("You have already taken the remote tickets allowed today at this office.")


class SlotUnavailable(QueueError):
    code = "slot_unavailable"
    status = 409
    field = "slot"
    message = _("This appointment time is no longer available: choose another.")


class BookingNotAllowed(QueueError):
    code = "booking_not_allowed"
    status = 403
    field = "group"
    message = _("Collection of results can be booked once you have a submitted dossier.")


class CounterBusy(QueueError):
    code = "counter_busy"
    status = 409
    field = "officer"
    message = _("A ticket is being served at this counter: finish it before moving the officer.")
