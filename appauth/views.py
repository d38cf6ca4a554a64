"""The authorization server's endpoints: django-oauth-toolkit's views, with the portal's rules.

- authorize: only a signed-in citizen may grant the app access (staff accounts are refused);
  the consent page is the portal's (templates/oauth2_provider/authorize.html), and its form
  may redirect to the app's private-use URI scheme (CSP form-action).
- token: failed requests are counted per client address; past the limit, 429.
"""

from __future__ import annotations

import structlog
from csp.decorators import csp_update
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from oauth2_provider import views as oauth_views

from core.api import PROBLEM_BASE, PROBLEM_CONTENT_TYPE
from core.http import client_ip

from .selectors import citizen_authorised_apps
from .services import citizen_app_access_withdraw
from .throttling import token_failure_record, token_failures_exceeded

logger = structlog.get_logger(__name__)


# The consent form's answer redirects to the app: its private-use scheme, or an https
# address the app claims. DOT only redirects to a URI registered for the client.
@method_decorator(
    csp_update(
        {
            "form-action": [
                "https:",
                *(f"{scheme}:" for scheme in settings.CITIZEN_APP_REDIRECT_SCHEMES),
            ]
        }
    ),
    name="dispatch",
)
class CitizenAuthorizationView(oauth_views.AuthorizationView):
    template_name = "oauth2_provider/authorize.html"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not user.is_citizen:
            raise PermissionDenied(_("Only citizens can give an app access to their account."))
        return super().dispatch(request, *args, **kwargs)


class ThrottledTokenView(oauth_views.TokenView):
    def post(self, request, *args, **kwargs):
        retry_after = token_failures_exceeded(request)
        if retry_after:
            logger.info("oauth_token_throttled", address=client_ip(request))
            title = _("Too many failed token requests from this address.")
            response = JsonResponse(
                {
                    "type": PROBLEM_BASE + "throttled",
                    "title": title,
                    "status": 429,
                    "detail": _("Try again in %(seconds)d seconds.") % {"seconds": retry_after},
                    "code": "throttled",
                },
                status=429,
                content_type=PROBLEM_CONTENT_TYPE,
            )
            response["Retry-After"] = str(retry_after)
            return response
        response = super().post(request, *args, **kwargs)
        if response.status_code >= 400:
            token_failure_record(request)
        return response


@login_required
def authorised_apps(request):
    """The apps a citizen allowed to use their account; POST `application` withdraws one."""
    if not request.user.is_citizen:
        raise PermissionDenied(_("Only citizens give apps access to their account."))
    if request.method == "POST":
        try:
            application_id = int(request.POST.get("application", ""))
        except ValueError:
            application_id = None
        if application_id is not None and citizen_app_access_withdraw(
            user=request.user, application_id=application_id
        ):
            messages.success(request, _("The app's access was withdrawn."))
        else:
            messages.info(request, _("That app had no access to your account."))
        return redirect("oauth2_provider:authorised_apps")
    scopes = settings.OAUTH2_PROVIDER.get("SCOPES", {})
    apps = [
        {"entry": entry, "scopes": [scopes.get(name, name) for name in entry.scopes]}
        for entry in citizen_authorised_apps(user=request.user)
    ]
    return render(request, "appauth/authorised_apps.html", {"apps": apps})
