"""Writes of bundles: filing, documents, hand-offs, agency answers, VSS dossiers, sweep.

Every change to a bundle's parts happens with the bundle row locked (`_lock_bundle`), so
an agency answer, a late document and the sweep cannot move the same part twice. Calls to
other agencies and the filing of VSS dossiers run in tasks, outside those transactions,
and are scheduled on commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

import structlog
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.storage import unguessable_name
from dossiers.uploads import UploadRejected, display_name
from workdays.services import add_working_days

from ..adapters import AgencyAnswer, AnswerStatus, HandoffRequest, get_agency_adapter
from ..constants import RelationKind
from ..models import Person
from ..services import family_relation_add, person_record_death, person_register
from .constants import (
    DOCUMENTS_WORKING_DAYS,
    BundleDocumentKind,
    BundleEventKind,
    BundleKind,
    PartStatus,
)
from .definitions import (
    BUNDLE_PARTS,
    BUNDLE_TITLES_EN,
    BUNDLE_TITLES_VI,
    civil_registration_spec,
    optional_procedures,
    part_spec,
    required_documents,
)
from .models import Bundle, BundleDocument, BundleEvent, BundlePart

logger = structlog.get_logger(__name__)

BUNDLE_DOCUMENT_TYPES = ["pdf", "jpeg", "png", "tiff", "heic"]
BUNDLE_DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
# Parts handed over (or queued) this long ago without news are looked at again by the sweep.
STALE_QUEUED = dt.timedelta(minutes=15)
STALE_SENT = dt.timedelta(hours=1)
# Filed VSS parts whose dossier result the sweep applies to the registry, if not yet done.
RECONCILE_WINDOW = dt.timedelta(days=30)


class BundleError(Exception):
    """A bundle request that cannot be carried out; `message` is shown to the user."""

    message = _("The declaration could not be processed.")

    def __init__(self, message=None):
        if message is not None:
            self.message = message
        super().__init__(str(self.message))


class BundleNotAllowed(BundleError):
    message = _("You are not allowed to do this on this declaration.")


class BundleDocumentRejected(BundleError):
    """A file given with the declaration was refused (kind says which document)."""

    def __init__(self, *, kind: str, message):
        self.kind = kind
        super().__init__(message)


@dataclass(frozen=True)
class Upload:
    kind: str
    file: Any  # an uploaded file


# --- helpers -------------------------------------------------------------------------


def bundle_event_append(
    *,
    bundle: Bundle,
    kind: str,
    part: BundlePart | None = None,
    status: str = "",
    note: str = "",
    payload: dict | None = None,
    actor: User | None = None,
) -> BundleEvent:
    return BundleEvent.objects.create(
        bundle=bundle,
        part=part,
        kind=kind,
        status=status,
        note=note,
        payload=payload or {},
        actor=actor,
    )


def _lock_bundle(bundle_id: int) -> Bundle:
    return Bundle.objects.select_for_update().get(pk=bundle_id)


def _set_status(part: BundlePart, status: str, *, fields: list[str], note: str = "") -> None:
    previous = part.status
    part.status = status
    part.save(update_fields=sorted({*fields, "status", "updated_at"}))
    if previous != status:
        event = bundle_event_append(
            bundle=part.bundle,
            part=part,
            kind=BundleEventKind.STATUS_CHANGED,
            status=status,
            note=note,
            payload={"from": previous},
        )
        if status == PartStatus.COMPLETED:
            _publish_completed(part, event)


def _publish_completed(part: BundlePart, event: BundleEvent) -> None:
    """Tell the partner webhooks (partners.events) that a part is completed, in this
    transaction: the bundle and part described in JSON, as the tracker shows them."""
    from partners.events import bundle_part_completed

    bundle = part.bundle
    spec = part_spec(part.procedure)
    bundle_part_completed(
        bundle_event_id=event.pk,
        context={
            "part_id": part.pk,
            "occurred_at": timezone.localtime(event.created_at).isoformat(),
            "bundle": {
                "reference": str(bundle.reference),
                "kind": bundle.kind,
                "title_vi": BUNDLE_TITLES_VI[bundle.kind],
                "title_en": BUNDLE_TITLES_EN[bundle.kind],
            },
            "part": {
                "procedure": part.procedure,
                "agency": part.agency,
                "status": part.status,
                "name_vi": spec.name_vi,
                "name_en": spec.name_en,
                "agency_reference": part.agency_reference,
                "dossier_id": part.dossier_id,
            },
            "dossier_ids": list(
                bundle.parts.exclude(dossier=None).values_list("dossier_id", flat=True)
            ),
        },
    )


def _schedule_sends(part_ids: list[int]) -> None:
    from ..tasks import bundle_part_send_task

    for part_id in part_ids:
        bundle_part_send_task.delay_on_commit(part_id)


def _advance(bundle: Bundle) -> list[int]:
    """Move the parts that can move (call with the bundle locked); return the queued ones.

    A part needs its documents; a part that follows the civil status registration also
    needs that record; when the registration was refused, the others are not started.
    """
    present = set(bundle.documents.values_list("kind", flat=True))
    parts = list(bundle.parts.all())
    civil = next(p for p in parts if part_spec(p.procedure).civil_registration)
    queued = []
    for part in parts:
        if part.status not in (PartStatus.WAITING, PartStatus.AWAITING_DOCUMENTS):
            continue
        spec = part_spec(part.procedure)
        part.bundle = bundle
        missing = [c for c in required_documents(spec, bundle.declaration) if c not in present]
        if not spec.civil_registration and civil.status in (
            PartStatus.REFUSED,
            PartStatus.CANCELLED,
        ):
            _set_status(part, PartStatus.CANCELLED, fields=[])
        elif missing:
            part.missing_documents = missing
            part.documents_due_at = bundle.documents_due_at
            _set_status(
                part,
                PartStatus.AWAITING_DOCUMENTS,
                fields=["missing_documents", "documents_due_at"],
            )
        elif spec.civil_registration or civil.status == PartStatus.COMPLETED:
            part.missing_documents = []
            _set_status(part, PartStatus.QUEUED, fields=["missing_documents"])
            queued.append(part.pk)
        else:
            part.missing_documents = []
            _set_status(part, PartStatus.WAITING, fields=["missing_documents"])
    return queued


def _store(uploaded, *, bundle_reference) -> tuple[str, Any]:
    from dossiers.uploads import inspect_upload

    name = display_name(getattr(uploaded, "name", ""))
    info = inspect_upload(
        uploaded,
        name=name,
        allowed_kinds=BUNDLE_DOCUMENT_TYPES,
        max_bytes=BUNDLE_DOCUMENT_MAX_BYTES,
    )
    stored = default_storage.save(
        unguessable_name(info.extension, prefix=f"bundles/{bundle_reference}"), uploaded
    )
    return stored, info


def _document_rows(bundle: Bundle, stored: list[tuple[str, str, Any, Any]], actor: User) -> None:
    BundleDocument.objects.bulk_create(
        BundleDocument(
            bundle=bundle,
            kind=kind,
            file=name,
            original_name=display_name(getattr(uploaded, "name", "")),
            content_type=info.content_type,
            size=info.size,
            sha256=info.sha256,
            uploaded_by=actor,
        )
        for kind, name, info, uploaded in stored
    )


# --- filing --------------------------------------------------------------------------


def bundle_file(
    *,
    kind: str,
    applicant: User,
    declaration: dict[str, Any],
    procedures: list[str],
    uploads: list[Upload] = (),
    submission_key: str | None = None,
) -> Bundle:
    """File one interconnected declaration; the parts start on commit.

    `procedures` are the optional procedures the citizen picked (the civil status
    registration is always included). Files are checked by content before anything is
    stored; a repeated submission (same key) returns the first bundle.
    """
    if not applicant.is_citizen:
        raise BundleNotAllowed()
    if submission_key:
        existing = Bundle.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            if existing.applicant_id != applicant.pk:
                raise BundleNotAllowed()
            return existing
    picked = set(procedures)
    if not picked or not picked <= set(optional_procedures(kind)):
        raise BundleError(_("Choose at least one procedure to file with the registration."))
    stored: list[tuple[str, str, Any, Any]] = []
    reference = uuid.uuid4()
    try:
        for upload in uploads:
            if upload.kind not in BundleDocumentKind.values:
                raise BundleError(_("Unknown document."))
            try:
                name, info = _store(upload.file, bundle_reference=reference)
            except UploadRejected as error:
                raise BundleDocumentRejected(kind=upload.kind, message=error.message) from error
            stored.append((upload.kind, name, info, upload.file))
        now = timezone.now()
        with transaction.atomic():
            bundle = Bundle.objects.create(
                reference=reference,
                kind=kind,
                applicant=applicant,
                applicant_person=Person.objects.filter(national_id=applicant.national_id).first()
                if applicant.national_id
                else None,
                declaration=declaration,
                province_code=int(declaration["province_code"]),
                filed_at=now,
                documents_due_at=add_working_days(now, DOCUMENTS_WORKING_DAYS),
                submission_key=submission_key,
            )
            BundlePart.objects.bulk_create(
                BundlePart(
                    bundle=bundle,
                    procedure=spec.procedure,
                    agency=spec.agency,
                    position=position,
                    status=PartStatus.WAITING,
                )
                for position, spec in enumerate(BUNDLE_PARTS[kind])
                if spec.civil_registration or spec.procedure in picked
            )
            _document_rows(bundle, stored, applicant)
            bundle_event_append(
                bundle=bundle,
                kind=BundleEventKind.FILED,
                actor=applicant,
                payload={"procedures": sorted(picked), "documents": len(stored)},
            )
            _schedule_sends(_advance(bundle))
    except IntegrityError:
        for _kind, name, _info, _file in stored:
            default_storage.delete(name)
        if submission_key:
            return Bundle.objects.get(submission_key=submission_key)
        raise
    except BaseException:
        for _kind, name, _info, _file in stored:
            default_storage.delete(name)
        raise
    logger.info("bundle_filed", bundle_id=bundle.pk, kind=kind, parts=len(picked) + 1)
    return bundle


def bundle_document_add(*, bundle: Bundle, kind: str, uploaded, actor: User) -> BundleDocument:
    """A document the declaration lacked; the parts waiting for it move on."""
    if actor.pk != bundle.applicant_id:
        raise BundleNotAllowed()
    wanted = {
        code
        for spec in BUNDLE_PARTS[bundle.kind]
        for code in (*spec.documents, *(c for c, _flag in spec.conditional_documents))
    } | {code for _component, code in _dossier_document_kinds(bundle.kind)}
    if kind not in wanted:
        raise BundleError(_("This document is not part of this declaration."))
    name, info = _store(uploaded, bundle_reference=bundle.reference)
    try:
        with transaction.atomic():
            locked = _lock_bundle(bundle.pk)
            if not any(
                p.status in (PartStatus.WAITING, PartStatus.AWAITING_DOCUMENTS, PartStatus.QUEUED)
                for p in locked.parts.all()
            ):
                raise BundleError(_("This declaration no longer accepts documents."))
            document = BundleDocument.objects.create(
                bundle=locked,
                kind=kind,
                file=name,
                original_name=display_name(getattr(uploaded, "name", "")),
                content_type=info.content_type,
                size=info.size,
                sha256=info.sha256,
                uploaded_by=actor,
            )
            bundle_event_append(
                bundle=locked,
                kind=BundleEventKind.DOCUMENT_ADDED,
                actor=actor,
                payload={"document": kind, "sha256": info.sha256},
            )
            _schedule_sends(_advance(locked))
    except BaseException:
        default_storage.delete(name)
        raise
    return document


def _dossier_document_kinds(kind: str) -> list[tuple[str, str]]:
    return [pair for spec in BUNDLE_PARTS[kind] for pair in spec.dossier_documents]


# --- hand-offs to other agencies -----------------------------------------------------


def _handoff_request(part: BundlePart) -> HandoffRequest:
    bundle = part.bundle
    civil = bundle.parts.filter(procedure=civil_registration_spec(bundle.kind).procedure).first()
    return HandoffRequest(
        part_id=part.pk,
        bundle_reference=str(bundle.reference),
        agency=part.agency,
        procedure=part.procedure,
        declaration=bundle.declaration,
        civil_record=dict(civil.record) if civil and civil.pk != part.pk else {},
        document_kinds=tuple(sorted(set(bundle.documents.values_list("kind", flat=True)))),
    )


def bundle_part_send(*, part_id: int) -> None:
    """Hand a queued part over: to its agency, or as a VSS dossier. Safe to repeat."""
    part = BundlePart.objects.select_related("bundle__applicant").get(pk=part_id)
    if part.status != PartStatus.QUEUED:
        return  # idempotency: only queued parts are sent
    if part_spec(part.procedure).is_vss:
        bundle_part_file_dossier(part=part)
        return
    adapter = get_agency_adapter()
    reference = adapter.hand_off(_handoff_request(part))
    with transaction.atomic():
        bundle = _lock_bundle(part.bundle_id)
        part = BundlePart.objects.get(pk=part_id)
        if part.status != PartStatus.QUEUED:
            return
        part.bundle = bundle
        part.agency_reference = reference
        part.sent_at = timezone.now()
        _set_status(part, PartStatus.SENT, fields=["agency_reference", "sent_at"])
        from ..tasks import bundle_part_poll_task

        countdown = adapter.poll_after_seconds
        transaction.on_commit(
            lambda: bundle_part_poll_task.apply_async(args=[part_id], countdown=countdown)
        )
    logger.info("bundle_part_handed_over", part_id=part_id, agency=part.agency)


def bundle_part_poll(*, part_id: int) -> bool:
    """Ask the agency for its answer; True once there is nothing left to wait for."""
    part = BundlePart.objects.select_related("bundle").get(pk=part_id)
    if part.status != PartStatus.SENT:
        return True  # idempotency: answered already (or never sent)
    answer = get_agency_adapter().fetch_answer(
        _handoff_request(part), reference=part.agency_reference
    )
    if answer is None:
        return False
    handoff_answer_record(part_id=part_id, answer=answer)
    return True


def handoff_answer_record(*, part_id: int, answer: AgencyAnswer) -> BundlePart:
    """Record an agency's answer. The civil status record starts the parts that wait for it."""
    with transaction.atomic():
        part = BundlePart.objects.get(pk=part_id)
        bundle = _lock_bundle(part.bundle_id)
        part = BundlePart.objects.get(pk=part_id)  # re-read under the bundle lock
        if part.status != PartStatus.SENT:
            return part
        part.bundle = bundle
        part.answered_at = timezone.now()
        part.record = dict(answer.record)
        if answer.reference:
            part.agency_reference = answer.reference
        fields = ["answered_at", "record", "agency_reference"]
        if answer.status == AnswerStatus.COMPLETED:
            _set_status(part, PartStatus.COMPLETED, fields=fields)
            if part_spec(part.procedure).civil_registration:
                _civil_record_arrived(bundle, part)
        else:
            part.refusal_reason = answer.reason
            _set_status(
                part, PartStatus.REFUSED, fields=[*fields, "refusal_reason"], note=answer.reason
            )
        _schedule_sends(_advance(bundle))
    logger.info("bundle_part_answered", part_id=part_id, status=str(answer.status))
    return part


