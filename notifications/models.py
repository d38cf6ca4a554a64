from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import DeliveryStatus, NotificationChannel


class Notification(models.Model):
    """One message about one dossier event on one channel, with its delivery record."""

    event = models.ForeignKey(
        "dossiers.DossierEvent", on_delete=models.PROTECT, related_name="notifications"
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
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "channel"], name="notification_once_per_channel"
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "channel", "read_at"], name="notification_inbox_idx")
        ]

    def __str__(self) -> str:
        return f"{self.channel}: {self.subject}"
