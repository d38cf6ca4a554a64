"""Reads of the catalogue."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from core.text import fold_vietnamese

from .constants import BenefitGroup
from .models import DocumentComponent, Procedure, ProcedureVersion


class NoVersionInForce(Exception):
    """The procedure has no version in force on the day asked about."""


def procedure_list(*, query: str = "", group: str = "") -> QuerySet[Procedure]:
    qs = Procedure.objects.filter(is_published=True)
    if group and group in BenefitGroup.values:
        qs = qs.filter(group=group)
    for word in fold_vietnamese(query).split():
        qs = qs.filter(search_text__contains=word)
    return qs.order_by("ordering", "name_vi")


def procedure_group_counts() -> list[dict]:
    counts = dict(
        Procedure.objects.filter(is_published=True)
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


def procedure_detail(*, slug: str) -> Procedure:
    return Procedure.objects.get(slug=slug, is_published=True)
