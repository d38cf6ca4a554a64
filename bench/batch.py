"""Benchmark of employer batch filing (issue #15) in dossiers per second, beside its floor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vss_bench .venv/bin/python bench/batch.py

Refuses to run unless DATABASE_URL points at PostgreSQL and the database name contains
"bench" (it migrates that database and adds an employer and dossiers). Times:

- the batch: `partners.services.partner_batch_file` with `--batches` batches of `--size`
  complete sickness-benefit items (form values, province, one small PDF each), submitted;
  the service the API calls after checking the request, without HTTP;
- the same batches one item at a time through the services (`--one-by-one-batches` of
  them), the path every item took before the bulk path, for comparison;
- the floor: the same rows (dossiers, partner filings, documents, events) written with
  plain multi-row INSERTs (`bulk_create`, no checks, no files), committed per batch.

Handing tasks to the broker (reception slips, webhooks, digitisation) is skipped unless
`--with-broker`: it is one message per dossier and measured with the SLA sweep.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

from run import RESULTS_DIR, ROOT, _check_database_url, _fail


def main() -> None:  # noqa: PLR0915 (a script: setup, three timed runs, report)
    parser = argparse.ArgumentParser(description="Benchmark employer batch filing.")
    parser.add_argument("--size", type=int, default=500, help="items per batch (API max 500)")
    parser.add_argument("--batches", type=int, default=4)
    parser.add_argument("--one-by-one-batches", type=int, default=1)
    parser.add_argument("--with-broker", action="store_true")
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
    from django.core.files.base import ContentFile
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    if connection.vendor != "postgresql" or "bench" not in settings.DATABASES["default"]["NAME"]:
        _fail("the configured database is not a PostgreSQL database named '*bench*'.")
    settings.DIGITISE_ON_UPLOAD = False
    if not args.with_broker:
        from vss_portal.celery import app

        app.Task.delay_on_commit = lambda self, *a, **k: None

    from pypdf import PdfWriter

    from dossiers.models import Dossier, DossierDocument, DossierEvent
    from offices.services import provincial_offices_sync
    from partners.constants import SCOPES_BY_KIND, PartnerKind
    from partners.models import PartnerFiling
    from partners.services import (
        BatchDocument,
        BatchItem,
        bulk_filing,
        partner_batch_file,
        partner_create,
        partner_token_create,
    )
    from procedures.models import Procedure
    from procedures.selectors import version_in_force
    from procedures.services import catalogue_load

    call_command("migrate", interactive=False, verbosity=0)
    catalogue_load()
    provincial_offices_sync()
    procedure = Procedure.objects.get(slug="sickness-benefit")
    version = version_in_force(procedure=procedure)
    stamp = f"{time.time_ns()}"[-9:]
    partner = partner_create(
        name=f"Bench employer {stamp}", kind=PartnerKind.EMPLOYER, employer_unit_code="0101234567"
    )
    token, _secret = partner_token_create(
        partner=partner,
        name="bench",
        scopes=SCOPES_BY_KIND[PartnerKind.EMPLOYER],
        rate_limit_per_minute=1000,
    )
    samples = {
        "text": "Thông tin mẫu",
        "textarea": "Nội dung mẫu",
        "date": "2026-11-16",
        "money": 1000000,
        "integer": 1,
        "cccd": "001090012345",
        "si_code": "0123456789",
        "hi_card": "DN4010123456789",
        "bank_account": "0123456789012",
        "phone": "0912345678",
        "email": "an@example.vn",
    }
    values = {}
    for field in version.field_definitions():
        if field.get("required"):
            if field["type"] == "choice":
                values[field["name"]] = field["choices"][0]["value"]
            else:
                values[field["name"]] = samples.get(field["type"], "Thông tin mẫu")
    component = version.components.get(code="medical_leave_certificate")
    buffer = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(buffer)
    pdf = buffer.getvalue()

    def items(prefix: str) -> list:
        return [
            BatchItem(
                index=n,
                external_id=f"{prefix}-{n}",
                values=dict(values),
                province_code=1,
                documents=[BatchDocument(component, ContentFile(pdf, name=f"{prefix}-{n}.pdf"))],
            )
            for n in range(args.size)
        ]

    def run_batches(count: int, prefix: str) -> tuple[list[float], int, list]:
        seconds, statements, batches = [], 0, []
        for number in range(count):
            batch_items = items(f"{prefix}{stamp}-{number}")
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                batch, _ = partner_batch_file(
                    token=token, procedure=procedure, submit=True, items=batch_items
                )
                seconds.append(time.perf_counter() - started)
            statements = len(captured.captured_queries)
            if batch.submitted != args.size:
                _fail(f"batch filed {batch.submitted} of {args.size}: {batch.results[:1]}")
            batches.append(batch)
        return seconds, statements, batches

    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        run_batches(1, "P")
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        return
    load_before = os.getloadavg()[0]
    bulk_seconds, bulk_statements, batches = run_batches(args.batches, "B")
    possible = bulk_filing.batch_bulk_possible
    bulk_filing.batch_bulk_possible = lambda **kwargs: False
    import partners.services.filings as filings

    filings.batch_bulk_possible = bulk_filing.batch_bulk_possible
    one_seconds, one_statements, _ = run_batches(args.one_by_one_batches, "S")
    filings.batch_bulk_possible = possible

    # Floor: the rows of one bulk batch written again with plain multi-row INSERTs.
    model_rows = batches[0]
    dossier_ids = list(
        PartnerFiling.objects.filter(batch=model_rows).values_list("dossier_id", flat=True)
    )
    dossiers = list(Dossier.objects.filter(pk__in=dossier_ids))
    documents = list(DossierDocument.objects.filter(dossier_id__in=dossier_ids))
    events = list(DossierEvent.objects.filter(dossier_id__in=dossier_ids))
    filings_rows = list(PartnerFiling.objects.filter(batch=model_rows))
    floor_seconds = []
    serial = 10_000_000 + int(stamp[-5:]) * 100  # 8-digit serials no filing takes
    for _ in range(args.batches):
        for dossier in dossiers:
            serial += 1
            dossier.pk = None
            dossier.reference = uuid.uuid4()
            dossier.code = f"{dossier.code.rsplit('-', 1)[0]}-{serial:08d}"  # unique, well formed
        started = time.perf_counter()
        with transaction.atomic():
            Dossier.objects.bulk_create(dossiers)
            by_old = dict(zip(dossier_ids, dossiers, strict=True))
            for row in filings_rows:
                row.pk, row.dossier, row.batch = None, by_old[row.dossier_id], None
            PartnerFiling.objects.bulk_create(filings_rows)
            for row in documents:
                row.pk, row.dossier = None, by_old[row.dossier_id]
            DossierDocument.objects.bulk_create(documents)
            for row in events:
                row.pk, row.dossier = None, by_old[row.dossier_id]
            DossierEvent.objects.bulk_create(events)
        floor_seconds.append(time.perf_counter() - started)
        dossier_ids = [d.pk for d in dossiers]

    def rate(seconds: list[float]) -> float | None:
        return round(args.size / statistics.median(seconds), 1) if seconds else None

    result = {
        "benchmark": "batch_filing",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "target_dossiers_per_s": 300,
        "batch_size": args.size,
        "batches": args.batches,
        "load_average_1min": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        "broker_hand_over": "included" if args.with_broker else "skipped",
        "bulk": {
            "dossiers_per_s": rate(bulk_seconds),
            "seconds": [round(s, 2) for s in bulk_seconds],
            "statements_per_batch": bulk_statements,
        },
        "one_by_one": {
            "dossiers_per_s": rate(one_seconds),
            "seconds": [round(s, 2) for s in one_seconds],
            "statements_per_batch": one_statements,
        },
        "floor_plain_inserts": {
            "dossiers_per_s": rate(floor_seconds),
            "seconds": [round(s, 2) for s in floor_seconds],
        },
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    output = args.output or RESULTS_DIR / f"batch-{timezone.localdate():%Y-%m-%d}.json"
    output.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))
    floor = result["floor_plain_inserts"]["dossiers_per_s"]
    print(
        f"| batch filing, {args.size} items per batch | ≥ 300 dossiers/s | {floor} dossiers/s "
        f"| {result['bulk']['dossiers_per_s']} dossiers/s "
        f"(one by one: {result['one_by_one']['dossiers_per_s']}) "
        f"| {floor / result['bulk']['dossiers_per_s']:.1f}× |"
    )


if __name__ == "__main__":
    main()
