"""Telling people what happened to a dossier: applicants and staff, inbox, e-mail and SMS.

Every message is a `Notification` row, created once per (event, channel) for the
applicant and once per (event, channel, recipient) for officers and leaders (partial
unique constraints), so a repeated task finds its rows instead of sending again.

Delivery (`_deliver`) runs under a row lock taken with SKIP LOCKED, so two workers never
send the same row at once, and records every try as a `DeliveryAttempt`. A failure that
may pass (`OSError`: network, SMTP, gateway) leaves the row `retrying` and is raised
after the other channels were tried, so the Celery task retries it with backoff; the
last try of the round (`MAX_DELIVERY_ATTEMPTS`) leaves it `failed`, which staff see in
the admin and can send again (`notification_retry`). Other errors are not retried.

Sending is at least once: a worker killed between the send and the commit sends again.
"""

from __future__ import annotations

import datetime as dt

import structlog
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .constants import AttemptStatus, Audience, DeliveryStatus, NotificationChannel
from .models import DeliveryAttempt, Notification
from .sms import sms_backend

logger = structlog.get_logger(__name__)

# One round: the first try and the retries of the notification tasks (RETRYING max_retries).
MAX_DELIVERY_ATTEMPTS = 6
# Used when EMAIL_TIMEOUT is not set: no SMTP call may wait for ever.
DEFAULT_EMAIL_TIMEOUT = 10
_UNDELIVERED = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)


def _messages(event, language: str) -> tuple[str, str, str]:
    from dossiers.selectors import tracking_url

    dossier = event.dossier
    with translation.override(language):
        context = {"event": event, "dossier": dossier, "url": tracking_url(dossier)}
        if _is_confirmation(event):
            context["dossier_url"] = settings.SITE_URL.rstrip("/") + reverse(
                "dossiers:detail", kwargs={"reference": dossier.reference}
            )
        subject = render_to_string("notifications/subject.txt", context).strip()
        body = render_to_string("notifications/body.txt", context).strip()
        sms = render_to_string("notifications/sms.txt", context).strip()
    return subject[:200], body, sms


def _is_confirmation(event) -> bool:
    """The submission or counter reception: its messages confirm it with the slip."""
    from dossiers.constants import EventKind

    return event.kind in (EventKind.SUBMITTED, EventKind.RECEIVED)


def _attachments(notification: Notification) -> list[tuple[str, bytes, str]]:
    """The reception slip for the e-mail confirming a submission or reception."""
    from dossiers.constants import SlipKind

    event = notification.event
    if event is None or not _is_confirmation(event):
        return []
    slip = event.dossier.slips.filter(kind=SlipKind.RECEPTION).first()
    if slip is None:  # not rendered yet: the body links to the dossier page instead
        return []
    with slip.file.open("rb") as handle:
        content = handle.read()
    name = f"giay-tiep-nhan-{event.dossier.code}.pdf"
    return [(name, content, "application/pdf")]


def notify_event(*, event_id: int) -> list[Notification]:
    """Create and deliver the notifications of a citizen-visible event (safe to repeat)."""
    from dossiers.models import DossierEvent

    event = DossierEvent.objects.select_related(
        "dossier__procedure", "dossier__applicant", "dossier__principal"
    ).get(pk=event_id)
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
    rows = [
        _notification_get_or_create(
            event=event,
            channel=channel,
            audience=Audience.CITIZEN,
            recipient=user,
            defaults={"address": address, "language": language, "subject": subject, "body": text},
        )
        for channel, address, text in wanted
    ]
    principal = dossier.principal
    if principal is not None and principal.pk != getattr(user, "pk", None):
        # Filed for them by someone else (ủy quyền): the principal hears of each step too.
        p_language = principal.preferred_language or language
        p_subject, p_body, p_sms = _messages(event, p_language)
        p_wanted = [(NotificationChannel.INBOX, "", p_body)]
        if principal.email:
            p_wanted.append((NotificationChannel.EMAIL, principal.email, p_body))
        if principal.phone:
            p_wanted.append((NotificationChannel.SMS, principal.phone, p_sms))
        rows += [
            _notification_get_or_create(
                event=event,
                channel=channel,
                audience=Audience.PRINCIPAL,
                recipient=principal,
                defaults={
                    "address": address,
                    "language": p_language,
                    "subject": p_subject,
                    "body": text,
                },
            )
            for channel, address, text in p_wanted
        ]
    return _deliver_all(rows)


def notify_takeover_code(*, event_id: int, code: str) -> list[Notification]:
    """The applicant's one-time code for a counter take-over: inbox and SMS, never e-mail
    (the code is read out at the counter; safe to repeat)."""
    from dossiers.models import DossierEvent

    event = DossierEvent.objects.select_related(
        "dossier__procedure", "dossier__applicant", "office"
    ).get(pk=event_id)
    dossier = event.dossier
    user = dossier.applicant
    if user is None:
        return []
    language = user.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "code": code,
            "office": event.office,
            "procedure": dossier.procedure,
            "minutes": settings.TAKEOVER_CODE_TTL_MINUTES,
        }
        subject = render_to_string("notifications/takeover_subject.txt", context).strip()
        body = render_to_string("notifications/takeover_body.txt", context).strip()
    return _inbox_and_sms(
        user=user,
        phone=dossier.applicant_phone or user.phone,
        language=language,
        subject=subject,
        body=body,
        event=event,
    )


