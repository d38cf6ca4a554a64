"""Writing the access log: one INSERT per opening, nothing read first.

Everything a record needs is already in memory when a page or an API operation opens a
dossier (the signed-in user with their role and office id, the dossier's id and code), so
recording an opening costs exactly one INSERT and no extra read.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from accounts.constants import Role
from accounts.models import User

from .constants import (
    PARTNER_ROLE,
    SESSION_REASONS_KEPT,
    SESSION_REASONS_KEY,
    AccessChannel,
    AccessKind,
)
from .models import AccessRecord

# Roles whose openings are logged: staff. Citizens opening their own dossier are not.
LOGGED_ROLES = frozenset(
    {
        Role.COUNTER_OFFICER,
        Role.PROCESSING_OFFICER,
        Role.OFFICE_LEADER,
        Role.SUPERVISOR,
        Role.ADMINISTRATOR,
    }
)


def is_logged(user: User, *, partner_id: int | None = None) -> bool:
    """Whether this user's openings are written to the access log."""
    return partner_id is not None or (user.is_authenticated and user.role in LOGGED_ROLES)


def access_record(
    *,
    actor: User,
    kind: AccessKind | str,
    channel: AccessChannel | str,
    dossier_id: int | None = None,
    dossier_code: str | None = "",
    object_id: int | None = None,
    reason: str = "",
    partner_id: int | None = None,
) -> AccessRecord:
    """Record that `actor` (or the partner system `partner_id` through its token) opened
    something. One INSERT; the role and office are those the actor has now."""
    return AccessRecord.objects.create(
        actor=actor,
        role=PARTNER_ROLE if partner_id is not None else actor.role,
        office_id=None if partner_id is not None else actor.office_id,
        partner_id=partner_id,
        channel=channel,
        kind=kind,
        dossier_id=dossier_id,
        dossier_code=dossier_code or "",
        object_id=object_id,
        reason=reason[:500],
    )


def reason_required(user: User, *, office_ids: tuple[int | None, ...]) -> bool:
    """A supervisor opening something of an office other than their own gives a reason.

    `office_ids` are the offices the thing belongs to (a dossier's competent and receiving
    offices). A supervisor attached to no office gives a reason for everything.
    """
    if not user.is_authenticated or user.role != Role.SUPERVISOR:
        return False
    return user.office_id is None or user.office_id not in office_ids


def session_reason(session: MutableMapping[str, Any], key: str) -> str:
    """The reason given in this session for opening `key` ("" when none)."""
    return (session.get(SESSION_REASONS_KEY) or {}).get(key, "")


def session_reason_remember(session: MutableMapping[str, Any], key: str, reason: str) -> None:
    """Keep the reason for the rest of the session (the oldest beyond the limit forgotten)."""
    reasons = dict(session.get(SESSION_REASONS_KEY) or {})
    reasons.pop(key, None)
    reasons[key] = reason.strip()[:500]
    while len(reasons) > SESSION_REASONS_KEPT:
        reasons.pop(next(iter(reasons)))
    session[SESSION_REASONS_KEY] = reasons
