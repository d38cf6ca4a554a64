from django.db.models import QuerySet

from .constants import NotificationChannel
from .models import Notification


def inbox(*, user) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(recipient=user, channel=NotificationChannel.INBOX)
        .select_related("event__dossier")
        .order_by("-created_at")
    )


def inbox_unread_count(user) -> int:
    return inbox(user=user).filter(read_at__isnull=True).count()
