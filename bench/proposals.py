"""What-if runs: candidate indexes and a reworked worklist query, measured and rolled back.

Imported by `bench/run.py` after `django.setup()`. Each experiment runs in one transaction
that creates its indexes (CREATE INDEX is transactional in PostgreSQL), re-analyses the
table, measures every case and is rolled back, so the bench database keeps exactly the
schema the migrations made. Nothing here changes the application: `proposed_worklist` is
a variant of `dossiers.worklist.worklist` that lives in this file only, for measuring.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import measure
from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet
from django.db.models.fields.tuple_lookups import TupleGreaterThan
from django.utils import timezone

from dossiers.constants import FINAL_STATES, OPEN_STATES, DossierState
from dossiers.models import Dossier
from dossiers.worklist import (
    DUE_SOON_HOURS,
    PAGE_SIZE,
    WorklistPage,
    WorklistQuery,
    _scope,
    _search,
    worklist,
)

# The states the "open" tab shows, as one IN list. The worklist writes them as
# `state IN (...) OR state = 'processed'`, which PostgreSQL 15 cannot prove to match the
# predicate of a partial index, so a partial index would never be used for it.
OPEN_TAB_STATES = sorted({*OPEN_STATES, DossierState.PROCESSED})
_OPEN_SQL = ", ".join(f"'{state}'" for state in OPEN_TAB_STATES)
# Every state that is neither draft nor shown in the open tab: the "closed" tab, as a list.
CLOSED_TAB_STATES = sorted(FINAL_STATES)
_CLOSED_SQL = ", ".join(f"'{state}'" for state in CLOSED_TAB_STATES)
_TABLE = Dossier._meta.db_table

PROPOSED_INDEXES = {
    # Open tabs of an office, in due order, and their counts as an index-only scan (state
    # and assigned_to_id are trailing key columns rather than INCLUDE columns, so that the
    # same models.Index also works on SQLite, which has no covering indexes).
    "dossier_open_office_due_idx": (
        f"CREATE INDEX dossier_open_office_due_idx ON {_TABLE} "  # noqa: S608 - constants
        f"(competent_office_id, due_at, id, state, assigned_to_id) "
        f"WHERE state IN ({_OPEN_SQL})"
    ),
    # National open list (supervisor, administrator), in due order.
    "dossier_open_due_idx": (
        f"CREATE INDEX dossier_open_due_idx ON {_TABLE} (due_at, id) "  # noqa: S608 - constants
        f"WHERE state IN ({_OPEN_SQL})"
    ),
    # The closed tab (history of an office), in due order either way. Partial, so that the
    # planner is never tempted to walk the whole history for an open tab (a plain
    # (competent_office_id, due_at, id) index was picked for the current open-tab query and
    # made it slower: it had to skip every closed dossier first).
    "dossier_closed_office_due_idx": (
        f"CREATE INDEX dossier_closed_office_due_idx ON {_TABLE} "  # noqa: S608 - constants
        f"(competent_office_id, due_at, id) WHERE state IN ({_CLOSED_SQL})"
    ),
    # Name search: `applicant_name__icontains` is UPPER(applicant_name) LIKE UPPER('%...%').
    "dossier_name_trgm_idx": (
        f"CREATE INDEX dossier_name_trgm_idx ON {_TABLE} "
        "USING gin ((UPPER(applicant_name::text)) gin_trgm_ops)"
    ),
}
EXTENSIONS = ["CREATE EXTENSION IF NOT EXISTS pg_trgm"]


def _proposed_search(qs: QuerySet[Dossier], text: str) -> QuerySet[Dossier]:
    """Dossier codes are upper-case ASCII: a case-sensitive prefix uses the code index."""
    text = text.strip()
    if "-" in text and "." in text and not (text.isdigit() and len(text) == 12):
        return qs.filter(code__startswith=text.upper())
    return _search(qs, text)


def proposed_worklist(*, user, query: WorklistQuery, limit: int = PAGE_SIZE) -> WorklistPage:
    """`dossiers.worklist.worklist` with three changes, for measuring only:

    1. the open states are one `state IN (...)` list;
    2. tab counts are taken over open dossiers only (no count for "closed"), and the closed
       tab is `state IN (final states)` rather than `NOT (open states)` (the same rows: every
       state is draft, open or final);
    3. the keyset cursor is a row comparison `(due_at, id) > (%s, %s)`, which is an index
       condition, instead of `due_at > %s OR (due_at = %s AND id > %s)`.
    Plus the code search of `_proposed_search`.
    """
    now = timezone.now()
    open_q = Q(state__in=OPEN_TAB_STATES)
    conditions = {
        "open": open_q,
        "mine": open_q & Q(assigned_to_id=user.pk),
        "unassigned": Q(state=DossierState.RECEIVED, assigned_to__isnull=True),
        "due_soon": open_q
        & Q(due_at__gte=now, due_at__lt=now + dt.timedelta(hours=DUE_SOON_HOURS)),
        "overdue": open_q & Q(due_at__lt=now) & ~Q(state=DossierState.SUPPLEMENT_REQUESTED),
        "signature": Q(state=DossierState.AWAITING_SIGNATURE),
    }
    closed_q = Q(state__in=CLOSED_TAB_STATES)
    tab = query.tab if query.tab in (*conditions, "closed") else "open"
    base = _scope(user)
    if query.procedure_id:
        base = base.filter(procedure_id=query.procedure_id)
    base = _proposed_search(base, query.q)
    counts = base.filter(open_q).aggregate(
        **{name: Count("id", filter=cond) for name, cond in conditions.items()}
    )
    qs = base.filter(conditions[tab] if tab in conditions else closed_q)
    if query.state and query.state in DossierState.values:
        qs = qs.filter(state=query.state)
    if query.after:
        due_text, _, id_text = query.after.partition("|")
        try:
            after = (dt.datetime.fromisoformat(due_text), int(id_text))
        except ValueError:
            after = None
        if after is not None:
            qs = qs.filter(TupleGreaterThan((F("due_at"), F("id")), after))
    rows = list(
        qs.select_related("procedure", "assigned_to", "competent_office").order_by("due_at", "id")[
            : limit + 1
        ]
    )
    next_cursor = ""
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = f"{rows[-1].due_at.isoformat()}|{rows[-1].pk}"
    return WorklistPage(rows=rows, counts=counts, next_cursor=next_cursor, filters=query)


@dataclass
class Experiment:
    name: str
    description: str
    indexes: list[str] = field(default_factory=list)
    runner: Callable[..., WorklistPage] | None = None


EXPERIMENTS = [
    Experiment(
        "indexes_only",
        "The proposed indexes, worklist code as it is",
        indexes=list(PROPOSED_INDEXES),
    ),
    Experiment(
        "code_only",
        "proposed_worklist (one IN list, counts over open dossiers, row-comparison "
        "cursor, upper-case code prefix), no new index",
        runner=proposed_worklist,
    ),
    Experiment(
        "code_and_indexes",
        "proposed_worklist and the proposed indexes",
        indexes=list(PROPOSED_INDEXES),
        runner=proposed_worklist,
    ),
]


class _Rollback(Exception):
    pass


def run(experiment: Experiment, *, cases, repeat: int, log) -> dict:
    measured = []
    sizes = {}
    runner = experiment.runner or worklist
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                if experiment.indexes:
                    for statement in EXTENSIONS:
                        cursor.execute(statement)
                for name in experiment.indexes:
                    cursor.execute(PROPOSED_INDEXES[name])
                cursor.execute(f"ANALYZE {_TABLE}")
                cursor.execute(
                    "SELECT indexname, pg_size_pretty(pg_relation_size(indexname::regclass)) "
                    "FROM pg_indexes WHERE tablename = %s AND indexname = ANY(%s)",
                    [_TABLE, experiment.indexes],
                )
                sizes = dict(cursor.fetchall())
            indexes = measure._dossier_indexes()
            for case in cases:
                log(f"  {experiment.name}: {case.name}")
                measured.append(
                    measure.measure(case, repeat=repeat, dossier_indexes=indexes, runner=runner)
                )
            raise _Rollback
    except _Rollback:
        pass
    return {
        "name": experiment.name,
        "description": experiment.description,
        "indexes": {name: PROPOSED_INDEXES[name] for name in experiment.indexes},
        "index_sizes": sizes,
        "cases": measured,
    }
