"""The officers' worklist: office-scoped, filterable, sorted by due date, keyset-paginated."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.constants import Role
from accounts.models import User

from .constants import OPEN_STATES, DossierState
from .models import Dossier

TABS = ("open", "mine", "unassigned", "due_soon", "overdue", "signature", "closed")
DUE_SOON_HOURS = 24
PAGE_SIZE = 25


@dataclass
class WorklistQuery:
    tab: str = "open"
    state: str = ""
    procedure_id: int | None = None
    q: str = ""
    after: str = ""  # keyset cursor "<due_at iso>|<id>"


@dataclass
class WorklistPage:
    rows: list[Dossier]
    counts: dict[str, int]
    next_cursor: str = ""
    filters: WorklistQuery = field(default_factory=WorklistQuery)


def _scope(user: User) -> QuerySet[Dossier]:
    qs = Dossier.objects.exclude(state=DossierState.DRAFT)
    if user.role in (Role.SUPERVISOR, Role.ADMINISTRATOR):
        return qs
    if user.office_id is None:
        return qs.none()
    if user.role == Role.COUNTER_OFFICER:
        return qs.filter(
            Q(competent_office_id=user.office_id) | Q(receiving_office_id=user.office_id)
        )
    return qs.filter(competent_office_id=user.office_id)


def _tab_conditions(user: User, now: dt.datetime) -> dict[str, Q]:
    open_q = Q(state__in=OPEN_STATES) | Q(state=DossierState.PROCESSED)
    return {
        "open": open_q,
        "mine": open_q & Q(assigned_to_id=user.pk),
        "unassigned": Q(state=DossierState.RECEIVED, assigned_to__isnull=True),
        "due_soon": open_q
        & Q(due_at__gte=now, due_at__lt=now + dt.timedelta(hours=DUE_SOON_HOURS)),
        "overdue": open_q & Q(due_at__lt=now) & ~Q(state=DossierState.SUPPLEMENT_REQUESTED),
        "signature": Q(state=DossierState.AWAITING_SIGNATURE),
        "closed": ~open_q,
    }


def _search(qs: QuerySet[Dossier], text: str) -> QuerySet[Dossier]:
    text = text.strip()
    if not text:
        return qs
    if text.isdigit() and len(text) == 12:
        return qs.filter(applicant_national_id=text)
    if "-" in text and "." in text:
        return qs.filter(code__istartswith=text)
    return qs.filter(applicant_name__icontains=text)


def worklist(*, user: User, query: WorklistQuery, limit: int = PAGE_SIZE) -> WorklistPage:
    now = timezone.now()
    conditions = _tab_conditions(user, now)
    tab = query.tab if query.tab in conditions else "open"
    base = _scope(user)
    if query.procedure_id:
        base = base.filter(procedure_id=query.procedure_id)
    base = _search(base, query.q)
    counts = base.aggregate(**{name: Count("id", filter=cond) for name, cond in conditions.items()})
    qs = base.filter(conditions[tab])
    if query.state and query.state in DossierState.values:
        qs = qs.filter(state=query.state)
    if query.after:
        due_text, _, id_text = query.after.partition("|")
        try:
            after_due = dt.datetime.fromisoformat(due_text)
            after_id = int(id_text)
        except ValueError:
            after_due, after_id = None, None
        if after_due is not None:
            qs = qs.filter(Q(due_at__gt=after_due) | Q(due_at=after_due, id__gt=after_id))
    rows = list(
        qs.select_related("procedure", "assigned_to", "competent_office").order_by("due_at", "id")[
            : limit + 1
        ]
    )
    next_cursor = ""
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = f"{last.due_at.isoformat()}|{last.pk}"
    return WorklistPage(rows=rows, counts=counts, next_cursor=next_cursor, filters=query)
