"""API access shared by every app's API: scopes, scoped tokens and the scope permission.

An API request is made either with a session (citizens, officers: governed by roles) or
with a scoped token (`request.auth`). Which tokens exist, who holds them and how they
authenticate belongs to the app that issues them (`partners`); this module is the generic
part every API view needs, so the apps below the issuer (`dossiers`) need not import it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission


class Scope(models.TextChoices):
    """What a token may do. A token holds a subset of its holder's allowed scopes."""

    DOSSIERS_READ = "dossiers_read", _("Read the dossiers it filed")
    DOSSIERS_WRITE = "dossiers_write", _("File dossiers and act on them")
    BATCH_FILING = "batch_filing", _("File many dossiers in one request")
    HI_CARD_LOOKUP = "hi_card_lookup", _("Look up health insurance cards")
    WEBHOOKS = "webhooks", _("Register webhook addresses and read their delivery log")


class ScopedToken:
    """What an API token model offers the API views (mixed into the token model)."""

    def grants(self, required: Iterable[str]) -> bool:
        """Whether the token may use every scope in `required`."""
        raise NotImplementedError


class DelegatedToken:
    """A token a person gave an app to act as them (the citizen app's OAuth 2 access token).

    Unlike a `ScopedToken` it holds no rights of its own: the request runs with the person's
    rights (`request.user`, their role), narrowed by the scopes the person granted, so
    `request_token` does not return it and the views treat the request like the person's
    session. `HasScope` checks its scopes all the same.
    """

    def grants(self, required: Iterable[str]) -> bool:
        """Whether the person granted every scope in `required` (core `Scope` values)."""
        raise NotImplementedError


def request_delegation(request) -> DelegatedToken | None:
    """The delegated token the request was authenticated with; None otherwise."""
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, DelegatedToken) else None


def request_token(request) -> ScopedToken | None:
    """The token the request was authenticated with; None for sessions and anonymous."""
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ScopedToken) else None


def _required(view, method: str) -> tuple[str, ...] | None:
    required = getattr(view, "required_scopes", None)
    if isinstance(required, dict):
        return tuple(required.get(method, ())) if method in required else None
    return None if required is None else tuple(required)


class HasScope(BasePermission):
    """A token (scoped or delegated) needs every scope the view names in `required_scopes` (a
    list, or a dict by HTTP method); a view that names none is closed to tokens. Sessions
    pass (roles apply)."""

    message = _("This token does not have the scope this operation needs.")

    def has_permission(self, request, view):
        token = request_token(request) or request_delegation(request)
        if token is None:
            return True
        required = _required(view, request.method)
        if required is None:
            return False
        return token.grants(required)