def notify_ticket_holder(*, ticket_id: int, called_event_id: int | None = None) -> list:
    """Tell a signed-in citizen holding a queue ticket that three people are ahead of it, or
    (with `called_event_id`) that it is called: inbox, and SMS when they gave a phone number.

    One notification per (ticket notice, channel) (`about` with a partial unique constraint),
    rows already sent are skipped: safe to repeat.
    """
    from queues.models import Ticket, TicketEvent

    ticket = Ticket.objects.select_related("citizen", "office", "group").get(pk=ticket_id)
    user = ticket.citizen
    if user is None:
        return []
    language = user.preferred_language or settings.LANGUAGE_CODE
    counter = None
    if called_event_id is not None:
        called = TicketEvent.objects.select_related("counter").get(pk=called_event_id)
        counter = called.counter.number if called.counter_id else None
        about = f"queues.called:{called_event_id}"
    else:
        about = f"queues.ahead_three:{ticket_id}"
    url = settings.SITE_URL.rstrip("/") + reverse(
        "queues:ticket_phone", kwargs={"reference": ticket.reference}
    )
    with translation.override(language):
        context = {
            "ticket": ticket,
            "counter": counter,
            "url": url,
            "called": called_event_id is not None,
        }
        subject = render_to_string("notifications/ticket_subject.txt", context).strip()
        body = render_to_string("notifications/ticket_body.txt", context).strip()
    return _inbox_and_sms(
        user=user, phone=user.phone, language=language, subject=subject, body=body, about=about
    )


def _inbox_and_sms(
    *, user, phone: str, language: str, subject: str, body: str, event=None, about: str = ""
) -> list[Notification]:
    """A citizen's notice in their inbox, and by SMS when there is a phone number (never
    e-mail): one row per channel, found again rather than sent twice on a repeat."""
    wanted = [(NotificationChannel.INBOX, "")]
    if phone:
        wanted.append((NotificationChannel.SMS, phone))
    rows = [
        _notification_get_or_create(
            event=event,
            about=about,
            channel=channel,
            audience=Audience.CITIZEN,
            recipient=user,
            defaults={
                "address": address,
                "language": language,
                "subject": subject[:200],
                "body": body,
            },
        )
        for channel, address in wanted
    ]
    return _deliver_all(rows)


def notify_staff(*, event_id: int, recipient_ids: list[int]) -> list[Notification]:
    """Tell officers and leaders about a dossier event: inbox, and e-mail when they have one.

    Safe to repeat: one row per (event, channel, recipient), and rows already sent are left.
    Inactive accounts and citizens among `recipient_ids` are skipped.
    """
    from accounts.constants import STAFF_ROLES
    from accounts.models import User
    from dossiers.models import DossierEvent

    event = DossierEvent.objects.select_related(
        "dossier__procedure", "dossier__assigned_to", "dossier__competent_office"
    ).get(pk=event_id)
    users = User.objects.filter(
        pk__in=recipient_ids, is_active=True, role__in=STAFF_ROLES
    ).order_by("pk")
    rows = []
    for user in users:
        language = user.preferred_language or settings.LANGUAGE_CODE
        subject, body = _staff_messages(event, user, language)
        defaults = {"language": language, "subject": subject, "body": body}
        rows.append(
            _notification_get_or_create(
                event=event,
                channel=NotificationChannel.INBOX,
                audience=Audience.STAFF,
                recipient=user,
                defaults=defaults,
            )
        )
        if user.email:
            rows.append(
                _notification_get_or_create(
                    event=event,
                    channel=NotificationChannel.EMAIL,
                    audience=Audience.STAFF,
                    recipient=user,
                    defaults={**defaults, "address": user.email},
                )
            )
    return _deliver_all(rows)


def _staff_messages(event, user, language: str) -> tuple[str, str]:
    from accounts.constants import Role

    dossier = event.dossier
    url = settings.SITE_URL.rstrip("/") + reverse(
        "dossiers:detail", kwargs={"reference": dossier.reference}
    )
    draft_due = event.payload.get("apology_draft_due_at")
    context = {
        "event": event,
        "dossier": dossier,
        "recipient": user,
        "is_leader": user.role == Role.OFFICE_LEADER,
        "is_assigned": dossier.assigned_to_id == user.pk,
        "due_at": dt.datetime.fromisoformat(event.payload["due_at"])
        if event.payload.get("due_at")
        else dossier.due_at,
        "apology_draft_due_at": dt.datetime.fromisoformat(draft_due) if draft_due else None,
        "url": url,
    }
    with translation.override(language):
        subject = render_to_string("notifications/staff_subject.txt", context).strip()
        body = render_to_string("notifications/staff_body.txt", context).strip()
    return " ".join(subject.split())[:200], body


