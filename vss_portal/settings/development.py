"""Default settings: the embedded setup that `make run` serves (SQLite, eager Celery)."""

from .api import *  # noqa: F403
from .base import *  # noqa: F403
from .env import env
from .headers import *  # noqa: F403
from .identity import *  # noqa: F403
from .logging import *  # noqa: F403
from .security import *  # noqa: F403
from .services import *  # noqa: F403

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="development-only-not-secret-vss-portal-key")

# Static files come straight from the app folders (no collectstatic step for `make run`).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
STATIC_ROOT = env.str("STATIC_ROOT", default="") or None
if STATIC_ROOT is None:
    # Without collectstatic there is no manifest: serve files by their plain names.
    STORAGES = {  # noqa: F405
        **STORAGES,  # noqa: F405
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
