import pytest

from tests.dossiers.conftest import citizen  # noqa: F401 - the applicant of the submissions

DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def dead_broker():
    """The web side's Celery sends to a broker address where nothing listens (not eager)."""
    from tests.workers.conftest import _configure_producer
    from vss_portal.celery import app

    saved = {key: app.conf[key] for key in ("broker_url", "result_backend", "task_always_eager")}
    _configure_producer(app, broker_url=DEAD_BROKER, result_backend=None, task_always_eager=False)
    try:
        yield DEAD_BROKER
    finally:
        _configure_producer(app, **saved)