def _notification_get_or_create(
    *, event, channel: str, audience: str, recipient, defaults: dict, about: str = ""
) -> Notification:
    lookup = {"event": event, "channel": channel, "audience": audience}
    if event is None:
        lookup["about"] = about
    if audience in (Audience.STAFF, Audience.PRINCIPAL):
        lookup["recipient"] = recipient
    else:
        defaults = {**defaults, "recipient": recipient}
    try:
        with transaction.atomic():
            notification, _ = Notification.objects.get_or_create(**lookup, defaults=defaults)
    except IntegrityError:  # created meanwhile by a concurrent run of the same task
        notification = Notification.objects.get(**lookup)
    return notification


def notification_deliver(*, notification_id: int) -> Notification | None:
    """Deliver one notification now if it still waits (used after a staff retry)."""
    notification, retry = _deliver(notification_id)
    if retry is not None:
        raise retry
    return notification


def notification_retry(*, notification_ids: list[int]) -> int:
    """Give failed (or stuck retrying) notifications a new round of attempts.

    Delivery runs in a task on commit; the row lock and status check in `_deliver` keep a
    retry that was still scheduled from sending a second time.
    """
    from .tasks import notification_deliver_task

    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update()
            .filter(
                pk__in=notification_ids,
                status__in=[DeliveryStatus.FAILED, DeliveryStatus.RETRYING],
            )
            .values_list("pk", flat=True)
        )
        Notification.objects.filter(pk__in=ids).update(
            status=DeliveryStatus.PENDING, attempts=0, last_error=""
        )
        for pk in ids:
            notification_deliver_task.delay_on_commit(pk)
    logger.info("notifications_retry_requested", count=len(ids))
    return len(ids)


def _deliver_all(notifications: list[Notification]) -> list[Notification]:
    """Try every channel, then raise the first failure worth retrying (if any)."""
    delivered = []
    retry: OSError | None = None
    for notification in notifications:
        result, error = _deliver(notification.pk)
        delivered.append(result or notification)
        retry = retry or error
    if retry is not None:
        raise retry
    return delivered


def _deliver(notification_id: int) -> tuple[Notification | None, OSError | None]:
    """One delivery attempt, recorded. Returns the row and the error to retry, if any."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk=notification_id)
            .first()
        )
        if notification is None:  # another worker is delivering it right now, or it is gone
            return Notification.objects.filter(pk=notification_id).first(), None
        if notification.status not in _UNDELIVERED:
            return notification, None
        number = notification.attempts + 1
        retry: OSError | None = None
        try:
            _send(notification)
        except OSError as exc:  # network, SMTP and gateway trouble may pass
            final = number >= MAX_DELIVERY_ATTEMPTS
            status = DeliveryStatus.FAILED if final else DeliveryStatus.RETRYING
            retry = None if final else exc
            error = exc.__class__.__name__
        # Anything else (a bad address, a broken backend) will not pass by retrying.
        except Exception as exc:
            status, error = DeliveryStatus.FAILED, exc.__class__.__name__
        else:
            status, error = DeliveryStatus.SENT, ""
        notification.status = status
        notification.attempts = number
        notification.last_error = error[:300]
        fields = ["status", "attempts", "last_error"]
        if status == DeliveryStatus.SENT:
            notification.sent_at = timezone.now()
            fields.append("sent_at")
        notification.save(update_fields=fields)
        DeliveryAttempt.objects.create(
            notification=notification,
            number=number,
            status=AttemptStatus.SENT if status == DeliveryStatus.SENT else AttemptStatus.FAILED,
            error=error[:300],
        )
    if status == DeliveryStatus.SENT:
        logger.info(
            "notification_sent", notification_id=notification.pk, channel=notification.channel
        )
    else:
        logger.warning(
            "notification_failed",
            notification_id=notification.pk,
            channel=notification.channel,
            attempt=number,
            final=status == DeliveryStatus.FAILED,
            error=error,
        )
    return notification, retry


def _send(notification: Notification) -> None:
    if notification.channel == NotificationChannel.EMAIL:
        timeout = getattr(settings, "EMAIL_TIMEOUT", None) or DEFAULT_EMAIL_TIMEOUT
        message = EmailMessage(
            notification.subject,
            notification.body,
            None,
            [notification.address],
            connection=get_connection(timeout=timeout),
        )
        for name, content, mimetype in _attachments(notification):
            message.attach(name, content, mimetype)
        message.send()
    elif notification.channel == NotificationChannel.SMS:
        sms_backend().send(to=notification.address, text=notification.body)
    # The inbox row itself is the delivery.


def inbox_mark_read(*, user, notification_ids: list[int] | None = None) -> int:
    """Mark the user's inbox messages read (all of them when no ids are given)."""
    qs = Notification.objects.filter(
        recipient=user, channel=NotificationChannel.INBOX, read_at__isnull=True
    )
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())
