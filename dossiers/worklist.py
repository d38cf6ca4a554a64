"""The officers' worklist: office-scoped, filterable, sorted by due date, keyset-paginated."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from accounts.constants import Role
from accounts.models import User

from .constants import FINAL_STATES, OPEN_STATES, DossierState
from .models import Dossier
from .search import FULLTEXT_PREFIX, dossier_search_documents
from .selectors import first_of_each_branch, office_scope, office_scope_branches

TABS = (
    "reception",
    "open",
    "mine",
    "unassigned",
    "due_soon",
    "overdue",
    "signature",
    "closed",
)
TAB_LABELS = {
    "reception": _("For the counter"),
    "open": _("Open"),
    "mine": _("Assigned to me"),
    "unassigned": _("Unassigned"),
    "due_soon": _("Due soon"),
    "overdue": _("Overdue"),
    "signature": _("Awaiting signature"),
    "closed": _("Closed"),
}
# One sorted IN list (not an OR), so PostgreSQL can use the partial indexes on these states.
WORKLIST_OPEN_STATES = sorted(OPEN_STATES | {DossierState.PROCESSED})
WORKLIST_CLOSED_STATES = sorted(FINAL_STATES)
DUE_SOON_HOURS = 24
PAGE_SIZE = 25
CLOSED_COUNT_CAP = 10_000  # the closed tab counts this far, then shows "10,000+"


@dataclass
class WorklistQuery:
    tab: str = "open"
    state: str = ""
    procedure_id: int | None = None
    q: str = ""
    after: str = ""  # keyset cursor "<due_at iso>|<id>"; while searching, "<id>"

    @property
    def searching(self) -> bool:
        return bool(self.q.strip())


@dataclass
class WorklistPage:
    rows: list[Dossier]
    counts: dict[str, int]
    next_cursor: str = ""
    filters: WorklistQuery = field(default_factory=WorklistQuery)

    @property
    def tabs(self) -> list[tuple[str, str, int | str | None]]:
        """(tab, label, count) in display order; the count is None when not counted, and
        "10,000+" (in the page's number format) past `CLOSED_COUNT_CAP`."""
        shown = []
        for tab in TABS:
            count = self.counts.get(tab)
            if count is not None and count > CLOSED_COUNT_CAP:
                count = f"{number_format(CLOSED_COUNT_CAP, force_grouping=True)}+"
            shown.append((tab, TAB_LABELS[tab], count))
        return shown


def _scope(user: User) -> QuerySet[Dossier]:
    qs = Dossier.objects.exclude(state=DossierState.DRAFT)
    if user.role in (Role.SUPERVISOR, Role.ADMINISTRATOR):
        return qs
    if user.office_id is None:
        return qs.none()
    if user.role == Role.COUNTER_OFFICER:
        return qs.filter(office_scope(user.office_id))
    return qs.filter(competent_office_id=user.office_id)


def default_tab(user: User) -> str:
    """Reception staff start on their desk's work (new online submissions, results to
    return); processing officers on the dossiers assigned to them."""
    if user.role == Role.COUNTER_OFFICER:
        return "reception"
    if user.role == Role.PROCESSING_OFFICER:
        return "mine"
    return "open"


def _tab_conditions(user: User, now: dt.datetime) -> dict[str, Q]:
    """The open tabs; all are subsets of the open states (counted together in one query)."""
    return {
        # The one-stop desk's own work: new online submissions to receive, results to return.
        "reception": Q(state__in=[DossierState.SUBMITTED, DossierState.PROCESSED]),
        "open": Q(),
        "mine": Q(assigned_to_id=user.pk),
        "unassigned": Q(state=DossierState.RECEIVED, assigned_to__isnull=True),
        "due_soon": Q(due_at__gte=now, due_at__lt=now + dt.timedelta(hours=DUE_SOON_HOURS)),
        "overdue": Q(due_at__lt=now) & ~Q(state=DossierState.SUPPLEMENT_REQUESTED),
        "signature": Q(state=DossierState.AWAITING_SIGNATURE),
    }


def _search_kind(text: str) -> str:
    """How a worklist search reads `text`: "text" (the documents' recognised text, with the
    prefix "text:"), "national_id" (12 digits), "code" (a dossier code prefix) or "name"."""
    if text[: len(FULLTEXT_PREFIX)].lower() == FULLTEXT_PREFIX:
        return "text"
    if text.isdigit() and len(text) == 12:
        return "national_id"
    if "-" in text and "." in text:
        return "code"
    return "name"


def _search(qs: QuerySet[Dossier], text: str) -> QuerySet[Dossier]:
    """Dossier code prefix, 12-digit ID number, applicant name, or with the prefix
    "text:" words inside the documents' recognised text (`dossiers.search`)."""
    text = text.strip()
    if not text:
        return qs
    kind = _search_kind(text)
    if kind == "text":
        return dossier_search_documents(qs, text[len(FULLTEXT_PREFIX) :])
    if kind == "national_id":
        return qs.filter(applicant_national_id=text)
    if kind == "code":
        return qs.filter(code__startswith=text.upper())  # uses the code's LIKE index
    return qs.filter(applicant_name__icontains=text)


def is_name_search(text: str) -> bool:
    """A search by name (no index can serve `LIKE '%…%'` over an office's whole history):
    it spans the open tabs only; codes, ID numbers and document text reach closed dossiers."""
    text = text.strip()
    return bool(text) and _search_kind(text) == "name"


def worklist(*, user: User, query: WorklistQuery, limit: int = PAGE_SIZE) -> WorklistPage:
    """One page of a tab, with the counts of every open tab (two queries).

    Counts cover open dossiers only, so their cost follows the open workload, not the
    office's whole history; the closed tab is counted only when it is shown. A search spans
    every tab, closed included (`_search_page`).
    """
    now = timezone.now()
    conditions = _tab_conditions(user, now)
    tab = query.tab if query.tab in (*conditions, "closed") else default_tab(user)

    def narrowed(qs: QuerySet[Dossier]) -> QuerySet[Dossier]:
        if query.procedure_id:
            qs = qs.filter(procedure_id=query.procedure_id)
        return _search(qs, query.q)

    base = narrowed(_scope(user))
    if query.searching:
        return _search_page(base, conditions, query=query, limit=limit)
    branches = office_scope_branches(user) if user.role == Role.COUNTER_OFFICER else []
    if branches:
        # Competent OR receiving office: each half is counted and walked by its own index
        # (index-only counts, no office-wide sort). The halves are the scope, so they start
        # from the unscoped dossiers: the OR repeated in each would mislead the planner.
        unscoped = narrowed(Dossier.objects.exclude(state=DossierState.DRAFT))
        halves = [unscoped.filter(branch) for branch in branches]
    else:
        halves = [base]
    counts = _open_counts(halves, conditions)
    if tab == "closed":
        # Bounded: an office's closed history grows without end (shown as "10,000+").
        counted = sum(
            half.filter(state__in=WORKLIST_CLOSED_STATES).order_by()[: CLOSED_COUNT_CAP + 1].count()
            for half in halves
        )
        counts["closed"] = min(counted, CLOSED_COUNT_CAP + 1)
    else:
        counts["closed"] = None
    if branches:
        qs = first_of_each_branch(
            _tab_rows(unscoped, tab=tab, conditions=conditions, query=query),
            branches,
            ordering=("due_at", "id"),
            limit=limit + 1,
        )
    else:
        qs = _tab_rows(base, tab=tab, conditions=conditions, query=query)
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
    return WorklistPage(
        rows=rows, counts=counts, next_cursor=next_cursor, filters=replace(query, tab=tab)
    )


def _open_counts(halves: list[QuerySet[Dossier]], conditions: dict[str, Q]) -> dict[str, int]:
    """The open tabs' counts, summed over disjoint halves of the scope (one query each)."""
    counts = dict.fromkeys(conditions, 0)
    for half in halves:
        found = half.filter(state__in=WORKLIST_OPEN_STATES).aggregate(
            **{
                name: Count("id", filter=cond) if cond else Count("id")
                for name, cond in conditions.items()
            }
        )
        for name, value in found.items():
            counts[name] += value
    return counts


def _tab_rows(
    qs: QuerySet[Dossier], *, tab: str, conditions: dict[str, Q], query: WorklistQuery
) -> QuerySet[Dossier]:
    """The dossiers of `tab` in `qs`, with the state filter and after the keyset cursor."""
    if tab == "closed":
        qs = qs.filter(state__in=WORKLIST_CLOSED_STATES)
    else:
        qs = qs.filter(state__in=WORKLIST_OPEN_STATES).filter(conditions[tab])
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
    return qs


def _search_page(
    base: QuerySet[Dossier], conditions: dict[str, Q], *, query: WorklistQuery, limit: int
) -> WorklistPage:
    """Search hits from every tab, newest first, each with the tabs it appears in
    (`row.tabs`, `row.tab_labels`), so a dossier in another tab than the one open is never
    "not found". Two queries, as a tab: the counts of every tab, the rows. A name search
    spans the open tabs only (`is_name_search`)."""
    open_states = Q(state__in=WORKLIST_OPEN_STATES)
    tabs = {name: open_states & cond for name, cond in conditions.items()}
    if is_name_search(query.q):
        base = base.filter(open_states)  # by the worklist index, never the office's history
    else:
        tabs["closed"] = Q(state__in=WORKLIST_CLOSED_STATES)
    counts = base.aggregate(**{name: Count("id", filter=cond) for name, cond in tabs.items()})
    counts.setdefault("closed", None)
    qs = base
    if query.state and query.state in DossierState.values:
        qs = qs.filter(state=query.state)
    if query.after.isdigit():
        qs = qs.filter(id__lt=int(query.after))
    flags = {
        f"in_{name}": ExpressionWrapper(cond, output_field=BooleanField())
        for name, cond in tabs.items()
    }
    rows = list(
        qs.select_related("procedure", "assigned_to", "competent_office")
        .annotate(**flags)
        .order_by("-id")[: limit + 1]
    )
    next_cursor = ""
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = str(rows[-1].pk)
    for row in rows:
        row.tabs = [name for name in TABS if getattr(row, f"in_{name}", False)]
        row.tab_labels = [TAB_LABELS[name] for name in row.tabs]
    return WorklistPage(
        rows=rows, counts=counts, next_cursor=next_cursor, filters=replace(query, tab="search")
    )
