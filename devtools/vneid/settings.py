"""Settings of the local VNeID stand-in (never the portal's). Configured by __main__."""

import os
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

DEBUG = True
SECRET_KEY = "vneid-local-provider-development-only-not-a-secret"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "devtools.vneid.urls"
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
    "devtools.vneid",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
_DIR = Path(os.environ.get("VNEID_DATA_DIR") or tempfile.mkdtemp(prefix="vneid-"))
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": _DIR / "vneid.sqlite3"}}

# The portal runs on the same host (another port) and cookies ignore ports: own names.
SESSION_COOKIE_NAME = "vneid_sessionid"
CSRF_COOKIE_NAME = "vneid_csrftoken"
LOGIN_URL = "/login/"

# A new RS256 signing key at each start (published at /o/.well-known/jwks.json).
_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": _KEY.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode(),
    "SCOPES": {"openid": "OpenID Connect", "profile": "Họ tên, ngày sinh, giới tính, số CCCD"},
    "DEFAULT_SCOPES": ["openid", "profile"],
    "PKCE_REQUIRED": True,
    "OAUTH2_VALIDATOR_CLASS": "devtools.vneid.validators.VneidValidator",
}
