"""`make run` serves pages with the development settings (not the test settings)."""

import os
import subprocess
import sys
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


def test_pages_render_with_the_development_settings(tmp_path):
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
        }
    )
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().endswith("ok")
