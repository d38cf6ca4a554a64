from django.db import models
from django.utils.translation import gettext_lazy as _

from core.api_access import Scope  # also imported from here as partners.constants.Scope


class PartnerKind(models.TextChoices):
    IVAN = "ivan", _("I-VAN provider")
    EMPLOYER = "employer", _("Employer")
    HEALTH_FACILITY = "health_facility", _("Health facility")


# The API's scopes are generic (every API view names the ones it needs): core.api_access.
SCOPES_BY_KIND: dict[str, frozenset[str]] = {
    PartnerKind.IVAN: frozenset({Scope.DOSSIERS_READ, Scope.DOSSIERS_WRITE, Scope.WEBHOOKS}),
    PartnerKind.EMPLOYER: frozenset(
        {Scope.DOSSIERS_READ, Scope.DOSSIERS_WRITE, Scope.BATCH_FILING, Scope.WEBHOOKS}
    ),
    PartnerKind.HEALTH_FACILITY: frozenset({Scope.HI_CARD_LOOKUP}),
}


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class BatchItemStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    DRAFT = "draft", _("Saved as a draft")
    REJECTED = "rejected", _("Rejected")


# Tokens look like "vss_<43 url-safe characters>"; the first characters identify them in lists.
TOKEN_PREFIX = "vss_"  # noqa: S105 - the public prefix of every token, not a secret
TOKEN_SHOWN_PREFIX_LENGTH = 12
DEFAULT_RATE_LIMIT_PER_MINUTE = 120
MAX_RATE_LIMIT_PER_MINUTE = 100_000
# last_used_at is written at most once per this many seconds per token.
TOKEN_TOUCH_INTERVAL_SECONDS = 60


class WebhookEventType(models.TextChoices):
    """The webhook event catalogue (docs/api.md, the OpenAPI document's `webhooks`)."""

    STATUS_CHANGED = "dossier.status_changed", _("Dossier state changed")
    SUPPLEMENT_REQUESTED = "dossier.supplement_requested", _("Supplement requested")
    RESULT_SIGNED = "dossier.result_signed", _("Result signed by the leader")
    RESULT_RETURNED = "dossier.result_returned", _("Result returned")
    RATING_RECEIVED = "dossier.rating_received", _("Rating received")
    BUNDLE_PART_COMPLETED = "bundle.part_completed", _("Bundle part completed")


WEBHOOK_EVENT_STATUS_CHANGED = WebhookEventType.STATUS_CHANGED.value
WEBHOOK_TIMEOUT_SECONDS = 10
WEBHOOK_MAX_ATTEMPTS = 8
WEBHOOK_MAX_ACTIVE_ENDPOINTS = 5
WEBHOOK_BACKOFF_BASE_SECONDS = 30
WEBHOOK_BACKOFF_MAX_SECONDS = 3600
# A delivery left "sending" this long (worker lost mid-call) is sent again by the sweep.
WEBHOOK_SENDING_STALE_SECONDS = 300
# Partners should refuse a signed request whose timestamp is further off than this.
WEBHOOK_SIGNATURE_TOLERANCE_SECONDS = 300
# Statuses that are worth retrying: timeouts, throttling and server errors.
WEBHOOK_RETRYABLE_STATUSES = frozenset({408, 425, 429})

BATCH_MAX_ITEMS = 500
BATCH_MAX_DOCUMENTS_PER_ITEM = 10
