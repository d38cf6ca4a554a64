"""Writes to the catalogue: procedures, versions (never overlapping), and the seed loader."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.text import fold_vietnamese

from .constants import Channel, FieldType, FileType, PrefillKey
from .models import DocumentComponent, Procedure, ProcedureVersion

CATALOGUE_PATH = Path(__file__).resolve().parent / "data" / "catalogue.json"
# Made-up procedures for `make run` (e.g. one that needs a field inspection), loaded by
# `seed_demo` only: unpublished and flagged `is_demo`, so never in the catalogue, the API
# or the dashboards.
DEMO_CATALOGUE_PATH = Path(__file__).resolve().parent / "data" / "demo.json"


def _search_text(procedure: Procedure) -> str:
    parts = [
        procedure.code,
        procedure.name_vi,
        procedure.name_en,
        procedure.summary_vi,
        procedure.summary_en,
    ]
    return fold_vietnamese(" ".join(p for p in parts if p))


def validate_required_when(rule, fields: list[dict[str, Any]], *, code: str) -> None:
    """A document's machine condition names a field of the form and values it can take."""
    if rule in (None, {}):
        return
    by_name = {field.get("name"): field for field in fields}
    if (
        not isinstance(rule, dict)
        or set(rule) != {"field", "in"}
        or not isinstance(rule["field"], str)
        or not isinstance(rule["in"], list)
        or not rule["in"]
        or not all(isinstance(value, (str, int)) for value in rule["in"])
    ):
        raise ValidationError(
            _('Document %(code)s: the condition must be {"field": ..., "in": [...]}.')
            % {"code": code}
        )
    field = by_name.get(rule["field"])
    if field is None:
        raise ValidationError(
            _("Document %(code)s: the condition names an unknown field %(field)s.")
            % {"code": code, "field": rule["field"]}
        )
    choices = {choice.get("value") for choice in field.get("choices") or []}
    if choices and not set(rule["in"]) <= choices:
        raise ValidationError(
            _("Document %(code)s: the condition names values the field does not offer.")
            % {"code": code}
        )


def validate_field_schema(fields: list[dict[str, Any]]) -> None:
    """The form-field schema a version carries must be renderable by intake."""
    seen = set()
    for index, field in enumerate(fields):
        name = field.get("name")
        where = _("field %(number)s") % {"number": index + 1}
        if not name or not str(name).isidentifier():
            raise ValidationError(_("%(where)s has no valid name.") % {"where": where})
        if name in seen:
            raise ValidationError(_("Field name %(name)s is used twice.") % {"name": name})
        seen.add(name)
        if field.get("type") not in FieldType.values:
            raise ValidationError(_("Field %(name)s has an unknown type.") % {"name": name})
        if field.get("type") == FieldType.CHOICE and not field.get("choices"):
            raise ValidationError(_("Choice field %(name)s has no choices.") % {"name": name})
        if field.get("prefill") and field["prefill"] not in PrefillKey.values:
            raise ValidationError(_("Field %(name)s has an unknown prefill key.") % {"name": name})
        if not field.get("label_vi"):
            raise ValidationError(_("Field %(name)s has no Vietnamese label.") % {"name": name})


def _check_no_overlap(
    *,
    procedure: Procedure,
    effective_from: dt.date,
    effective_to: dt.date | None,
    exclude_id: int | None = None,
) -> None:
    if effective_to is not None and effective_to < effective_from:
        raise ValidationError(
            {"effective_to": _("The end date must not be before the start date.")}
        )
    others = ProcedureVersion.objects.filter(procedure=procedure)
    if exclude_id:
        others = others.exclude(pk=exclude_id)
    for other in others:
        other_end = other.effective_to or dt.date.max
        this_end = effective_to or dt.date.max
        if other.effective_from <= this_end and effective_from <= other_end:
            raise ValidationError(
                {
                    "effective_from": _(
                        "This version overlaps the version in force from %(start)s. "
                        "End that version first (set its end date) or choose other dates."
                    )
                    % {"start": other.effective_from.strftime("%d/%m/%Y")}
                }
            )