def _civil_record_arrived(bundle: Bundle, part: BundlePart) -> None:
    """The birth or death is registered: bring the registry up to date."""
    record = part.record
    declaration = bundle.declaration
    subject = None
    if bundle.kind == BundleKind.BIRTH:
        subject = Person.objects.filter(national_id=record.get("child_national_id")).first()
        if subject is None:
            subject = person_register(
                national_id=record["child_national_id"],
                full_name=record.get("child_full_name") or declaration["child_full_name"],
                date_of_birth=dt.date.fromisoformat(declaration["child_date_of_birth"]),
                gender=declaration["child_gender"],
                permanent_province_code=bundle.province_code,
                permanent_commune_code=declaration.get("commune_code"),
                permanent_street=declaration.get("street", ""),
                current_province_code=bundle.province_code,
                current_commune_code=declaration.get("commune_code"),
                current_street=declaration.get("street", ""),
                source=f"birth_record:{record.get('registration_number', '')}",
            )
        parents = [bundle.applicant_person] if declaration.get("relationship") != "guardian" else []
        other_id = declaration.get("other_parent_national_id")
        if other_id:
            parents.append(Person.objects.filter(national_id=other_id).first())
        for parent in filter(None, parents):
            family_relation_add(person=subject, relative=parent, kind=RelationKind.PARENT)
    else:
        subject = Person.objects.filter(national_id=declaration.get("deceased_national_id")).first()
        if subject is not None:
            person_record_death(
                person=subject,
                date_of_death=dt.date.fromisoformat(
                    record.get("date_of_death") or declaration["date_of_death"]
                ),
                record_reference=record.get("registration_number", ""),
            )
    if subject is not None and bundle.subject_person_id != subject.pk:
        bundle.subject_person = subject
        bundle.save(update_fields=["subject_person"])
    bundle_event_append(
        bundle=bundle,
        part=part,
        kind=BundleEventKind.RECORD_ARRIVED,
        payload={"registration_number": record.get("registration_number", "")},
    )


