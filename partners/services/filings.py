"""Dossiers filed by partner systems: one at a time, or many in one batch request."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import structlog
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dossiers.constants import Channel
from dossiers.exceptions import DossierConflict, DossierError, DossierIncomplete, IntakeRefused
from dossiers.models import Dossier
from dossiers.services import (
    dossier_document_add,
    dossier_draft_create,
    dossier_draft_save,
    dossier_submit,
)
from dossiers.uploads import UploadRejected
from procedures.constants import Filer
from procedures.models import DocumentComponent, Procedure, ProcedureVersion
from procedures.selectors import NoVersionInForce, version_in_force
from workdays.services import calendar_preloaded

from ..constants import BatchItemStatus, PartnerKind
from ..models import Partner, PartnerBatch, PartnerFiling, PartnerToken
from .bulk_filing import batch_bulk_possible, batch_file_bulk

logger = structlog.get_logger(__name__)


class BatchKeyReused(DossierError):
    code = "idempotency_key_reused"
    status = 422
    message = gettext_lazy("This Idempotency-Key was already used for a different request.")


class BatchInProgress(DossierConflict):
    code = "batch_in_progress"
    message = gettext_lazy(
        "A batch with this Idempotency-Key is still being filed. Ask again in a moment."
    )


def partner_filing_record(
    *,
    token: PartnerToken,
    dossier: Dossier,
    batch: PartnerBatch | None = None,
    external_id: str = "",
) -> PartnerFiling:
    partner = token.partner
    return PartnerFiling.objects.create(
        partner=partner,
        dossier=dossier,
        token=token,
        batch=batch,
        external_id=external_id[:64],
        employer_unit_code=partner.employer_unit_code
        if partner.kind == PartnerKind.EMPLOYER
        else "",
    )


def filing_channel(partner: Partner) -> str:
    """I-VAN providers file on the I-VAN channel (only procedures that accept it); employers
    and other partners file electronically on the portal's online channel."""
    return Channel.IVAN if partner.kind == PartnerKind.IVAN else Channel.ONLINE


def partner_draft_create(
    *,
    token: PartnerToken,
    procedure: Procedure,
    values: dict[str, Any],
    province_code: int | None = None,
    address: str | None = None,
    batch: PartnerBatch | None = None,
    external_id: str = "",
    version: ProcedureVersion | None = None,
) -> Dossier:
    """Start a draft on behalf of a partner's client and record that the partner filed it.

    The partner's service account is the draft's applicant account; the person concerned
    is named by the form fields (full name, ID number ...), which fill the applicant columns.
    """
    partner = token.partner
    if partner.kind == PartnerKind.EMPLOYER and procedure.filer == Filer.INDIVIDUAL:
        raise IntakeRefused(_("Employers cannot file this procedure; the person files it."))
    user = partner.user
    with transaction.atomic():
        dossier = dossier_draft_create(
            procedure=procedure,
            actor=user,
            channel=filing_channel(partner),
            applicant=user,
            version=version,
        )
        partner_filing_record(token=token, dossier=dossier, batch=batch, external_id=external_id)
        if values or province_code is not None or address is not None:
            dossier = dossier_draft_save(
                dossier=dossier,
                actor=user,
                values=values,
                next_step=dossier.draft_step,
                province_code=province_code,
                address=address,
            )
    logger.info("partner_draft_created", dossier_id=dossier.pk, partner_id=token.partner_id)
    return dossier


# --- batches -------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchDocument:
    component: DocumentComponent
    file: File


@dataclass
class BatchItem:
    """One item, already checked by the API: either cleaned values, or the errors found."""

    index: int
    external_id: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    province_code: int | None = None
    address: str | None = None
    documents: list[BatchDocument] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)


class _ItemRejected(Exception):
    def __init__(self, errors: list[dict]):
        self.errors = errors
        super().__init__("item rejected")


def _error(message, code: str, field_name: str | None = None) -> dict:
    return {"field": field_name, "message": str(message), "code": code}


