"""Telling citizens what happened to their dossier: inbox, e-mail and SMS."""

from __future__ import annotations

import structlog
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .constants import DeliveryStatus, NotificationChannel
from .models import Notification
from .sms import sms_backend

logger = structlog.get_logger(__name__)


def _messages(event, language: str) -> tuple[str, str, str]:
    from dossiers.selectors import tracking_url

    dossier = event.dossier
    with translation.override(language):
        context = {"event": event, "dossier": dossier, "url": tracking_url(dossier)}
        subject = render_to_string("notifications/subject.txt", context).strip()
        body = render_to_string("notifications/body.txt", context).strip()
        sms = render_to_string("notifications/sms.txt", context).strip()
    return subject[:200], body, sms


def notify_event(*, event_id: int) -> list[Notification]:
    """Create and deliver the notifications of a citizen-visible event (safe to repeat)."""
    from dossiers.models import DossierEvent

    event = DossierEvent.objects.select_related("dossier__procedure", "dossier__applicant").get(
        pk=event_id
    )
    dossier = event.dossier
    if not event.citizen_visible or not dossier.code:
        return []
    user = dossier.applicant
    language = user.preferred_language if user else "vi"
    subject, body, sms_text = _messages(event, language)
    wanted = []
    if user is not None:
        wanted.append((NotificationChannel.INBOX, "", body))
    email = dossier.applicant_email or (user.email if user else "")
    if email:
        wanted.append((NotificationChannel.EMAIL, email, body))
    phone = dossier.applicant_phone or (user.phone if user else "")
    if phone:
        wanted.append((NotificationChannel.SMS, phone, sms_text))
    delivered = []
    for channel, address, text in wanted:
        try:
            with transaction.atomic():
                notification, _ = Notification.objects.get_or_create(
                    event=event,
                    channel=channel,
                    defaults={
                        "recipient": user,
                        "address": address,
                        "language": language,
                        "subject": subject,
                        "body": text,
                    },
                )
        except IntegrityError:
            notification = Notification.objects.get(event=event, channel=channel)
        delivered.append(_deliver(notification))
    return delivered


def _deliver(notification: Notification) -> Notification:
    if notification.status == DeliveryStatus.SENT:
        return notification
    try:
        if notification.channel == NotificationChannel.EMAIL:
            send_mail(notification.subject, notification.body, None, [notification.address])
        elif notification.channel == NotificationChannel.SMS:
            sms_backend().send(to=notification.address, text=notification.body)
    except Exception as exc:
        Notification.objects.filter(pk=notification.pk).update(
            attempts=notification.attempts + 1,
            status=DeliveryStatus.FAILED,
            last_error=exc.__class__.__name__,
        )
        logger.warning(
            "notification_failed",
            notification_id=notification.pk,
            channel=notification.channel,
            error=exc.__class__.__name__,
        )
        raise
    Notification.objects.filter(pk=notification.pk).update(
        attempts=notification.attempts + 1,
        status=DeliveryStatus.SENT,
        sent_at=timezone.now(),
        last_error="",
    )
    notification.status = DeliveryStatus.SENT
    return notification


def inbox_mark_read(*, user, notification_ids: list[int] | None = None) -> int:
    """Mark the user's inbox messages read (all of them when no ids are given)."""
    qs = Notification.objects.filter(
        recipient=user, channel=NotificationChannel.INBOX, read_at__isnull=True
    )
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())
