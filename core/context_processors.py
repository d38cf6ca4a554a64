from django.conf import settings


def portal(request):
    user = getattr(request, "user", None)
    return {
        "SITE_URL": settings.SITE_URL,
        "portal_user_role": getattr(user, "role", None) if user and user.is_authenticated else None,
    }
