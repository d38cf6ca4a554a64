from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import AttemptStatus, Audience, DeliveryStatus, NotificationChannel


class Notification(models.Model):
    """One message about one dossier event (or one queue ticket) on one channel, with its
    delivery record.

    Applicants get one message per (event, channel); officers and leaders one per
    (event, channel, recipient). Partial unique constraints enforce both, so a repeated
    task finds the row it created before instead of sending again.
    """

    # No database constraint: the event trail is partitioned by month on PostgreSQL
    # (dossiers 0020); events are append-only, so the id holds.
    # Null for a message about something else than a dossier (a queue ticket): `about`
    # then names it ("queues.called:<ticket event id>") and keeps it to one per channel.
    event = models.ForeignKey(
        "dossiers.DossierEvent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notifications",
        db_constraint=False,
    )
    about = models.CharField(_("about"), max_length=64, blank=True, default="")
    audience = models.CharField(
        _("audience"), max_length=16, choices=Audience.choices, default=Audience.CITIZEN
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    channel = models.CharField(_("channel"), max_length=8, choices=NotificationChannel.choices)
    address = models.CharField(_("address"), max_length=254, blank=True)
    language = models.CharField(max_length=8, default="vi")
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    status = models.CharField(
        _("status"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    # Attempts in the current round: a staff "retry" starts a new round at zero (every
    # attempt ever made stays in DeliveryAttempt).
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "channel"],
                condition=Q(audience="citizen"),
                name="notification_once_per_channel",
            ),
            models.UniqueConstraint(
                fields=["event", "channel"],
                condition=Q(audience="principal"),
                name="notification_principal_once_per_channel",
            ),
            models.UniqueConstraint(
                fields=["event", "channel", "recipient"],
                condition=Q(audience="staff"),
                name="notification_staff_once_per_recipient",
            ),
            models.UniqueConstraint(
                fields=["about", "channel"],
                condition=Q(event__isnull=True),
                name="notification_about_once_per_channel",
            ),
            models.CheckConstraint(
                condition=Q(event__isnull=False) | ~Q(about=""),
                name="notification_event_or_about",
            ),
            models.CheckConstraint(
                condition=Q(audience="citizen") | Q(recipient__isnull=False),
                name="notification_staff_has_recipient",
            ),
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="notification_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "channel", "read_at"], name="notification_inbox_idx"),
            # The inbox page, newest first (migration 0003).
            models.Index(
                fields=["recipient", "channel", "created_at"], name="notification_inbox_time_idx"
            ),
            models.Index(
                fields=["-created_at"],
                condition=Q(status__in=["failed", "retrying"]),
                name="notification_undelivered_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel}: {self.subject}"


class DeliveryAttempt(models.Model):
    """One try at delivering a notification, with its outcome (kept for every attempt)."""

    notification = models.ForeignKey(
        Notification,
        verbose_name=_("notification"),
        on_delete=models.CASCADE,
        related_name="delivery_attempts",
    )
    number = models.PositiveSmallIntegerField(_("attempt in the round"))
    status = models.CharField(_("status"), max_length=8, choices=AttemptStatus.choices)
    error = models.CharField(_("error"), max_length=300, blank=True)
    attempted_at = models.DateTimeField(_("attempted at"), default=timezone.now)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["attempted_at", "id"]
        indexes = [
            models.Index(fields=["notification", "attempted_at"], name="delivery_attempt_idx")
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.status}"