# --- VSS dossiers --------------------------------------------------------------------


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v not in (None, "")}


def _dossier_values(bundle: Bundle, part: BundlePart, record: dict) -> dict[str, Any]:
    d = bundle.declaration
    values = {
        "full_name": d.get("applicant_full_name"),
        "national_id": d.get("applicant_national_id"),
        "date_of_birth": d.get("applicant_date_of_birth"),
        "phone": d.get("applicant_phone"),
        "email": d.get("applicant_email"),
        "return_method": d.get("return_method"),
        "bundle_reference": str(bundle.reference),
    }
    if bundle.kind == BundleKind.BIRTH:
        values |= {
            "child_full_name": d.get("child_full_name"),
            "child_date_of_birth": d.get("child_date_of_birth"),
            "child_gender": d.get("child_gender"),
            "applicant_relationship": d.get("relationship"),
            "residence_address": d.get("residence_address"),
            "primary_care_facility": d.get("facility_label"),
            "child_national_id": record.get("child_national_id"),
            "birth_registration_number": record.get("registration_number"),
        }
    else:
        values |= {
            "address": d.get("residence_address"),
            "deceased_full_name": d.get("deceased_full_name"),
            "deceased_national_id": d.get("deceased_national_id"),
            "deceased_si_code": d.get("deceased_si_code"),
            "date_of_death": record.get("date_of_death") or d.get("date_of_death"),
            "deceased_status": d.get("deceased_status"),
            "relationship": d.get("relationship"),
            "payment_method": d.get("payment_method"),
            "bank_account": d.get("bank_account"),
            "bank_name": d.get("bank_name"),
            "death_registration_number": record.get("registration_number"),
        }
        if part.procedure == "survivor_allowance":
            values |= {
                "cause_of_death": d.get("cause_of_death"),
                "number_of_beneficiaries": d.get("number_of_beneficiaries"),
                "beneficiaries_details": d.get("beneficiaries_details"),
            }
    return _clean(values)


