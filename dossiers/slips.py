"""Issuing the legal slips of a dossier as stored PDFs."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from core.storage import unguessable_name

from .constants import EventKind, SlipKind
from .models import Dossier, Slip


def reception_slip_issue(*, dossier: Dossier) -> Slip:
    """The dossier's reception slip, rendered once and kept (safe to call repeatedly)."""
    existing = Slip.objects.filter(dossier=dossier, kind=SlipKind.RECEPTION).first()
    if existing is not None:
        return existing
    from .documents.reception_slip import render_reception_slip

    pdf = render_reception_slip(dossier)
    name = default_storage.save(
        unguessable_name("slip.pdf", prefix=f"slips/{dossier.reference}"), ContentFile(pdf)
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
