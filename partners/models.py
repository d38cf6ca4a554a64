"""Partner systems (I-VAN providers, employers, health facilities), their API tokens,
the dossiers they filed and the webhooks they receive.

A partner is an organisation; it may hold several tokens (one per system or environment), so a
rotated token keeps access to the organisation's filings. Each partner acts through its own
service account (a portal user with no password), which the dossier services see as the
applicant of the dossiers it files.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.api_access import ScopedToken

from .constants import (
    DEFAULT_RATE_LIMIT_PER_MINUTE,
    MAX_RATE_LIMIT_PER_MINUTE,
    SCOPES_BY_KIND,
    DeliveryStatus,
    PartnerKind,
)


class Partner(models.Model):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=PartnerKind.choices)
    employer_unit_code = models.CharField(
        _("employer unit code"),
        max_length=16,
        blank=True,
        help_text=_("Required for employers: the unit code under which they file."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("service account"),
        on_delete=models.PROTECT,
        related_name="partner",
        editable=False,
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("partner system")
        verbose_name_plural = _("partner systems")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=PartnerKind.values), name="partner_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(kind=PartnerKind.EMPLOYER) | ~Q(employer_unit_code=""),
                name="partner_employer_has_unit_code",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PartnerToken(ScopedToken, models.Model):
    """An API token. Only the SHA-256 of the secret is stored; the secret is shown once."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="tokens"
    )
    name = models.CharField(_("label"), max_length=100)
    key_prefix = models.CharField(_("starts with"), max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    rate_limit_per_minute = models.PositiveIntegerField(
        _("requests per minute"),
        default=DEFAULT_RATE_LIMIT_PER_MINUTE,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_RATE_LIMIT_PER_MINUTE)],
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    # Every token expires (PARTNER_TOKEN_LIFETIME_DAYS after it is issued); a rotated token
    # expires at the end of its grace period, and names the token that replaced it.
    expires_at = models.DateTimeField(_("expires at"), editable=False)
    replaced_by = models.OneToOneField(
        "self",
        verbose_name=_("replaced by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaces",
        editable=False,
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["partner__name", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rate_limit_per_minute__gte=1)
                & Q(rate_limit_per_minute__lte=MAX_RATE_LIMIT_PER_MINUTE),
                name="partner_token_rate_limit_range",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(is_active=False),
                name="partner_token_revoked_inactive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @property
    def usable(self) -> bool:
        return (
            self.is_active
            and self.revoked_at is None
            and self.partner.is_active
            and not self.is_expired
        )

    @property
    def is_expired(self) -> bool:
        from django.utils import timezone

        return self.expires_at is not None and self.expires_at <= timezone.now()

    def has_scopes(self, required) -> bool:
        return set(required) <= set(self.scopes or [])

    def grants(self, required) -> bool:
        """The token holds the scopes, and they belong to the partner's kind (so a token
        edited outside the admin gains nothing)."""
        allowed = SCOPES_BY_KIND.get(self.partner.kind, frozenset())
        return self.has_scopes(required) and set(required) <= allowed


class PartnerBatch(models.Model):
    """One batch filing request and its per-item result (replayed for a repeated key)."""

    reference = models.UUIDField(_("reference"), default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="batches"
    )
    token = models.ForeignKey(
        PartnerToken,
        verbose_name=_("API token"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    procedure = models.ForeignKey(
        "procedures.Procedure",
        verbose_name=_("procedure"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submit = models.BooleanField(_("submit complete items"), default=True)
    idempotency_key = models.CharField(max_length=128, null=True, blank=True)
    request_fingerprint = models.CharField(max_length=64, blank=True)
    total = models.PositiveIntegerField(_("items"), default=0)
    submitted = models.PositiveIntegerField(_("submitted"), default=0)
    drafts = models.PositiveIntegerField(_("saved as drafts"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    results = models.JSONField(_("results"), default=list)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("batch filing")
        verbose_name_plural = _("batch filings")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="partner_batch_idempotency_unique",
            )
        ]
        indexes = [models.Index(fields=["partner", "-created_at"], name="partner_batch_list_idx")]

    def __str__(self) -> str:
        return str(self.reference)


class PartnerFiling(models.Model):
    """Which partner filed a dossier (the dossier model knows nothing of partners)."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="filings"
    )
    dossier = models.OneToOneField(
        "dossiers.Dossier",
        verbose_name=_("dossier"),
        on_delete=models.CASCADE,
        related_name="partner_filing",
    )
    token = models.ForeignKey(
        PartnerToken,
        verbose_name=_("API token"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    batch = models.ForeignKey(
        PartnerBatch,
        verbose_name=_("batch filing"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="filings",
    )
    external_id = models.CharField(_("partner's reference"), max_length=64, blank=True)
    employer_unit_code = models.CharField(_("employer unit code"), max_length=16, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("partner filing")
        verbose_name_plural = _("partner filings")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["partner", "-created_at"], name="partner_filing_list_idx")]

    def __str__(self) -> str:
        return f"{self.partner} → {self.dossier}"


class WebhookEndpoint(models.Model):
    """A URL of a partner that receives signed dossier status events."""

    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
    )
    url = models.URLField(_("URL"), max_length=500)
    # Kept readable: the portal needs it to sign every delivery (HMAC-SHA256).
    secret = models.CharField(_("signing secret"), max_length=100, editable=False)
    description = models.CharField(_("description"), max_length=200, blank=True)
    # The event types (WebhookEventType) this address receives; empty: every type.
    event_types = models.JSONField(
        _("event types"),
        default=list,
        blank=True,
        help_text=_("Leave empty to receive every event type."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["partner__name", "url"]

    def __str__(self) -> str:
        return self.url

    def receives(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types


class WebhookDelivery(models.Model):
    """One event for one endpoint: what was sent, how often, and what came back."""

    reference = models.UUIDField(_("reference"), default=uuid.uuid4, unique=True, editable=False)
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("webhook endpoint"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    # The dossier event behind it (every type but bundle.part_completed of a part without
    # a dossier), and the key that makes one delivery per endpoint, type and source event.
    # No database constraint: the event trail is partitioned by month on PostgreSQL
    # (dossiers 0020); events are append-only, so the id holds.
    event = models.ForeignKey(
        "dossiers.DossierEvent",
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    event_type = models.CharField(_("event type"), max_length=64)
    event_key = models.CharField(_("event key"), max_length=64)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_response_code = models.PositiveSmallIntegerField(
        _("last response code"), null=True, blank=True
    )
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    next_retry_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    sending_since = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_type", "event_key"],
                name="webhook_delivery_once_per_event",
            ),
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="webhook_delivery_status_valid"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_retry_at"],
                condition=Q(status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING]),
                name="webhook_delivery_due_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_type} #{self.event_key} → {self.endpoint_id}"
