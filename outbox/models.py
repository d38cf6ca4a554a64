"""One outbox row per side effect, written in the transaction of the change (ADR 0006)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import MessageStatus


class OutboxMessage(models.Model):
    """A side effect owed to one subscriber: handed to Celery after commit, swept if left."""

    topic = models.CharField(_("topic"), max_length=64)
    handler = models.CharField(_("handler"), max_length=200)
    # The row the effect is about (a dossier event, a dossier, a document), by id only:
    # the outbox sits below every app and knows none of their models.
    ref_id = models.BigIntegerField(_("reference"), null=True, blank=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # A pending row is not handed out before this moment (backoff after a failure).
    available_at = models.DateTimeField(_("available at"), default=timezone.now)
    # Set while one delivery holds the row; another may take it over once it has passed.
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=MessageStatus.values), name="outbox_status_valid"
            ),
        ]
        indexes = [
            # The sweep: pending rows that are due.
            models.Index(
                fields=["available_at"],
                condition=Q(status="pending"),
                name="outbox_pending_due_idx",
            ),
            # The purge: delivered rows by age.
            models.Index(
                fields=["delivered_at"],
                condition=Q(status="delivered"),
                name="outbox_delivered_idx",
            ),
            models.Index(fields=["status", "handler"], name="outbox_status_handler_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.handler} #{self.ref_id} ({self.status})"
