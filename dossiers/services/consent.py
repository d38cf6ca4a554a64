"""The citizen's consent before a counter finishes their online draft (issue #18).

Before, a counter officer anywhere could take over any online draft knowing only the
applicant's ID number, then read its documents. Now the counter sees only that a draft
exists (procedure and date) until the citizen consents, in one of two ways:

- a one-time code: `takeover_code_send` writes a `TakeOverConsent` with the keyed hash of
  a 6-digit code, appends a `takeover_code_sent` event and publishes the code on
  `events.TAKEOVER_CODE` (the notifications app delivers it to the applicant's inbox and
  phone). `dossier_takeover_with_code` checks it: right, unexpired, unused, for this
  officer, within `TAKEOVER_CODE_MAX_ATTEMPTS` wrong tries (each wrong try is counted);
- the citizen's presence: `dossier_takeover_in_person` records the officer's explicit
  confirmation and the number of the ID card shown, which must be the applicant's.

Either way the consent row is marked used and the take-over event names the consent.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets

import structlog
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from accounts.constants import Role
from accounts.models import User

from ..constants import Channel, ConsentMethod, DossierState, EventKind
from ..events import takeover_code_publish
from ..exceptions import DossierError, IntakeRefused, NotAllowed
from ..models import Dossier, TakeOverConsent
from .intake import _lock, event_append

logger = structlog.get_logger(__name__)

CODE_DIGITS = 6
_SALT = "dossiers.takeover_code"


class ConsentRefused(DossierError):
    code = "consent_refused"
    status = 422
    message = _("The code is not right. Ask the citizen to read it again.")


def _hash(consent_key: str, code: str) -> str:
    return salted_hmac(_SALT, f"{consent_key}:{code}", algorithm="sha256").hexdigest()


def _check_takeover(dossier: Dossier, officer: User) -> None:
    if dossier.state != DossierState.DRAFT or dossier.channel != Channel.ONLINE:
        raise NotAllowed()
    if officer.role != Role.COUNTER_OFFICER or officer.office_id is None:
        raise NotAllowed()
    if Channel.COUNTER not in dossier.procedure.channels:
        raise IntakeRefused(_("This procedure cannot be filed at the counter."))
    if dossier.applicant_id is None:
        raise NotAllowed()


def takeover_code_send(*, dossier: Dossier, officer: User) -> TakeOverConsent:
    """Send the applicant a one-time code to read out to the counter officer."""
    now = timezone.now()
    with transaction.atomic():
        locked = _lock(dossier)
        _check_takeover(locked, officer)
        recent = TakeOverConsent.objects.filter(
            dossier=locked, method=ConsentMethod.CODE, created_at__gte=now - dt.timedelta(hours=1)
        ).count()
        if recent >= settings.TAKEOVER_CODES_PER_HOUR:
            raise DossierError(
                _("Too many codes were sent for this draft in the last hour. Try again later.")
            )
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        key = secrets.token_hex(8)
        consent = TakeOverConsent.objects.create(
            dossier=locked,
            officer=officer,
            office_id=officer.office_id,
            method=ConsentMethod.CODE,
            code_hash=f"{key}${_hash(key, code)}",
            expires_at=now + dt.timedelta(minutes=settings.TAKEOVER_CODE_TTL_MINUTES),
        )
        event = event_append(
            dossier=locked,
            kind=EventKind.TAKEOVER_CODE_SENT,
            actor=officer,
            payload={"consent_id": consent.pk},
            citizen_visible=True,
        )
        takeover_code_publish(event=event, consent_id=consent.pk, code=code)
    logger.info("takeover_code_sent", dossier_id=locked.pk, consent_id=consent.pk)
    return consent


def dossier_takeover_with_code(*, dossier: Dossier, officer: User, code: str) -> Dossier:
    """Take the draft over with the code the citizen read out. A wrong code counts a try
    (committed even though the take-over is refused)."""
    code = "".join(code.split())
    now = timezone.now()
    refused: DossierError | None = None
    with transaction.atomic():
        locked = _lock(dossier)
        _check_takeover(locked, officer)
        consent = (
            TakeOverConsent.objects.select_for_update()
            .filter(
                dossier=locked,
                officer=officer,
                method=ConsentMethod.CODE,
                used_at__isnull=True,
                expires_at__gt=now,
            )
            .order_by("-created_at")
            .first()
        )
        if consent is None:
            raise DossierError(_("No valid code: send the citizen a new code."))
        if consent.attempts >= settings.TAKEOVER_CODE_MAX_ATTEMPTS:
            raise DossierError(_("Too many wrong codes: send the citizen a new code."))
        key, _sep, expected = consent.code_hash.partition("$")
        if not (code.isdigit() and hmac.compare_digest(_hash(key, code), expected)):
            TakeOverConsent.objects.filter(pk=consent.pk).update(attempts=F("attempts") + 1)
            refused = ConsentRefused()
        else:
            consent.used_at = now
            consent.save(update_fields=["used_at"])
            _hand_over(locked, officer, consent)
    if refused is not None:
        logger.info("takeover_code_refused", dossier_id=dossier.pk)
        raise refused
    return Dossier.objects.get(pk=dossier.pk)  # not refresh_from_db: see docs/adr/0003


def dossier_takeover_in_person(
    *, dossier: Dossier, officer: User, id_number: str, confirmed: bool
) -> Dossier:
    """Take the draft over because the applicant stands at the counter with the ID card."""
    from .counter import IdentityMismatch, _same_id

    if not confirmed:
        raise DossierError(_("Confirm that the citizen is present with the ID card."))
    with transaction.atomic():
        locked = _lock(dossier)
        _check_takeover(locked, officer)
        # The applicant, or their representative recorded on the draft (ủy quyền).
        if not (
            _same_id(id_number, locked.applicant_national_id)
            or _same_id(id_number, locked.representative_national_id)
        ):
            raise IdentityMismatch(
                _("This ID number is not the applicant's: the draft stays online.")
            )
        consent = TakeOverConsent.objects.create(
            dossier=locked,
            officer=officer,
            office_id=officer.office_id,
            method=ConsentMethod.PRESENCE,
            used_at=timezone.now(),
        )
        _hand_over(locked, officer, consent)
    return Dossier.objects.get(pk=dossier.pk)  # not refresh_from_db: see docs/adr/0003


def _hand_over(locked: Dossier, officer: User, consent: TakeOverConsent) -> None:
    locked.channel = Channel.COUNTER
    locked.receiving_office_id = officer.office_id
    locked.revision = F("revision") + 1
    locked.save(update_fields=["channel", "receiving_office", "revision", "updated_at"])
    event_append(
        dossier=locked,
        kind=EventKind.HANDED_OVER,
        actor=officer,
        payload={
            "from": Channel.ONLINE,
            "to": Channel.COUNTER,
            "citizen_id": locked.applicant_id,
            "consent": consent.method,
            "consent_id": consent.pk,
            **({"identity_checked": True} if consent.method == ConsentMethod.PRESENCE else {}),
        },
        citizen_visible=True,
        notify_citizen=False,
    )
    logger.info(
        "dossier_taken_over_at_counter",
        dossier_id=locked.pk,
        consent_id=consent.pk,
        method=consent.method,
    )
