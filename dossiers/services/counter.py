"""What the counter does for a person standing at it, besides receiving a dossier.

- Refusing a walk-in dossier that cannot be received (form 03, with the reason): the draft
  gets a dossier code of the counter's office, like an online dossier refused at reception,
  so the refusal slip and the tracking book can name it.
- A withdrawal asked for in person: the officer checks the ID document the person shows
  against the applicant's ID number before the dossier is withdrawn.

Both lock the row, run the django-fsm transition, save the changed fields and append the
audit event in one transaction; the letter and the notification follow on commit.
"""

from __future__ import annotations

import hmac

import structlog
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from accounts.constants import Role
from accounts.models import User
from offices.models import Office
from offices.selectors import provincial_office_for

from ..codes import dossier_code_next
from ..constants import Channel, DossierState, EventKind, SlipKind
from ..events import counts_changed
from ..exceptions import DossierConflict, DossierError, NotAllowed, NotAllowedInState
from ..models import Dossier
from .intake import can_edit_draft, event_append
from .workflow import is_reception_staff

logger = structlog.get_logger(__name__)


class IdentityMismatch(DossierError):
    """The ID document shown at the counter is not the applicant's."""

    code = "identity_mismatch"
    status = 422
    message = _(
        "This ID number does not match the applicant of the dossier. Only the applicant "
        "(or a person with the applicant's ID document) may withdraw it."
    )


def can_refuse_at_counter(user: User, dossier: Dossier) -> bool:
    return dossier.channel == Channel.COUNTER and can_edit_draft(user, dossier)


def dossier_counter_refuse(*, dossier: Dossier, officer: User, reason: str) -> Dossier:
    """Refuse a walk-in dossier at the counter (form 03). Repeating it changes nothing."""
    reason = reason.strip()
    if not reason:
        raise DossierError(_("Please give a reason."))
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if locked.state == DossierState.REFUSED and locked.channel == Channel.COUNTER:
            if locked.receiving_office_id == officer.office_id:
                return locked  # pressed twice: the first refusal stands
        if not can_refuse_at_counter(officer, locked):
            raise NotAllowed()
        now = timezone.now()
        fields = ["state", "code", "submitted_at", "stop_reason", "draft_expires_at"]
        if locked.competent_office_id is None and locked.applicant_province_code:
            try:
                locked.competent_office = provincial_office_for(
                    province_code=locked.applicant_province_code
                )
                fields.append("competent_office")
            except Office.DoesNotExist:
                pass
        locked.refuse_at_counter(
            at=now,
            code=dossier_code_next(office=officer.office, day=timezone.localdate(now)),
            reason=reason,
        )
        locked.revision = F("revision") + 1
        locked.save(update_fields=[*fields, "revision", "updated_at"])
        event_append(
            dossier=locked,
            kind=EventKind.TRANSITION,
            actor=officer,
            from_state=DossierState.DRAFT,
            to_state=DossierState.REFUSED,
            reason=reason,
            payload={"action": "refuse", "at_counter": True},
            citizen_visible=True,
            notify_citizen=True,
            letter=SlipKind.REFUSAL,
        )
        counts_changed(locked.pk)
    logger.info("dossier_refused_at_counter", dossier_id=locked.pk)
    return Dossier.objects.get(pk=locked.pk)  # not refresh_from_db: see docs/adr/0003


def can_withdraw_in_person(user: User, dossier: Dossier) -> bool:
    return (
        user.role == Role.COUNTER_OFFICER
        and is_reception_staff(user, dossier)
        and can_proceed(dossier.withdraw)
    )


def _same_id(presented: str, expected: str) -> bool:
    presented = "".join(presented.split())
    return bool(expected) and hmac.compare_digest(presented.encode(), expected.encode())


def dossier_withdraw_in_person(
    *,
    dossier: Dossier,
    officer: User,
    id_number: str,
    reason: str,
    revision: int | None = None,
) -> Dossier:
    """The applicant asks at the counter to withdraw the dossier (công dân rút hồ sơ).

    The officer records the number of the ID document presented; it must be the
    applicant's. The event keeps the reason and that the identity was checked (not the
    number itself: the applicant's number is already on the dossier).
    """
    reason = reason.strip()
    if not reason:
        raise DossierError(_("Please give a reason."))
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if revision is not None and revision != locked.revision:
            raise DossierConflict()
        if not can_withdraw_in_person(officer, locked):
            raise NotAllowedInState()
        if not _same_id(id_number, locked.applicant_national_id):
            raise IdentityMismatch()
        from_state = locked.state
        locked.withdraw(reason=reason)
        locked.revision = F("revision") + 1
        locked.save(update_fields=["state", "stop_reason", "revision", "updated_at"])
        event_append(
            dossier=locked,
            kind=EventKind.TRANSITION,
            actor=officer,
            from_state=from_state,
            to_state=DossierState.WITHDRAWN,
            reason=reason,
            payload={"action": "withdraw", "in_person": True, "identity_checked": True},
            citizen_visible=True,
            notify_citizen=True,
        )
        counts_changed(locked.pk)
    logger.info("dossier_withdrawn_in_person", dossier_id=locked.pk)
    return Dossier.objects.get(pk=locked.pk)
