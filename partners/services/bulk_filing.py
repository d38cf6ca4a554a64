"""The bulk path of batch filing (issue #15): many items in a constant number of statements.

`partner_batch_file` first checks every item in memory: its files by content, where its
data sends it (the competent office) and, when the batch submits, what is still missing.
Items that pass are then written together: one INSERT each for the dossiers, the partner
filings, the documents and the audit events, one `dossier_codes_take` per office for
the day's codes, and the events published through the outbox in one INSERT. An item the checks
refuse, and every item if the bulk write fails, goes through the services one by one
(`filings._file_one`), so its result and error are exactly what the services give.

What each item becomes is what the services make of it (draft created, form saved,
documents added, submitted): the same rows, states, revisions and events, in that order.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import structlog
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.utils import timezone

from accounts.constants import Role
from core.storage import unguessable_name
from dossiers.codes import dossier_codes_take
from dossiers.constants import APPLICANT_CHANNELS, DocumentSource, DossierState, EventKind
from dossiers.events import counts_changed_many, events_publish
from dossiers.exceptions import DossierError
from dossiers.forms import checked_fields_reused
from dossiers.models import Dossier, DossierDocument, DossierEvent
from dossiers.prefill import known_values
from dossiers.services.intake import (
    _draft_expiry,
    _snapshot_applicant_from_data,
    dossier_missing_items,
)
from dossiers.uploads import UploadInfo, UploadRejected, display_name, inspect_upload
from offices.models import Office
from offices.selectors import provincial_office_for
from procedures.models import ProcedureVersion
from workdays.services import add_time_limit

from ..constants import BatchItemStatus, PartnerKind
from ..models import PartnerBatch, PartnerFiling, PartnerToken

logger = structlog.get_logger(__name__)


@dataclass
class _Planned:
    """An item that passed the checks, with everything needed to write it."""

    item: Any  # filings.BatchItem
    dossier: Dossier
    documents: list[tuple[Any, UploadInfo]]  # (BatchDocument, what inspect_upload found)
    submit: bool
    missing: list[str] = field(default_factory=list)
    office: Office | None = None
    saved: bool = True
    stored: list[str] = field(default_factory=list)


def _as_stored(values: dict) -> dict:
    """Form values as the JSON column stores them (what `dossier_draft_save` keeps)."""
    encoder = Dossier._meta.get_field("data").encoder
    return json.loads(json.dumps(values, cls=encoder))


def batch_bulk_possible(*, token: PartnerToken, batch: PartnerBatch, version) -> bool:
    """Whether the batch as a whole can take the bulk path (else every item goes one by one)."""
    from .filings import filing_channel

    user = token.partner.user
    return (
        version is not None
        and token.partner.kind == PartnerKind.EMPLOYER
        and user is not None
        and user.role == Role.CITIZEN
        and filing_channel(token.partner) in batch.procedure.channels
        and filing_channel(token.partner) in APPLICANT_CHANNELS
    )


def _plan(
    *,
    batch: PartnerBatch,
    token: PartnerToken,
    items: list,
    version: ProcedureVersion,
    now,
) -> tuple[list[_Planned], list]:
    """Check every item in memory; returns (planned items, items left to the services)."""
    from .filings import filing_channel

    user = token.partner.user
    channel = filing_channel(token.partner)
    definitions = version.field_definitions()
    known = known_values(user)
    prefilled = {
        f["name"]: known[f["prefill"]]
        for f in definitions
        if f.get("prefill") and known.get(f["prefill"])
    }
    components = list(version.components.all())
    limit = settings.DOSSIER_MAX_TOTAL_MB * 1024 * 1024
    offices: dict[int | None, Office | None] = {}
    planned: list[_Planned] = []
    one_by_one: list = []
    for item in items:
        if item.errors:
            one_by_one.append(item)
            continue
        if any(d.component.version_id != version.pk for d in item.documents):
            one_by_one.append(item)  # refused with the reason by the services
            continue
        documents = []
        try:
            for document in item.documents:
                component = document.component
                name = getattr(document.file, "name", "") or "document"
                info = inspect_upload(
                    document.file,
                    name=name,
                    allowed_kinds=component.file_types or ["pdf", "jpeg", "png"],
                    max_bytes=component.max_size_bytes,
                )
                documents.append((document, info))
        except UploadRejected:
            one_by_one.append(item)  # the services give the exact error
            continue
        if sum(info.size for _, info in documents) > limit:
            one_by_one.append(item)
            continue
        dossier = Dossier(
            procedure=batch.procedure,
            version=version,
            channel=channel,
            applicant=user,
            applicant_name=user.full_name,
            applicant_national_id=user.national_id or "",
            applicant_phone=user.phone,
            applicant_email=user.email,
            applicant_address="",
            data=_as_stored({**prefilled, **item.values}),
            created_by=user,
            draft_expires_at=_draft_expiry(now),
        )
        saved = bool(item.values) or item.province_code is not None or item.address is not None
        if saved:  # what `dossier_draft_save` changes
            _snapshot_applicant_from_data(dossier, [])
            if item.province_code is not None:
                dossier.applicant_province_code = item.province_code
            if item.address is not None:
                dossier.applicant_address = item.address
        # Revisions as the services count them: created 1, saved +1, each document +1.
        dossier.revision = 1 + int(saved) + len(documents)
        entry = _Planned(
            item=item, dossier=dossier, documents=documents, submit=batch.submit, saved=saved
        )
        if batch.submit:
            present = {document.component.pk for document, _ in documents}
            entry.missing = dossier_missing_items(dossier, present=present, components=components)
            if not entry.missing:
                code = dossier.applicant_province_code
                if code not in offices:
                    try:
                        offices[code] = provincial_office_for(province_code=code)
                    except Office.DoesNotExist:
                        offices[code] = None
                if offices[code] is None:
                    one_by_one.append(item)  # refused with the reason by the services
                    continue
                entry.office = offices[code]
            else:
                entry.submit = False
        planned.append(entry)
    return planned, one_by_one


def _event(dossier: Dossier, user, kind: str, **fields) -> DossierEvent:
    return DossierEvent(
        dossier=dossier,
        kind=kind,
        actor=user,
        actor_role=getattr(user, "role", "") or "",
        office_id=getattr(user, "office_id", None),
        **fields,
    )


def _write(*, batch: PartnerBatch, token: PartnerToken, planned: list[_Planned], now) -> None:
    """Write every planned item (call inside a transaction)."""
    user = token.partner.user
    partner = token.partner
    day = timezone.localdate(now)
    submitting = [entry for entry in planned if entry.submit]
    by_office: dict[int, list[_Planned]] = {}
    for entry in submitting:
        by_office.setdefault(entry.office.pk, []).append(entry)
    if submitting:
        version = submitting[0].dossier.version
        due_at = add_time_limit(now, version.time_limit, version.time_limit_unit)
    for entries in by_office.values():
        office = entries[0].office
        codes = dossier_codes_take(office=office, day=day, count=len(entries))
        for entry, code in zip(entries, codes, strict=True):
            dossier = entry.dossier
            dossier.receiving_office = office
            dossier.competent_office = office
            dossier.submit_online(at=now, due_at=due_at, code=code)  # FSM: draft -> submitted
            dossier.revision += 1
    Dossier.objects.bulk_create([entry.dossier for entry in planned])
    PartnerFiling.objects.bulk_create(
        [
            PartnerFiling(
                partner=partner,
                dossier=entry.dossier,
                token=token,
                batch=batch,
                external_id=entry.item.external_id[:64],
                employer_unit_code=partner.employer_unit_code,
            )
            for entry in planned
        ]
    )
    documents = []
    for entry in planned:
        for (document, info), stored in zip(entry.documents, entry.stored, strict=True):
            name = display_name(getattr(document.file, "name", ""))
            documents.append(
                DossierDocument(
                    dossier=entry.dossier,
                    component=document.component,
                    source=DocumentSource.UPLOAD,
                    file=stored,
                    original_name=name[:255],
                    content_type=info.content_type,
                    size=info.size,
                    sha256=info.sha256,
                    page_count=info.page_count,
                    uploaded_by=user,
                )
            )
    DossierDocument.objects.bulk_create(documents)
    events = []
    position = 0
    for entry in planned:
        dossier = entry.dossier
        channel = dossier.channel
        events.append(
            _event(
                dossier,
                user,
                EventKind.CREATED,
                to_state=DossierState.DRAFT,
                payload={"channel": channel},
            )
        )
        if entry.saved:
            events.append(
                _event(
                    dossier,
                    user,
                    EventKind.SAVED,
                    payload={"fields": sorted(entry.item.values), "next_step": dossier.draft_step},
                )
            )
        for document, info in entry.documents:
            stored = documents[position]
            position += 1
            events.append(
                _event(
                    dossier,
                    user,
                    EventKind.DOCUMENT_ADDED,
                    payload={
                        "document_id": stored.pk,
                        "component": document.component.code,
                        "sha256": info.sha256,
                        "source": DocumentSource.UPLOAD,
                    },
                )
            )
        if entry.submit:
            submitted = _event(
                dossier,
                user,
                EventKind.SUBMITTED,
                from_state=DossierState.DRAFT,
                to_state=DossierState.SUBMITTED,
                citizen_visible=True,
            )
            events.append(submitted)
    DossierEvent.objects.bulk_create(events)
    # What follows, as for any dossier change, is the subscribers' (ADR 0006): the events
    # are published with the batch, one INSERT of outbox rows for all of it. The registry
    # learns applicants it did not know (an inline subscriber, in this transaction); the
    # reception slips, partner webhooks, digitisation and dashboard marks follow the commit,
    # also when the broker is down at this moment.
    for entry in submitting:
        Dossier.applicant.field.set_cached_value(entry.dossier, user)
    events_publish(events)
    counts_changed_many([entry.dossier.pk for entry in planned if entry.submit])


def _result(entry: _Planned) -> dict:
    dossier = entry.dossier
    return {
        "index": entry.item.index,
        "external_id": entry.item.external_id,
        "dossier": {
            "reference": str(dossier.reference),
            "code": dossier.code,
            "state": dossier.state,
        },
        "status": BatchItemStatus.SUBMITTED if dossier.code else BatchItemStatus.DRAFT,
        "errors": [],
        "missing": entry.missing,
    }


def batch_file_bulk(
    *, batch: PartnerBatch, token: PartnerToken, items: list, version: ProcedureVersion
) -> tuple[dict[int, dict], list]:
    """File in bulk what passes the checks; returns (results by index, items left over).

    The left-over items are for `filings._file_one`. If the bulk write fails, nothing of it
    remains (files included) and every item is left over.
    """
    now = timezone.now()
    with checked_fields_reused():
        planned, one_by_one = _plan(batch=batch, token=token, items=items, version=version, now=now)
    if not planned:
        return {}, one_by_one
    try:
        # Files first, outside the transaction: the office-day code counters stay locked
        # only for the INSERTs (the services also store a file before locking the dossier).
        for entry in planned:
            for document, info in entry.documents:
                # The stored name's extension is the detected type's, never the user's.
                entry.stored.append(
                    default_storage.save(
                        unguessable_name(
                            info.extension, prefix=f"dossiers/{entry.dossier.reference}"
                        ),
                        document.file,
                    )
                )
        with transaction.atomic():
            _write(batch=batch, token=token, planned=planned, now=now)
    except (DatabaseError, DossierError, OSError):
        logger.exception("partner_batch_bulk_failed", batch_id=batch.pk)
        for entry in planned:
            for name in entry.stored:
                default_storage.delete(name)
            for document, _ in entry.documents:
                document.file.seek(0)
        return {}, items
    return {entry.item.index: _result(entry) for entry in planned}, one_by_one