def _file_one(
    *,
    batch: PartnerBatch,
    token: PartnerToken,
    item: BatchItem,
    version: ProcedureVersion | None = None,
) -> dict:
    """File one item in its own transaction; a failure leaves nothing of it behind."""
    result = {"index": item.index, "external_id": item.external_id, "dossier": None}
    if item.errors:
        return {**result, "status": BatchItemStatus.REJECTED, "errors": item.errors, "missing": []}
    stored: list[str] = []
    user = token.partner.user
    try:
        with transaction.atomic():
            dossier = partner_draft_create(
                token=token,
                procedure=batch.procedure,
                values=item.values,
                province_code=item.province_code,
                address=item.address,
                batch=batch,
                external_id=item.external_id,
                version=version,
            )
            for position, document in enumerate(item.documents):
                try:
                    added = dossier_document_add(
                        dossier=dossier,
                        component=document.component,
                        uploaded=document.file,
                        actor=user,
                    )
                except UploadRejected as exc:
                    raise _ItemRejected(
                        [_error(exc.message, exc.code, f"documents[{position}].content")]
                    ) from exc
                stored.append(added.file.name)
            missing: list[str] = []
            if batch.submit:
                try:
                    dossier = dossier_submit(dossier=dossier, actor=user)
                except DossierIncomplete as exc:
                    missing = [str(name) for name in exc.missing]
    except _ItemRejected as exc:
        _delete_files(stored)
        return {**result, "status": BatchItemStatus.REJECTED, "errors": exc.errors, "missing": []}
    except DossierError as exc:
        _delete_files(stored)
        return {
            **result,
            "status": BatchItemStatus.REJECTED,
            "errors": [_error(exc.message, exc.code)],
            "missing": [],
        }
    # The services return the dossier as stored: no re-read.
    status = BatchItemStatus.SUBMITTED if dossier.code else BatchItemStatus.DRAFT
    return {
        **result,
        "status": status,
        "dossier": {
            "reference": str(dossier.reference),
            "code": dossier.code,
            "state": dossier.state,
        },
        "errors": [],
        "missing": missing,
    }


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def _replay(batch: PartnerBatch, request_fingerprint: str) -> PartnerBatch:
    if batch.request_fingerprint != request_fingerprint:
        raise BatchKeyReused()
    if batch.total and not batch.results:
        raise BatchInProgress()
    return batch


def partner_batch_file(
    *,
    token: PartnerToken,
    procedure: Procedure,
    submit: bool,
    items: list[BatchItem],
    idempotency_key: str | None = None,
    request_fingerprint: str = "",
    version: ProcedureVersion | None = None,
) -> tuple[PartnerBatch, bool]:
    """File every item independently and record the per-item result (in bulk when it can).

    `version`: the version in force, when the caller has read it already (with its
    components prefetched); read here otherwise.

    Returns the batch and whether it was a replay: a repeated idempotency key with the same
    request returns the first batch untouched (`BatchKeyReused` for a different request).
    """
    partner = token.partner
    if partner.kind != PartnerKind.EMPLOYER:
        raise DossierError(_("Only employers can file in batches."))
    if procedure.filer == Filer.INDIVIDUAL:
        raise IntakeRefused(_("Employers cannot file this procedure; the person files it."))
    if idempotency_key:
        existing = PartnerBatch.objects.filter(
            partner=partner, idempotency_key=idempotency_key
        ).first()
        if existing is not None:
            return _replay(existing, request_fingerprint), True
    try:
        batch = PartnerBatch.objects.create(
            partner=partner,
            token=token,
            procedure=procedure,
            submit=submit,
            idempotency_key=idempotency_key or None,
            request_fingerprint=request_fingerprint,
            total=len(items),
        )
    except IntegrityError:  # a concurrent request with the same key was first
        existing = PartnerBatch.objects.get(partner=partner, idempotency_key=idempotency_key)
        return _replay(existing, request_fingerprint), True
    # The version in force is looked up once for the whole batch (submission still checks it).
    if version is None:
        try:
            version = version_in_force(procedure=procedure)
        except NoVersionInForce:
            pass  # each item is refused with the reason by the draft service
    # One calendar for every due date of the batch (workdays.services.calendar_preloaded).
    today = timezone.localdate()
    with calendar_preloaded(today - dt.timedelta(days=7), today + dt.timedelta(days=400)):
        # The bulk path files what passes its checks; the rest goes through the services
        # one by one, which give each refused item its exact error (bulk_filing.py).
        by_index: dict[int, dict] = {}
        left = items
        if batch_bulk_possible(token=token, batch=batch, version=version):
            by_index, left = batch_file_bulk(batch=batch, token=token, items=items, version=version)
        for item in left:
            by_index[item.index] = _file_one(batch=batch, token=token, item=item, version=version)
        results = [by_index[item.index] for item in items]
    counts = dict.fromkeys(BatchItemStatus.values, 0)
    for result in results:
        counts[result["status"]] += 1
    PartnerBatch.objects.filter(pk=batch.pk).update(
        results=results,
        submitted=counts[BatchItemStatus.SUBMITTED],
        drafts=counts[BatchItemStatus.DRAFT],
        rejected=counts[BatchItemStatus.REJECTED],
    )
    logger.info(
        "partner_batch_filed",
        batch_id=batch.pk,
        partner_id=partner.pk,
        total=len(items),
        **{f"{status}_count": count for status, count in counts.items()},
    )
    return PartnerBatch.objects.get(pk=batch.pk), False