def bundle_part_file_dossier(*, part: BundlePart):
    """File a queued VSS part as an online dossier of the applicant, then submit it.

    Steps are resumable: the draft is linked to the part in the transaction that creates
    it, documents already attached are not attached again, and the submission key is the
    part's, so a retry after a failure finishes the same dossier.
    """
    from dossiers.constants import Channel, DocumentSource, DossierState
    from dossiers.services import (
        dossier_document_add,
        dossier_draft_create,
        dossier_draft_save,
        dossier_submit,
    )
    from dossiers.wizard import wizard_steps
    from procedures.models import Procedure

    from .documents import render_eform

    spec = part_spec(part.procedure)
    applicant = part.bundle.applicant
    with transaction.atomic():
        bundle = _lock_bundle(part.bundle_id)
        part = BundlePart.objects.select_related("dossier").get(pk=part.pk)
        if part.status != PartStatus.QUEUED:
            return part.dossier
        part.bundle = bundle
        if part.dossier is None:
            part.dossier = dossier_draft_create(
                procedure=Procedure.objects.get(slug=spec.catalogue_slug),
                actor=applicant,
                channel=Channel.ONLINE,
                applicant=applicant,
            )
            part.save(update_fields=["dossier", "updated_at"])
    dossier = part.dossier
    civil = bundle.parts.get(procedure=civil_registration_spec(bundle.kind).procedure)
    if dossier.state == DossierState.DRAFT:
        dossier = dossier_draft_save(
            dossier=dossier,
            actor=applicant,
            values=_dossier_values(bundle, part, civil.record),
            next_step=wizard_steps(dossier)[-1].number,
            province_code=bundle.province_code,
            address=bundle.declaration.get("applicant_address")
            or bundle.declaration.get("residence_address", ""),
        )
        attached = set(dossier.documents.values_list("component__code", flat=True))
        components = {c.code: c for c in dossier.version.components.all()}
        if spec.eform_component not in attached:
            pdf = render_eform(bundle)
            dossier_document_add(
                dossier=dossier,
                component=components[spec.eform_component],
                uploaded=SimpleUploadedFile(
                    "to-khai-lien-thong.pdf", pdf, content_type="application/pdf"
                ),
                actor=applicant,
                source=DocumentSource.GENERATED,
            )
        for component_code, kind in spec.dossier_documents:
            if component_code in attached or component_code not in components:
                continue
            for document in bundle.documents.filter(kind=kind):
                with default_storage.open(document.file.name, "rb") as handle:
                    dossier_document_add(
                        dossier=dossier,
                        component=components[component_code],
                        uploaded=File(handle, name=document.original_name),
                        actor=applicant,
                    )
        dossier = dossier_submit(
            dossier=dossier, actor=applicant, submission_key=f"bundle-part-{part.pk}"
        )
    with transaction.atomic():
        bundle = _lock_bundle(part.bundle_id)
        part = BundlePart.objects.get(pk=part.pk)
        if part.status == PartStatus.QUEUED:
            part.bundle = bundle
            _set_status(part, PartStatus.FILED, fields=[])
            bundle_event_append(
                bundle=bundle,
                part=part,
                kind=BundleEventKind.DOSSIER_FILED,
                payload={"dossier_code": dossier.code},
            )
    logger.info("bundle_part_dossier_filed", part_id=part.pk, dossier_id=dossier.pk)
    return dossier


