"""Recording who opens a dossier, its documents and its letters (the access log).

Pages call `dossier_opened` through `views.common.get_visible_dossier`, the API through
`api.common.get_dossier`: one INSERT into the access log for a staff member or a partner
system, nothing for the applicant. A supervisor opening a dossier of another office gives a
reason first (kept in the session for that dossier, and written with every opening).
"""

from __future__ import annotations

from accesslog.constants import AccessChannel, AccessKind
from accesslog.services import access_record, is_logged, reason_required, session_reason

from .exceptions import AccessReasonRequired
from .models import Dossier


def reason_key(dossier: Dossier) -> str:
    return f"dossier:{dossier.pk}"


def dossier_opened(
    *,
    request,
    dossier: Dossier,
    kind: AccessKind | str | None = AccessKind.DOSSIER,
    object_id: int | None = None,
    channel: AccessChannel | str = AccessChannel.PAGE,
    partner_id: int | None = None,
    reason: str | None = None,
) -> None:
    """Check the supervisor's reason, then log the opening (reads only: GET and HEAD).

    `kind=None` checks the reason but writes nothing (polls and POSTs: the event trail
    records the writes). `reason` given (the API's header) overrides the session's.
    """
    user = request.user
    if not is_logged(user, partner_id=partner_id):
        return
    if reason is None:
        reason = session_reason(request.session, reason_key(dossier)) if partner_id is None else ""
    if not reason and reason_required(
        user, office_ids=(dossier.competent_office_id, dossier.receiving_office_id)
    ):
        raise AccessReasonRequired(dossier)
    if kind is None or request.method not in ("GET", "HEAD"):
        return
    access_record(
        actor=user,
        kind=kind,
        channel=channel,
        dossier_id=dossier.pk,
        dossier_code=dossier.code,
        object_id=object_id,
        reason=reason,
        partner_id=partner_id,
    )
