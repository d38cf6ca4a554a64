"""What the access log (issue #18) costs the dossier page and API, and its reads.

    createdb -h 127.0.0.1 -U postgres vss_bench_access
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vss_bench_access \\
        .venv/bin/python bench/access_log.py --rows 1000000

Same guard as bench/run.py (PostgreSQL, a database name containing "bench"). It migrates
the database, loads the catalogue and offices, makes one Hà Nội leader, a supervisor, a
citizen and one dossier, and fills the access log with `--rows` records spread over 10,000
dossiers and two years (one INSERT ... SELECT, once). Then, through Django's test client
(every middleware, one connection), it times the leader's dossier page and detail API with
the log written and with the write switched off, interleaved request by request so that
both see the same machine; and the reads of the log: the citizen's "who opened my dossier"
list of a dossier with many openings and the supervisors' search (first page, by code).
Results in bench/results/access-log-<date>.json; findings in docs/benchmarks.md.
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

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

from run import _check_database_url  # noqa: E402


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark the access log.")
    parser.add_argument("--repeat", type=int, default=200, help="timed requests per case")
    parser.add_argument("--rows", type=int, default=1_000_000, help="access records to load")
    return parser.parse_args()


def _stats(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {
        "median": round(statistics.median(ordered), 2),
        "p95": round(ordered[int(len(ordered) * 0.95) - 1], 2),
        "mean": round(statistics.fmean(ordered), 2),
    }


def _setup(rows: int):
    from django.core.management import call_command
    from django.db import connection

    from accesslog.models import AccessRecord
    from accounts.constants import Role
    from accounts.models import User
    from dossiers.constants import DossierState
    from dossiers.models import Dossier
    from offices.models import Office
    from offices.services import provincial_offices_sync
    from procedures.models import Procedure
    from procedures.selectors import version_in_force
    from procedures.services import catalogue_load

    call_command("migrate", verbosity=0)
    provincial_offices_sync()
    if not Procedure.objects.exists():
        catalogue_load()
    hanoi = Office.objects.get(province_code=1, kind="provincial")
    leader, _ = User.objects.get_or_create(
        username="bench-access-leader",
        defaults={"role": Role.OFFICE_LEADER, "office": hanoi, "full_name": "Lãnh đạo HN"},
    )
    supervisor, _ = User.objects.get_or_create(
        username="bench-access-supervisor",
        defaults={"role": Role.SUPERVISOR, "office": hanoi, "full_name": "Giám sát"},
    )
    citizen, _ = User.objects.get_or_create(
        username="bench-access-citizen",
        defaults={"role": Role.CITIZEN, "full_name": "Nguyễn Văn Bench"},
    )
    dossier = Dossier.objects.filter(applicant=citizen).first()
    if dossier is None:
        procedure = Procedure.objects.get(slug="sickness-benefit")
        dossier = Dossier.objects.create(
            procedure=procedure,
            version=version_in_force(procedure=procedure),
            channel="online",
            applicant=citizen,
            applicant_name="Nguyễn Văn Bench",
            applicant_national_id="001090012345",
            applicant_province_code=1,
            receiving_office=hanoi,
            competent_office=hanoi,
        )
        Dossier.objects.filter(pk=dossier.pk).update(
            state=DossierState.IN_PROCESSING,
            code=f"{hanoi.agency_code}-261124-0001",
            submitted_at=dt.datetime(2026, 11, 23, tzinfo=dt.UTC),
            received_at=dt.datetime(2026, 11, 23, tzinfo=dt.UTC),
        )
        dossier = Dossier.objects.get(pk=dossier.pk)
    have = AccessRecord.objects.count()
    if have < rows:
        # Spread over 10,000 dossier ids (the bench dossier's among them, with ~rows/10,000
        # openings), the leader and the supervisor, two years back from now.
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO accesslog_accessrecord
                    (at, actor_id, role, office_id, partner_id, channel, kind, dossier_id,
                     dossier_code, object_id, reason)
                SELECT now() - (n %% 730) * interval '1 day' - (n %% 86400) * interval '1 second',
                       CASE WHEN n %% 7 = 0 THEN %s ELSE %s END,
                       CASE WHEN n %% 7 = 0 THEN 'supervisor' ELSE 'office_leader' END,
                       %s, NULL, CASE WHEN n %% 5 = 0 THEN 'api' ELSE 'page' END,
                       CASE WHEN n %% 4 = 0 THEN 'document' ELSE 'dossier' END,
                       CASE WHEN n %% 10000 = 0 THEN %s ELSE 1000000 + n %% 10000 END,
                       'BENCH-' || (n %% 10000), NULL, ''
                FROM generate_series(%s, %s) AS n
                """,
                [supervisor.pk, leader.pk, hanoi.pk, dossier.pk, have + 1, rows],
            )
            cursor.execute("ANALYZE accesslog_accessrecord")
    return leader, supervisor, citizen, dossier


