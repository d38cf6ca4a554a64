import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run_check(**extra_env):
    # The browser tests' conftest sets DJANGO_ALLOW_ASYNC_UNSAFE in this process; a real
    # deployment never has it, and the deploy check rightly warns about it.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "vss_portal.settings.production",
        "ALLOWED_HOSTS": "portal.example.vn",
        **extra_env,
    }
    return subprocess.run(  # noqa: S603 - fixed argument list
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deploy_check():
    result = _run_check(SECRET_KEY="x" * 20 + "-production-secret-for-the-check-0123456789")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**env, "DJANGO_SETTINGS_MODULE": "vss_portal.settings.production"},
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
