"""Backing services: database, cache, Celery broker, e-mail, file storage."""

from pathlib import Path

from celery.schedules import crontab

from .env import BASE_DIR, env

# The embedded default keeps its SQLite file and uploads under var/ (not in git).
(BASE_DIR / "var").mkdir(exist_ok=True)

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"timeout": 20, "transaction_mode": "IMMEDIATE"})

# A streaming read replica (issue #15): dashboards, open data and exports read from it
# (core.db.replica_reads); writes and everything else use default. Unset: all on default.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["core.db.ReplicaRouter"]

REDIS_URL = env.str("REDIS_URL", default="")

CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Longer than the longest task (OCR: 360 s hard limit), so a running task is not redelivered.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    # A broker that does not answer costs a request at most this long (the outbox keeps
    # the work; ADR 0006). The worker reconnects by itself (broker_connection_retry).
    "socket_connect_timeout": env.float("CELERY_BROKER_CONNECT_TIMEOUT", default=2.0),
    "socket_timeout": 30,
    # Publishing opens its connection with at most this many retries (kombu's default is
    # to retry for ever); the consumer's reconnection has its own settings below.
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}

# Sessions live in the database, never in the cache: a Redis outage signs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache that answers "not cached" while Redis is down (core/cache.py).
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="vss"),
            "TIMEOUT": 300,
            "OPTIONS": {
                # Short: a cache call must not hold a request up when Redis is unreachable.
                "socket_connect_timeout": env.float("CACHE_CONNECT_TIMEOUT", default=0.25),
                "socket_timeout": env.float("CACHE_SOCKET_TIMEOUT", default=0.5),
                # After a failure, answer "not cached" without trying Redis for this long.
                "RETRY_AFTER": env.float("CACHE_RETRY_AFTER", default=5),
                # At most one cache_unavailable log line per process per this many seconds.
                "LOG_INTERVAL": env.float("CACHE_ERROR_LOG_INTERVAL", default=60),
            },
        }
    }
    CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
    CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL)
else:
    # Embedded default: no services, yet it behaves like production. The web server only
    # enqueues; the worker and beat that `make run` starts beside it (Procfile.dev) do the
    # work. The broker is a folder (kombu's filesystem transport) and the cache a folder too,
    # so the web server, the worker and beat share both.
    EMBEDDED_DIR = Path(env.str("EMBEDDED_SERVICES_DIR", default=str(BASE_DIR / "var")))
    BROKER_DIR = EMBEDDED_DIR / "broker"
    BROKER_DIR.mkdir(parents=True, exist_ok=True)
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(EMBEDDED_DIR / "cache"),
            "TIMEOUT": 300,
        }
    }
    CELERY_BROKER_URL = "filesystem://localhost//"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # The publish limits above stay (a test may point the producer at a Redis that is
        # down: it must give up as fast as with Redis configured).
        **CELERY_BROKER_TRANSPORT_OPTIONS,
        "data_folder_in": str(BROKER_DIR),
        "data_folder_out": str(BROKER_DIR),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = None
    # The filesystem transport has no broadcast for remote control; beat stores its
    # schedule beside the broker.
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
    CELERY_BEAT_SCHEDULE_FILENAME = str(EMBEDDED_DIR / "celerybeat-schedule")

# Tasks run in a worker. Only the unit tests run them in-process (settings.test).
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=600)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=540)
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 5
CELERY_REDIS_SOCKET_TIMEOUT = 30
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECT_TIMEOUT", default=2.0)
# Publishing never retries (tasks.apply_async(retry=False) in outbox.services): a
# request does not wait for a broker that is down. The worker itself keeps reconnecting.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
# Queues per workload (docs/scaling.md): e.g. `CELERY_WORKLOAD_QUEUES=ocr=ocr,pdf=pdf,
# notify=notify,webhooks=webhooks`, with a worker pool per queue. A workload it does not name
# stays on the default queue, so one worker that reads the default queue does everything
# (make run, docker compose, the tests).
CELERY_WORKLOAD_QUEUES = env.dict("CELERY_WORKLOAD_QUEUES", default={})
# The tasks each workload runs beside the outbox deliveries (which the relay routes itself).
CELERY_WORKLOAD_TASKS = {
    "ocr": ["dossiers.tasks.document_digitise_task"],
    "pdf": [
        "dossiers.tasks.reception_slip_generate",
        "dossiers.tasks.letter_issue",
        "beneficiaries.tasks.bundle_part_refusal_slip_task",
    ],
    "notify": ["notifications.tasks.staff_notify", "notifications.tasks.notification_deliver_task"],
    "webhooks": [
        "partners.tasks.webhook_deliver",
        "beneficiaries.tasks.bundle_part_send_task",
        "beneficiaries.tasks.bundle_part_poll_task",
    ],
}
CELERY_TASK_ROUTES = {
    task: {"queue": CELERY_WORKLOAD_QUEUES[workload]}
    for workload, tasks in CELERY_WORKLOAD_TASKS.items()
    if CELERY_WORKLOAD_QUEUES.get(workload)
    for task in tasks
}

# Without EMAIL_URL, e-mails are written to files under var/mail (one per message), so the
# console stays readable and nothing with a signed link scrolls past.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default=f"filemail:///{BASE_DIR / 'var' / 'mail'}")
globals().update(EMAIL_CONFIG)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Cổng BHXH <no-reply@portal.vss.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

