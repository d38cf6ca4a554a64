"""gunicorn.conf.py: the measured defaults, and every one of them changeable from the env."""

import runpy
from pathlib import Path

from gunicorn.config import Config

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def _load(monkeypatch, **env) -> Config:
    for name in ("GUNICORN_WORKER_CLASS", "GUNICORN_WORKERS", "GUNICORN_THREADS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    config = Config()
    for name, value in runpy.run_path(str(CONF)).items():
        if name in config.settings:
            config.set(name, value)
    return config


def test_defaults_are_the_measured_choice(monkeypatch):
    config = _load(monkeypatch)

    assert config.worker_class_str == "gthread"
    assert config.workers == 2
    assert config.threads == 4


def test_environment_overrides_each_setting(monkeypatch):
    config = _load(
        monkeypatch,
        GUNICORN_WORKER_CLASS="sync",
        GUNICORN_WORKERS="3",
        GUNICORN_THREADS="1",
        GUNICORN_BIND="127.0.0.1:9000",
    )

    assert config.worker_class_str == "sync"
    assert config.workers == 3
    assert config.threads == 1
    assert config.bind == ["127.0.0.1:9000"]


def test_the_container_starts_gunicorn_with_this_file():
    dockerfile = (CONF.parent / "Dockerfile").read_text()

    assert 'CMD ["gunicorn", "-c", "gunicorn.conf.py", "vss_portal.wsgi:application"]' in dockerfile