def procedure_version_create(
    *,
    procedure: Procedure,
    effective_from: dt.date,
    legal_basis_vi: str,
    time_limit: int,
    time_limit_unit: str,
    effective_to: dt.date | None = None,
    legal_basis_en: str = "",
    internal_target: int | None = None,
    verification_time_limit: int | None = None,
    due_soon_hours: int = 8,
    workflow: dict[str, bool] | None = None,
    fields: list[dict] | None = None,
    components: list[dict] | None = None,
    close_previous: bool = False,
) -> ProcedureVersion:
    """Publish a version: versions never overlap, dossiers keep the version they got.

    With `close_previous`, an open-ended version in force before `effective_from` is ended
    the day before, which is how a new legal basis replaces an old one.
    """
    workflow = workflow or {}
    fields = fields or []
    validate_field_schema(fields)
    with transaction.atomic():
        # Lock the procedure row: concurrent publications of one procedure are serialised.
        Procedure.objects.select_for_update().get(pk=procedure.pk)
        if close_previous:
            previous = (
                ProcedureVersion.objects.filter(
                    procedure=procedure,
                    effective_to__isnull=True,
                    effective_from__lt=effective_from,
                )
                .order_by("-effective_from")
                .first()
            )
            if previous is not None:
                previous.effective_to = effective_from - dt.timedelta(days=1)
                previous.save(update_fields=["effective_to"])
        _check_no_overlap(
            procedure=procedure, effective_from=effective_from, effective_to=effective_to
        )
        version = ProcedureVersion(
            procedure=procedure,
            effective_from=effective_from,
            effective_to=effective_to,
            legal_basis_vi=legal_basis_vi,
            legal_basis_en=legal_basis_en,
            time_limit=time_limit,
            time_limit_unit=time_limit_unit,
            internal_target=internal_target,
            verification_time_limit=verification_time_limit,
            due_soon_hours=due_soon_hours,
            step_appraisal=workflow.get("appraisal", True),
            step_leader_signature=workflow.get("leader_signature", True),
            step_payment_request=workflow.get("payment_request", False),
            fields=fields,
        )
        version.full_clean()
        version.save()
        for component in components or []:
            validate_required_when(
                component.get("required_when"), fields or [], code=component["code"]
            )
            unknown = set(component.get("file_types") or []) - set(FileType.values)
            if unknown:
                raise ValidationError(
                    _("Document %(code)s accepts unknown file types: %(types)s")
                    % {"code": component["code"], "types": ", ".join(sorted(unknown))}
                )
        for position, component in enumerate(components or []):
            DocumentComponent.objects.create(
                version=version,
                position=position,
                code=component["code"],
                name_vi=component["name_vi"],
                name_en=component.get("name_en") or "",
                original_or_copy=component["original_or_copy"],
                quantity=component.get("quantity") or 1,
                requirement=component["requirement"],
                condition_vi=component.get("condition_vi") or "",
                condition_en=component.get("condition_en") or "",
                file_types=component.get("file_types") or ["pdf", "jpeg", "png"],
                max_size_mb=component.get("max_size_mb") or 10,
                prefill_source=component.get("prefill_source") or "",
                one_of_group=component.get("one_of_group") or "",
                required_when=component.get("required_when") or None,
            )
    return version


def procedure_version_check(*, version: ProcedureVersion) -> None:
    """Validate an edited version (used by the admin form) against its siblings."""
    _check_no_overlap(
        procedure=version.procedure,
        effective_from=version.effective_from,
        effective_to=version.effective_to,
        exclude_id=version.pk,
    )
    validate_field_schema(version.fields or [])


def procedure_save(*, procedure: Procedure) -> Procedure:
    procedure.search_text = _search_text(procedure)
    unknown = [c for c in procedure.channels if c not in Channel.values]
    if unknown:
        raise ValidationError({"channels": _("Unknown channel: %(c)s") % {"c": ", ".join(unknown)}})
    procedure.full_clean()
    procedure.save()
    return procedure


_PROCEDURE_KEYS = (
    "slug",
    "name_vi",
    "name_en",
    "summary_vi",
    "summary_en",
    "group",
    "filer",
    "channels",
    "result_type_vi",
    "result_type_en",
    "fee_vnd",
    "field_inspection",
    "competent_office",
    "is_published",
    "is_demo",
)


@transaction.atomic
def catalogue_load(*, path: Path = CATALOGUE_PATH) -> dict[str, int]:
    """Load the reviewed catalogue file. Idempotent: what is stored is left untouched.

    New procedures and new versions are added. A procedure already stored keeps its edited
    texts, and a version already stored (same procedure and start date) is never rewritten,
    because dossiers received under it must keep its rules.
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    created = {"procedures": 0, "versions": 0}
    for position, item in enumerate(data):
        procedure = Procedure.objects.filter(code=item["code"]).first()
        if procedure is None:
            # New procedures are created from the file; existing ones belong to the
            # catalogue editors (admin) and are not overwritten by a reload.
            procedure = Procedure(code=item["code"], ordering=position)
            for key in _PROCEDURE_KEYS:
                setattr(procedure, key, item[key] if key in item else getattr(procedure, key))
            procedure_save(procedure=procedure)
            created["procedures"] += 1
        for version in sorted(item["versions"], key=lambda v: v["effective_from"]):
            start = dt.date.fromisoformat(version["effective_from"])
            if ProcedureVersion.objects.filter(procedure=procedure, effective_from=start).exists():
                continue
            end = version.get("effective_to")
            procedure_version_create(
                procedure=procedure,
                effective_from=start,
                effective_to=dt.date.fromisoformat(end) if end else None,
                legal_basis_vi=version["legal_basis_vi"],
                legal_basis_en=version.get("legal_basis_en", ""),
                time_limit=version["time_limit"],
                time_limit_unit=version["time_limit_unit"],
                internal_target=version.get("internal_target"),
                verification_time_limit=version.get("verification_time_limit"),
                due_soon_hours=version.get("due_soon_hours", 8),
                workflow=version.get("workflow"),
                fields=version.get("fields"),
                components=version.get("components"),
            )
            created["versions"] += 1
    return created
