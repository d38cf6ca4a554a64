"""Benchmark of the dashboards, exports and open data at national scale (PostgreSQL only).

    createdb -h 127.0.0.1 -U postgres vss_dash_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vss_dash_bench \\
        .venv/bin/python bench/dashboards.py

Refuses to run unless DATABASE_URL points at PostgreSQL and the database name contains
"bench". It migrates that database and fills the summary tables synthetically with the
history of `--dossiers-per-year` dossiers over `--days` days (default: 5 million a year for
two years, the 10M-dossier scale of issue #15), with `COPY`. The dossier table stays empty:
the figures read only the summary (the one live dossier query, "overdue now", and the
drill-down lists are index-backed reads measured with the worklist in `bench/run.py`).
Then it times the dashboard page, its selectors, the exports and open data, and writes
every SQL statement with its `EXPLAIN (ANALYZE, BUFFERS)` plan to `bench/results/`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
TARGET_MS = 100.0  # issue #15: p95 at one connection

sys.path.insert(0, str(BENCH_DIR))
from run import _check_database_url, _fail  # noqa: E402  (bench/ is not a package)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark the dashboards and open data.")
    parser.add_argument("--dossiers-per-year", type=int, default=5_000_000)
    parser.add_argument("--days", type=int, default=730, help="days of history (default 730)")
    parser.add_argument("--repeat", type=int, default=20, help="timed calls per case")
    parser.add_argument("--seed", type=int, default=20_260_101)
    parser.add_argument("--reload", action="store_true", help="refill the summary tables")
    parser.add_argument("--output", type=Path, default=None)
    return parser.parse_args()


CHANNEL_SHARE = {"online": 0.65, "counter": 0.28, "post": 0.04, "ivan": 0.03}
# The key of a daily rollup row; its counters are the model's (COUNTER_FIELDS, read in
# `load`), and a counter this generator does not make is written as 0.
DAILY_KEY = (
    "day",
    "province_code",
    "competent_office_id",
    "receiving_office_id",
    "procedure_id",
    "channel",
)


def _count(rng: random.Random, expected: float) -> int:
    whole = int(expected)
    return whole + (1 if rng.random() < expected - whole else 0)


def _daily_row(rng, day, office, procedure_id, channel, expected):
    received = _count(rng, expected)
    returned = _count(rng, expected * 0.95)
    rated = _count(rng, expected * 0.15)
    if not (received or returned or rated):
        return None
    late = min(returned, _count(rng, returned * 0.059))
    early = int((returned - late) * 0.4)
    # Up to 8 processing-time buckets per row (a busy day spreads over more of them).
    histogram: dict[str, int] = {}
    days_sum = 0.0
    left = returned
    while left:
        value = round(rng.triangular(0.5, 20.0, 4.0), 1)
        count = left if len(histogram) == 7 else rng.randint(1, left)
        histogram[f"{value:.1f}"] = histogram.get(f"{value:.1f}", 0) + count
        days_sum += value * count
        left -= count
    return {
        "day": day,
        "province_code": office.province_code,
        "competent_office_id": office.pk,
        "receiving_office_id": office.pk,
        "procedure_id": procedure_id,
        "channel": channel,
        "received": received,
        "received_digitised": int(received * 0.9),
        "received_outside_residence": int(received * 0.05),
        "decided": returned,
        "returned": returned,
        "returned_early": early,
        "returned_on_time": returned - late - early,
        "returned_late": late,
        "returned_late_apologised": late // 2,
        "returned_signed": int(returned * 0.8),
        "processing_count": returned,
        "processing_days_sum": days_sum,
        "processing_histogram": histogram,
        "paid_non_cash": int(returned * 0.6),
        "paid_cash": int(returned * 0.2),
        "paid_via_employer": int(returned * 0.1),
        "rated": rated,
        "rated_satisfied": int(rated * 0.9),
        "score_sum": rated * 4,
        "timeliness_sum": rated * 4,
        "attitude_sum": rated * 5,
        "guidance_sum": rated * 4,
        "trips_sum": rated,
    }


def load(*, per_year: int, days: int, seed: int, log) -> dict:
    """Fill DailyRollup, MonthlyRollup, RollupDay and RollupMonth with `COPY`."""
    from dataset import office_weights, provincial_offices
    from django.db import connection
    from django.utils import timezone

    from dashboards.models import (
        DailyRollup,
        MonthlyOfficeHistogram,
        MonthlyRollup,
        RollupDay,
        RollupMonth,
    )
    from dashboards.services import COUNTER_FIELDS, merge_histograms
    from procedures.models import Procedure

    rng = random.Random(seed)
    offices = provincial_offices()
    weights = office_weights(offices, rng)
    procedures = list(Procedure.objects.filter(is_demo=False).values_list("pk", flat=True))
    per_day = per_year / 365
    today = timezone.localdate()
    first = today - dt.timedelta(days=days - 1)
    monthly: dict[tuple, dict] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE dashboards_dailyrollup, dashboards_monthlyrollup, "
            "dashboards_monthlyofficehistogram, dashboards_rollupday, dashboards_rollupmonth"
        )
    now = timezone.now()
    daily_rows = 0
    with connection.cursor() as cursor:
        daily_columns = (*DAILY_KEY, *COUNTER_FIELDS, "processing_histogram")
        columns = ", ".join(daily_columns)
        with cursor.cursor.copy(f"COPY dashboards_dailyrollup ({columns}) FROM STDIN") as copy:
            for n in range(days):
                day = first + dt.timedelta(days=n)
                for office in offices:
                    office_share = weights[office.pk] / 100
                    for procedure_id in procedures:
                        for channel, channel_share in CHANNEL_SHARE.items():
                            expected = per_day * office_share / len(procedures) * channel_share
                            row = _daily_row(rng, day, office, procedure_id, channel, expected)
                            if row is None:
                                continue
                            daily_rows += 1
                            key = (
                                day.replace(day=1),
                                office.province_code,
                                office.pk,
                                procedure_id,
                                channel,
                            )
                            into = monthly.setdefault(key, {"processing_histogram": {}})
                            for name in COUNTER_FIELDS:
                                into[name] = into.get(name, 0) + row.get(name, 0)
                            merge_histograms(
                                into["processing_histogram"], row["processing_histogram"]
                            )
                            row["processing_histogram"] = json.dumps(row["processing_histogram"])
                            copy.write_row([row.get(c, 0) for c in daily_columns])
                if n % 60 == 0:
                    log(f"  day {n + 1}/{days}: {daily_rows:,} daily rows")
        monthly_columns = (
            "month",
            "province_code",
            "competent_office_id",
            "procedure_id",
            "channel",
            *COUNTER_FIELDS,
            "processing_histogram",
        )
        sql = f"COPY dashboards_monthlyrollup ({', '.join(monthly_columns)}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for key, sums in monthly.items():
                histogram = json.dumps(sums["processing_histogram"])
                copy.write_row([*key, *(sums[name] for name in COUNTER_FIELDS), histogram])
    office_histograms: dict[tuple, dict[str, int]] = {}
    for (month, province, office_id, _procedure, _channel), sums in monthly.items():
        into = office_histograms.setdefault((month, province, office_id), {})
        merge_histograms(into, sums["processing_histogram"])
    MonthlyOfficeHistogram.objects.bulk_create(
        [
            MonthlyOfficeHistogram(
                month=month, province_code=p, competent_office_id=o, processing_histogram=h
            )
            for (month, p, o), h in office_histograms.items()
        ],
        batch_size=1000,
    )
    RollupDay.objects.bulk_create(
        [RollupDay(day=first + dt.timedelta(days=n), refreshed_at=now) for n in range(days)]
    )
    RollupMonth.objects.bulk_create(
        [RollupMonth(month=m, refreshed_at=now) for m in {key[0] for key in monthly}]
    )
    log("VACUUM (ANALYZE) of the summary tables")
    with connection.cursor() as cursor:
        for model in (DailyRollup, MonthlyRollup, MonthlyOfficeHistogram, RollupDay, RollupMonth):
            cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")
    return {"daily_rows": daily_rows, "monthly_rows": len(monthly), "first_day": str(first)}


def _explain(sql: str, params) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
    return plan


def _text_plan(sql: str, params) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def measure(name: str, call, repeat: int) -> dict:
    """p50/p95 of `call()` and the server time of each of its SQL statements."""
    from django.db import connection

    captured: list[tuple[str, tuple]] = []

    def capture(execute, sql, params, many, context):
        captured.append((sql, params))
        return execute(sql, params, many, context)

    call()  # warm-up
    call()
    with connection.execute_wrapper(capture):
        call()
    statements = []
    for sql, params in captured:
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        plan = _explain(sql, params)
        statements.append(
            {
                "sql": sql % tuple(repr(p) for p in params) if params else sql,
                "execution_ms": plan["Execution Time"],
                "plan": _text_plan(sql, params),
            }
        )
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[max(0, int(round(0.95 * len(times))) - 1)]
    sql_ms = sum(s["execution_ms"] for s in statements)
    return {
        "name": name,
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(p95, 1),
        "sql_ms": round(sql_ms, 1),
        "queries": len(captured),
        "statements": statements,
    }


def cases(today: dt.date):
    """(name, callable) for every dashboard, export and open-data read."""
    from django.test import Client
    from django.urls import reverse

    from accounts.constants import Role
    from accounts.models import User
    from dashboards.selectors import (
        dashboard_figures,
        monthly_trend,
        office_ranking,
        open_data_rows,
        weekly_trend,
    )
    from dashboards.selectors.scope import NATIONAL, OFFICE, PROVINCE, Filters, Scope
    from offices.models import Office
    from procedures.models import Procedure

    hcmc = Office.objects.get(kind="provincial", province_code=79)
    supervisor, _ = User.objects.get_or_create(
        username="bench-dashboard-supervisor", defaults={"role": Role.SUPERVISOR}
    )
    client = Client()
    client.force_login(supervisor)
    month = today.replace(day=1)
    last_month_end = month - dt.timedelta(days=1)
    year = today.replace(month=1, day=1)
    custom = (today - dt.timedelta(days=200), today - dt.timedelta(days=20))
    periods = {
        "this month": (month, today),
        "last month": (last_month_end.replace(day=1), last_month_end),
        "this year": (year, today),
        "custom 180 days (edges by day)": custom,
    }
    scopes = {
        "national": Scope(level=NATIONAL),
        "HCMC province": Scope(level=PROVINCE, province_code=79),
        "HCMC office": Scope(level=OFFICE, province_code=79, office_id=hcmc.pk),
    }

    def page_selectors(scope, filters):
        def call():
            dashboard_figures(scope=scope, filters=filters)
            weekly_trend(scope=scope, filters=filters)
            monthly_trend(scope=scope, filters=filters)
            if scope.level != OFFICE:
                office_ranking(scope=scope, filters=filters)

        return call

    result = []
    for period_name, (start, end) in periods.items():
        result.append(
            (
                f"selectors, national, {period_name}",
                page_selectors(scopes["national"], Filters(start=start, end=end)),
            )
        )
    for scope_name in ("HCMC province", "HCMC office"):
        result.append(
            (
                f"selectors, {scope_name}, this year",
                page_selectors(scopes[scope_name], Filters(start=year, end=today)),
            )
        )
    result.append(
        (
            "selectors, national, this year, one procedure",
            page_selectors(
                scopes["national"],
                Filters(
                    start=year,
                    end=today,
                    procedure_id=Procedure.objects.filter(is_demo=False)
                    .values_list("pk", flat=True)
                    .first(),
                ),
            ),
        )
    )
    result.append(
        (
            "selectors, national, this year, channel online",
            page_selectors(scopes["national"], Filters(start=year, end=today, channel="online")),
        )
    )
    index = reverse("dashboards:index")
    for period_name in ("this year", "custom 180 days (edges by day)"):
        start, end = periods[period_name]
        query = f"start={start}&end={end}"
        result.append(
            (f"page (whole request), national, {period_name}", _get(client, f"{index}?{query}"))
        )
    query = f"start={year}&end={today}"
    result.append(
        (
            "CSV export, national, this year",
            _get(client, f"{reverse('dashboards:export_csv')}?{query}"),
        )
    )
    result.append(
        (
            "XLSX export, national, this year",
            _get(client, f"{reverse('dashboards:export_xlsx')}?{query}"),
        )
    )
    anonymous = Client()
    for y in (today.year, today.year - 1):
        result.append((f"open data rows {y}", lambda y=y: open_data_rows(year=y)))
        result.append(
            (
                f"open data API {y} (whole request)",
                _get(anonymous, f"{reverse('dashboards_api:open_data')}?year={y}"),
            )
        )
    return result


def _get(client, url):
    def call():
        response = client.get(url)
        if response.status_code != 200:
            _fail(f"{url} answered {response.status_code}")

    return call


def _markdown(results: dict) -> str:
    lines = [
        "| read | target p95 | floor: SQL server time | result p50 / p95 | p95 ÷ target "
        "| queries |",
        "|---|---|---|---|---|---|",
    ]
    for r in results["cases"]:
        ratio = r["p95_ms"] / TARGET_MS
        lines.append(
            f"| {r['name']} | {TARGET_MS:.0f} ms | {r['sql_ms']} ms | "
            f"{r['p50_ms']} / {r['p95_ms']} ms | {ratio:.2f} | {r['queries']} |"
        )
    return "\n".join(lines)


def main() -> None:
    args = _arguments()
    db_name = _check_database_url()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vss_portal.settings.development")
    os.environ.setdefault("DEBUG", "false")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.pop("DATABASE_REPLICA_URL", None)

    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    if connection.vendor != "postgresql" or "bench" not in settings.DATABASES["default"]["NAME"]:
        _fail("the configured database is not a PostgreSQL database named '*bench*'.")

    from dashboards.models import DailyRollup, MonthlyRollup
    from offices.services import provincial_offices_sync
    from procedures.services import catalogue_load

    started = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:7.1f}s] {message}", flush=True)

    log(f"database {db_name}: migrating")
    call_command("migrate", interactive=False, verbosity=0)
    catalogue_load()
    provincial_offices_sync()
    if args.reload or not MonthlyRollup.objects.exists():
        log(f"loading {args.days} days of {args.dossiers_per_year:,} dossiers a year")
        loaded = load(per_year=args.dossiers_per_year, days=args.days, seed=args.seed, log=log)
        log(f"loaded {loaded}")
    data = {
        "daily_rows": DailyRollup.objects.count(),
        "monthly_rows": MonthlyRollup.objects.count(),
    }
    today = timezone.localdate()
    measured = []
    for name, call in cases(today):
        log(f"measuring {name}")
        measured.append(measure(name, call, args.repeat))
        log(f"  p50 {measured[-1]['p50_ms']} ms, p95 {measured[-1]['p95_ms']} ms")
    results = {
        "date": today.isoformat(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "load_average": os.getloadavg(),
        "data": data,
        "dossiers_per_year": args.dossiers_per_year,
        "days": args.days,
        "repeat": args.repeat,
        "cases": measured,
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    output = args.output or RESULTS_DIR / f"dashboards-{today.isoformat()}.json"
    output.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
    log(f"results in {output}")
    print(_markdown(results))


if __name__ == "__main__":
    main()
