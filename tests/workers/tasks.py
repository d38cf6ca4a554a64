"""Test-only task, imported by the worker started in these tests (`celery worker -I`).

Also the one test-only adjustment of the worker's Celery configuration: when
VSS_TEST_VISIBILITY_TIMEOUT is set (only the worker tests set it), Redis hands a message
that was taken by a worker that died to the next worker after that many seconds, instead
of the hour configured in settings (`CELERY_BROKER_TRANSPORT_OPTIONS`). Periodic restore
sweeps are throttled away so only the sweep at worker start-up restores messages: a
running task is never handed out twice while its worker lives.
"""

import os
import time
from pathlib import Path

from celery import shared_task

from vss_portal.celery import app

_VISIBILITY_TIMEOUT = os.environ.get("VSS_TEST_VISIBILITY_TIMEOUT")
if _VISIBILITY_TIMEOUT:
    app.conf.broker_transport_options = {
        **app.conf.broker_transport_options,
        "visibility_timeout": int(_VISIBILITY_TIMEOUT),
        "unacked_restore_throttle": 1_000_000,
    }


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=0)
def notify_then_work(self, event_id: int, marker_dir: str, hold_seconds: float = 60) -> None:
    """Notify the applicant of an event, then work until the test lets it finish.

    Leaves `started-<pid>` for every run and `done` (created exclusively, so a second
    completion would fail) when it finishes.
    """
    from notifications.services import notify_event

    # idempotency: notify_event sends each channel once (a rerun skips sent rows); the work
    # itself only writes markers, and `done` can be created once.
    notify_event(event_id=event_id)
    folder = Path(marker_dir)
    (folder / f"started-{os.getpid()}").touch()
    deadline = time.monotonic() + hold_seconds
    while not (folder / "go").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    with (folder / "done").open("x") as handle:
        handle.write(str(os.getpid()))
