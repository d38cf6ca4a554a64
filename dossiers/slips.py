"""Issuing the legal slips of a dossier as stored PDFs."""

from __future__ import annotations

import hashlib

import structlog
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.storage import unguessable_name

from .constants import EventKind, Outcome, SlipKind
from .models import Dossier, Slip

logger = structlog.get_logger(__name__)


def reception_slip_issue(*, dossier: Dossier) -> Slip:
    """The dossier's reception slip, rendered once and kept (safe to call repeatedly)."""
    existing = Slip.objects.filter(dossier=dossier, kind=SlipKind.RECEPTION).first()
    if existing is not None:
        return existing
    from .documents.reception_slip import render_reception_slip

    pdf = render_reception_slip(dossier)
    name = default_storage.save(
        unguessable_name(".pdf", prefix=f"slips/{dossier.reference}"), ContentFile(pdf)
    )
    try:
        with transaction.atomic():
            slip = Slip.objects.create(
                dossier=dossier,
                kind=SlipKind.RECEPTION,
                file=name,
                sha256=hashlib.sha256(pdf).hexdigest(),
            )
            from .services import event_append

            event_append(
                dossier=dossier,
                kind=EventKind.SLIP_ISSUED,
                actor=None,
                payload={"slip": SlipKind.RECEPTION, "sha256": slip.sha256},
            )
    except IntegrityError:
        # Another worker issued it first; keep theirs.
        default_storage.delete(name)
        return Slip.objects.get(dossier=dossier, kind=SlipKind.RECEPTION)
    return slip


def reception_slip_when_ready(*, dossier: Dossier) -> Slip | None:
    """The stored reception slip, or None while the worker may still be rendering it.

    For the first `RECEPTION_SLIP_WAIT_SECONDS` after reception a missing slip is "being
    prepared" (None). After that, a slip still missing (worker down) is rendered once, here,
    as a fallback, and stored like the worker's (docs/workers.md). The caller has checked
    `has_reception_slip`.
    """
    slip = Slip.objects.filter(dossier=dossier, kind=SlipKind.RECEPTION).first()
    if slip is not None:
        return slip
    received = dossier.received_at or dossier.submitted_at
    waited = (timezone.now() - received).total_seconds() if received else None
    if waited is not None and waited < settings.RECEPTION_SLIP_WAIT_SECONDS:
        return None
    logger.warning("reception_slip_rendered_in_request", dossier_id=dossier.pk)
    return reception_slip_issue(dossier=dossier)


def _letter_pdf(event, kind: str) -> tuple[bytes, bool]:
    """Render the letter an event calls for; returns (pdf, signed)."""
    from .documents import letters

    dossier = event.dossier
    officer = event.actor
    if kind == SlipKind.SUPPLEMENT:
        pdf = letters.render_supplement_request(
            dossier,
            officer=officer,
            reason=event.reason,
            missing_items=event.payload.get("items", []),
            at=event.created_at,
        )
    elif kind == SlipKind.REFUSAL:
        pdf = letters.render_refusal(
            dossier, officer=officer, reason=event.reason, at=event.created_at
        )
    elif kind == SlipKind.APOLOGY:
        import datetime as dt

        from accounts.models import User

        # Prepared by an officer, signed by the leader who issued it (the event's actor).
        preparer = User.objects.filter(pk=event.payload.get("prepared_by_id")).first()
        pdf = letters.render_apology(
            dossier,
            officer=preparer or officer,
            signer=officer,
            reason=event.reason,
            new_due_at=dt.datetime.fromisoformat(event.payload["new_due_at"]),
            at=event.created_at,
        )
    elif kind == SlipKind.STOPPED:
        pdf = letters.render_stopped_notice(
            dossier, officer=officer, reason=event.reason, at=event.created_at
        )
    elif kind == SlipKind.RESULT:
        from .documents.signing import sign_pdf
        from .results import result_facts

        # The leader signs; without a signature step, the deciding officer signs on the
        # director's behalf ("TL. GIÁM ĐỐC").
        signer = dossier.signed_by or officer
        approved = dossier.outcome == Outcome.APPROVED
        unsigned = letters.render_decision(
            dossier,
            outcome=dossier.outcome,
            decision_text=dossier.decision_text,
            signer_name=signer.display_name if signer else "",
            signer_title="GIÁM ĐỐC" if dossier.signed_by_id else "TL. GIÁM ĐỐC",
            facts=result_facts(dossier) if approved else [],
            at=event.created_at,
        )
        office = dossier.competent_office
        return (
            sign_pdf(
                unsigned,
                reason=f"Ký duyệt kết quả hồ sơ {dossier.code}",
                location=office.name if office else "Việt Nam",
                signer_name=signer.display_name if signer else "",
            ),
            True,
        )
    else:
        raise ValueError(f"no letter for {kind}")
    return pdf, False


def letter_issue(*, event, kind: str) -> Slip:
    """The letter an event calls for (refusal, supplement request, apology, result ...).

    Safe to repeat: one slip per event and kind (database constraint).
    """
    existing = Slip.objects.filter(event=event, kind=kind).first()
    if existing is not None:
        return existing
    pdf, signed = _letter_pdf(event, kind)
    name = default_storage.save(
        unguessable_name(".pdf", prefix=f"slips/{event.dossier.reference}"),
        ContentFile(pdf),
    )
    try:
        with transaction.atomic():
            return Slip.objects.create(
                dossier=event.dossier,
                kind=kind,
                event=event,
                file=name,
                signed=signed,
                sha256=hashlib.sha256(pdf).hexdigest(),
            )
    except IntegrityError:
        default_storage.delete(name)
        return Slip.objects.get(event=event, kind=kind)
