"""Public tracking: a dossier's progress without logging in, revealing no personal data."""

from __future__ import annotations

from django.core import signing
from django.core.cache import cache

from .models import Dossier

_SALT = "dossiers.tracking"
ATTEMPTS_PER_WINDOW = 10
WINDOW_SECONDS = 600


def tracking_token(code: str) -> str:
    return signing.dumps(code, salt=_SALT, compress=True)


def code_from_token(token: str) -> str | None:
    try:
        return signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None


def rate_limited(client_key: str) -> bool:
    """True once a client has tried too many code combinations in the window."""
    key = f"track-attempts:{client_key}"
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        attempts = cache.incr(key)
    except ValueError:
        cache.set(key, 1, WINDOW_SECONDS)
        attempts = 1
    return attempts > ATTEMPTS_PER_WINDOW


def find_tracked(
    *, code: str, id_last4: str | None = None, token: str | None = None
) -> Dossier | None:
    """The dossier when the code matches with the ID's last 4 digits or a slip token."""
    code = (code or "").strip().upper()
    if not code or code.startswith("-"):
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
    if id_last4 and len(id_last4) == 4 and dossier.applicant_national_id.endswith(id_last4):
        return dossier
    return None


def masked_name(name: str) -> str:
    """ "Nguyễn Văn An" -> "N***** V** A*": enough for the person to recognise it, no more."""
    return " ".join(part[0] + "*" * (len(part) - 1) for part in name.split() if part)
