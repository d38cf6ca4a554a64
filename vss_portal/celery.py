"""The Celery application. Eager in the embedded default, Redis when REDIS_URL is set."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vss_portal.settings.development")

app = Celery("vss_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
