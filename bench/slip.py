"""Benchmark of the reception slip render (issue #15) beside its floor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vss_bench .venv/bin/python bench/slip.py

Refuses to run unless DATABASE_URL points at PostgreSQL and the database name contains
"bench" (it migrates that database and adds one received dossier). Times, after warm-up:

- the floor: WeasyPrint rendering a one-line HTML page to PDF;
- the slip: `dossiers.documents.reception_slip.render_reception_slip` (template, QR code
  as inline SVG, fonts, PDF), what the worker does right after reception.

Both are timed twice: wall-clock, and CPU time of this process (`time.process_time`),
which is what a render costs on a machine nobody else is loading. The 1-minute load
average before and after is recorded beside them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import statistics
import sys
import time
from pathlib import Path

from run import RESULTS_DIR, ROOT, _check_database_url, _fail


def _stats(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)], 1),
    }


def _timed(function, repeat: int, clock=time.perf_counter) -> list[float]:
    for _ in range(3):
        function()
    samples = []
    for _ in range(repeat):
        started = clock()
        function()
        samples.append((clock() - started) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark the reception slip render.")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args()
    _check_database_url()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vss_portal.settings.development")
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    if connection.vendor != "postgresql" or "bench" not in settings.DATABASES["default"]["NAME"]:
        _fail("the configured database is not a PostgreSQL database named '*bench*'.")

    from weasyprint import HTML

    from dossiers.documents.reception_slip import render_reception_slip
    from dossiers.models import Dossier
    from offices.models import Office
    from offices.services import provincial_offices_sync
    from procedures.models import Procedure
    from procedures.selectors import version_in_force
    from procedures.services import catalogue_load

    call_command("migrate", interactive=False, verbosity=0)
    catalogue_load()
    provincial_offices_sync()
    office = Office.objects.filter(kind="provincial").order_by("province_code").first()
    version = version_in_force(procedure=Procedure.objects.get(slug="sickness-benefit"))
    now = timezone.now()
    dossier, _ = Dossier.objects.get_or_create(
        # The top 8-digit serial: far above any the day's filings take from the sequence.
        code=f"{office.agency_code}-{now:%y%m%d}-99999999",
        defaults={
            "procedure": version.procedure,
            "version": version,
            "channel": "online",
            "applicant_name": "Nguyễn Thị Hồng Nhung",
            "applicant_address": "Số 12 phố Hàng Bài, phường Hoàn Kiếm, Hà Nội",
            "receiving_office": office,
            "competent_office": office,
            "submitted_at": now,
            "received_at": now,
            "due_at": now + dt.timedelta(days=7),
        },
    )
    Dossier.objects.filter(pk=dossier.pk).update(state="submitted")
    dossier = (
        Dossier.objects.select_related("procedure", "version", "receiving_office", "received_by")
        .filter(pk=dossier.pk)
        .get()
    )

    def one_liner():
        return HTML(string="<p>Giấy tiếp nhận</p>").write_pdf()

    def the_slip():
        return render_reception_slip(dossier)

    load_before = os.getloadavg()[0]
    floor = _timed(one_liner, args.repeat)
    slip = _timed(the_slip, args.repeat)
    # CPU time of this process: what a render costs when the machine is not shared.
    floor_cpu = _timed(one_liner, args.repeat, clock=time.process_time)
    slip_cpu = _timed(the_slip, args.repeat, clock=time.process_time)
    result = {
        "benchmark": "reception_slip_render",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "target_ms": 150,
        "load_average_1min": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        "floor": _stats(floor),
        "slip": _stats(slip),
        "floor_cpu": _stats(floor_cpu),
        "slip_cpu": _stats(slip_cpu),
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    output = args.output or RESULTS_DIR / f"slip-{timezone.localdate():%Y-%m-%d}.json"
    output.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))
    ratio = result["slip"]["median_ms"] / result["floor"]["median_ms"]
    print(
        f"| reception slip render | ≤ 150 ms | {result['floor']['median_ms']} ms "
        f"| {result['slip']['median_ms']} ms (p95 {result['slip']['p95_ms']}) | {ratio:.1f}× |"
    )
    cpu_ratio = result["slip_cpu"]["median_ms"] / result["floor_cpu"]["median_ms"]
    print(
        f"| reception slip render, CPU time | ≤ 150 ms | {result['floor_cpu']['median_ms']} ms "
        f"| {result['slip_cpu']['median_ms']} ms (p95 {result['slip_cpu']['p95_ms']}) "
        f"| {cpu_ratio:.1f}× |"
    )


if __name__ == "__main__":
    main()
