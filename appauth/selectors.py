"""Reads of the citizen app's access: which apps a citizen allowed to use their account."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone
from oauth2_provider.models import AccessToken, Application, RefreshToken


@dataclass
class AuthorisedApp:
    application: Application
    since: object  # datetime of the oldest live token
    last_used: object  # datetime of the newest live token
    scopes: list[str] = field(default_factory=list)


def citizen_authorised_apps(*, user) -> list[AuthorisedApp]:
    """The apps holding a live token of `user` (an unexpired access token or an unrevoked
    refresh token), by name, with the scopes granted and when. Two queries."""
    now = timezone.now()
    apps: dict[int, AuthorisedApp] = {}
    access = AccessToken.objects.filter(user=user, expires__gt=now).select_related("application")
    refresh = RefreshToken.objects.filter(user=user, revoked__isnull=True).select_related(
        "application", "access_token"
    )
    rows = [(t.application, t.created, t.updated, t.scope) for t in access] + [
        (
            t.application,
            t.created,
            t.updated,
            t.access_token.scope if t.access_token_id else "",
        )
        for t in refresh
    ]
    for application, created, updated, scope in rows:
        if application is None:
            continue
        entry = apps.setdefault(
            application.pk, AuthorisedApp(application=application, since=created, last_used=updated)
        )
        entry.since = min(entry.since, created)
        entry.last_used = max(entry.last_used, updated)
        for name in scope.split():
            if name not in entry.scopes:
                entry.scopes.append(name)
    return sorted(apps.values(), key=lambda entry: (entry.application.name, entry.application.pk))
