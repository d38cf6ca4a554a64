"""`make bench`: load, serve with gunicorn, drive every endpoint beside its floors.

    .venv/bin/python bench/suite.py --label 1M --dossiers 1000000 \
        --database postgres://postgres@127.0.0.1:5432/vss_bench_1m

See bench/README.md. Refuses any database whose name lacks "bench". Writes
`bench/results/http-<label>.json` and regenerates the "make bench" section of
docs/benchmarks.md from every `http-*.json` present.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import platform
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- make-bench:start -->", "<!-- make-bench:end -->"
HOST = "127.0.0.1"

# Targets of issue #15: (p95 ms at 1 connection, requests/s at 16 connections).
TARGETS = {
    "worklist page": (30, 150),
    "worklist API": (30, None),
    "dossier detail": (30, None),
    "tracking page": (30, 400),
    "tracking API": (30, 400),
    "inbox": (30, None),
    "dashboard": (100, None),
    "open data": (100, None),
    "slip download (first)": (150, None),
}
GUNICORN_MATRIX = [
    ("sync", 2, 1),
    ("sync", 4, 1),
    ("gthread", 2, 4),
    ("gthread", 2, 8),
    ("gthread", 4, 4),
]


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] {message}", flush=True)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="postgres URL; name must hold 'bench'")
    parser.add_argument("--label", required=True, help="e.g. 1M or 10M")
    parser.add_argument("--dossiers", type=int, required=True)
    parser.add_argument("--seconds", type=float, default=10.0, help="per endpoint and level")
    parser.add_argument("--seed", type=int, default=20_260_101)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument(
        "--matrix", action="store_true", help="also compare gunicorn worker settings"
    )
    parser.add_argument("--load-only", action="store_true")
    return parser.parse_args()


def _setup(database: str) -> None:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(BENCH_DIR))
    from run import _check_database_url  # the same guard as the worklist benchmark

    os.environ["DATABASE_URL"] = database
    _check_database_url()
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("SECRET_KEY", "bench-only-" + secrets.token_urlsafe(48))
    os.environ.setdefault("ALLOWED_HOSTS", f"{HOST},localhost,testserver")
    import django

    django.setup()


def _load(args) -> dict:
    from django.core.management import call_command

    from bench import dataset
    from offices.services import provincial_offices_sync
    from procedures.services import catalogue_load

    call_command("migrate", interactive=False, verbosity=0)
    catalogue_load()
    provincial_offices_sync()
    started = time.perf_counter()
    data = dataset.load(target=args.dossiers, seed=args.seed, log=_log)
    data["seconds"] = round(time.perf_counter() - started, 1)
    return data


def _sizes() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_live_tup, pg_relation_size(relid), "
            "pg_indexes_size(relid), pg_total_relation_size(relid) "
            "FROM pg_stat_user_tables WHERE relname IN ('dossiers_dossier', "
            "'dossiers_dossierevent', 'dossiers_dossierdocument', 'ratings_rating', "
            "'notifications_notification', 'accounts_user', 'dossiers_dailysequence', "
            "'dashboards_dailyrollup') ORDER BY relname"
        )
        return {
            name: {"rows": rows, "heap_bytes": heap, "index_bytes": idx, "total_bytes": total}
            for name, rows, heap, idx, total in cursor.fetchall()
        }


class Fixtures:
    """Users, sessions and dossiers the requests use (Hồ Chí Minh City, the biggest office)."""

    def __init__(self) -> None:
        from django.conf import settings
        from django.test import Client

        from accounts.constants import Role
        from accounts.models import User
        from bench import dataset
        from dossiers.constants import OPEN_STATES
        from dossiers.models import Dossier
        from dossiers.tracking import tracking_token
        from notifications.models import Notification
        from offices.models import Office

        hcmc = Office.objects.get(kind="provincial", province_code=dataset.HCMC)
        self.leader = User.objects.get(username=f"bench-{dataset.HCMC:02d}-leader")
        self.supervisor, _ = User.objects.get_or_create(
            username="bench-supervisor",
            defaults={"role": Role.SUPERVISOR, "full_name": "Giám sát", "password": "!"},
        )
        recipient = (
            Notification.objects.filter(recipient__isnull=False)
            .values_list("recipient_id", flat=True)
            .order_by("-id")
            .first()
        )
        self.citizen = User.objects.get(pk=recipient)
        open_hcmc = Dossier.objects.filter(competent_office=hcmc, state__in=OPEN_STATES)
        picked = list(open_hcmc.order_by("-id").values_list("reference", "code")[:2000])
        self.references = [str(r) for r, _ in picked]
        self.codes = [(c, tracking_token(c)) for _, c in picked]
        # Received dossiers that have no slip yet: each request is a first download.
        self.slip_references = [
            str(r)
            for r in Dossier.objects.filter(competent_office=hcmc, received_at__isnull=False)
            .filter(slips__isnull=True)
            .order_by("-id")
            .values_list("reference", flat=True)[:20000]
        ]
        self.sessions = {}
        for user in (self.leader, self.supervisor, self.citizen):
            client = Client(HTTP_HOST=HOST)
            client.force_login(user)  # a real session in the configured store
            self.sessions[user.pk] = client.cookies[settings.SESSION_COOKIE_NAME].value

    def cookie(self, user) -> dict[str, str]:
        return {"Cookie": f"sessionid={self.sessions[user.pk]}; django_language=vi"}


def _endpoints(fx: Fixtures) -> dict:
    """name -> (user or None, a callable giving the next path)."""
    refs = itertools.cycle(fx.references)
    codes = itertools.cycle(fx.codes)
    slips = itertools.cycle(fx.slip_references or fx.references)
    return {
        "bare view": (None, lambda: "/bench/bare"),
        "worklist page": (fx.leader, lambda: "/dossiers/worklist/"),
        "worklist API": (fx.leader, lambda: "/api/v1/dossiers/"),
        "dossier detail": (fx.leader, lambda: f"/dossiers/d/{next(refs)}/"),
        "tracking page": (None, lambda: "/track/{}/?t={}".format(*next(codes))),
        "tracking API": (None, lambda: "/api/v1/tracking/{}/?token={}".format(*next(codes))),
        "inbox": (fx.citizen, lambda: "/inbox/"),
        "dashboard": (fx.supervisor, lambda: "/dashboards/"),
        "open data": (None, lambda: "/dashboards/open-data/"),
        "slip download (first)": (fx.leader, lambda: f"/dossiers/d/{next(slips)}/slip/"),
    }


def _sql_floor(fx: Fixtures, endpoints: dict) -> dict:
    """Per endpoint: statements of one request (in process), and the time PostgreSQL needs
    for its SELECTs when sent raw (best of 3 each, summed): the SQL floor."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    floors = {}
    for name, (user, path) in endpoints.items():
        if name.startswith("slip"):
            continue  # each call renders a new slip; measured over HTTP only
        client = Client(HTTP_HOST=HOST)
        if user is not None:
            client.force_login(user)
        target = path()
        client.get(target)  # warm
        with CaptureQueriesContext(connection) as captured:
            response = client.get(target)
        total = 0.0
        selects = [
            q["sql"] for q in captured.captured_queries if q["sql"].lstrip().startswith("SELECT")
        ]
        with connection.cursor() as cursor:
            for sql in selects:
                best = None
                for _ in range(3):
                    started = time.perf_counter()
                    cursor.execute(sql)
                    cursor.fetchall()
                    elapsed = (time.perf_counter() - started) * 1000
                    best = elapsed if best is None else min(best, elapsed)
                total += best
        floors[name] = {
            "status": response.status_code,
            "statements": len(captured.captured_queries),
            "selects": len(selects),
            "sql_ms": round(total, 2),
        }
    return floors


