"""Timing and EXPLAIN of the officers' worklist. Imported by `bench/run.py` after setup."""

from __future__ import annotations

import json
import math
import os
import statistics
import time
from dataclasses import dataclass, field

from dataset import HCMC, Staff
from django.contrib.auth.hashers import make_password
from django.db import connection

from accounts.constants import Role
from accounts.models import User
from dossiers.constants import OPEN_STATES
from dossiers.models import Dossier
from dossiers.worklist import WorklistQuery, worklist
from offices.models import Office

WARMUP = 3


@dataclass
class Case:
    name: str
    description: str
    user: User
    query: WorklistQuery
    note: str = ""


@dataclass
class _Call:
    sql: str
    params: tuple
    ms: float


@dataclass
class _Recorder:
    """`connection.execute_wrapper` hook: the exact SQL and params Django sends, timed."""

    calls: list[_Call] = field(default_factory=list)

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.calls.append(_Call(sql, params, (time.perf_counter() - start) * 1000))


def _stats(samples: list[float]) -> dict:
    ordered = sorted(samples)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return {
        "median": round(statistics.median(ordered), 2),
        "p95": round(p95, 2),
        "min": round(ordered[0], 2),
        "max": round(ordered[-1], 2),
    }


def _label(sql: str) -> str:
    return "counts" if "COUNT(" in sql.upper() else "rows"


def _dossier_indexes() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s", [Dossier._meta.db_table]
        )
        return {name for (name,) in cursor.fetchall()}


def _walk(node: dict):
    yield node
    for child in node.get("Plans", []):
        yield from _walk(child)


def explain(sql: str, params, dossier_indexes: set[str]) -> dict:
    """EXPLAIN (ANALYZE, BUFFERS) of one captured query, with how the dossier table is read."""
    table = Dossier._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", params)
        raw = cursor.fetchone()[0]
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        text = "\n".join(line for (line,) in cursor.fetchall())
    document = json.loads(raw) if isinstance(raw, str) else raw
    top = document[0]
    access = []
    for node in _walk(top["Plan"]):
        index = node.get("Index Name")
        if index in dossier_indexes:
            access.append(f"{node['Node Type']} on {index}")
        elif node.get("Relation Name") == table and node["Node Type"] == "Seq Scan":
            access.append(f"Seq Scan on {table}")
    plan = top["Plan"]
    return {
        "dossier_access": access,
        "sequential_scan": any(a.startswith("Seq Scan") for a in access),
        "index_scan": any(" on " in a and not a.startswith("Seq Scan") for a in access),
        "execution_ms": round(top["Execution Time"], 2),
        "planning_ms": round(top["Planning Time"], 2),
        "shared_hit_blocks": plan.get("Shared Hit Blocks", 0),
        "shared_read_blocks": plan.get("Shared Read Blocks", 0),
        "text": text,
    }


def build_cases(*, staff: dict[int, Staff]) -> list[Case]:
    """The worklist pages an officer in Hồ Chí Minh City opens most, plus a national view."""
    hcmc = Office.objects.get(kind="provincial", province_code=HCMC)
    leader = User.objects.get(pk=staff[hcmc.pk].leader_id)
    officer = User.objects.get(pk=staff[hcmc.pk].officer_ids[0])
    supervisor, _ = User.objects.get_or_create(
        username="bench-supervisor",
        defaults={
            "role": Role.SUPERVISOR,
            "full_name": "Giám sát",
            "password": make_password(None),
        },
    )
    open_hcmc = Dossier.objects.filter(competent_office=hcmc, state__in=OPEN_STATES).order_by("id")
    total_open = open_hcmc.count()
    target = open_hcmc[total_open // 2]
    name_fragment = " ".join(target.applicant_name.split()[1:])  # middle and given name
    cases = [
        Case("leader_open", "HCMC office leader, tab open", leader, WorklistQuery(tab="open")),
        Case(
            "officer_mine", "HCMC processing officer, tab mine", officer, WorklistQuery(tab="mine")
        ),
        Case(
            "leader_overdue",
            "HCMC office leader, tab overdue",
            leader,
            WorklistQuery(tab="overdue"),
        ),
        Case(
            "leader_due_soon",
            "HCMC office leader, tab due_soon",
            leader,
            WorklistQuery(tab="due_soon"),
        ),
        Case(
            "search_code",
            "HCMC leader, tab open, search by exact dossier code",
            leader,
            WorklistQuery(tab="open", q=target.code),
        ),
        Case(
            "search_cccd",
            "HCMC leader, tab open, search by CCCD (12 digits)",
            leader,
            WorklistQuery(tab="open", q=target.applicant_national_id),
        ),
        Case(
            "search_name",
            f"HCMC leader, tab open, search by name fragment ({name_fragment!r})",
            leader,
            WorklistQuery(tab="open", q=name_fragment),
        ),
    ]
    # The 10th page of the leader's open tab: follow the keyset cursor nine times.
    after = ""
    for _ in range(9):
        after = worklist(user=leader, query=WorklistQuery(tab="open", after=after)).next_cursor
        if not after:
            break
    cases.append(
        Case(
            "leader_open_page10",
            "HCMC office leader, tab open, 10th keyset page",
            leader,
            WorklistQuery(tab="open", after=after),
            note="" if after else "fewer than 10 pages: measured the last one",
        )
    )
    cases.append(
        Case(
            "leader_closed",
            "HCMC office leader, tab closed (returned, refused, withdrawn, stopped)",
            leader,
            WorklistQuery(tab="closed"),
        )
    )
    cases.append(
        Case(
            "supervisor_open",
            "National supervisor (no office scope), tab open",
            supervisor,
            WorklistQuery(tab="open"),
        )
    )
    return cases


def measure(case: Case, *, repeat: int, dossier_indexes: set[str], runner=worklist) -> dict:
    """Time `runner` (the worklist, or a proposed variant) on one case, then EXPLAIN it."""
    load_before = os.getloadavg()[0]
    for _ in range(WARMUP):
        runner(user=case.user, query=case.query)
    totals: list[float] = []
    per_query: dict[str, list[float]] = {}
    recorder = _Recorder()
    for _ in range(repeat):
        recorder = _Recorder()
        with connection.execute_wrapper(recorder):
            start = time.perf_counter()
            page = runner(user=case.user, query=case.query)
            totals.append((time.perf_counter() - start) * 1000)
        for call in recorder.calls:
            per_query.setdefault(_label(call.sql), []).append(call.ms)
    queries = []
    for call in recorder.calls:
        label = _label(call.sql)
        queries.append(
            {
                "label": label,
                "time_ms": _stats(per_query[label]),
                "sql": call.sql,
                "params": [str(p) for p in call.params or ()],
                "explain": explain(call.sql, call.params, dossier_indexes),
            }
        )
    return {
        "name": case.name,
        "description": case.description,
        "user": case.user.username,
        "query": {k: v for k, v in vars(case.query).items() if v},
        "note": case.note,
        "rows_returned": len(page.rows),
        "counts": page.counts,
        "repetitions": repeat,
        "time_ms": _stats(totals),
        "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "queries": queries,
    }