# --- VSS parts follow their dossier ---------------------------------------------------


def bundle_part_follow_dossier(*, dossier_id: int) -> BundlePart | None:
    """A filed VSS part takes its dossier's outcome: completed once the result of an
    approved dossier is returned; refused when the dossier is refused at reception,
    stopped, withdrawn, or returned denied. Safe to repeat (a decided part stays)."""
    from dossiers.constants import DossierState, Outcome

    part = BundlePart.objects.filter(dossier_id=dossier_id).select_related("dossier").first()
    if part is None or part.status != PartStatus.FILED:
        return part
    with transaction.atomic():
        bundle = _lock_bundle(part.bundle_id)
        part = BundlePart.objects.select_related("dossier").get(pk=part.pk)
        if part.status != PartStatus.FILED:
            return part  # idempotency: decided already
        part.bundle = bundle
        dossier = part.dossier
        if dossier.state == DossierState.RETURNED and dossier.outcome != Outcome.DENIED:
            part.answered_at = dossier.returned_at or timezone.now()
            _set_status(part, PartStatus.COMPLETED, fields=["answered_at"])
        elif dossier.state in (
            DossierState.RETURNED,
            DossierState.REFUSED,
            DossierState.STOPPED,
            DossierState.WITHDRAWN,
        ):
            part.answered_at = timezone.now()
            part.refusal_reason = (
                dossier.decision_text
                if dossier.state == DossierState.RETURNED
                else dossier.stop_reason
            ) or str(dossier.get_state_display())
            _set_status(
                part,
                PartStatus.REFUSED,
                fields=["answered_at", "refusal_reason"],
                note=dossier.state,
            )
    logger.info("bundle_part_followed_dossier", part_id=part.pk, status=part.status)
    return part


