"""How long an upload keeps a citizen waiting on the embedded default (`make run`).

Uploads a 4-page scanned PDF through the whole Django stack (test client, every middleware,
the documents step's view) with the development settings on a fresh SQLite file and the
broker folder, so digitisation is only enqueued; then starts the worker that `make run`
starts (Procfile.dev) and times until the OCR of that upload is done in the background.

    .venv/bin/python bench/upload_embedded.py [--uploads 10]

Writes bench/results/upload-embedded-<date>.json. Touches nothing outside a temporary folder.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def scanned_pdf(pages: int = 4) -> bytes:
    """A scan-like PDF: A4 pages at 150 dpi with text drawn on a slightly noisy page."""
    from PIL import Image, ImageDraw

    rng = random.Random(4)
    images = []
    for number in range(1, pages + 1):
        image = Image.new("L", (1240, 1754), 250)
        draw = ImageDraw.Draw(image)
        for line in range(40):
            draw.text(
                (90, 90 + line * 38),
                f"GIAY CHUNG NHAN NGHI VIEC - trang {number} dong {line}",
                fill=20,
            )
        for _ in range(4000):
            image.putpixel((rng.randrange(1240), rng.randrange(1754)), rng.randrange(150, 255))
        images.append(image.convert("RGB"))
    out = io.BytesIO()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:], resolution=150)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=10, help="timed uploads (default 10)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="vss-upload-bench-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "vss_portal.settings.development",
            "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
            "EMBEDDED_SERVICES_DIR": str(work / "var"),
            "MEDIA_ROOT": str(work / "media"),
            "LOG_LEVEL": "WARNING",
            "DEBUG": "false",
        }
    )
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from accounts.constants import Role
    from accounts.models import User
    from dossiers.constants import Channel, DigitisationStatus
    from dossiers.models import DossierDocument
    from dossiers.services import dossier_draft_create
    from procedures.models import Procedure
    from procedures.selectors import version_in_force
    from procedures.services import catalogue_load

    if settings.CELERY_TASK_ALWAYS_EAGER:
        raise SystemExit("the embedded default must not run tasks eagerly")
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    catalogue_load()
    citizen = User.objects.create_user(
        username="cd001090012345", role=Role.CITIZEN, national_id="001090012345"
    )
    procedure = Procedure.objects.get(slug="sickness-benefit")
    component = version_in_force(procedure=procedure).components.get(
        code="medical_leave_certificate"
    )
    pdf = scanned_pdf()
    client = Client()
    client.force_login(citizen)

    timings = []
    for index in range(args.uploads):
        dossier = dossier_draft_create(
            procedure=procedure, actor=citizen, channel=Channel.ONLINE, applicant=citizen
        )
        upload = io.BytesIO(pdf)
        upload.name = f"giay-nghi-om-{index}.pdf"
        started = time.perf_counter()
        response = client.post(
            f"/dossiers/d/{dossier.reference}/step/documents/",
            {"component": component.pk, "files": upload},
        )
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code not in (200, 302):
            raise SystemExit(f"upload answered {response.status_code}")
    pending = DossierDocument.objects.filter(digitisation_status=DigitisationStatus.PENDING).count()

    worker_line = next(
        line.split(":", 1)[1].strip()
        for line in (ROOT / "Procfile.dev").read_text().splitlines()
        if line.startswith("worker:")
    )
    command = worker_line.replace(".venv/bin/celery", f"{sys.executable} -m celery")
    worker = subprocess.Popen(  # noqa: S603 - the Procfile's fixed command
        shlex.split(command),
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    started = time.perf_counter()
    first_done = None
    try:
        while time.perf_counter() - started < 900:
            done = DossierDocument.objects.filter(
                digitisation_status=DigitisationStatus.DONE
            ).count()
            if done and first_done is None:
                first_done = time.perf_counter() - started
            if done == args.uploads:
                break
            time.sleep(0.5)
        all_done = time.perf_counter() - started
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)

    result = {
        "date": dt.date.today().isoformat(),  # noqa: DTZ011 - a label
        "pdf_bytes": len(pdf),
        "pages": 4,
        "uploads": args.uploads,
        "upload_ms": {
            "p50": round(statistics.median(timings), 1),
            "max": round(max(timings), 1),
            "all": [round(t, 1) for t in timings],
        },
        "pending_after_uploads": pending,
        "ocr_first_done_s": round(first_done, 1) if first_done else None,
        "ocr_all_done_s": round(all_done, 1),
    }
    out = ROOT / "bench" / "results" / f"upload-embedded-{result['date']}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
