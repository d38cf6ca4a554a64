"""Writes to dossiers: drafts, documents, submission and counter reception.

Every write locks the dossier row, changes it, saves only the changed fields and appends
its audit event in the same transaction; the event is published there too (dossiers.events),
so its side effects (slips, notifications, webhooks...) are outbox rows of that transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

import structlog
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.constants import Role
from accounts.models import User
from offices.models import Office
from offices.selectors import provincial_office_for
from procedures.models import DocumentComponent, Procedure, ProcedureVersion
from procedures.selectors import NoVersionInForce, version_in_force, version_in_force_id
from workdays.services import add_time_limit

from ..codes import dossier_code_next
from ..constants import (
    APPLICANT_CHANNELS,
    Channel,
    DocumentSource,
    DossierState,
    EventKind,
    Representation,
)
from ..events import counts_changed, event_publish
from ..exceptions import DossierConflict, DossierError, DossierIncomplete, IntakeRefused, NotAllowed
from ..missing import MissingItem
from ..models import Dossier, DossierDocument, DossierEvent, PaperReceipt
from ..prefill import known_values
from ..uploads import display_name, inspect_upload
from .representation import Principal, authorisation_letter_store, principal_check

logger = structlog.get_logger(__name__)

EDITABLE_DOCUMENT_STATES = frozenset({DossierState.DRAFT})


def event_append(
    *,
    dossier: Dossier,
    kind: str,
    actor: User | None,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    payload: dict[str, Any] | None = None,
    citizen_visible: bool = False,
    notify_citizen: bool = False,
    letter: str | None = None,
) -> DossierEvent:
    """Append one immutable audit event and publish it (call inside the writing transaction).

    `notify_citizen` and `letter` are hints for the subscribers (dossiers.events): the
    applicant is to be told, the action issues this letter.
    """
    event = DossierEvent.objects.create(
        dossier=dossier,
        kind=kind,
        actor=actor,
        actor_role=getattr(actor, "role", "") or "",
        office=getattr(actor, "office", None),
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        payload=payload or {},
        citizen_visible=citizen_visible,
    )
    # Its side effects (partner webhooks on a state change, slips, notifications...) are
    # outbox rows of this transaction, one per subscriber (ADR 0006).
    event_publish(event=event, notify_citizen=notify_citizen, letter=letter)
    return event


def _lock(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_for_update().get(pk=dossier.pk)


def draft_expired(dossier: Dossier) -> bool:
    return (
        dossier.state == DossierState.DRAFT
        and dossier.draft_expires_at is not None
        and dossier.draft_expires_at <= timezone.now()
    )


def can_edit_draft(user: User, dossier: Dossier) -> bool:
    if dossier.state != DossierState.DRAFT or draft_expired(dossier):
        return False
    if dossier.channel in APPLICANT_CHANNELS:
        return dossier.applicant_id is not None and dossier.applicant_id == user.pk
    if dossier.channel == Channel.COUNTER:
        return (
            user.role == Role.COUNTER_OFFICER
            and user.office_id is not None
            and dossier.receiving_office_id == user.office_id
        )
    return False


def can_add_documents(user: User, dossier: Dossier) -> bool:
    """Drafts by their editor; a requested supplement by the applicant or the counter."""
    if dossier.state == DossierState.DRAFT:
        return can_edit_draft(user, dossier)
    if dossier.state == DossierState.SUPPLEMENT_REQUESTED:
        if user.role == Role.CITIZEN:
            return dossier.applicant_id == user.pk
        return user.role == Role.COUNTER_OFFICER and user.office_id in (
            dossier.receiving_office_id,
            dossier.competent_office_id,
        )
    return False


def _draft_expiry(now: dt.datetime) -> dt.datetime:
    return now + dt.timedelta(days=settings.DRAFT_EXPIRY_DAYS)


def dossier_draft_create(
    *,
    procedure: Procedure,
    actor: User,
    channel: str,
    applicant: User | None = None,
    applicant_details: dict[str, Any] | None = None,
    version: ProcedureVersion | None = None,
    principal: Principal | None = None,
    authorisation_letter=None,
    representative: dict[str, str] | None = None,
) -> Dossier:
    """Start a draft under the version in force today, prefilled with what VSS knows.

    `principal`: a citizen files for someone else (services.representation); the draft
    names the principal as its applicant, the citizen as representative, and keeps the
    letter of authorisation (`authorisation_letter`, required for that ground). At the
    counter, `representative` ({"kind", "name", "national_id"}) records who stands there
    for the applicant (the officer checks the papers).

    The version is provisional: submission and counter reception re-bind the dossier to the
    version in force on the day it is received. A caller filing many drafts of one
    procedure (batch filing) passes the `version` in force that it looked up once.
    """
    if channel not in procedure.channels:
        raise IntakeRefused(_("This procedure cannot be filed through this channel."))
    office = None
    if channel == Channel.COUNTER:
        if actor.role != Role.COUNTER_OFFICER or actor.office_id is None:
            raise NotAllowed()
        office = actor.office
    elif actor.role != Role.CITIZEN:
        raise NotAllowed()
    if version is None or version.procedure_id != procedure.pk:
        try:
            version = version_in_force(procedure=procedure)
        except NoVersionInForce as exc:
            raise IntakeRefused(_("This procedure is not open for filing today.")) from exc
    principal_user = None
    represented: dict[str, Any] = {}
    if principal is not None:
        principal_user = principal_check(filer=actor, principal=principal)
        if principal.kind == Representation.AUTHORISATION:
            if authorisation_letter is None:
                raise IntakeRefused(_("Upload the letter of authorisation."))
        represented = {
            "representation": principal.kind,
            "principal": principal_user,
            "representative_name": actor.full_name,
            "representative_national_id": actor.national_id or "",
            "authorisation_scope": principal.scope.strip()[:300],
        }
        applicant_details = {
            **(applicant_details or {}),
            "name": principal.full_name,
            "national_id": "".join(principal.national_id.split()),
        }
    elif representative and representative.get("kind"):
        represented = {
            "representation": representative["kind"],
            "representative_name": representative.get("name", ""),
            "representative_national_id": representative.get("national_id", ""),
            "authorisation_scope": representative.get("scope", "")[:300],
        }
    # The filer's own data is not the principal's: nothing is prefilled for them.
    known = {} if principal is not None else known_values(applicant)
    data = {
        field["name"]: known[field["prefill"]]
        for field in version.field_definitions()
        if field.get("prefill") and known.get(field["prefill"])
    }
    details = applicant_details or {}
    now = timezone.now()
    with transaction.atomic():
        dossier = Dossier.objects.create(
            procedure=procedure,
            version=version,
            channel=channel,
            applicant=applicant,
            applicant_name=details.get("name") or (applicant.full_name if applicant else ""),
            applicant_national_id=details.get("national_id")
            or (applicant.national_id if applicant else "")
            or "",
            applicant_phone=details.get("phone") or (applicant.phone if applicant else ""),
            applicant_email=details.get("email") or (applicant.email if applicant else ""),
            applicant_address=details.get("address", ""),
            applicant_province_code=details.get("province_code"),
            data=data,
            receiving_office=office,
            created_by=actor,
            draft_expires_at=_draft_expiry(now),
            **represented,
        )
        if principal is not None and authorisation_letter is not None:
            DossierDocument.objects.create(
                dossier=dossier,
                uploaded_by=actor,
                **authorisation_letter_store(
                    dossier_reference=dossier.reference, uploaded=authorisation_letter
                ),
            )
        event_append(
            dossier=dossier,
            kind=EventKind.CREATED,
            actor=actor,
            to_state=DossierState.DRAFT,
            payload={
                "channel": channel,
                **({"representation": represented["representation"]} if represented else {}),
            },
        )
    logger.info(
        "dossier_draft_created", dossier_id=dossier.pk, procedure=procedure.code, channel=channel
    )
    return dossier


def dossier_draft_save(
    *,
    dossier: Dossier,
    actor: User,
    values: dict[str, Any],
    next_step: int,
    revision: int | None = None,
    province_code: int | None = None,
    address: str | None = None,
    unchecked: dict[str, Any] | None = None,
) -> Dossier:
    """Save one wizard step. A stale `revision` (edited elsewhere meanwhile) is refused.

    `unchecked` holds text kept as typed by "save and finish later" (not valid yet): it is
    stored so nothing is lost, but never copied to the applicant columns.
    """
    unchecked = unchecked or {}
    with transaction.atomic():
        locked = (
            Dossier.objects.select_for_update(of=("self",))
            .select_related("version")
            .get(pk=dossier.pk)
        )
        if not can_edit_draft(actor, locked):
            raise NotAllowed()
        if revision is not None and revision != locked.revision:
            raise DossierConflict()
        # As stored (JSON round trip): the saved copy is returned without a re-read.
        encoder = Dossier._meta.get_field("data").encoder
        locked.data = json.loads(json.dumps({**locked.data, **values, **unchecked}, cls=encoder))
        fields = ["data", "draft_step", "revision", "draft_expires_at", "updated_at"]
        _snapshot_applicant_from_data(locked, fields)
        if province_code is not None:
            locked.applicant_province_code = province_code
            fields.append("applicant_province_code")
        if address is not None:
            locked.applicant_address = address
            fields.append("applicant_address")
        locked.draft_step = next_step
        # The row is locked: its revision is known, so the saved copy is returned as it is
        # stored (no re-read).
        locked.revision += 1
        locked.draft_expires_at = _draft_expiry(timezone.now())
        locked.save(update_fields=fields)
        event_append(
            dossier=locked,
            kind=EventKind.SAVED,
            actor=actor,
            payload={"fields": sorted({*values, *unchecked}), "next_step": next_step},
        )
    return locked


def _snapshot_applicant_from_data(dossier: Dossier, fields: list[str]) -> None:
    """Keep the applicant columns in step with the form fields that carry them."""
    mapping = {
        "full_name": "applicant_name",
        "national_id": "applicant_national_id",
        "phone": "applicant_phone",
        "email": "applicant_email",
    }
    from ..forms import stored_value_error  # a draft may keep invalid text: never copied

    definitions = dossier.version.field_definitions()
    by_prefill = {f.get("prefill"): f for f in definitions if f.get("prefill")}
    for prefill_key, column in mapping.items():
        definition = by_prefill.get(prefill_key)
        value = dossier.data.get(definition["name"]) if definition else None
        if value and stored_value_error(definition, value):
            continue
        if value and getattr(dossier, column) != value:
            setattr(dossier, column, value)
            fields.append(column)
    return_method = dossier.data.get("return_method")
    by_name = {f["name"]: f for f in definitions}
    if "return_method" in by_name and stored_value_error(by_name["return_method"], return_method):
        return_method = None
    if return_method and return_method != dossier.return_method:
        dossier.return_method = return_method
        fields.append("return_method")


def _sha256_of(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def dossier_document_add(
    *,
    dossier: Dossier,
    component: DocumentComponent,
    uploaded,
    actor: User,
    source: str = DocumentSource.UPLOAD,
) -> DossierDocument:
    """Validate a file by its content, store it under an unguessable name and record it."""
    from core.storage import unguessable_name

    if component.version_id != dossier.version_id:
        raise DossierError(_("This document does not belong to the dossier's procedure."))
    name = display_name(getattr(uploaded, "name", ""))
    info = inspect_upload(
        uploaded,
        name=name,
        allowed_kinds=component.file_types or ["pdf", "jpeg", "png"],
        max_bytes=component.max_size_bytes,
    )
    stored_name = default_storage.save(
        unguessable_name(info.extension, prefix=f"dossiers/{dossier.reference}"), uploaded
    )
    try:
        with transaction.atomic():
            locked = _lock(dossier)
            if not can_add_documents(actor, locked):
                raise NotAllowed()
            used = locked.documents.aggregate(total=Sum("size"))["total"] or 0
            if used + info.size > settings.DOSSIER_MAX_TOTAL_MB * 1024 * 1024:
                raise DossierError(
                    _("The dossier may hold at most %(mb)s MB of files in total.")
                    % {"mb": settings.DOSSIER_MAX_TOTAL_MB}
                )
            document = DossierDocument.objects.create(
                dossier=locked,
                component=component,
                source=source,
                file=stored_name,
                original_name=name,
                content_type=info.content_type,
                size=info.size,
                sha256=info.sha256,
                page_count=info.page_count,
                uploaded_by=actor,
            )
            Dossier.objects.filter(pk=locked.pk).update(revision=F("revision") + 1)
            event_append(
                dossier=locked,
                kind=EventKind.DOCUMENT_ADDED,
                actor=actor,
                payload={
                    "document_id": document.pk,
                    "component": component.code,
                    "sha256": info.sha256,
                    "source": source,
                },
            )
            # Digitisation subscribes to DOCUMENT_ADDED (dossiers.apps) when it is on.
    except BaseException:
        default_storage.delete(stored_name)
        raise
    return document


def dossier_document_remove(*, document: DossierDocument, actor: User) -> None:
    with transaction.atomic():
        locked = _lock(document.dossier)
        if not can_add_documents(actor, locked):
            raise NotAllowed()
        if locked.state != DossierState.DRAFT and not (
            document.uploaded_by_id == actor.pk
            and locked.clock_paused_at is not None
            and document.created_at >= locked.clock_paused_at
        ):
            raise NotAllowed()  # only files added for the current supplement can be removed
        from ..digitisation import derived_file_names

        names = [document.file.name, *derived_file_names(document)]
        event_append(
            dossier=locked,
            kind=EventKind.DOCUMENT_REMOVED,
            actor=actor,
            payload={"document_id": document.pk, "sha256": document.sha256},
        )
        document.delete()
        Dossier.objects.filter(pk=locked.pk).update(revision=F("revision") + 1)
        transaction.on_commit(lambda: [default_storage.delete(n) for n in names])


def dossier_missing_items(
    dossier: Dossier,
    *,
    present: set[int] | None = None,
    components: list[DocumentComponent] | None = None,
) -> list[MissingItem]:
    """Everything mandatory that is still missing, named for the person filling the form
    (each item a label, `MissingItem`, that also says the field or document codes).

    A conditional document whose condition (`required_when`) holds for the form's values is
    mandatory; a one-of group is satisfied by any member, and when none is given the members
    whose condition holds are the ones named.
    Batch filing checks dossiers not stored yet: it passes the `present` component ids
    (files it is about to add) and the version's `components`, read once per batch.
    """
    from ..forms import field_label, stored_value_error  # a draft may keep invalid text

    missing: list[MissingItem] = []
    for field in dossier.version.field_definitions():
        value = dossier.data.get(field["name"])
        where = f"data.{field['name']}"
        if field.get("required") and value in (None, ""):
            label = field_label(field) or field["name"]
            missing.append(MissingItem(label, code="field_required", field=where))
        elif error := stored_value_error(field, value):
            label = f"{field_label(field)}: {error}"
            missing.append(MissingItem(label, code="field_invalid", field=where))
    if dossier.applicant_province_code is None:
        missing.append(
            MissingItem(
                _("Province or city of the competent office"),
                code="field_required",
                field="province_code",
            )
        )
    if not dossier.applicant_name:
        missing.append(
            MissingItem(_("Applicant's full name"), code="field_required", field="data.full_name")
        )
    if present is None:  # files and paper receipts in one statement
        present = set(
            DossierDocument.objects.filter(dossier=dossier)
            .order_by()
            .values_list("component_id", flat=True)
            .union(
                PaperReceipt.objects.filter(dossier=dossier)
                .order_by()
                .values_list("component_id", flat=True)
            )
        )
    if components is None:
        components = list(dossier.version.components.all())
    groups: dict[str, list[DocumentComponent]] = {}
    for component in components:
        if component.prefill_source:
            continue
        condition = component.condition_holds(dossier.data)
        mandatory = component.is_mandatory or (condition is True and not component.one_of_group)
        if mandatory and component.pk not in present:
            missing.append(
                MissingItem(component.name, code="document_required", documents=(component.code,))
            )
        elif component.one_of_group:
            groups.setdefault(component.one_of_group, []).append(component)
    for members in groups.values():
        if any(member.pk in present for member in members):
            continue
        # Any member satisfies the group; the ones whose condition holds are named.
        named = [m for m in members if m.condition_holds(dossier.data)] or [
            m for m in members if m.condition_holds(dossier.data) is not False
        ]
        named = named or members
        if len(named) == 1:
            missing.append(
                MissingItem(named[0].name, code="document_required", documents=(named[0].code,))
            )
            continue
        names = " / ".join(str(member.name) for member in named)
        missing.append(
            MissingItem(
                _("One of: %(documents)s") % {"documents": names},
                code="one_of_documents",
                documents=tuple(member.code for member in named),
            )
        )
    return missing


def _rebind_locked(locked: Dossier, *, actor: User | None, day: dt.date) -> bool:
    """Put a locked draft under the version in force on `day` (call inside a transaction).

    A dossier keeps the rules of the version in force when it is received, not when its
    draft was opened. Files and paper receipts follow their document to the new version
    by code; a document the new version no longer names keeps its file (nothing is lost).
    Returns whether the version changed.
    """
    try:
        version = version_in_force(procedure=locked.procedure, on=day)
    except NoVersionInForce as exc:
        raise IntakeRefused(_("This procedure is not open for filing today.")) from exc
    if version.pk == locked.version_id:
        return False
    previous_id = locked.version_id
    by_code = {c.code: c for c in version.components.all()}
    for model in (DossierDocument, PaperReceipt):
        for item in model.objects.filter(dossier=locked).select_related("component"):
            target = by_code.get(item.component.code)
            if target is not None and item.component_id != target.pk:
                item.component = target
                item.save(update_fields=["component"])
    locked.version = version
    locked.save(update_fields=["version", "updated_at"])
    Dossier.objects.filter(pk=locked.pk).update(revision=F("revision") + 1)
    if isinstance(locked.revision, int):  # keep the locked copy true for a later save
        locked.revision += 1
    event_append(
        dossier=locked,
        kind=EventKind.VERSION_CHANGED,
        actor=actor,
        payload={"from_version": previous_id, "to_version": version.pk},
        citizen_visible=True,
    )
    logger.info(
        "dossier_version_rebound",
        dossier_id=locked.pk,
        from_version=previous_id,
        to_version=version.pk,
    )
    return True


def dossier_draft_rebind(*, dossier: Dossier, actor: User | None = None) -> Dossier:
    """Put a draft under the version in force today if a newer one came into force.

    The wizard and the API call it when a draft is resumed or submitted, so the applicant
    fills in, and sees, what the version in force asks (and what changed, from the
    `version_changed` event). Filed dossiers are left alone, and so is a draft when no
    version is in force today (submission then refuses it with the reason).
    """
    if dossier.state != DossierState.DRAFT:
        return dossier
    in_force = version_in_force_id(procedure_id=dossier.procedure_id, on=timezone.localdate())
    if in_force is None or in_force == dossier.version_id:
        return dossier  # the usual case: no lock, no write
    with transaction.atomic():
        locked = _lock(dossier)
        if locked.state != DossierState.DRAFT:
            return locked
        changed = _rebind_locked(locked, actor=actor, day=timezone.localdate())
    if not changed:
        return dossier
    return Dossier.objects.get(pk=locked.pk)  # not refresh_from_db: see docs/adr/0003


def _competent_office(dossier: Dossier) -> Office:
    try:
        return provincial_office_for(province_code=dossier.applicant_province_code)
    except Office.DoesNotExist as exc:
        raise IntakeRefused(_("No social security office serves the chosen province.")) from exc


def _version_changed(dossier: Dossier) -> bool:
    """Whether the draft moved to a newer version of its procedure since it was opened."""
    return dossier.events.filter(kind=EventKind.VERSION_CHANGED).exists()


def dossier_submit(*, dossier: Dossier, actor: User, submission_key: str | None = None) -> Dossier:
    """Submit an online draft. Repeating the call (double click, retry) changes nothing.

    At most 15 statements (tests/dossiers/test_write_statement_counts.py): the dossier is
    read once, locked with its version, and returned as saved (no re-read).
    """
    if submission_key:
        existing = Dossier.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            if existing.applicant_id != actor.pk:
                raise NotAllowed()
            return existing
    now = timezone.now()
    day = timezone.localdate(now)
    in_force = version_in_force_id(procedure_id=dossier.procedure_id, on=day)
    if dossier.applicant_id == actor.pk and in_force not in (None, dossier.version_id):
        # A newer version in force since the draft was opened: the draft moves to it first
        # (committed), so that what the new version asks can be added if it is missing.
        dossier_draft_rebind(dossier=dossier, actor=actor)
    try:
        with transaction.atomic():
            locked = (
                Dossier.objects.select_for_update(of=("self",))
                .select_related("version")
                .get(pk=dossier.pk)
            )
            if locked.applicant_id != actor.pk:
                raise NotAllowed()
            if locked.state != DossierState.DRAFT:
                return locked  # already submitted: the first submission stands
            if locked.channel not in APPLICANT_CHANNELS:
                raise NotAllowed()
            # The dossier is governed by the version in force when it is received.
            if in_force is None or in_force != locked.version_id:
                _rebind_locked(locked, actor=actor, day=day)
            missing = dossier_missing_items(locked)
            if missing:
                raise DossierIncomplete(missing, version_changed=_version_changed(locked))
            office = _competent_office(locked)
            locked.receiving_office = office
            locked.competent_office = office
            locked.submission_key = submission_key
            locked.submit_online(
                at=now,
                due_at=add_time_limit(
                    now, locked.version.time_limit, locked.version.time_limit_unit
                ),
                code=dossier_code_next(office=office, day=day),
            )
            # The row is locked: its revision is known, no F() and no re-read needed.
            locked.revision += 1
            locked.save(
                update_fields=[
                    "state",
                    "code",
                    "submitted_at",
                    "due_at",
                    "original_due_at",
                    "statutory_due_at",
                    "draft_expires_at",
                    "receiving_office",
                    "competent_office",
                    "submission_key",
                    "revision",
                    "updated_at",
                ]
            )
            # The applicant is the actor (checked above): no query for the account, nor
            # for the registry learning from it (an inline subscriber of the event).
            Dossier.applicant.field.set_cached_value(locked, actor)
            event_append(
                dossier=locked,
                kind=EventKind.SUBMITTED,
                actor=actor,
                from_state=DossierState.DRAFT,
                to_state=DossierState.SUBMITTED,
                citizen_visible=True,
            )
            # The SUBMITTED event brings the reception slip and the applicant's
            # confirmation; the registry learns the applicant (subscribers, dossiers.events).
            counts_changed(locked.pk)
    except IntegrityError:
        # A concurrent retry with the same key won the race: return its dossier.
        if submission_key:
            return Dossier.objects.get(submission_key=submission_key)
        raise
    logger.info("dossier_submitted", dossier_id=locked.pk, channel=locked.channel)
    return locked


@dataclass(frozen=True)
class ReceiptLine:
    component: DocumentComponent
    original_or_copy: str
    quantity: int


def dossier_counter_receive(
    *, dossier: Dossier, officer: User, receipts: list[ReceiptLine], paper_sets: int = 1
) -> Dossier:
    """Receive a walk-in dossier at the officer's office, for any province.

    Procedures that need a field inspection are the exception: only the competent
    province's office may receive them.
    """
    with transaction.atomic():
        locked = _lock(dossier)
        if not can_edit_draft(officer, locked):
            if locked.state != DossierState.DRAFT and locked.received_by_id == officer.pk:
                return locked  # the same officer pressed "receive" twice
            raise NotAllowed()
        now = timezone.now()
        # The dossier is governed by the version in force when it is received.
        _rebind_locked(locked, actor=officer, day=timezone.localdate(now))
        competent = _competent_office(locked)
        office = officer.office
        if locked.procedure.field_inspection and competent.province_code != office.province_code:
            raise IntakeRefused(
                _(
                    "This procedure needs a field inspection, so only %(office)s can receive "
                    "it. Please direct the applicant there."
                )
                % {"office": competent.name}
            )
        # Ticked lines name the components the officer saw (of this procedure, possibly of
        # the version the draft was opened under): they follow them by code.
        components = {c.code: c for c in locked.version.components.all()}
        own_versions = set(locked.procedure.versions.values_list("pk", flat=True))
        PaperReceipt.objects.filter(dossier=locked).delete()
        PaperReceipt.objects.bulk_create(
            PaperReceipt(
                dossier=locked,
                component=components[line.component.code],
                original_or_copy=line.original_or_copy,
                quantity=line.quantity,
            )
            for line in receipts
            if line.quantity > 0
            and line.component.version_id in own_versions
            and line.component.code in components
        )
        missing = dossier_missing_items(locked)
        if missing:
            raise DossierIncomplete(missing, version_changed=_version_changed(locked))
        locked.competent_office = competent
        locked.paper_sets = max(1, paper_sets)
        locked.receive_at_counter(
            at=now,
            due_at=add_time_limit(now, locked.version.time_limit, locked.version.time_limit_unit),
            code=dossier_code_next(office=office, day=timezone.localdate(now)),
            officer=officer,
        )
        locked.revision = F("revision") + 1
        locked.save(
            update_fields=[
                "state",
                "code",
                "submitted_at",
                "received_at",
                "received_by",
                "due_at",
                "original_due_at",
                "statutory_due_at",
                "draft_expires_at",
                "competent_office",
                "paper_sets",
                "revision",
                "updated_at",
            ]
        )
        event_append(
            dossier=locked,
            kind=EventKind.RECEIVED,
            actor=officer,
            from_state=DossierState.DRAFT,
            to_state=DossierState.RECEIVED,
            citizen_visible=True,
            payload={
                "receiving_office": office.agency_code,
                "competent_office": competent.agency_code,
                "across_boundaries": competent.pk != office.pk,
            },
        )
        # The RECEIVED event brings the reception slip and the applicant's confirmation;
        # the registry learns the walk-in (subscribers, dossiers.events).
        counts_changed(locked.pk)
        # At an office that assigns automatically, the dossier goes to an officer at once.
        from .workflow import dossier_auto_assign

        dossier_auto_assign(locked=locked, by=officer)
    locked = Dossier.objects.get(pk=locked.pk)  # not refresh_from_db: see docs/adr/0003
    logger.info("dossier_received_at_counter", dossier_id=locked.pk, office=office.agency_code)
    return locked


def dossier_hand_to_citizen(*, dossier: Dossier, officer: User) -> Dossier:
    """A counter officer hands a counter draft to the citizen's account to finish online."""
    with transaction.atomic():
        locked = _lock(dossier)
        if not can_edit_draft(officer, locked) or locked.channel != Channel.COUNTER:
            raise NotAllowed()
        citizen = User.objects.filter(
            role=Role.CITIZEN, national_id=locked.applicant_national_id
        ).first()
        if citizen is None or not locked.applicant_national_id:
            raise IntakeRefused(
                _("The applicant has no portal account yet, so the draft cannot be handed over.")
            )
        if Channel.ONLINE not in locked.procedure.channels:
            raise IntakeRefused(_("This procedure cannot be filed online."))
        locked.channel = Channel.ONLINE
        locked.applicant = citizen
        locked.receiving_office = None
        locked.revision = F("revision") + 1
        locked.save(
            update_fields=["channel", "applicant", "receiving_office", "revision", "updated_at"]
        )
        event_append(
            dossier=locked,
            kind=EventKind.HANDED_OVER,
            actor=officer,
            payload={"from": Channel.COUNTER, "to": Channel.ONLINE, "citizen_id": citizen.pk},
            citizen_visible=True,
        )
    locked = Dossier.objects.get(pk=locked.pk)  # not refresh_from_db: see docs/adr/0003
    return locked


def drafts_purge_expired(*, limit: int = 500) -> int:
    """Delete the files of drafts past their expiry; the draft row and its trail stay.

    Only expired drafts that still have documents are touched (an index on state and
    expiry keeps this from scanning the table); running it twice purges nothing twice.
    """
    now = timezone.now()
    purged = 0
    expired = (
        Dossier.objects.filter(
            state=DossierState.DRAFT, draft_expires_at__lte=now, documents__isnull=False
        )
        .distinct()
        .values_list("pk", flat=True)[:limit]
    )
    for dossier_id in list(expired):
        with transaction.atomic():
            locked = Dossier.objects.select_for_update().get(pk=dossier_id)
            documents = list(locked.documents.all())
            if not documents:
                continue
            from ..digitisation import derived_file_names

            names = [n for d in documents for n in (d.file.name, *derived_file_names(d))]
            locked.documents.all().delete()
            event_append(
                dossier=locked,
                kind=EventKind.DOCUMENT_REMOVED,
                actor=None,
                payload={"action": "draft_expired", "documents": len(documents)},
            )
            transaction.on_commit(lambda names=names: [default_storage.delete(n) for n in names])
            purged += 1
    return purged
