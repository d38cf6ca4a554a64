"""A real Celery worker for the tests in this folder (marked `worker`).

The worker is `celery -A vss_portal worker` in a subprocess with the development settings,
pointed at the pytest database (PostgreSQL `test_<name>`, so the tests are transactional:
the worker sees committed rows only) and at a dedicated Redis database (WORKER_TEST_REDIS_DB,
default 5) and a queue of its own. Tasks enqueued by the services in the test process go
to that queue instead of running eagerly. E-mail is written to files (one per message), so
the tests can count what was really sent.

Skipped, with the reason, when REDIS_URL is unset, Redis does not answer or the database
is not PostgreSQL; REQUIRE_WORKER=1 turns those skips into failures (CI).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)
REDIS_DB = int(os.environ.get("WORKER_TEST_REDIS_DB", "5"))
VISIBILITY_TIMEOUT = 5  # seconds; see tests/workers/tasks.py
START_TIMEOUT = 60
WAIT_TIMEOUT = 90
TASK_ERROR = "raised unexpected:"  # how Celery logs a task that failed with an exception


def _unavailable(reason: str) -> None:
    if os.environ.get("REQUIRE_WORKER") == "1":
        pytest.fail(f"worker tests required (REQUIRE_WORKER=1) but {reason}")
    pytest.skip(reason)


def _redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        _unavailable("REDIS_URL is not set: worker tests need Redis")
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{REDIS_DB}"))


def _database_url() -> str:
    """The URL of the database this test session uses (pytest-django's `test_<name>`)."""
    if connection.vendor != "postgresql":
        _unavailable("worker tests need PostgreSQL (DATABASE_URL=postgres://...)")
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = quote(db["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgres://{credentials}{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(
    check: Callable[[], object],
    *,
    timeout: float = WAIT_TIMEOUT,
    what: str,
    worker: Worker | None = None,
) -> object:
    """Poll `check` until it returns something truthy; fail with `what` after `timeout`,
    or at once when a task in `worker` raised an unexpected error."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if worker is not None and TASK_ERROR in worker.log():
            pytest.fail(f"a task failed in the worker while waiting for {what}:\n{worker.log()}")
        if time.monotonic() > deadline:
            log = f":\n{worker.log()}" if worker is not None else ""
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}{log}")
        time.sleep(0.25)


def parent_pid(pid: int) -> int | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("PPid:"):
            return int(line.split()[1])
    return None


class Worker:
    """One `celery worker` process (prefork, one child) that can be killed and restarted."""

    def __init__(self, *, app, env: dict[str, str], queue: str, log_path: Path) -> None:
        self.app = app
        self.env = env
        self.queue = queue
        self.node = f"{queue}@{socket.gethostname()}"
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> None:
        command = [
            *(sys.executable, "-m", "celery", "-A", "vss_portal", "worker"),
            *("--queues", self.queue, "--hostname", self.node),
            *("--include", "tests.workers.tasks"),
            *("--pool", "prefork", "--concurrency", "1", "--loglevel", "INFO"),
            *("--without-gossip", "--without-mingle", "--without-heartbeat"),
        ]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                command,
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, killed as one
            )
        deadline = time.monotonic() + START_TIMEOUT
        while not self.app.control.ping(destination=[self.node], timeout=0.5):
            if self.process.poll() is not None:
                pytest.fail(f"the worker exited with {self.process.returncode}:\n{self.log()}")
            if time.monotonic() > deadline:
                pytest.fail(f"the worker did not answer within {START_TIMEOUT}s:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and pool children) at once."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """Warm shutdown (SIGTERM), then SIGKILL what is left of its process group."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        if self.process.poll() is None:
            self.process.wait(timeout=30)

    def log(self) -> str:
        if not self.log_path.exists():
            return ""
        return self.log_path.read_text(errors="replace")[-8000:]


def _configure_producer(app, **conf) -> None:
    """Change the test process's Celery configuration for sending tasks.

    The producer pool, the queue/router set-up and the result backend are built lazily from
    the configuration and then cached, so they are dropped to be built again.
    """
    from kombu import pools

    pools.reset()  # kombu's shared connection and producer pools, closed and forgotten
    app._pool = None  # (not app.close(): that would unregister the app from shared tasks)
    app.__dict__.pop("amqp", None)  # producer pool, queues and router
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)
    app.conf.update(conf)


@pytest.fixture
def mail_dir(tmp_path) -> Path:
    folder = tmp_path / "mail"
    folder.mkdir()
    return folder


@pytest.fixture
def markers(tmp_path) -> Path:
    folder = tmp_path / "markers"
    folder.mkdir()
    return folder


@pytest.fixture
def worker(transactional_db, settings, tmp_path, mail_dir):
    """A running worker on its own Redis database and queue; stopped before the DB flush."""
    broker = _redis_url()
    database_url = _database_url()
    try:
        import redis

        client = redis.Redis.from_url(broker, socket_timeout=3, socket_connect_timeout=3)
        client.ping()
    except Exception as error:  # any failure to reach Redis means: no worker tests here
        _unavailable(f"Redis at REDIS_URL does not answer ({type(error).__name__})")

    from vss_portal.celery import app

    queue = f"vss-test-{uuid.uuid4().hex[:10]}"
    saved = {
        key: app.conf[key]
        for key in ("broker_url", "result_backend", "task_default_queue", "task_always_eager")
    }
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "vss_portal.settings.development",
        "DATABASE_URL": database_url,
        "CONN_MAX_AGE": "0",
        "REDIS_URL": broker,
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": broker,
        # Tasks that the worker's own tasks enqueue (an outbox handler handing the OCR to
        # its task, a webhook's sending) go to the queue this worker consumes.
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        # Webhooks go to a receiver in the test process (tests.api.conftest.WebhookReceiver).
        "WEBHOOK_ALLOW_HTTP": "true",
        "WEBHOOK_ALLOWED_NETWORKS": "127.0.0.1/32",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DIGITISE_ON_UPLOAD": "true",
        # django-environ drops one leading slash of the path: four make it absolute.
        "EMAIL_URL": f"filemail:///{mail_dir.resolve()}",
        "SMS_BACKEND": "notifications.sms.LogSmsBackend",
        "DEBUG": "false",
        "VSS_TEST_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "PYTHONUNBUFFERED": "1",
    }
    _configure_producer(
        app,
        broker_url=broker,
        result_backend=broker,
        task_default_queue=queue,
        task_always_eager=False,
    )
    process = Worker(app=app, env=env, queue=queue, log_path=tmp_path / "worker.log")
    try:
        process.start()
        yield process
    finally:
        process.stop()
        _configure_producer(app, **saved)
        _forget_queue(client, queue)


def _forget_queue(client, queue: str) -> None:
    """Remove this run's queue, its bindings and any message of it still unacknowledged.

    (Task results expire by themselves after a day.)"""
    import json

    client.delete(queue)
    for key in client.scan_iter(match=f"_kombu.binding*{queue}"):
        client.delete(key)
    for tag, payload in client.hgetall("unacked").items():
        try:
            _message, _exchange, routing_key = json.loads(payload)
        except (ValueError, TypeError):
            continue
        if routing_key == queue:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)


def sent_mail(mail_dir: Path) -> list[str]:
    """The e-mails the worker sent (the file backend writes one file per connection)."""
    return [path.read_text(errors="replace") for path in sorted(mail_dir.iterdir())]
