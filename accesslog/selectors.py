"""Reads of the access log: a dossier's openings for its applicant, and the supervisors'
search, newest first and paginated by keyset (`at`, `id`) on the indexes of the model."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from .models import AccessRecord

DOSSIER_ACCESSES_SHOWN = 50


def dossier_accesses(*, dossier_id: int, limit: int = DOSSIER_ACCESSES_SHOWN) -> list[AccessRecord]:
    """Who opened a dossier (its documents and letters too), newest first. The office comes
    along for its name and phone; the officer's name is not read at all."""
    return list(
        AccessRecord.objects.filter(dossier_id=dossier_id)
        .select_related("office")
        .only(
            "at",
            "role",
            "kind",
            "channel",
            "office__name",
            "office__name_en",
            "office__phone",
        )
        .order_by("-at", "-id")[:limit]
    )


@dataclass(frozen=True)
class AccessFilters:
    dossier_code: str = ""
    actor_id: int | None = None
    office_id: int | None = None
    role: str = ""
    kind: str = ""
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def access_search(
    *, filters: AccessFilters, after: tuple[dt.datetime, int] | None = None, limit: int = 50
) -> list[AccessRecord]:
    """One page of the log, newest first; `after` is the (at, id) of the previous page's last
    row. Reads `limit + 1` rows so the caller knows whether a next page exists."""
    qs: QuerySet[AccessRecord] = AccessRecord.objects.select_related("actor", "office")
    if filters.dossier_code:
        qs = qs.filter(dossier_code=filters.dossier_code)
    if filters.actor_id is not None:
        qs = qs.filter(actor_id=filters.actor_id)
    if filters.office_id is not None:
        qs = qs.filter(office_id=filters.office_id)
    if filters.role:
        qs = qs.filter(role=filters.role)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.since is not None:
        qs = qs.filter(at__gte=filters.since)
    if filters.until is not None:
        qs = qs.filter(at__lt=filters.until)
    if after is not None:
        at, pk = after
        qs = qs.filter(Q(at__lt=at) | Q(at=at, id__lt=pk))
    return list(qs.order_by("-at", "-id")[: limit + 1])
