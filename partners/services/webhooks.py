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
from http import HTTPStatus

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
from dossiers.constants import PORTAL_CODES, DossierState, EventKind
from dossiers.models import DossierEvent

from ..constants import (
    WEBHOOK_BACKOFF_BASE_SECONDS,
    WEBHOOK_BACKOFF_MAX_SECONDS,
    WEBHOOK_MAX_ACTIVE_ENDPOINTS,
    WEBHOOK_MAX_ATTEMPTS,
    WEBHOOK_RETRYABLE_STATUSES,
    WEBHOOK_SENDING_STALE_SECONDS,
    WEBHOOK_SIGNATURE_TOLERANCE_SECONDS,
    WEBHOOK_TIMEOUT_SECONDS,
    DeliveryStatus,
    WebhookEventType,
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


def webhook_event_types_clean(event_types) -> list[str]:
    """Known event types, each once, in catalogue order; empty means every type."""
    chosen = set(event_types or [])
    unknown = chosen - set(WebhookEventType.values)
    if unknown:
        raise ValidationError(
            {
                "event_types": _("Unknown event type: %(types)s.")
                % {"types": ", ".join(sorted(unknown))}
            }
        )
    return [value for value in WebhookEventType.values if value in chosen]


def webhook_endpoint_create(
    *, partner: Partner, url: str, description: str = "", event_types=None
) -> tuple[WebhookEndpoint, str]:
    """Register a URL; return it with its signing secret (shown once to the partner)."""
    event_types = webhook_event_types_clean(event_types)
    with transaction.atomic():
        # One partner's registrations are serialised, so the checks hold under concurrency.
        Partner.objects.select_for_update().filter(pk=partner.pk).first()
        url = webhook_endpoint_clean(partner=partner, url=url)
        secret = _new_secret()
        endpoint = WebhookEndpoint.objects.create(
            partner=partner,
            url=url,
            secret=secret,
            description=description.strip(),
            event_types=event_types,
        )
    logger.info("webhook_endpoint_created", endpoint_id=endpoint.pk, partner_id=partner.pk)
    return endpoint, secret


def webhook_endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    url: str,
    description: str,
    is_active: bool,
    event_types=None,
) -> WebhookEndpoint:
    """Change an endpoint; `event_types` None keeps its subscription, [] takes every type."""
    fields = {}
    if event_types is not None:
        fields["event_types"] = webhook_event_types_clean(event_types)
    with transaction.atomic():
        Partner.objects.select_for_update().filter(pk=endpoint.partner_id).first()
        url = webhook_endpoint_clean(
            partner=endpoint.partner, url=url, endpoint=endpoint, active=is_active
        )
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
            url=url, description=description.strip(), is_active=is_active, **fields
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


def _moment(value: dt.datetime | None) -> str | None:
    """A time as the REST API writes it: ISO 8601 in the portal's time zone (+07:00)."""
    return timezone.localtime(value).isoformat() if value else None


def dossier_summary(dossier) -> dict:
    """The dossier in every dossier event: the procedure as the REST API names it."""
    procedure = dossier.procedure
    return {
        "reference": str(dossier.reference),
        "code": dossier.code,
        "procedure": {
            "code": procedure.code,
            "slug": procedure.slug,
            "name_vi": procedure.name_vi,
            "name_en": procedure.name_en,
        },
        "state": dossier.state,
        "portal_code": PORTAL_CODES.get(dossier.state),
        "due_at": _moment(dossier.due_at),
        "previous_state": None,
        "url": settings.SITE_URL.rstrip("/")
        + reverse("dossiers_api:detail", args=[dossier.code or dossier.reference]),
    }


def event_types_for(event: DossierEvent) -> list[str]:
    """The webhook event types a dossier event is (none, one or several)."""
    types = []
    payload = event.payload or {}
    changed = bool(event.to_state) and event.to_state != event.from_state
    if event.kind in STATUS_EVENT_KINDS and changed:
        types.append(WebhookEventType.STATUS_CHANGED)
        if event.to_state == DossierState.SUPPLEMENT_REQUESTED:
            types.append(WebhookEventType.SUPPLEMENT_REQUESTED)
        if event.to_state == DossierState.RETURNED:
            types.append(WebhookEventType.RESULT_RETURNED)
    if event.kind == EventKind.TRANSITION and payload.get("action") == "sign":
        types.append(WebhookEventType.RESULT_SIGNED)
    if event.kind == EventKind.RATED:
        types.append(WebhookEventType.RATING_RECEIVED)
    return [str(t) for t in types]


