"""The counter queue: service groups, counters, tickets, appointment slots and bookings.

The database is the source of truth (the queue keeps working while Redis is down): ticket
numbers come from a locked counter row per office, group and day, and "call next" takes
its ticket with `SELECT ... FOR UPDATE SKIP LOCKED`. Only `queues.services` writes here.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from .constants import (
    BookingState,
    CallRule,
    CounterEventKind,
    Priority,
    TicketEventKind,
    TicketSource,
    TicketState,
)


def booking_code() -> str:
    """8 characters a citizen types at the kiosk (no 0/O or 1/I to mix up)."""
    return "".join(secrets.choice(BOOKING_ALPHABET) for _ in range(8))


BOOKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class ServiceGroup(models.Model):
    """What a visitor comes for (health insurance, benefits, ...); each has its number range."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    first_number = models.PositiveIntegerField(
        _("first ticket number"),
        help_text=_("Tickets of the group are numbered from here each day (e.g. 1001)."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    is_collection = models.BooleanField(
        _("collection of results"),
        default=False,
        help_text=_("Citizens with a submitted dossier may book this group online."),
    )

    class Meta:
        verbose_name = _("service group")
        verbose_name_plural = _("service groups")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    def localized_name(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name


class OfficeQueue(models.Model):
    """An office's queue settings, and the version number the display boards poll."""

    office = models.OneToOneField(
        "offices.Office",
        verbose_name=_("office"),
        on_delete=models.PROTECT,
        related_name="queue",
    )
    is_open = models.BooleanField(_("open for tickets"), default=True)
    call_rule = models.CharField(
        _("call order"),
        max_length=40,
        choices=CallRule.choices,
        default=CallRule.PRIORITY_APPOINTMENT_ARRIVAL,
    )
    recalls_before_no_show = models.PositiveSmallIntegerField(
        _("recalls before a no-show"),
        default=2,
        help_text=_("A called ticket can be marked as not come after this many recalls."),
    )
    remote_tickets_per_day = models.PositiveSmallIntegerField(
        _("remote tickets per person and day"), default=1
    )
    # Bumped by every change the display board shows (its ETag): cheap polling.
    version = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("office queue")
        verbose_name_plural = _("office queues")

    def __str__(self) -> str:
        return str(self.office)


class Counter(models.Model):
    """A counter window: its number, the groups it serves, and the officer signed in."""

    office = models.ForeignKey(
        "offices.Office", verbose_name=_("office"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.PositiveSmallIntegerField(_("window number"))
    groups = models.ManyToManyField(ServiceGroup, verbose_name=_("groups served"), blank=True)
    is_open = models.BooleanField(_("open"), default=True)
    is_paused = models.BooleanField(_("paused"), default=False)
    officer = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer signed in"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="queue_counter",
    )

    class Meta:
        verbose_name = _("counter")
        verbose_name_plural = _("counters")
        ordering = ["office", "number"]
        constraints = [
            models.UniqueConstraint(fields=["office", "number"], name="queues_counter_number")
        ]

    def __str__(self) -> str:
        return _("Counter %(number)s") % {"number": self.number}


class TicketSequence(models.Model):
    """The last ticket number given per office, group and day (row-locked; survives restarts)."""

    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(ServiceGroup, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["office", "group", "day"], name="queues_ticket_sequence_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.group_id} {self.day} #{self.last_number}"


class Ticket(ConcurrentTransitionMixin, models.Model):
    """One visit's place in the queue, from issue to done (or no-show, transfer, cancel)."""

    reference = models.UUIDField(_("reference"), default=uuid.uuid4, unique=True, editable=False)
    office = models.ForeignKey(
        "offices.Office", verbose_name=_("office"), on_delete=models.PROTECT, related_name="+"
    )
    group = models.ForeignKey(
        ServiceGroup, verbose_name=_("service group"), on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField(_("day"))
    number = models.PositiveIntegerField(_("number"))
    priority = models.CharField(
        _("priority"), max_length=16, choices=Priority.choices, blank=True, default=""
    )
    source = models.CharField(_("source"), max_length=16, choices=TicketSource.choices)
    state = FSMField(
        _("state"),
        max_length=16,
        choices=TicketState.choices,
        default=TicketState.WAITING,
        protected=True,
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("citizen"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="queue_tickets",
    )
    # An appointment ticket takes its place in the queue at the slot's time.
    due_at = models.DateTimeField(_("appointment time"), null=True, blank=True)
    # A ticket transferred to one counter is called only there.
    for_counter = models.ForeignKey(
        Counter,
        verbose_name=_("for counter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    transferred_from = models.OneToOneField(
        "self",
        verbose_name=_("transferred from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transferred_to",
    )
    issued_at = models.DateTimeField(_("issued at"))
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    last_called_at = models.DateTimeField(_("last called at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    recalls = models.PositiveSmallIntegerField(_("recalls"), default=0)
    # What the printed ticket promised, kept to check the estimate against the wait.
    estimated_wait = models.DurationField(_("estimated wait when issued"), null=True, blank=True)
    counter = models.ForeignKey(
        Counter,
        verbose_name=_("counter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("served by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("dossier received"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="queue_tickets",
    )

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["issued_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "group", "day", "number"], name="queues_ticket_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(state__in=TicketState.values), name="queues_ticket_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(priority__in=Priority.values), name="queues_ticket_priority_valid"
            ),
        ]
        indexes = [
            models.Index(
                fields=["office", "group", "issued_at"],
                condition=Q(state="waiting"),
                name="queues_ticket_waiting_idx",
            ),
            models.Index(fields=["office", "day", "state"], name="queues_ticket_day_idx"),
            models.Index(fields=["office", "finished_at"], name="queues_ticket_finished_idx"),
            # The dashboards' wait figures over a period, nationally or by province.
            models.Index(fields=["day", "office"], name="queues_ticket_period_idx"),
        ]

    def __str__(self) -> str:
        return str(self.number)

    @property
    def is_priority(self) -> bool:
        return bool(self.priority)

    @property
    def wait(self):
        """Issued → called (the figure the 15-minute promise is about)."""
        return self.called_at - self.issued_at if self.called_at else None

    @property
    def service_time(self):
        """Called → finished."""
        return self.finished_at - self.called_at if self.finished_at and self.called_at else None

    # --- transitions (fields only; queues.services locks, saves and records) -------------

    @transition(field=state, source=TicketState.WAITING, target=TicketState.CALLED)
    def call(self, *, at, counter, officer) -> None:
        self.called_at = self.last_called_at = at
        self.counter = counter
        self.served_by = officer

    @transition(field=state, source=TicketState.CALLED, target=TicketState.CALLED)
    def recall(self, *, at) -> None:
        self.last_called_at = at
        self.recalls += 1

    @transition(field=state, source=TicketState.CALLED, target=TicketState.SERVING)
    def start(self) -> None:
        pass

    @transition(
        field=state, source=[TicketState.CALLED, TicketState.SERVING], target=TicketState.DONE
    )
    def finish(self, *, at) -> None:
        self.finished_at = at

    @transition(field=state, source=TicketState.CALLED, target=TicketState.NO_SHOW)
    def no_show(self, *, at) -> None:
        self.finished_at = at

    @transition(
        field=state,
        source=[TicketState.CALLED, TicketState.SERVING],
        target=TicketState.TRANSFERRED,
    )
    def transfer(self, *, at) -> None:
        self.finished_at = at

    @transition(field=state, source=TicketState.WAITING, target=TicketState.CANCELLED)
    def cancel(self, *, at) -> None:
        self.finished_at = at


class TicketEvent(models.Model):
    """The audit trail of a ticket (append-only): who did what, when."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=16, choices=TicketEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    counter = models.ForeignKey(
        Counter, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="queues_event_ticket_idx")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind}"


class CounterEvent(models.Model):
    """The audit trail of a counter (append-only): a leader opened or closed it, or moved
    an officer onto it or off it."""

    counter = models.ForeignKey(Counter, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=16, choices=CounterEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["counter", "created_at"], name="queues_cevent_counter_idx")]

    def __str__(self) -> str:
        return f"{self.counter_id} {self.kind}"


class Slot(models.Model):
    """An appointment time at an office for a service group, with room for `capacity`."""

    office = models.ForeignKey(
        "offices.Office", verbose_name=_("office"), on_delete=models.PROTECT, related_name="+"
    )
    group = models.ForeignKey(
        ServiceGroup, verbose_name=_("service group"), on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField(_("starts at"))
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=1)
    booked = models.PositiveSmallIntegerField(_("booked"), default=0, editable=False)

    class Meta:
        verbose_name = _("appointment slot")
        verbose_name_plural = _("appointment slots")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "group", "starts_at"], name="queues_slot_unique"
            ),
            models.CheckConstraint(
                condition=Q(booked__lte=models.F("capacity")), name="queues_slot_not_overbooked"
            ),
        ]
        indexes = [models.Index(fields=["office", "group", "starts_at"], name="queues_slot_idx")]

    def __str__(self) -> str:
        return f"{self.group} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def free(self) -> int:
        return self.capacity - self.booked


class Booking(models.Model):
    """A citizen's appointment; checking in gives a ticket served at the slot's time."""

    reference = models.UUIDField(_("reference"), default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(
        _("booking code"), max_length=8, unique=True, default=booking_code, editable=False
    )
    slot = models.ForeignKey(
        Slot, verbose_name=_("slot"), on_delete=models.PROTECT, related_name="bookings"
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("citizen"),
        on_delete=models.PROTECT,
        related_name="queue_bookings",
    )
    state = models.CharField(
        _("state"), max_length=16, choices=BookingState.choices, default=BookingState.BOOKED
    )
    ticket = models.OneToOneField(
        Ticket, null=True, blank=True, on_delete=models.PROTECT, related_name="booking"
    )
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "citizen"],
                condition=Q(state="booked"),
                name="queues_booking_once_per_slot",
            ),
            models.CheckConstraint(
                condition=Q(state__in=BookingState.values), name="queues_booking_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return str(self.reference)
