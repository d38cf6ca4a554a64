"""Signed webhooks: dossier status events for the partner that filed the dossier.

`webhooks_enqueue_for_event` runs from the outbox row that the event's own transaction wrote
(partners.apps subscribes to dossier events; ADR 0006), in the same transaction that marks
that row delivered: the delivery rows are written once, and the sending tasks are queued on
commit. A periodic sweep re-queues deliveries whose task was lost.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

import structlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from dossiers.constants import PORTAL_CODES, EventKind
from dossiers.models import DossierEvent

from ..constants import (
    WEBHOOK_BACKOFF_BASE_SECONDS,
    WEBHOOK_BACKOFF_MAX_SECONDS,
    WEBHOOK_EVENT_STATUS_CHANGED,
    WEBHOOK_MAX_ACTIVE_ENDPOINTS,
    WEBHOOK_MAX_ATTEMPTS,
    WEBHOOK_RETRYABLE_STATUSES,
    WEBHOOK_SENDING_STALE_SECONDS,
    WEBHOOK_SIGNATURE_TOLERANCE_SECONDS,
    WEBHOOK_TIMEOUT_SECONDS,
    DeliveryStatus,
)
from ..models import Partner, PartnerFiling, WebhookDelivery, WebhookEndpoint
from .egress import ForbiddenAddress, host_check
from .egress import post as egress_post

logger = structlog.get_logger(__name__)

STATUS_EVENT_KINDS = frozenset({EventKind.SUBMITTED, EventKind.RECEIVED, EventKind.TRANSITION})


# --- endpoints -----------------------------------------------------------------------


def webhook_url_clean(url: str) -> str:
    """An https:// URL (http:// too when settings.WEBHOOK_ALLOW_HTTP, for local testing)."""
    url = (url or "").strip()
    schemes = ["https", "http"] if getattr(settings, "WEBHOOK_ALLOW_HTTP", False) else ["https"]
    try:
        URLValidator(schemes=schemes)(url)
    except ValidationError as exc:
        raise ValidationError({"url": _("Enter an https:// address.")}) from exc
    try:
        host_check(url)
    except ForbiddenAddress as exc:
        raise ValidationError(
            {
                "url": _(
                    "This address is not on the public internet (loopback, private, "
                    "link-local or reserved): the portal does not send events there."
                )
            }
        ) from exc
    return url


def _new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def webhook_endpoint_clean(
    *, partner: Partner, url: str, endpoint: WebhookEndpoint | None = None, active: bool = True
) -> str:
    """The cleaned URL, or a ValidationError: https only, not registered twice by one
    partner, at most WEBHOOK_MAX_ACTIVE_ENDPOINTS active addresses per partner.

    An endpoint's unchanged URL is not judged again, so a partner can always pause or stop
    an address registered under rules that have since changed (e.g. http in development).
    """
    url = (url or "").strip()
    if endpoint is None or url != endpoint.url:
        url = webhook_url_clean(url)
    others = WebhookEndpoint.objects.filter(partner=partner)
    if endpoint is not None:
        others = others.exclude(pk=endpoint.pk)
    if others.filter(url=url).exists():
        raise ValidationError({"url": _("This address is already registered.")})
    if active and others.filter(is_active=True).count() >= WEBHOOK_MAX_ACTIVE_ENDPOINTS:
        raise ValidationError(
            {
                "url": _("You already have %(max)d active addresses; deactivate one first.")
                % {"max": WEBHOOK_MAX_ACTIVE_ENDPOINTS}
            }
        )
    return url


def webhook_endpoint_create(
    *, partner: Partner, url: str, description: str = ""
) -> tuple[WebhookEndpoint, str]:
    """Register a URL; return it with its signing secret (shown once to the partner)."""
    with transaction.atomic():
        # One partner's registrations are serialised, so the checks hold under concurrency.
        Partner.objects.select_for_update().filter(pk=partner.pk).first()
        url = webhook_endpoint_clean(partner=partner, url=url)
        secret = _new_secret()
        endpoint = WebhookEndpoint.objects.create(
            partner=partner, url=url, secret=secret, description=description.strip()
        )
    logger.info("webhook_endpoint_created", endpoint_id=endpoint.pk, partner_id=partner.pk)
    return endpoint, secret


