"""Reads of the partners app."""

from __future__ import annotations

import datetime as dt
import hmac

from django.db.models import Q, QuerySet
from django.utils import timezone

from .constants import DeliveryStatus
from .models import PartnerBatch, PartnerToken, WebhookDelivery, WebhookEndpoint


def token_for_secret(secret: str) -> PartnerToken | None:
    """The token whose secret this is, found by the secret's SHA-256 (never by the secret)."""
    from .services import token_hash

    digest = token_hash(secret)
    token = PartnerToken.objects.select_related("partner__user").filter(key_hash=digest).first()
    if token is None or not hmac.compare_digest(token.key_hash, digest):
        return None
    return token


def partner_batch(*, partner_id: int, reference) -> PartnerBatch:
    """One batch of this partner; raises PartnerBatch.DoesNotExist for anyone else's."""
    return PartnerBatch.objects.select_related("procedure").get(
        partner_id=partner_id, reference=reference
    )


def webhook_deliveries_due(*, limit: int = 200) -> QuerySet[WebhookDelivery]:
    """Pending deliveries whose time has come (and sends left hanging by a lost worker)."""
    from .constants import WEBHOOK_SENDING_STALE_SECONDS

    now = timezone.now()
    stale = now - dt.timedelta(seconds=WEBHOOK_SENDING_STALE_SECONDS)
    return WebhookDelivery.objects.filter(
        Q(status=DeliveryStatus.PENDING, next_retry_at__lte=now)
        | Q(status=DeliveryStatus.SENDING, sending_since__lt=stale)
    ).order_by("next_retry_at", "id")[:limit]


def partner_webhook_endpoints(*, partner_id: int) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(partner_id=partner_id).order_by("created_at", "id")


def partner_webhook_endpoint(*, partner_id: int, pk) -> WebhookEndpoint | None:
    """One endpoint of this partner; None for anyone else's (or a malformed id)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return (
        WebhookEndpoint.objects.select_related("partner")
        .filter(partner_id=partner_id, pk=pk)
        .first()
    )


def endpoint_deliveries(*, endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    """The endpoint's delivery log, newest first."""
    return WebhookDelivery.objects.filter(endpoint=endpoint).select_related("event__dossier")


def endpoint_delivery(*, endpoint: WebhookEndpoint, reference) -> WebhookDelivery | None:
    return WebhookDelivery.objects.filter(endpoint=endpoint, reference=reference).first()
