"""Reads of the catalogue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from core.text import fold_vietnamese

from .constants import BenefitGroup
from .models import DocumentComponent, Procedure, ProcedureVersion
from .schema import localized


class NoVersionInForce(Exception):
    """The procedure has no version in force on the day asked about."""


def procedure_list(*, query: str = "", group: str = "") -> QuerySet[Procedure]:
    qs = Procedure.objects.filter(is_published=True, is_demo=False)
    if group and group in BenefitGroup.values:
        qs = qs.filter(group=group)
    for word in fold_vietnamese(query).split():
        qs = qs.filter(search_text__contains=word)
    return qs.order_by("ordering", "name_vi")


def procedure_group_counts() -> list[dict]:
    counts = dict(
        Procedure.objects.filter(is_published=True, is_demo=False)
        .values_list("group")
        .annotate(n=Count("id"))
        .values_list("group", "n")
    )
    return [
        {"value": g.value, "label": g.label, "count": counts[g.value]}
        for g in BenefitGroup
        if counts.get(g.value)
    ]


def version_in_force(*, procedure: Procedure, on: dt.date | None = None) -> ProcedureVersion:
    day = on or timezone.localdate()
    version = (
        ProcedureVersion.objects.filter(procedure=procedure, effective_from__lte=day)
        .exclude(effective_to__lt=day)
        .order_by("-effective_from")
        .prefetch_related(
            Prefetch("components", queryset=DocumentComponent.objects.order_by("position", "id"))
        )
        .first()
    )
    if version is None:
        raise NoVersionInForce(procedure.code)
    return version


def version_in_force_id(*, procedure_id: int, on: dt.date) -> int | None:
    """The id of the version in force on a day (one small query), or None."""
    return (
        ProcedureVersion.objects.filter(procedure_id=procedure_id, effective_from__lte=on)
        .exclude(effective_to__lt=on)
        .order_by("-effective_from")
        .values_list("pk", flat=True)
        .first()
    )


def procedure_detail(*, slug: str) -> Procedure:
    return Procedure.objects.get(slug=slug, is_published=True, is_demo=False)


@dataclass(frozen=True)
class VersionDifferences:
    """What changed between two versions of a procedure, named in the active language."""

    time_limit: tuple[str, str] | None = None
    documents_added: list[str] = field(default_factory=list)
    documents_removed: list[str] = field(default_factory=list)
    documents_now_mandatory: list[str] = field(default_factory=list)
    fields_added: list[str] = field(default_factory=list)
    fields_removed: list[str] = field(default_factory=list)
    fields_now_required: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))


def time_limit_text(version: ProcedureVersion) -> str:
    """`7 working days`, with the longer limit when verification is needed, if any."""
    unit = version.get_time_limit_unit_display()
    text = f"{version.time_limit} {unit}"
    if version.verification_time_limit:
        extended = gettext("up to %(n)s %(unit)s if verification is needed") % {
            "n": version.verification_time_limit,
            "unit": unit,
        }
        text += f" ({extended})"
    return text


def version_differences(*, old: ProcedureVersion, new: ProcedureVersion) -> VersionDifferences:
    """Time limit, documents and form fields that differ from `old` to `new`."""
    limit = None
    if (old.time_limit, old.time_limit_unit, old.verification_time_limit) != (
        new.time_limit,
        new.time_limit_unit,
        new.verification_time_limit,
    ):
        limit = (time_limit_text(old), time_limit_text(new))
    old_components = {c.code: c for c in old.components.all()}
    new_components = {c.code: c for c in new.components.all()}
    old_fields = {f["name"]: f for f in old.field_definitions()}
    new_fields = {f["name"]: f for f in new.field_definitions()}
    return VersionDifferences(
        time_limit=limit,
        documents_added=[c.name for k, c in new_components.items() if k not in old_components],
        documents_removed=[c.name for k, c in old_components.items() if k not in new_components],
        documents_now_mandatory=[
            c.name
            for k, c in new_components.items()
            if k in old_components and c.is_mandatory and not old_components[k].is_mandatory
        ],
        fields_added=[localized(f, "label") for k, f in new_fields.items() if k not in old_fields],
        fields_removed=[
            localized(f, "label") for k, f in old_fields.items() if k not in new_fields
        ],
        fields_now_required=[
            localized(f, "label")
            for k, f in new_fields.items()
            if k in old_fields and f.get("required") and not old_fields[k].get("required")
        ],
    )