def webhook_endpoint_update(
    *, endpoint: WebhookEndpoint, url: str, description: str, is_active: bool
) -> WebhookEndpoint:
    with transaction.atomic():
        Partner.objects.select_for_update().filter(pk=endpoint.partner_id).first()
        url = webhook_endpoint_clean(
            partner=endpoint.partner, url=url, endpoint=endpoint, active=is_active
        )
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
            url=url, description=description.strip(), is_active=is_active
        )
    logger.info("webhook_endpoint_updated", endpoint_id=endpoint.pk, active=is_active)
    return WebhookEndpoint.objects.get(pk=endpoint.pk)


def webhook_endpoint_secret_rotate(*, endpoint: WebhookEndpoint) -> tuple[WebhookEndpoint, str]:
    """A new signing secret (shown once); deliveries from now on are signed with it."""
    secret = _new_secret()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(secret=secret)
    logger.info("webhook_endpoint_secret_rotated", endpoint_id=endpoint.pk)
    return WebhookEndpoint.objects.get(pk=endpoint.pk), secret


# --- signatures ----------------------------------------------------------------------


def webhook_signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """`sha256=` + hex HMAC-SHA256 of f"{timestamp}.{body}" under the endpoint's secret."""
    message = str(int(timestamp)).encode("ascii") + b"." + body
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def webhook_signature_verify(
    *,
    secret: str,
    timestamp: str,
    body: bytes,
    signature: str,
    now: float | None = None,
    tolerance: int = WEBHOOK_SIGNATURE_TOLERANCE_SECONDS,
) -> bool:
    """What a partner does on receipt: recompute, compare in constant time, check freshness."""
    try:
        moment = int(timestamp)
    except (TypeError, ValueError):
        return False
    current = time.time() if now is None else now
    if abs(current - moment) > tolerance:
        return False
    expected = webhook_signature(secret=secret, timestamp=moment, body=body)
    return hmac.compare_digest(expected, signature or "")


# --- enqueueing ----------------------------------------------------------------------


def _event_payload(event: DossierEvent) -> dict:
    dossier = event.dossier
    return {
        "event_id": event.pk,
        "type": WEBHOOK_EVENT_STATUS_CHANGED,
        "occurred_at": event.created_at.isoformat(),
        "dossier": {
            "reference": str(dossier.reference),
            "code": dossier.code,
            "procedure": dossier.procedure.code,
            "state": event.to_state,
            "previous_state": event.from_state or None,
            "portal_code": PORTAL_CODES.get(event.to_state),
            "due_at": dossier.due_at.isoformat() if dossier.due_at else None,
            "url": settings.SITE_URL.rstrip("/")
            + reverse("dossiers_api:detail", args=[dossier.code or dossier.reference]),
        },
        "reason": event.reason if event.citizen_visible else "",
    }


def webhooks_enqueue_for_event(
    *, event_id: int | None = None, event: DossierEvent | None = None
) -> list[WebhookDelivery]:
    """Queue a signed status event for the partner that filed the event's dossier.

    The outbox calls it for every event that changes a state (partners.handlers). Events
    that change no state, and dossiers no partner filed, queue nothing (one indexed query).
    Calling it twice for the same event queues nothing twice (one delivery per endpoint
    and event).
    """
    if event is None:
        event = (
            DossierEvent.objects.select_related("dossier__procedure").filter(pk=event_id).first()
        )
    if event is None or event.kind not in STATUS_EVENT_KINDS:
        return []
    if not event.to_state or event.to_state == event.from_state:
        return []
    filing = PartnerFiling.objects.filter(dossier_id=event.dossier_id).first()
    if filing is None:
        return []
    endpoints = list(WebhookEndpoint.objects.filter(partner_id=filing.partner_id, is_active=True))
    if not endpoints:
        return []
    payload = _event_payload(event)
    now = timezone.now()
    deliveries = []
    for endpoint in endpoints:
        delivery, created = WebhookDelivery.objects.get_or_create(
            endpoint=endpoint,
            event=event,
            defaults={
                "event_type": WEBHOOK_EVENT_STATUS_CHANGED,
                "payload": payload,
                "next_retry_at": now,
            },
        )
        if created:
            deliveries.append(delivery)
    from ..tasks import webhook_deliver

    for delivery in deliveries:
        webhook_deliver.delay_on_commit(delivery.pk)
    logger.info("webhooks_enqueued", event_id=event.pk, deliveries=len(deliveries))
    return deliveries


