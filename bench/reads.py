"""Officer and citizen reads through the whole Django stack on a large table (issue #15).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vss_bench .venv/bin/python bench/reads.py

Run it after `bench/run.py` has loaded the database (same guard: PostgreSQL, a database
name containing "bench"). Each case is one request through every middleware (Django's test
client, one connection): 3 warm-up requests, then `--repeat` timed ones. Every SQL statement
of the last request is captured and its slowest one is run under EXPLAIN (ANALYZE, BUFFERS).
It adds to the database one citizen with 30 dossiers, their events and 40 inbox messages
(once). See bench/README.md; results in bench/results/reads-<date>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

from run import _check_database_url  # noqa: E402

CITIZEN = "bench-reads-citizen"


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark officer and citizen reads.")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per case")
    parser.add_argument("--output", type=Path, default=None, help="results file")
    parser.add_argument("--label", default="", help="a word for the results file name")
    return parser.parse_args()


def _citizen(hcmc, leader):
    """A citizen owning 30 HCMC dossiers, each with a citizen-visible event, and 40 inbox
    messages: what "my dossiers" and the inbox show."""
    from accounts.constants import Role
    from accounts.models import User
    from dossiers.models import Dossier, DossierEvent
    from dossiers.services import event_append
    from notifications.constants import NotificationChannel
    from notifications.models import Notification

    citizen, created = User.objects.get_or_create(
        username=CITIZEN, defaults={"role": Role.CITIZEN, "full_name": "Nguyễn Văn Bench"}
    )
    if created:
        ids = list(
            Dossier.objects.filter(competent_office=hcmc)
            .exclude(state="draft")
            .values_list("pk", flat=True)[:30]
        )
        Dossier.objects.filter(pk__in=ids).update(applicant=citizen)
        for dossier in Dossier.objects.filter(pk__in=ids):
            event_append(
                dossier=dossier,
                kind="transition",
                actor=leader,
                from_state="submitted",
                to_state="received",
                citizen_visible=True,
            )
        for n, event in enumerate(DossierEvent.objects.filter(dossier_id__in=ids)[:40]):
            Notification.objects.create(
                event=event,
                recipient=citizen,
                channel=NotificationChannel.INBOX,
                subject=f"Thông báo {n}",
                body="Hồ sơ đã được tiếp nhận.",
            )
    return citizen


def _cases(hcmc):
    from django.urls import reverse

    from accounts.constants import Role
    from accounts.models import User
    from dossiers.models import Dossier
    from dossiers.tracking import tracking_token

    leader = User.objects.get(username=f"bench-{hcmc.province_code}-leader")
    counter, _ = User.objects.get_or_create(
        username=f"bench-{hcmc.province_code}-counter",
        defaults={"role": Role.COUNTER_OFFICER, "office": hcmc, "full_name": "Quầy HCM"},
    )
    supervisor = User.objects.get(username="bench-supervisor")
    citizen = _citizen(hcmc, leader)
    dossier = (
        Dossier.objects.filter(competent_office=hcmc, state="in_processing").order_by("-id").first()
    )
    token = tracking_token(dossier.code)
    return [
        ("worklist_page_leader", leader, reverse("dossiers:worklist") + "?tab=open"),
        ("worklist_page_counter", counter, reverse("dossiers:worklist") + "?tab=reception"),
        ("api_list_leader", leader, "/api/v1/dossiers/"),
        ("api_list_counter", counter, "/api/v1/dossiers/?page_size=50"),
        ("api_list_supervisor", supervisor, "/api/v1/dossiers/"),
        ("api_list_leader_returned", leader, "/api/v1/dossiers/?state=returned"),
        ("detail_page_leader", leader, reverse("dossiers:detail", args=[dossier.reference])),
        ("detail_api_leader", leader, f"/api/v1/dossiers/{dossier.code}/"),
        (
            "tracking_page",
            None,
            reverse("tracking:track_code", args=[dossier.code]) + f"?t={token}",
        ),
        ("tracking_api", None, f"/api/v1/tracking/{dossier.code}/?token={token}"),
        ("my_dossiers_page", citizen, reverse("dossiers:mine")),
        ("inbox_page", citizen, reverse("notifications:inbox")),
    ]


def main() -> None:
    args = _arguments()
    _check_database_url()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vss_portal.settings.development")
    os.environ.setdefault("DEBUG", "false")

    import django

    django.setup()

    import measure
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from offices.models import Office

    if connection.vendor != "postgresql" or "bench" not in settings.DATABASES["default"]["NAME"]:
        raise SystemExit("bench: the configured database is not a PostgreSQL '*bench*' one.")
    hcmc = Office.objects.get(province_code=79, kind="provincial")
    indexes = measure._dossier_indexes()
    results = []
    for name, user, url in _cases(hcmc):
        client = Client(HTTP_HOST="localhost")
        if user is not None:
            client.force_login(user)
        samples = []
        for n in range(3 + args.repeat):
            start = time.perf_counter()
            response = client.get(url, REMOTE_ADDR=f"10.9.{n // 250}.{n % 250 + 1}")
            elapsed = (time.perf_counter() - start) * 1000
            if n >= 3:
                samples.append(elapsed)
        if response.status_code != 200:
            raise SystemExit(f"bench: {name} answered {response.status_code}")
        with CaptureQueriesContext(connection) as captured:
            client.get(url, REMOTE_ADDR="10.8.0.1")
        statements = []
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                start = time.perf_counter()
                cursor.execute(sql)
                statements.append(((time.perf_counter() - start) * 1000, sql))
        slowest_ms, slowest_sql = max(statements)
        plan = measure.explain(slowest_sql, None, indexes)
        results.append(
            {
                "case": name,
                "url": url,
                "time_ms": measure._stats(samples),
                "queries": len(captured.captured_queries),
                "slowest_sql_ms": round(slowest_ms, 2),
                "slowest_sql": slowest_sql,
                "explain": plan,
            }
        )
        print(
            f"| `{name}` | {results[-1]['time_ms']['median']} | {results[-1]['time_ms']['p95']} "
            f"| {len(captured.captured_queries)} | {plan['execution_ms']} "
            f"| {'; '.join(plan['dossier_access']) or '-'} |",
            flush=True,
        )
    from dossiers.models import Dossier

    suffix = f"-{args.label}" if args.label else ""
    day = dt.datetime.now(dt.UTC).date().isoformat()
    output = args.output or BENCH_DIR / "results" / f"reads-{day}{suffix}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(
        json.dumps(
            {
                "benchmark": "reads",
                "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "dossiers": Dossier.objects.count(),
                "repetitions": args.repeat,
                "load_average": os.getloadavg(),
                "cases": results,
            },
            ensure_ascii=False,
            indent=1,
        )
    )
    print(f"written {output}")


if __name__ == "__main__":
    main()
