"""Benchmark of the officers' worklist on a large dossier table (PostgreSQL only).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vss_bench .venv/bin/python bench/run.py

Refuses to run unless DATABASE_URL points at PostgreSQL and the database name contains
"bench": it migrates that database and fills it with hundreds of thousands of synthetic
dossiers. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
POSTGRES_SCHEMES = ("postgres", "postgresql", "pgsql", "postgis")


def _fail(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr)
    raise SystemExit(2)


def _check_database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        _fail(
            "DATABASE_URL is not set. The benchmark needs a dedicated PostgreSQL database whose "
            "name contains 'bench', e.g.\n"
            "  createdb -h 127.0.0.1 -U postgres vss_bench\n"
            "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/vss_bench make bench"
        )
    parsed = urlparse(url)
    if parsed.scheme not in POSTGRES_SCHEMES:
        _fail(f"DATABASE_URL must point at PostgreSQL (got scheme {parsed.scheme!r}).")
    name = parsed.path.lstrip("/")
    if "bench" not in name:
        _fail(
            f"refusing to use database {name!r}: its name must contain 'bench' "
            "(the benchmark migrates it and writes hundreds of thousands of rows)."
        )
    return name


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark the officers' worklist.")
    parser.add_argument(
        "--dossiers", type=int, default=300_000, help="dossiers in the table (default 300,000)"
    )
    parser.add_argument("--repeat", type=int, default=30, help="timed calls per query (default 30)")
    parser.add_argument("--seed", type=int, default=20_260_101, help="random seed for the data")
    parser.add_argument(
        "--no-experiments",
        action="store_true",
        help="skip the what-if runs with candidate indexes and query changes",
    )
    parser.add_argument(
        "--output", type=Path, default=None, help="results file (default bench/results/...)"
    )
    return parser.parse_args()


def _markdown(results: dict) -> str:
    lines = [
        f"Worklist at {results['dataset']['dossiers']:,} dossiers "
        f"({results['repetitions']} runs each, ms)",
        "",
        "| case | rows | median | p95 | counts query median | rows query median | "
        "dossier table access |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for case in results["cases"]:
        by_label = {q["label"]: q for q in case["queries"]}
        access = "; ".join(
            f"{q['label']}: {', '.join(q['explain']['dossier_access']) or '-'}"
            for q in case["queries"]
        )
        lines.append(
            f"| {case['name']} | {case['rows_returned']} | {case['time_ms']['median']} | "
            f"{case['time_ms']['p95']} | "
            f"{by_label.get('counts', {}).get('time_ms', {}).get('median', '-')} | "
            f"{by_label.get('rows', {}).get('time_ms', {}).get('median', '-')} | {access} |"
        )
    return "\n".join(lines)


def _comparison(results: dict) -> str:
    experiments = results.get("experiments", [])
    if not experiments:
        return ""
    header = " | ".join(f"{e['name']} median / p95" for e in experiments)
    lines = [
        "What-if runs (each rolled back), total page time in ms",
        "",
        f"| case | current median / p95 | {header} |",
        "|---|---:|" + "---:|" * len(experiments),
    ]
    by_name = [{c["name"]: c for c in e["cases"]} for e in experiments]
    for case in results["cases"]:
        cells = [f"{case['time_ms']['median']} / {case['time_ms']['p95']}"]
        for cases in by_name:
            other = cases.get(case["name"])
            cells.append(
                f"{other['time_ms']['median']} / {other['time_ms']['p95']}" if other else "-"
            )
        lines.append(f"| {case['name']} | " + " | ".join(cells) + " |")
    last = experiments[-1]
    lines += ["", f"Dossier table access with {last['name']}:", ""]
    for case in last["cases"]:
        access = "; ".join(
            f"{q['label']}: {', '.join(q['explain']['dossier_access']) or '-'}"
            for q in case["queries"]
        )
        lines.append(f"- {case['name']}: {access}")
    return "\n".join(lines)


def main() -> None:
    args = _arguments()
    db_name = _check_database_url()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vss_portal.settings.development")
    # No query log in memory while timing (DEBUG keeps every SQL statement).
    os.environ.setdefault("DEBUG", "false")

    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    if connection.vendor != "postgresql" or "bench" not in settings.DATABASES["default"]["NAME"]:
        _fail("the configured database is not a PostgreSQL database named '*bench*'.")

    import dataset
    import measure
    import proposals

    from dossiers.models import Dossier
    from offices.services import provincial_offices_sync
    from procedures.services import catalogue_load

    started = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:7.1f}s] {message}", flush=True)

    log(f"database {db_name}: migrating")
    call_command("migrate", interactive=False, verbosity=0)
    catalogue_load()
    provincial_offices_sync()
    data = dataset.generate(target=args.dossiers, seed=args.seed, log=log)

    log("building cases")
    cases = measure.build_cases(staff=data["staff"])
    indexes = measure._dossier_indexes()
    measured = []
    for case in cases:
        log(f"measuring {case.name}")
        measured.append(measure.measure(case, repeat=args.repeat, dossier_indexes=indexes))

    experiments = []
    if not args.no_experiments:
        for experiment in proposals.EXPERIMENTS:
            log(f"what-if: {experiment.name}")
            experiments.append(proposals.run(experiment, cases=cases, repeat=args.repeat, log=log))

    hcmc = next(o for o in data["offices"] if o.province_code == dataset.HCMC)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]
        cursor.execute(
            "SELECT pg_size_pretty(pg_total_relation_size(%s)), "
            "pg_size_pretty(pg_relation_size(%s))",
            [Dossier._meta.db_table] * 2,
        )
        total_size, heap_size = cursor.fetchone()
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]
    non_draft = Dossier.objects.exclude(state="draft")
    results = {
        "benchmark": "worklist",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "repetitions": args.repeat,
        "machine": {
            "cpus": os.cpu_count(),
            "memory_gib": round(
                os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1
            ),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "postgresql": server_version,
            "shared_buffers": shared_buffers,
        },
        "dataset": {
            "dossiers": Dossier.objects.count(),
            "generated_this_run": data["generated"],
            "seed": args.seed,
            "table_size_with_indexes": total_size,
            "heap_size": heap_size,
            "hcmc_dossiers": non_draft.filter(competent_office=hcmc).count(),
            "hcmc_open": non_draft.filter(
                competent_office=hcmc, state__in=measure.OPEN_STATES
            ).count(),
            "open_nationwide": non_draft.filter(state__in=measure.OPEN_STATES).count(),
        },
        "cases": measured,
        "experiments": experiments,
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    output = args.output or RESULTS_DIR / f"worklist-{timezone.localdate():%Y-%m-%d}.json"
    output.write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str) + "\n")
    log(f"results written to {output}")
    print()
    print(_markdown(results))
    comparison = _comparison(results)
    if comparison:
        print()
        print(comparison)


if __name__ == "__main__":
    main()
