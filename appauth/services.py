"""Writes of the citizen app's access: its OAuth 2 client registration."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from oauth2_provider.models import Application

from .constants import DEMO_CLIENT_ID, DEMO_CLIENT_NAME


def citizen_app_default_redirect_uri() -> str:
    return f"{settings.CITIZEN_APP_REDIRECT_SCHEMES[0]}://oauth/callback"


@transaction.atomic
def citizen_app_client_ensure(
    *,
    client_id: str = DEMO_CLIENT_ID,
    name: str = DEMO_CLIENT_NAME,
    redirect_uris: list[str] | None = None,
) -> Application:
    """Register (or bring up to date) the citizen app as a public client: a mobile app keeps
    no secret, so it uses the authorization code with PKCE, asks the citizen's consent, and
    gets no other grant. Safe to repeat."""
    uris = " ".join(redirect_uris or [citizen_app_default_redirect_uri()])
    application, _created = Application.objects.update_or_create(
        client_id=client_id,
        defaults={
            "name": name,
            "client_type": Application.CLIENT_PUBLIC,
            "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
            "redirect_uris": uris,
            "skip_authorization": False,
            "client_secret": "",
        },
    )
    return application
