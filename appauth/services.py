"""Writes of the citizen app's access: its OAuth 2 client registration."""

from __future__ import annotations

import structlog
from django.conf import settings
from django.db import transaction
from oauth2_provider.models import AccessToken, Application, Grant, RefreshToken

from .constants import DEMO_CLIENT_ID, DEMO_CLIENT_NAME

logger = structlog.get_logger(__name__)


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


@transaction.atomic
def citizen_app_access_withdraw(*, user, application_id: int) -> int:
    """Withdraw an app's access to `user`'s account: its refresh tokens are revoked (so it
    cannot get new access tokens), its access tokens and unused authorization codes are
    deleted. Returns how many tokens were ended; safe to repeat (0 the second time). The
    app asks the citizen's consent again next time."""
    ended = 0
    for refresh in RefreshToken.objects.select_for_update().filter(
        user=user, application_id=application_id, revoked__isnull=True
    ):
        refresh.revoke()  # DOT: revokes its access token too, marks the refresh token
        ended += 1
    deleted, _by_model = AccessToken.objects.filter(
        user=user, application_id=application_id
    ).delete()
    Grant.objects.filter(user=user, application_id=application_id).delete()
    ended += deleted
    if ended:
        logger.info("oauth_app_access_withdrawn", user_id=user.pk, application_id=application_id)
    return ended
