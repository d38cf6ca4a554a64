"""The longer statutory limit of procedures whose law allows one when verification is needed.

The SI book re-issue has 15 days, or up to 45 days when the contribution history must be
verified. The catalogue holds the longer limit on the procedure version
(`verification_time_limit`); the officer records on the dossier that verification is
needed, with the reason, and the appointed time moves to the longer limit. It is not an
apology: the dossier is on time up to the new appointed time.
"""

from __future__ import annotations

import structlog
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from workdays.services import add_time_limit

from ..constants import DossierState, EventKind
from ..events import counts_changed
from ..exceptions import DossierConflict, DossierError, NotAllowed, NotAllowedInState
from ..models import Dossier
from .intake import event_append
from .workflow import is_assigned_officer, is_office_leader

logger = structlog.get_logger(__name__)

VERIFICATION_STATES = frozenset(
    {
        DossierState.RECEIVED,
        DossierState.IN_PROCESSING,
        DossierState.APPRAISAL,
        DossierState.SUPPLEMENT_REQUESTED,
    }
)


def verification_already_recorded(dossier: Dossier) -> bool:
    return dossier.events.filter(kind=EventKind.VERIFICATION_NEEDED).exists()


def can_record_verification(user: User, dossier: Dossier) -> bool:
    """The assigned officer or the office leader, while the dossier is being handled."""
    return (
        dossier.state in VERIFICATION_STATES
        and bool(dossier.version.verification_time_limit)
        and (is_assigned_officer(user, dossier) or is_office_leader(user, dossier))
        and not verification_already_recorded(dossier)
    )


def dossier_verification_record(
    *, dossier: Dossier, officer: User, reason: str, revision: int | None = None
) -> Dossier:
    """Record that verification is needed: the version's longer limit sets the appointed time.

    The new appointed time is the longer limit counted from reception, moved by whatever
    the current one was already moved (a stopped clock while a supplement was awaited).
    """
    if not reason.strip():
        raise DossierError(_("Please give a reason."))
    with transaction.atomic():
        locked = (
            Dossier.objects.select_for_update(of=("self",))
            .select_related("version")
            .get(pk=dossier.pk)
        )
        if revision is not None and revision != locked.revision:
            raise DossierConflict()
        if not (is_assigned_officer(officer, locked) or is_office_leader(officer, locked)):
            raise NotAllowed()
        version = locked.version
        if not version.verification_time_limit:
            raise DossierError(_("This procedure has no longer time limit for verification."))
        if locked.state not in VERIFICATION_STATES:
            raise NotAllowedInState()
        if verification_already_recorded(locked):
            raise DossierError(_("Verification was already recorded for this dossier."))
        start = locked.received_at or locked.submitted_at
        longer = add_time_limit(start, version.verification_time_limit, version.time_limit_unit)
        moved_by = locked.due_at - locked.original_due_at
        # The statutory date moves to the longer limit too, keeping its supplement pauses
        # (an apology's shift stays on `due_at` only).
        paused = locked.statutory_appointment - locked.original_due_at
        previous_due_at = locked.due_at
        locked.original_due_at = longer
        locked.statutory_due_at = longer + paused
        locked.due_at = longer + moved_by
        locked.revision = F("revision") + 1
        locked.save(
            update_fields=[
                "due_at",
                "original_due_at",
                "statutory_due_at",
                "revision",
                "updated_at",
            ]
        )
        event_append(
            dossier=locked,
            kind=EventKind.VERIFICATION_NEEDED,
            actor=officer,
            reason=reason.strip(),
            payload={
                "time_limit": version.verification_time_limit,
                "time_limit_unit": version.time_limit_unit,
                "previous_due_at": previous_due_at.isoformat(),
                "due_at": locked.due_at.isoformat(),
            },
            citizen_visible=True,
            notify_citizen=True,
        )
        counts_changed(locked.pk)
    logger.info("dossier_verification_recorded", dossier_id=locked.pk)
    return Dossier.objects.get(pk=locked.pk)  # not refresh_from_db: see docs/adr/0003