def _time(client, url, headers=None) -> float:
    start = time.perf_counter()
    response = client.get(url, **(headers or {}))
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != 200:
        raise SystemExit(f"bench: {url} answered {response.status_code}")
    return elapsed


def main() -> None:
    args = _arguments()
    _check_database_url()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vss_portal.settings.development")
    os.environ.setdefault("DEBUG", "false")

    import django

    django.setup()

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    import dossiers.access
    from accesslog.models import AccessRecord

    if connection.vendor != "postgresql" or "bench" not in settings.DATABASES["default"]["NAME"]:
        raise SystemExit("bench: the configured database is not a PostgreSQL '*bench*' one.")
    leader, supervisor, citizen, dossier = _setup(args.rows)
    staff = Client(HTTP_HOST="localhost")
    staff.force_login(leader)
    page = reverse("dossiers:detail", args=[dossier.reference])
    api = f"/api/v1/dossiers/{dossier.code}/"
    written = dossiers.access.access_record

    def _off(**kwargs):
        return None

    results = {}
    for name, url in (("detail_page_leader", page), ("detail_api_leader", api)):
        on, off = [], []
        for n in range(5 + args.repeat):
            dossiers.access.access_record = written
            a = _time(staff, url)
            dossiers.access.access_record = _off
            b = _time(staff, url)
            if n >= 5:
                on.append(a)
                off.append(b)
        dossiers.access.access_record = written
        results[name] = {"log_on": _stats(on), "log_off": _stats(off)}
        print(name, results[name], flush=True)

    owner = Client(HTTP_HOST="localhost")
    owner.force_login(citizen)
    searcher = Client(HTTP_HOST="localhost")
    searcher.force_login(supervisor)
    reads = {
        "citizen_who_opened": (
            owner,
            reverse("dossiers:access_history", args=[dossier.reference]),
            {"HTTP_HX_REQUEST": "true"},
        ),
        "search_first_page": (searcher, reverse("accesslog:search"), None),
        "search_by_code": (searcher, reverse("accesslog:search") + "?dossier_code=BENCH-42", None),
        "search_by_person": (
            searcher,
            reverse("accesslog:search") + "?username=bench-access-supervisor",
            None,
        ),
    }
    for name, (client, url, headers) in reads.items():
        samples = [_time(client, url, headers) for _ in range(5 + args.repeat)][5:]
        results[name] = _stats(samples)
        print(name, results[name], flush=True)

    day = dt.datetime.now(dt.UTC).date().isoformat()
    output = BENCH_DIR / "results" / f"access-log-{day}.json"
    output.write_text(
        json.dumps(
            {
                "benchmark": "access_log",
                "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "access_records": AccessRecord.objects.count(),
                "repetitions": args.repeat,
                "load_average": os.getloadavg(),
                "results": results,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {output}")


if __name__ == "__main__":
    main()
