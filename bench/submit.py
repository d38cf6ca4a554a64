"""Benchmark of online submission (issue #15): draft + upload + submit, 16 clients at once.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vss_bench .venv/bin/python bench/submit.py

Refuses to run unless DATABASE_URL points at PostgreSQL and the database name contains
"bench" (it migrates that database and adds citizens and dossiers). Each of `--clients`
threads (its own database connection) files `--per-client` sickness-benefit dossiers
through the services the pages and the API call (`dossier_draft_create`,
`dossier_draft_save`, `dossier_document_add` with a small PNG, `dossier_submit`): the
database and Python work of a submission, without HTTP. Reports dossiers per second and
the statements each step issued (counted on one extra dossier). OCR of the upload is
off (`DIGITISE_ON_UPLOAD=false`): it runs in workers, measured elsewhere.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from run import RESULTS_DIR, ROOT, _check_database_url, _fail


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark online submission.")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--per-client", type=int, default=20)
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args()
    _check_database_url()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vss_portal.settings.development")
    os.environ.setdefault("DEBUG", "false")
    os.environ["DIGITISE_ON_UPLOAD"] = "false"
    import django

    django.setup()
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection, connections
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from PIL import Image

    if connection.vendor != "postgresql" or "bench" not in settings.DATABASES["default"]["NAME"]:
        _fail("the configured database is not a PostgreSQL database named '*bench*'.")
    settings.DIGITISE_ON_UPLOAD = False

    from accounts.constants import Role
    from accounts.models import User
    from dossiers.constants import Channel
    from dossiers.services import (
        dossier_document_add,
        dossier_draft_create,
        dossier_draft_save,
        dossier_submit,
    )
    from offices.services import provincial_offices_sync
    from procedures.models import Procedure
    from procedures.selectors import version_in_force
    from procedures.services import catalogue_load
    from tests.dossiers.conftest import complete_values

    call_command("migrate", interactive=False, verbosity=0)
    catalogue_load()
    provincial_offices_sync()
    procedure = Procedure.objects.get(slug="sickness-benefit")
    version = version_in_force(procedure=procedure)
    values = complete_values(version)
    component = version.components.get(code="medical_leave_certificate")
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 220, 240)).save(buffer, format="PNG")
    png = buffer.getvalue()
    citizens = [
        User.objects.get_or_create(
            username=f"bench-submit-{n:02d}",
            defaults={"role": Role.CITIZEN, "password": "!", "full_name": "Nguyễn Văn An"},
        )[0]
        for n in range(args.clients + 1)
    ]

    def file_one(citizen, counts=None):
        steps = {}

        def step(name, function):
            if counts is None:
                return function()
            with CaptureQueriesContext(connection) as captured:
                result = function()
            steps[name] = len(captured.captured_queries)
            return result

        dossier = step(
            "draft",
            lambda: dossier_draft_create(
                procedure=procedure, actor=citizen, channel=Channel.ONLINE, applicant=citizen
            ),
        )
        dossier = step(
            "save",
            lambda: dossier_draft_save(
                dossier=dossier, actor=citizen, values=values, next_step=4, province_code=1
            ),
        )
        step(
            "upload",
            lambda: dossier_document_add(
                dossier=dossier,
                component=component,
                uploaded=SimpleUploadedFile("giay.png", png, content_type="image/png"),
                actor=citizen,
            ),
        )
        step("submit", lambda: dossier_submit(dossier=dossier, actor=citizen))
        if counts is not None:
            counts.update(steps)

    counts: dict[str, int] = {}
    file_one(citizens[-1], counts)

    def client(n):
        try:
            for _ in range(args.per_client):
                file_one(citizens[n])
        finally:
            connections.close_all()

    barrier_start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.clients) as pool:
        list(pool.map(client, range(args.clients)))
    elapsed = time.perf_counter() - barrier_start
    total = args.clients * args.per_client
    result = {
        "benchmark": "online_submission",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "clients": args.clients,
        "dossiers": total,
        "seconds": round(elapsed, 2),
        "dossiers_per_second": round(total / elapsed, 1),
        "statements_per_step": counts,
        "statements_per_dossier": sum(counts.values()),
        "threads_alive_after": threading.active_count(),
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    output = args.output or RESULTS_DIR / f"submit-{timezone.localdate():%Y-%m-%d}.json"
    output.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
