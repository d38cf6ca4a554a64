"""Benchmark of the overdue sweep (issue #15): 10,000 newly overdue dossiers at once.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vss_bench .venv/bin/python bench/sla.py

Refuses to run unless DATABASE_URL points at PostgreSQL and the database name contains
"bench" (it migrates that database and adds dossiers to it). Each repetition adds
`--dossiers` in-processing dossiers across the provincial offices, already past their
appointed time, then times:

- the floor: one set-based `UPDATE ... SET overdue_flagged_at` over exactly those rows
  (rolled back);
- the sweep: `dossiers.sla.sla_sweep_overdue`, flagging, escalating (events naming the
  leaders) and drafting the apology of every one, and handing the staff notifications to
  the broker (`_side_effects_for_events`);
- the idle sweep that follows (nothing left to do: steady state).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

from run import RESULTS_DIR, ROOT, _check_database_url, _fail


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark the overdue sweep.")
    parser.add_argument("--dossiers", type=int, default=10_000, help="newly overdue per run")
    parser.add_argument("--repeat", type=int, default=3, help="runs (default 3)")
    parser.add_argument(
        "--no-broker",
        action="store_true",
        help="time the database work only: the notifications' hand-over is skipped",
    )
    parser.add_argument("--output", type=Path, default=None, help="results file")
    return parser.parse_args()


def main() -> None:
    args = _arguments()
    _check_database_url()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vss_portal.settings.development")
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    if connection.vendor != "postgresql" or "bench" not in settings.DATABASES["default"]["NAME"]:
        _fail("the configured database is not a PostgreSQL database named '*bench*'.")

    from accounts.constants import Role
    from accounts.models import User
    from dossiers import sla
    from dossiers.models import Dossier
    from offices.models import Office
    from offices.services import provincial_offices_sync
    from procedures.models import Procedure
    from procedures.selectors import version_in_force
    from procedures.services import catalogue_load
    from vss_portal.celery import app

    if args.no_broker:
        sla._side_effects_for_events = lambda events: None
    call_command("migrate", interactive=False, verbosity=0)
    catalogue_load()
    provincial_offices_sync()
    offices = list(Office.objects.filter(kind="provincial").order_by("province_code"))
    for office in offices:
        for n in (1, 2):
            User.objects.get_or_create(
                username=f"bench-sla-{office.pk}-leader-{n}",
                defaults={"role": Role.OFFICE_LEADER, "office": office, "password": "!"},
            )
    versions = []
    for procedure in Procedure.objects.filter(is_demo=False).order_by("pk")[:6]:
        try:
            versions.append(version_in_force(procedure=procedure))
        except Exception:  # noqa: S112 - a procedure not open today is left out
            continue

    runs = []
    for run in range(args.repeat):
        now = timezone.now().replace(microsecond=0)
        tag = f"{now:%H%M%S}{run}"
        rows = [
            Dossier(
                procedure=versions[n % len(versions)].procedure,
                version=versions[n % len(versions)],
                channel="online",
                code=f"BENCH-SLA-{tag}-{n:06d}",
                applicant_name="Bench",
                competent_office=offices[n % len(offices)],
                receiving_office=offices[n % len(offices)],
                submitted_at=now - dt.timedelta(days=10),
                received_at=now - dt.timedelta(days=10),
                due_at=now - dt.timedelta(seconds=args.dossiers - n),
            )
            for n in range(args.dossiers)
        ]
        Dossier.objects.bulk_create(rows, batch_size=2000)
        batch = Dossier.objects.filter(code__startswith=f"BENCH-SLA-{tag}-")
        batch.update(state="in_processing")
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Dossier._meta.db_table}")  # noqa: S608

        # Floor: one set-based UPDATE of exactly these rows, rolled back.
        candidates = sla.overdue_candidates(now=now)
        started = time.perf_counter()
        with transaction.atomic():
            floor_rows = candidates.update(overdue_flagged_at=now)
            floor_ms = (time.perf_counter() - started) * 1000
            transaction.set_rollback(True)

        started = time.perf_counter()
        flagged = sla.sla_sweep_overdue(now=now, limit=args.dossiers * 2)
        sweep_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        idle = sla.sla_sweep_overdue(now=now)
        idle_ms = (time.perf_counter() - started) * 1000
        app.control.purge()  # nobody consumes the notifications here
        runs.append(
            {
                "dossiers": args.dossiers,
                "floor_rows": floor_rows,
                "floor_ms": round(floor_ms, 1),
                "flagged": flagged,
                "sweep_ms": round(sweep_ms, 1),
                "idle_ms": round(idle_ms, 1),
                "idle_flagged": idle,
            }
        )
        print(json.dumps(runs[-1]), flush=True)

    result = {
        "benchmark": "sla_overdue_sweep",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "target_ms": 2000,
        "side_effects": "skipped" if args.no_broker else "staff_notify.delay_on_commit per event",
        "runs": runs,
        "median_floor_ms": statistics.median(r["floor_ms"] for r in runs),
        "median_sweep_ms": statistics.median(r["sweep_ms"] for r in runs),
        "median_idle_ms": statistics.median(r["idle_ms"] for r in runs),
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    prefix = "sla-db" if args.no_broker else "sla"
    output = args.output or RESULTS_DIR / f"{prefix}-{timezone.localdate():%Y-%m-%d}.json"
    output.write_text(json.dumps(result, indent=2) + "\n")
    ratio = result["median_sweep_ms"] / result["median_floor_ms"]
    print(
        f"| overdue sweep, {args.dossiers:,} newly overdue | ≤ 2,000 ms "
        f"| {result['median_floor_ms']:,.0f} ms | {result['median_sweep_ms']:,.0f} ms "
        f"| {ratio:.1f}× | idle sweep {result['median_idle_ms']:,.0f} ms"
    )


if __name__ == "__main__":
    main()