def _gunicorn(port: int, worker_class: str, workers: int, threads: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "GUNICORN_BIND": f"{HOST}:{port}",
        "GUNICORN_WORKER_CLASS": worker_class,
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_THREADS": str(threads),
        "GUNICORN_MAX_REQUESTS": "0",
        "LOG_LEVEL": "WARNING",
    }
    binary = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(  # noqa: S603 - our own interpreter's gunicorn
        [str(binary), "-c", str(ROOT / "gunicorn.conf.py"), "vss_portal.wsgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(RESULTS_DIR / "gunicorn.log", "a"),  # noqa: SIM115
        start_new_session=True,
    )
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=2):  # noqa: S310
                return process
        except OSError:
            time.sleep(0.5)
    _stop(process)
    raise SystemExit("bench: gunicorn did not start (see bench/results/gunicorn.log)")


def _stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def _drive(port, fx, endpoints, names, levels, seconds) -> dict:
    import loadgen

    out = {}
    for name in names:
        user, path = endpoints[name]
        headers = fx.cookie(user) if user is not None else {"Cookie": "django_language=vi"}
        out[name] = {}
        for connections in levels:
            result = loadgen.run(
                host=HOST,
                port=port,
                connections=connections,
                seconds=seconds,
                requests=lambda path=path, headers=headers: loadgen.Request(
                    path(), headers=headers
                ),
            )
            out[name][str(connections)] = result.as_dict() | {"load_1min": os.getloadavg()[0]}
            _log(
                f"  {name} x{connections}: {result.per_second:.0f}/s, p95 {result.p95_ms} ms, "
                f"statuses {result.statuses}"
            )
    return out


