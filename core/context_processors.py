from django.conf import settings


def portal(request):
    user = getattr(request, "user", None)
    authenticated = bool(user and user.is_authenticated)
    return {
        "SITE_URL": settings.SITE_URL,
        "portal_user_role": getattr(user, "role", None) if authenticated else None,
        "inbox_unread": _LazyUnread(user) if authenticated else 0,
    }


class _LazyUnread:
    """The unread count, queried only when a template shows it."""

    def __init__(self, user):
        self.user = user
        self._value = None

    def _count(self) -> int:
        if self._value is None:
            from notifications.selectors import inbox_unread_count

            self._value = inbox_unread_count(self.user)
        return self._value

    def __str__(self) -> str:
        return str(self._count())

    def __bool__(self) -> bool:
        return self._count() > 0