# --- refusal after 7 working days and the sweep --------------------------------------


def _refusal_reason_vi(part: BundlePart) -> str:
    from .documents import DOCUMENT_NAMES_VI

    names = ", ".join(DOCUMENT_NAMES_VI.get(code, code) for code in part.missing_documents)
    return (
        f"Quá thời hạn {DOCUMENTS_WORKING_DAYS:02d} ngày làm việc kể từ ngày nộp tờ khai liên "
        f"thông, người yêu cầu chưa bổ sung giấy tờ: {names}."
    )


def bundle_part_refuse_missing_documents(*, part_id: int, now: dt.datetime | None = None) -> bool:
    """Refuse a part whose documents did not arrive within 7 working days; slip on commit."""
    now = now or timezone.now()
    with transaction.atomic():
        part = BundlePart.objects.get(pk=part_id)
        bundle = _lock_bundle(part.bundle_id)
        part = BundlePart.objects.get(pk=part_id)
        if part.status != PartStatus.AWAITING_DOCUMENTS or part.documents_due_at > now:
            return False  # idempotency: supplied in time, or refused already
        part.bundle = bundle
        part.refusal_reason = _refusal_reason_vi(part)
        part.answered_at = now
        _set_status(
            part,
            PartStatus.REFUSED,
            fields=["refusal_reason", "answered_at"],
            note="missing_documents",
        )
        _schedule_sends(_advance(bundle))
        from ..tasks import bundle_part_refusal_slip_task

        bundle_part_refusal_slip_task.delay_on_commit(part_id)
    logger.info("bundle_part_refused_missing_documents", part_id=part_id)
    return True


