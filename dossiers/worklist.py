"""The officers' worklist: office-scoped, filterable, sorted by due date, keyset-paginated."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.constants import Role
from accounts.models import User

from .constants import FINAL_STATES, OPEN_STATES, DossierState
from .models import Dossier
from .search import FULLTEXT_PREFIX, dossier_search_documents

TABS = ("open", "mine", "unassigned", "due_soon", "overdue", "signature", "closed")
# One sorted IN list (not an OR), so PostgreSQL can use the partial indexes on these states.
WORKLIST_OPEN_STATES = sorted(OPEN_STATES | {DossierState.PROCESSED})
WORKLIST_CLOSED_STATES = sorted(FINAL_STATES)
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
    """The open tabs; all are subsets of the open states (counted together in one query)."""
    return {
        "open": Q(),
        "mine": Q(assigned_to_id=user.pk),
        "unassigned": Q(state=DossierState.RECEIVED, assigned_to__isnull=True),
        "due_soon": Q(due_at__gte=now, due_at__lt=now + dt.timedelta(hours=DUE_SOON_HOURS)),
        "overdue": Q(due_at__lt=now) & ~Q(state=DossierState.SUPPLEMENT_REQUESTED),
        "signature": Q(state=DossierState.AWAITING_SIGNATURE),
    }


def _search(qs: QuerySet[Dossier], text: str) -> QuerySet[Dossier]:
    """Dossier code prefix, 12-digit ID number, applicant name, or with the prefix
    "text:" words inside the documents' recognised text (`dossiers.search`)."""
    text = text.strip()
    if not text:
        return qs
    if text[: len(FULLTEXT_PREFIX)].lower() == FULLTEXT_PREFIX:
        return dossier_search_documents(qs, text[len(FULLTEXT_PREFIX) :])
    if text.isdigit() and len(text) == 12:
        return qs.filter(applicant_national_id=text)
    if "-" in text and "." in text:
        return qs.filter(code__startswith=text.upper())  # uses the code's LIKE index
    return qs.filter(applicant_name__icontains=text)


def worklist(*, user: User, query: WorklistQuery, limit: int = PAGE_SIZE) -> WorklistPage:
    """One page of a tab, with the counts of every open tab (two queries).

    Counts cover open dossiers only, so their cost follows the open workload, not the
    office's whole history; the closed tab is counted only when it is shown.
    """
    now = timezone.now()
    conditions = _tab_conditions(user, now)
    tab = query.tab if query.tab in (*conditions, "closed") else "open"
    base = _scope(user)
    if query.procedure_id:
        base = base.filter(procedure_id=query.procedure_id)
    base = _search(base, query.q)
    open_qs = base.filter(state__in=WORKLIST_OPEN_STATES)
    counts = open_qs.aggregate(
        **{
            name: Count("id", filter=cond) if cond else Count("id")
            for name, cond in conditions.items()
        }
    )
    if tab == "closed":
        qs = base.filter(state__in=WORKLIST_CLOSED_STATES)
        counts["closed"] = qs.count()
    else:
        qs = open_qs.filter(conditions[tab])
        counts["closed"] = None
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
            # The first condition is a range the (…, due_at, id) indexes can start from.
            qs = qs.filter(due_at__gte=after_due).filter(
                Q(due_at__gt=after_due) | Q(id__gt=after_id)
            )
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
