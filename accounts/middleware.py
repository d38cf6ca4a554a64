"""Staff must pass the second factor before anything else (pages, admin, API)."""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

# Reachable before the second factor: the code step itself, signing out, language, assets.
_OPEN_PREFIXES = ("/accounts/two-factor/", "/accounts/logout/", "/i18n/", "/jsi18n/", "/healthz")


class StaffTwoFactorMiddleware:
    """A staff member (or anyone who may open the admin) signed in with a password only is
    sent to enrolment or to the code step; the API answers 403 problem+json instead.

    Runs after django-otp's OTPMiddleware, which sets `request.user.is_verified()`.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "needs_two_factor", False)
            and not user.is_verified()
            and not request.path.startswith(_OPEN_PREFIXES)
            and not request.path.startswith(settings.STATIC_URL)
        ):
            if request.path.startswith("/api/"):
                return _api_refusal(request)
            target = reverse("accounts:two_factor")
            if request.method == "GET":
                target += "?" + urlencode({"next": request.get_full_path()})
            return redirect(target)
        return self.get_response(request)


def _api_refusal(request):
    from django.http import JsonResponse
    from django.utils.translation import gettext as _

    from core.api import PROBLEM_BASE, PROBLEM_CONTENT_TYPE

    title = _("Two-factor sign-in required")
    return JsonResponse(
        {
            "type": PROBLEM_BASE + "two-factor-required",
            "title": title,
            "status": 403,
            "detail": _("Complete the two-factor step of the sign-in in the portal first."),
            "code": "two_factor_required",
        },
        status=403,
        content_type=PROBLEM_CONTENT_TYPE,
    )