# --- delivery ------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryOutcome:
    status: str
    retry_in: int | None = None  # seconds until the next attempt, when one is planned


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST and return the HTTP status; raises OSError on network failures, timeouts and
    addresses the portal never calls (`egress`)."""
    return egress_post(url, body, headers, timeout=WEBHOOK_TIMEOUT_SECONDS)


def backoff_seconds(attempts: int) -> int:
    return min(
        WEBHOOK_BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), WEBHOOK_BACKOFF_MAX_SECONDS
    )


def _claim(delivery_id: int, now: dt.datetime) -> bool:
    """Take the delivery for this attempt; False when it is done, not due yet (a retry queued
    twice, by its countdown and by the sweep) or another worker has it."""
    stale = now - dt.timedelta(seconds=WEBHOOK_SENDING_STALE_SECONDS)
    return bool(
        WebhookDelivery.objects.filter(pk=delivery_id)
        .filter(
            Q(status=DeliveryStatus.PENDING, next_retry_at__lte=now)
            | Q(status=DeliveryStatus.SENDING, sending_since__lt=stale)
        )
        .update(status=DeliveryStatus.SENDING, sending_since=now, attempts=F("attempts") + 1)
    )


def webhook_delivery_attempt(*, delivery_id: int) -> DeliveryOutcome:
    """Send one delivery once and log the outcome; plan the next attempt if it is worth it."""
    now = timezone.now()
    if not _claim(delivery_id, now):
        current = WebhookDelivery.objects.filter(pk=delivery_id).values_list("status", flat=True)
        return DeliveryOutcome(status=current.first() or "missing")
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode("utf-8")
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "vss-portal-webhooks/1",
        "X-VSS-Event": delivery.event_type,
        "X-VSS-Delivery": str(delivery.reference),
        "X-VSS-Timestamp": str(timestamp),
        "X-VSS-Signature": webhook_signature(
            secret=endpoint.secret, timestamp=timestamp, body=body
        ),
    }
    code, error = None, ""
    if not endpoint.is_active:
        error = "endpoint inactive"
    else:
        try:
            code = _post(endpoint.url, body, headers)
        except (OSError, ValueError) as exc:  # URLError, timeouts, refused connections
            error = exc.__class__.__name__
    finished = timezone.now()
    fields = {"last_response_code": code, "last_error": error[:300], "sending_since": None}
    if code is not None and 200 <= code < 300:
        outcome = DeliveryOutcome(status=DeliveryStatus.DELIVERED)
        fields.update(status=DeliveryStatus.DELIVERED, delivered_at=finished, next_retry_at=None)
    else:
        recoverable = endpoint.is_active and (
            code is None or code >= 500 or code in WEBHOOK_RETRYABLE_STATUSES
        )
        if recoverable and delivery.attempts < WEBHOOK_MAX_ATTEMPTS:
            wait = backoff_seconds(delivery.attempts)
            outcome = DeliveryOutcome(status=DeliveryStatus.PENDING, retry_in=wait)
            fields.update(
                status=DeliveryStatus.PENDING,
                next_retry_at=finished + dt.timedelta(seconds=wait),
            )
        else:
            outcome = DeliveryOutcome(status=DeliveryStatus.FAILED)
            fields.update(status=DeliveryStatus.FAILED, next_retry_at=None)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)
    logger.info(
        "webhook_delivery_attempted",
        delivery_id=delivery.pk,
        endpoint_id=endpoint.pk,
        attempt=delivery.attempts,
        response_code=code,
        error=error,
        status=outcome.status,
    )
    return outcome


def webhook_redeliver(*, delivery: WebhookDelivery, actor: User | None = None) -> None:
    """Send a delivery again now (from the admin), whatever its state; it may retry after."""
    from ..tasks import webhook_deliver

    with transaction.atomic():
        updated = (
            WebhookDelivery.objects.filter(pk=delivery.pk)
            .exclude(status=DeliveryStatus.SENDING)
            .update(status=DeliveryStatus.PENDING, next_retry_at=timezone.now(), delivered_at=None)
        )
        if updated:
            webhook_deliver.delay_on_commit(delivery.pk)
    logger.info(
        "webhook_redelivery_requested",
        delivery_id=delivery.pk,
        actor_id=getattr(actor, "pk", None),
        queued=bool(updated),
    )