def _pgbench(database: str) -> dict:
    from urllib.parse import urlparse

    if not shutil.which("pgbench"):
        return {"available": False}
    parsed = urlparse(database)
    name = "vss_bench_pgbench"
    base = [
        "-h",
        parsed.hostname or HOST,
        "-p",
        str(parsed.port or 5432),
        "-U",
        parsed.username or "postgres",
    ]
    subprocess.run(["createdb", *base, name], capture_output=True, check=False)  # noqa: S603, S607
    init = ["pgbench", *base, "-i", "-s", "10", "-q", name]
    subprocess.run(init, capture_output=True, check=True)  # noqa: S603, S607
    out = {"available": True, "scale": 10}
    for clients in (1, 16):
        run = subprocess.run(  # noqa: S603
            ["pgbench", *base, "-S", "-c", str(clients), "-j", "2", "-T", "10", name],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
        )
        for line in run.stdout.splitlines():
            if line.startswith("tps"):
                out[f"tps_{clients}"] = float(line.split("=")[1].split()[0])
            if line.startswith("latency average"):
                out[f"latency_ms_{clients}"] = float(line.split("=")[1].split()[0])
    return out


def _weasyprint() -> dict:
    from weasyprint import HTML

    HTML(string="<p>Phiếu tiếp nhận</p>").write_pdf()
    samples = []
    for _ in range(20):
        started = time.perf_counter()
        HTML(string="<p>Phiếu tiếp nhận</p>").write_pdf()
        samples.append((time.perf_counter() - started) * 1000)
    return {"median_ms": round(statistics.median(samples), 1), "max_ms": round(max(samples), 1)}


def _tesseract() -> dict:
    binary = shutil.which("tesseract")
    if not binary:
        return {"available": False}
    from PIL import Image, ImageDraw

    path = RESULTS_DIR / "ocr-page.png"
    image = Image.new("L", (1240, 1754), 255)
    ImageDraw.Draw(image).text((100, 100), "GIAY RA VIEN 0123456789", fill=0)
    image.save(path)
    samples = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run([binary, str(path), "-", "-l", "eng"], capture_output=True, check=False)  # noqa: S603
        samples.append((time.perf_counter() - started) * 1000)
    return {"available": True, "median_ms": round(statistics.median(samples), 1)}


