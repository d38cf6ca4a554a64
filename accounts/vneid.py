"""VNeID sign-in: the OpenID Connect client (Authlib), configured by settings.VNEID_*.

The provider is found through its discovery document; the authorization code flow runs with
PKCE (S256), state and nonce; the ID token is checked against the provider's published keys
(signature, issuer, audience, expiry, nonce) by Authlib. Its verified claims are what
`accounts.services.citizen_sign_in_verified` trusts: `cccd` (the 12-digit personal ID
number), `name`, `birthdate` (YYYY-MM-DD) and `gender` ("male" / "female").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.core.exceptions import ValidationError

from core.identifiers import validate_national_id

from .constants import Gender

_clients: dict[tuple, object] = {}


def vneid_enabled() -> bool:
    return bool(settings.VNEID_DISCOVERY_URL and settings.VNEID_CLIENT_ID)


def vneid_client():
    """The Authlib client for the configured provider (its metadata and keys are cached)."""
    key = (
        settings.VNEID_DISCOVERY_URL,
        settings.VNEID_CLIENT_ID,
        settings.VNEID_CLIENT_SECRET,
        settings.VNEID_SCOPES,
        settings.VNEID_TIMEOUT,
    )
    client = _clients.get(key)
    if client is None:
        oauth = OAuth()
        client = oauth.register(
            name="vneid",
            client_id=settings.VNEID_CLIENT_ID,
            client_secret=settings.VNEID_CLIENT_SECRET,
            server_metadata_url=settings.VNEID_DISCOVERY_URL,
            client_kwargs={
                "scope": settings.VNEID_SCOPES,
                "code_challenge_method": "S256",
                "default_timeout": settings.VNEID_TIMEOUT,
            },
        )
        _clients.clear()
        _clients[key] = client
    return client


@dataclass(frozen=True)
class VerifiedIdentity:
    national_id: str
    full_name: str
    date_of_birth: dt.date
    gender: str


def verified_identity(claims: dict) -> VerifiedIdentity:
    """The identity the provider vouches for; ValidationError when a claim is missing or the
    CCCD does not agree with the date of birth and gender."""
    try:
        date_of_birth = dt.date.fromisoformat(str(claims.get("birthdate", "")))
    except ValueError as exc:
        raise ValidationError("birthdate") from exc
    gender = claims.get("gender")
    full_name = " ".join(str(claims.get("name", "")).split())
    if gender not in Gender.values or not full_name:
        raise ValidationError("gender or name")
    national_id = validate_national_id(
        str(claims.get("cccd", "")), date_of_birth=date_of_birth, gender=gender
    )
    return VerifiedIdentity(
        national_id=national_id,
        full_name=full_name[:150],
        date_of_birth=date_of_birth,
        gender=gender,
    )
