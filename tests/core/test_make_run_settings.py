"""`make run` serves pages with the development settings (not the test settings)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
call_command("migrate", verbosity=0)
client = Client(raise_request_exception=True)
for path in ("/", "/procedures/", "/accounts/login/", "/track/", "/static/css/portal.css"):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
print("ok")
"""


def _development_env(tmp_path) -> dict[str, str]:
    """`make run`'s environment (development settings, no services), inside `tmp_path`."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "STATIC_ROOT"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "vss_portal.settings.development",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'dev.sqlite3'}",
            "MEDIA_ROOT": str(tmp_path / "media"),
            "EMBEDDED_SERVICES_DIR": str(tmp_path / "var"),
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def _run(script: str, env: dict[str, str]) -> str:
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_pages_render_with_the_development_settings(tmp_path):
    out = _run(SCRIPT, _development_env(tmp_path))
    assert out.strip().endswith("ok")


SEED_SCRIPT = """
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from dossiers.models import Slip
call_command("migrate", verbosity=0)
call_command("seed_demo", verbosity=0)
print("eager", settings.CELERY_TASK_ALWAYS_EAGER)
print("slips", Slip.objects.count())
"""

COUNT_SCRIPT = """
import django
django.setup()
from dossiers.models import Slip
print(Slip.objects.count())
"""


def _procfile(name: str) -> str:
    for line in (ROOT / "Procfile.dev").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return line.split(":", 1)[1].strip()
    raise AssertionError(f"Procfile.dev has no {name} process")


def test_make_run_enqueues_and_its_own_worker_does_the_work(tmp_path):
    """The embedded default is not eager: seeding enqueues the reception slips on the broker
    folder, the request path renders nothing, and the worker that `make run` starts (the
    Procfile's own command) renders them."""
    env = _development_env(tmp_path)

    def run(script: str) -> str:
        return _run(script, env)

    out = run(SEED_SCRIPT)
    assert "eager False" in out
    assert "slips 0" in out  # nothing rendered in the request path
    assert list((tmp_path / "var" / "broker").glob("*.msg")), "no task reached the broker folder"

    command = _procfile("worker").replace(".venv/bin/celery", f"{sys.executable} -m celery")
    worker = subprocess.Popen(  # noqa: S602 - the Procfile's fixed command line
        command,
        shell=True,
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while int(run(COUNT_SCRIPT)) == 0:
            assert time.monotonic() < deadline, "the worker rendered no slip in 120 s"
            time.sleep(1)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
