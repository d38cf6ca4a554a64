"""Settings for `make bench`: production settings, served over plain HTTP on 127.0.0.1.

Production-like (DEBUG off, compressed manifest static files, database sessions, Redis
cache), with what a local load test needs: no HTTPS redirect and no per-client API
throttles (every request comes from 127.0.0.1, so one client's tracking budget of
10/minute would turn the run into 429s).
"""

from vss_portal.settings.production import *  # noqa: F403
from vss_portal.settings.production import REST_FRAMEWORK

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": dict.fromkeys(
        REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "1000000/minute"
    ),
}

# vss_portal.urls plus /bench/bare, the "bare Django view" floor (bench/urls.py).
ROOT_URLCONF = "bench.urls"
