"""Public tracking: a dossier's progress without logging in, revealing no personal data.

A dossier is found by its code together with either the last 4 digits of the applicant's
ID number or the signed token printed in the slip's QR code. Anything else (an unknown
code, wrong digits, a bad token) is simply "not found", and failed attempts are counted:
per client (10 per 10 minutes) and, for the ID digits, per dossier code (30 per hour,
whether or not the code exists) so that many clients together cannot try all 10,000
endings of one code. The counter tablet of `ratings` uses the same lookup and limits.

A locked code must not lock out its owner: the slip's signed token is not a guess, so a
valid one is looked up outside the limits, and a signed-in user who may see the dossier
(`own_tracked`) sees it whatever the counters say.
"""

from __future__ import annotations

import hashlib
import hmac

from django.core import signing
from django.core.cache import cache

from .constants import CODE_MAX_LENGTH
from .models import Dossier

_SALT = "dossiers.tracking"
ATTEMPTS_PER_WINDOW = 10
WINDOW_SECONDS = 600
CODE_ATTEMPTS_PER_WINDOW = 30
CODE_WINDOW_SECONDS = 3600


class TooManyAttempts(Exception):
    """Too many failed look-ups: from this client (`scope` "client", for WINDOW_SECONDS), or
    of this dossier code (`scope` "code", for CODE_WINDOW_SECONDS)."""

    def __init__(self, scope: str = "client") -> None:
        super().__init__(scope)
        self.scope = scope

    @property
    def window_seconds(self) -> int:
        return CODE_WINDOW_SECONDS if self.scope == "code" else WINDOW_SECONDS


def tracking_token(code: str) -> str:
    return signing.dumps(code, salt=_SALT, compress=True)


def code_from_token(token: str) -> str | None:
    try:
        return signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None


def normalise_code(code: str | None) -> str:
    return (code or "").strip().upper()[:CODE_MAX_LENGTH]


def find_tracked(
    *, code: str, id_last4: str | None = None, token: str | None = None
) -> Dossier | None:
    """The dossier when the code matches with the ID's last 4 digits or a slip token."""
    code = normalise_code(code)
    if not code:
        return None
    dossier = (
        Dossier.objects.filter(code=code)
        .select_related("procedure", "competent_office", "receiving_office")
        .first()
    )
    if dossier is None:
        return None
    if token is not None and code_from_token(token) == dossier.code:
        return dossier
    national_id = dossier.applicant_national_id or ""
    if (
        id_last4
        and len(id_last4) == 4
        and len(national_id) >= 4
        and hmac.compare_digest(national_id[-4:], id_last4)
    ):
        return dossier
    return None


# --- attempt counting ------------------------------------------------------------------


def _take(key: str, limit: int, window: int) -> bool:
    """Count one attempt on `key`; False when the limit was already reached."""
    cache.add(key, 0, window)
    try:
        attempts = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        attempts = 1
    return attempts <= limit


def _give_back(key: str) -> None:
    try:
        cache.decr(key)
    except ValueError:
        pass


def _client_key(client: str) -> str:
    return f"track-attempts:client:{hashlib.sha256(client.encode()).hexdigest()[:32]}"


def _code_key(code: str) -> str:
    return f"track-attempts:code:{hashlib.sha256(code.encode()).hexdigest()[:32]}"


def tracked_lookup(
    *, client: str, code: str, id_last4: str | None = None, token: str | None = None
) -> Dossier | None:
    """`find_tracked` behind the attempt limits; raises TooManyAttempts when over them.

    Every attempt takes a slot first (so concurrent requests cannot overshoot) and a
    successful one gives its slots back: only failures count.
    """
    code = normalise_code(code)
    if token is not None and code and code_from_token(token) == code:
        # A valid signature is not a guess: the slip's QR link works even when locked out.
        return find_tracked(code=code, token=token)
    keys = [("client", _client_key(client), ATTEMPTS_PER_WINDOW, WINDOW_SECONDS)]
    if token is None:
        keys.append(("code", _code_key(code), CODE_ATTEMPTS_PER_WINDOW, CODE_WINDOW_SECONDS))
    taken = []
    for scope, key, limit, window in keys:
        taken.append(key)
        if not _take(key, limit, window):
            for held in taken:
                _give_back(held)
            raise TooManyAttempts(scope)
    dossier = find_tracked(code=code, id_last4=id_last4, token=token)
    if dossier is not None:
        for key in taken:
            _give_back(key)
    return dossier


def own_tracked(*, user, code: str) -> Dossier | None:
    """The dossier with this code if the signed-in `user` may open it (its applicant, or staff
    of its offices), outside the attempt limits: an account is not a guess."""
    from .selectors import visible_dossiers

    code = normalise_code(code)
    if not code or not user.is_authenticated:
        return None
    return (
        visible_dossiers(user)
        .filter(code=code)
        .select_related("procedure", "competent_office", "receiving_office")
        .first()
    )


def rate_limited(client_key: str) -> bool:
    """Count one attempt of a client against the shared budget; True once over it.

    Kept for callers that look up with `find_tracked` themselves; `tracked_lookup` is
    preferred (it also limits per code and counts only failed attempts).
    """
    return not _take(_client_key(client_key), ATTEMPTS_PER_WINDOW, WINDOW_SECONDS)


def masked_name(name: str) -> str:
    """ "Nguyễn Văn An" -> "N***** V** A*": enough for the person to recognise it, no more."""
    return " ".join(part[0] + "*" * (len(part) - 1) for part in name.split() if part)