STORAGES = {
    "default": {
        "BACKEND": env.str("FILE_STORAGE", default="core.storage.PrivateFileSystemStorage")
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SMS_BACKEND = env.str("SMS_BACKEND", default="notifications.sms.LogSmsBackend")
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_TOKEN = env.str("SMS_GATEWAY_TOKEN", default="")
SMS_GATEWAY_TIMEOUT = env.float("SMS_GATEWAY_TIMEOUT", default=10.0)
SIGNING_KEY_PATH = env.str("SIGNING_KEY_PATH", default="")
SIGNING_CERT_PATH = env.str("SIGNING_CERT_PATH", default="")

# Today's dashboard figures: the changed offices' slices of today are rolled up this often
# (seconds). The dashboard page says when the next refresh is due from it.
DASHBOARD_LIVE_REFRESH_SECONDS = env.int("DASHBOARD_LIVE_REFRESH_SECONDS", default=60)

# The transactional outbox (ADR 0006, docs/workers.md): rows still pending this long after
# their commit are handed over again by the sweep, which runs this often; a failing handler
# is retried with exponential backoff and given up ("failed", visible in the admin) after
# so many attempts; delivered rows are deleted after the retention.
OUTBOX_SWEEP_SECONDS = env.int("OUTBOX_SWEEP_SECONDS", default=15)
OUTBOX_SWEEP_GRACE_SECONDS = env.int("OUTBOX_SWEEP_GRACE_SECONDS", default=10)
OUTBOX_CLAIM_SECONDS = env.int("OUTBOX_CLAIM_SECONDS", default=900)
OUTBOX_RETRY_BACKOFF_SECONDS = env.int("OUTBOX_RETRY_BACKOFF_SECONDS", default=30)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
OUTBOX_RETENTION_DAYS = env.int("OUTBOX_RETENTION_DAYS", default=14)

CELERY_BEAT_SCHEDULE = {
    "purge-expired-drafts": {
        "task": "dossiers.tasks.drafts_purge_expired_task",
        "schedule": 60 * 60,
    },
    "idempotency-keys-purge": {
        "task": "dossiers.tasks.idempotency_records_purge_task",
        "schedule": 60 * 60,
    },
    "outbox-sweep": {
        "task": "outbox.tasks.outbox_sweep_task",
        "schedule": OUTBOX_SWEEP_SECONDS,
        "options": {"expires": max(OUTBOX_SWEEP_SECONDS - 5, 5)},
    },
    "outbox-purge": {"task": "outbox.tasks.outbox_purge_task", "schedule": 60 * 60},
    # The event trail's month partitions, three months ahead (dossiers migration 0020).
    "event-partitions-ensure": {
        "task": "dossiers.tasks.event_partitions_ensure_task",
        "schedule": crontab(hour=3, minute=15),
    },
    "bundles-sweep": {"task": "beneficiaries.tasks.bundles_sweep_task", "schedule": 600},
    "webhook-deliveries-sweep": {"task": "partners.tasks.webhook_deliveries_sweep", "schedule": 60},
    "sla-due-soon-sweep": {
        "task": "dossiers.tasks.sla_due_soon_sweep_task",
        "schedule": 5 * 60,
        "options": {"expires": 4 * 60},
    },
    "sla-overdue-sweep": {
        "task": "dossiers.tasks.sla_overdue_sweep_task",
        "schedule": 60,
        "options": {"expires": 50},
    },
    "dashboards-rollups-live": {
        "task": "dashboards.tasks.rollups_refresh_today",
        "schedule": DASHBOARD_LIVE_REFRESH_SECONDS,
        "options": {"expires": max(DASHBOARD_LIVE_REFRESH_SECONDS - 10, 10)},
    },
    "dashboards-rollups-queue": {"task": "dashboards.tasks.rollups_refresh", "schedule": 5 * 60},
    "dashboards-rollups-today": {
        "task": "dashboards.tasks.rollups_refresh_recent",
        "schedule": 60 * 60,
        "kwargs": {"last": 2},
    },
    "dashboards-rollups-nightly": {
        "task": "dashboards.tasks.rollups_refresh_recent",
        "schedule": crontab(hour=1, minute=30),
        "kwargs": {"last": 62},
    },
    "dashboards-rollups-analyze": {
        "task": "dashboards.tasks.rollups_analyze",
        "schedule": crontab(hour=2, minute=30),
    },
}

# The other agencies' systems (justice, police) for interconnected procedures.
AGENCY_ADAPTER = env.str("AGENCY_ADAPTER", default="beneficiaries.adapters.SimulatedAgencies")
SIMULATED_AGENCY_DELAY_SECONDS = env.int("SIMULATED_AGENCY_DELAY_SECONDS", default=5)

# Webhook URLs must be https unless explicitly allowed (development only).
WEBHOOK_ALLOW_HTTP = env.bool("WEBHOOK_ALLOW_HTTP", default=False)
# Webhooks go only to public addresses (partners/services/egress.py); networks listed here
# (CIDR, comma-separated) are allowed all the same: a local receiver in tests or development.
WEBHOOK_ALLOWED_NETWORKS = env.list("WEBHOOK_ALLOWED_NETWORKS", default=[])