def _submissions(count: int) -> dict:
    """Draft + upload + submit through the services, one client, in process."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.constants import Role
    from accounts.models import User
    from dossiers.services import dossier_submit
    from procedures.models import Procedure
    from tests.dossiers.conftest import complete_sickness_draft

    catalogue = {p.slug: p for p in Procedure.objects.all()}
    stamp = int(time.time())
    citizens = [
        User.objects.create(username=f"bench-sub-{stamp}-{i}", role=Role.CITIZEN, password="!")  # noqa: S106
        for i in range(count)
    ]
    statements = []
    started = time.perf_counter()
    for citizen in citizens:
        draft = complete_sickness_draft(catalogue, citizen)
        with CaptureQueriesContext(connection) as captured:
            dossier_submit(dossier=draft, actor=citizen)
        statements.append(len(captured.captured_queries))
    seconds = time.perf_counter() - started
    return {
        "dossiers": count,
        "per_second": round(count / seconds, 1),
        "submit_statements_max": max(statements),
        "submit_statements_median": statistics.median(statements),
    }


def _ratio(result: float | None, floor: float | None) -> str:
    if not result or not floor:
        return "-"
    return f"{result / floor:.1f}×"


def _section(results: dict) -> list[str]:
    m = results["meta"]
    bare = results["http"]["bare view"]
    lines = [
        f"### {results['label']}: {m['dossiers']:,} dossiers",
        "",
        f"Measured {m['date']} on commit `{m['commit']}` ({m['branch']}), gunicorn "
        f"{m['gunicorn']}, load generator: {m['load_generator']}, {m['seconds']} s per "
        f"endpoint and level. Machine: {m['cpus']} CPUs, {m['memory_gib']} GiB, PostgreSQL "
        f"{m['postgresql']}; 1-minute load average {m['load_before']} before, "
        f"{m['load_after']} after (other engineers share the machine). Load time: "
        f"{m['load_seconds']} s for this run ({m['generated']:,} dossiers generated).",
        "",
        "| endpoint | conns | target | floor: bare view | floor: SQL of one request | "
        "result p95 / req/s | ratio to bare view | statements | statuses |",
        "|---|---:|---|---|---:|---|---:|---:|---|",
    ]
    for name, levels in results["http"].items():
        target = TARGETS.get(name, (None, None))
        sql = results["sql_floor"].get(name, {})
        for level, r in levels.items():
            b = bare[level]
            if level == "1":
                tgt = f"p95 ≤ {target[0]} ms" if target[0] else "-"
                floor = f"p95 {b['p95_ms']} ms"
                res = f"p95 {r['p95_ms']} ms ({r['per_second']:.0f}/s)"
                ratio = _ratio(r["p95_ms"], b["p95_ms"])
            else:
                tgt = f"≥ {target[1]} req/s" if target[1] else "-"
                floor = f"{b['per_second']:.0f} req/s"
                res = f"{r['per_second']:.0f} req/s (p95 {r['p95_ms']} ms)"
                ratio = _ratio(b["per_second"], r["per_second"])
            lines.append(
                f"| {name} | {level} | {tgt} | {floor} | {sql.get('sql_ms', '-')} ms | {res} | "
                f"{ratio} | {sql.get('statements', '-')} | {r['statuses']} |"
            )
    f = results["floors"]
    pg = f["pgbench"]
    sub = results.get("submissions") or {}
    lines += [
        "",
        "Other floors and flows:",
        "",
        "| what | target | floor | result | ratio |",
        "|---|---|---|---|---:|",
        f"| pgbench select-only (scale 10) | - | 1 client: {pg.get('tps_1', 0):,.0f} tps, "
        f"{pg.get('latency_ms_1', '-')} ms; 16 clients: {pg.get('tps_16', 0):,.0f} tps | - | - |",
        f"| reception slip render | ≤ 150 ms | WeasyPrint one-line page: "
        f"{f['weasyprint']['median_ms']} ms | see `slip download (first)` above | - |",
        f"| OCR of one page | - | raw tesseract: "
        f"{f['tesseract'].get('median_ms', 'not installed')} | not measured | - |",
    ]
    if sub:
        lines.append(
            f"| submission: draft + upload + submit (1 client, in process) | ≥ 100/s with 16 "
            f"clients, ≤ 15 statements on submit | - | {sub['per_second']}/s; submit: "
            f"{sub['submit_statements_median']} statements (max {sub['submit_statements_max']}) "
            f"| - |"
        )
    sizes = results["sizes"]
    lines += ["", "| table | rows | heap | indexes | total |", "|---|---:|---:|---:|---:|"]
    for table, s in sizes.items():
        lines.append(
            f"| {table} | {s['rows']:,} | {s['heap_bytes'] / 2**20:,.0f} MiB | "
            f"{s['index_bytes'] / 2**20:,.0f} MiB | {s['total_bytes'] / 2**20:,.0f} MiB |"
        )
    if results.get("matrix"):
        earlier = " (from an earlier run of this size)" if m.get("matrix_from_earlier_run") else ""
        lines += [
            "",
            f"gunicorn settings at 16 connections (req/s, p95 ms){earlier}:",
            "",
            "| worker class | workers | threads | worklist page | tracking page |",
            "|---|---:|---:|---|---|",
        ]
        for row in results["matrix"]:
            w, t = row["worklist page"], row["tracking page"]
            lines.append(
                f"| {row['worker_class']} | {row['workers']} | {row['threads']} | "
                f"{w['per_second']:.0f}/s, {w['p95_ms']} ms | {t['per_second']:.0f}/s, "
                f"{t['p95_ms']} ms |"
            )
    return lines


def write_doc() -> None:
    sections = []
    for path in sorted(RESULTS_DIR.glob("http-*.json")):
        sections += _section(json.loads(path.read_text())) + [""]
    body = "\n".join(
        [
            START,
            "## `make bench`: every endpoint beside its floors",
            "",
            "Written by `bench/suite.py` (bench/README.md); do not edit by hand. Ratio: "
            "result p95 ÷ bare-view p95 at 1 connection, bare-view req/s ÷ result req/s at "
            "16. Statements: SQL statements of one request of that endpoint.",
            "",
            *sections,
            END,
        ]
    )
    text = DOC.read_text()
    if START in text:
        text = text[: text.index(START)] + body + text[text.index(END) + len(END) :]
    else:
        head, _, rest = text.partition("\n## ")
        text = f"{head}\n{body}\n\n## {rest}"
    DOC.write_text(text)


def main() -> None:
    args = _arguments()
    RESULTS_DIR.mkdir(exist_ok=True)
    _setup(args.database)
    from django.core.management import call_command
    from django.db import connection

    load_before = os.getloadavg()[0]
    data = _load(args)
    if args.load_only:
        return
    if not (ROOT / "var" / "staticfiles" / "staticfiles.json").exists():
        _log("collectstatic")
        call_command("collectstatic", interactive=False, verbosity=0)
    fx = Fixtures()
    endpoints = _endpoints(fx)
    _log("SQL floors (in process)")
    sql_floor = _sql_floor(fx, endpoints)
    matrix = []
    if args.matrix:
        for worker_class, workers, threads in GUNICORN_MATRIX:
            _log(f"gunicorn {worker_class} workers={workers} threads={threads}")
            process = _gunicorn(args.port, worker_class, workers, threads)
            try:
                driven = _drive(
                    args.port, fx, endpoints, ["worklist page", "tracking page"], [16], args.seconds
                )
            finally:
                _stop(process)
            matrix.append(
                {"worker_class": worker_class, "workers": workers, "threads": threads}
                | {name: levels["16"] for name, levels in driven.items()}
            )
    _log("gunicorn (gunicorn.conf.py defaults)")
    process = _gunicorn(args.port, *_configured())
    try:
        http = _drive(args.port, fx, endpoints, list(endpoints), [1, 16], args.seconds)
    finally:
        _stop(process)
    _log("floors")
    floors = {
        "pgbench": _pgbench(args.database),
        "weasyprint": _weasyprint(),
        "tesseract": _tesseract(),
    }
    _log("submissions (in process)")
    try:
        submissions = _submissions(args.submissions)
    except Exception as exc:  # noqa: BLE001 - report, keep the rest of the run
        submissions = {}
        _log(f"  submissions failed: {exc!r}")
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]

    def git(*a):
        return subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True).stdout.strip()  # noqa: S603, S607

    results = {
        "label": args.label,
        "meta": {
            "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "commit": git("rev-parse", "--short", "HEAD"),
            "branch": git("rev-parse", "--abbrev-ref", "HEAD"),
            "dossiers": args.dossiers,
            "generated": data["generated"],
            "load_seconds": data["seconds"],
            "load_timings": data.get("timings", {}),
            "seconds": args.seconds,
            "gunicorn": "{} workers={} threads={}".format(*_configured()),
            "load_generator": "bench/loadgen.py (threads + http.client; wrk not installed)",
            "cpus": os.cpu_count(),
            "memory_gib": round(
                os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1
            ),
            "platform": platform.platform(),
            "postgresql": server_version,
            "load_before": round(load_before, 2),
            "load_after": round(os.getloadavg()[0], 2),
        },
        "sizes": _sizes(),
        "sql_floor": sql_floor,
        "http": http,
        "floors": floors,
        "submissions": submissions,
        "matrix": matrix,
    }
    path = RESULTS_DIR / f"http-{args.label}.json"
    if not matrix and path.exists():  # keep the last --matrix comparison of this size
        results["matrix"] = json.loads(path.read_text()).get("matrix", [])
        results["meta"]["matrix_from_earlier_run"] = True
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str) + "\n")
    write_doc()
    _log(f"results in {path.relative_to(ROOT)}; docs/benchmarks.md updated")


def _configured() -> tuple[str, int, int]:
    return (
        os.environ.get("GUNICORN_WORKER_CLASS", "gthread"),
        int(os.environ.get("GUNICORN_WORKERS", "2")),
        int(os.environ.get("GUNICORN_THREADS", "4")),
    )


if __name__ == "__main__":
    main()
