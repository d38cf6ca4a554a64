"""Settings for pytest: the development setup with fast hashing and in-memory mail."""

from .development import *  # noqa: F403
from .env import BASE_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
STORAGES = {
    "default": {"BACKEND": "core.storage.PrivateFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
AUDIT_PURGE_ALLOWED = True  # lets the test database be emptied between tests
# Unit tests run tasks in-process; tests of worker behaviour start a real worker on Redis.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# An outbox handler that fails in a unit test fails the test (in service its row is retried).
OUTBOX_PROPAGATE_ERRORS = True
# OCR is exercised by its own tests; other tests would otherwise OCR every upload.
DIGITISE_ON_UPLOAD = False
# An in-process cache: rate-limit tests travel in time (Redis TTLs would not follow), and
# nothing leaks between test runs through a shared Redis.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