def bundle_part_refusal_slip_issue(*, part_id: int) -> BundlePart:
    """The refusal slip (form 03) of a refused part, rendered once and kept."""
    from .documents import render_part_refusal

    part = BundlePart.objects.select_related("bundle__applicant").get(pk=part_id)
    if part.refusal_slip or part.status != PartStatus.REFUSED:
        return part
    pdf = render_part_refusal(part)
    name = default_storage.save(
        unguessable_name(".pdf", prefix=f"bundles/{part.bundle.reference}"),
        ContentFile(pdf),
    )
    with transaction.atomic():
        locked = BundlePart.objects.select_for_update().get(pk=part_id)
        if locked.refusal_slip:
            transaction.on_commit(lambda: default_storage.delete(name))
            return locked
        locked.refusal_slip = name
        locked.refusal_slip_sha256 = hashlib.sha256(pdf).hexdigest()
        locked.save(update_fields=["refusal_slip", "refusal_slip_sha256", "updated_at"])
        bundle_event_append(
            bundle=part.bundle,
            part=locked,
            kind=BundleEventKind.SLIP_ISSUED,
            payload={"sha256": locked.refusal_slip_sha256},
        )
    return locked


def bundles_sweep(*, now: dt.datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Periodic: refuse parts past the 7-working-day limit, re-drive stuck hand-offs and
    apply results of decided VSS dossiers the on-commit hook may have missed."""
    from ..services import registry_apply_result
    from ..tasks import bundle_part_poll_task

    now = now or timezone.now()
    counts = {"refused": 0, "resent": 0, "repolled": 0, "applied": 0}
    # In bundle order: a refused civil registration cancels the parts that follow it.
    overdue = (
        BundlePart.objects.filter(status=PartStatus.AWAITING_DOCUMENTS, documents_due_at__lte=now)
        .order_by("bundle_id", "position")
        .values_list("pk", flat=True)[:limit]
    )
    for part_id in list(overdue):
        counts["refused"] += bundle_part_refuse_missing_documents(part_id=part_id, now=now)
    stuck = BundlePart.objects.filter(
        status=PartStatus.QUEUED, updated_at__lte=now - STALE_QUEUED
    ).values_list("pk", flat=True)[:limit]
    for part_id in list(stuck):
        _schedule_sends([part_id])
        counts["resent"] += 1
    waiting = BundlePart.objects.filter(
        status=PartStatus.SENT, updated_at__lte=now - STALE_SENT
    ).values_list("pk", flat=True)[:limit]
    for part_id in list(waiting):
        transaction.on_commit(lambda part_id=part_id: bundle_part_poll_task.delay(part_id))
        counts["repolled"] += 1
    filed = (
        BundlePart.objects.filter(
            status=PartStatus.FILED,
            updated_at__gte=now - RECONCILE_WINDOW,
            dossier__state__in=["processed", "returned"],
            dossier__outcome="approved",
        )
        .select_related("dossier__procedure")
        .order_by("updated_at")[:limit]
    )
    for part in filed:
        counts["applied"] += registry_apply_result(dossier=part.dossier)
    return counts
