"""`Authorization: Bearer <access token>` from the citizen app (django-oauth-toolkit)."""

from __future__ import annotations

from collections.abc import Iterable

from oauth2_provider.contrib.rest_framework import OAuth2Authentication

from core.api_access import DelegatedToken

from .constants import API_SCOPES


class CitizenAppGrant(DelegatedToken):
    """What a citizen granted the app: `request.auth` of a bearer-token request."""

    def __init__(self, access_token):
        self.access_token = access_token

    @property
    def scopes(self) -> list[str]:
        return sorted(self.access_token.scope.split())

    def has(self, scope: str) -> bool:
        return self.access_token.allow_scopes([scope])

    def grants(self, required: Iterable[str]) -> bool:
        required = list(required)
        if any(scope not in API_SCOPES for scope in required):
            return False
        return self.access_token.allow_scopes([API_SCOPES[scope] for scope in required])


class CitizenAppAuthentication(OAuth2Authentication):
    """A valid, unexpired, unrevoked access token of an active citizen: the request runs with
    the citizen's rights, narrowed by the token's scopes (core.api_access.HasScope). Any
    other bearer token is refused like a missing one (401)."""

    www_authenticate_realm = "api"

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user, access_token = result
        if not user.is_active or not user.is_citizen:
            return None
        return user, CitizenAppGrant(access_token)