def _event_payload(event: DossierEvent, event_type: str) -> dict:
    dossier = event.dossier
    payload = event.payload or {}
    summary = dossier_summary(dossier)
    # The state the event left the dossier in (not the dossier's state when it is sent).
    if event.to_state:
        summary["state"] = event.to_state
        summary["portal_code"] = PORTAL_CODES.get(event.to_state)
    body: dict = {
        "event_id": event.pk,
        "type": event_type,
        "occurred_at": _moment(event.created_at),
        "dossier": summary,
    }
    summary["previous_state"] = event.from_state or None
    if event_type == WebhookEventType.STATUS_CHANGED:
        body["reason"] = event.reason if event.citizen_visible else ""
    elif event_type == WebhookEventType.SUPPLEMENT_REQUESTED:
        body["supplement"] = {
            "reason": event.reason,
            "items": [str(item) for item in payload.get("items", [])],
        }
    elif event_type == WebhookEventType.RESULT_SIGNED:
        body["result"] = {
            "outcome": dossier.outcome or None,
            "decision_number": dossier.decision_number or None,
            "signed_at": _moment(dossier.signed_at) or _moment(event.created_at),
        }
    elif event_type == WebhookEventType.RESULT_RETURNED:
        body["result"] = {
            "outcome": dossier.outcome or None,
            "delivery": payload.get("delivery") or dossier.result_delivery or None,
            "returned_at": _moment(dossier.returned_at) or _moment(event.created_at),
        }
    elif event_type == WebhookEventType.RATING_RECEIVED:
        body["rating"] = {
            "score": payload.get("score"),
            "channel": payload.get("channel"),
            "changed": bool(payload.get("changed")),
        }
    return body


def _filing_partner_id(dossier_id: int) -> int | None:
    return (
        PartnerFiling.objects.filter(dossier_id=dossier_id)
        .values_list("partner_id", flat=True)
        .first()
    )


def _enqueue(
    *,
    partner_id: int,
    event_type: str,
    event_key: str,
    payload: dict,
    event: DossierEvent | None = None,
) -> list[WebhookDelivery]:
    """One delivery per active endpoint of the partner that takes this type (once each)."""
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(partner_id=partner_id, is_active=True)
        if endpoint.receives(event_type)
    ]
    now = timezone.now()
    deliveries = []
    for endpoint in endpoints:
        delivery, created = WebhookDelivery.objects.get_or_create(
            endpoint=endpoint,
            event_type=event_type,
            event_key=event_key,
            defaults={"event": event, "payload": payload, "next_retry_at": now},
        )
        if created:
            deliveries.append(delivery)
    from ..tasks import webhook_deliver

    for delivery in deliveries:
        webhook_deliver.delay_on_commit(delivery.pk)
    return deliveries


def webhooks_enqueue_for_event(
    *, event_id: int | None = None, event: DossierEvent | None = None
) -> list[WebhookDelivery]:
    """Queue the signed events a dossier event is for the partner that filed the dossier.

    The outbox calls it for the events of the catalogue (partners.handlers). Events that are
    none of its types, and dossiers no partner filed, queue nothing. Calling it twice for
    the same event queues nothing twice (one delivery per endpoint, type and event).
    """
    if event is None:
        event = (
            DossierEvent.objects.select_related("dossier__procedure").filter(pk=event_id).first()
        )
    if event is None:
        return []
    types = event_types_for(event)
    if not types:
        return []
    partner_id = _filing_partner_id(event.dossier_id)
    if partner_id is None:
        return []
    deliveries = []
    for event_type in types:
        deliveries += _enqueue(
            partner_id=partner_id,
            event_type=event_type,
            event_key=str(event.pk),
            payload=_event_payload(event, event_type),
            event=event,
        )
    logger.info("webhooks_enqueued", event_id=event.pk, deliveries=len(deliveries))
    return deliveries


def webhooks_enqueue_bundle_part_completed(
    *,
    part_id: int,
    bundle_event_id: int,
    occurred_at: str,
    bundle: dict,
    part: dict,
    dossier_ids: list[int],
) -> list[WebhookDelivery]:
    """Queue `bundle.part_completed` for the partner that filed a VSS dossier of the bundle.

    Published by the beneficiaries app (partners.events.bundle_part_completed) with the
    bundle and part already described: this app knows nothing of bundles.
    """
    from dossiers.models import Dossier

    partner_id = next(
        (pid for pid in map(_filing_partner_id, dossier_ids) if pid is not None), None
    )
    if partner_id is None:
        return []
    dossier = (
        Dossier.objects.select_related("procedure").filter(pk=part.get("dossier_id")).first()
        if part.get("dossier_id")
        else None
    )
    part = {key: value for key, value in part.items() if key != "dossier_id"}
    payload = {
        "event_id": bundle_event_id,
        "type": str(WebhookEventType.BUNDLE_PART_COMPLETED),
        "occurred_at": occurred_at,
        "bundle": bundle,
        "part": part,
        "dossier": dossier_summary(dossier) if dossier is not None else None,
    }
    deliveries = _enqueue(
        partner_id=partner_id,
        event_type=WebhookEventType.BUNDLE_PART_COMPLETED,
        event_key=f"bundle-part-{part_id}",
        payload=payload,
    )
    logger.info("webhooks_enqueued", bundle_event_id=bundle_event_id, deliveries=len(deliveries))
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


def http_status_text(code: int) -> str:
    """`HTTP 503 Service Unavailable`: the status a receiver answered, with its phrase."""
    try:
        phrase = HTTPStatus(code).phrase
    except ValueError:
        phrase = ""
    return f"HTTP {code} {phrase}".strip()


def delivery_error_text(exc: BaseException) -> str:
    """The network error precisely: its class and what it says (`ConnectionRefusedError:
    [Errno 111] Connection refused`, `TimeoutError: timed out`), never a traceback."""
    detail = str(exc).strip()
    name = exc.__class__.__name__
    return f"{name}: {detail}" if detail else name


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
            error = delivery_error_text(exc)
        else:
            if not 200 <= code < 300:
                error = http_status_text(code)
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
