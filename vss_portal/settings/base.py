"""Django core: apps, middleware, templates, i18n, static files, auth."""

from django.utils.translation import gettext_lazy as _

from .env import BASE_DIR, env

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "oauth2_provider",
    "django_fsm",
    "core",
    "outbox",
    "accounts",
    "offices",
    "workdays",
    "accesslog",
    "procedures",
    "beneficiaries",
    "dossiers",
    "queues",
    "notifications",
    "ratings",
    "dashboards",
    "partners",
    "reference",
    "appauth",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "core.middleware.ControlCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "dossiers.middleware.AccessReasonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.RequestLogMiddleware",
    "core.ratelimit.RateLimitHeadersMiddleware",
]

ROOT_URLCONF = "vss_portal.urls"
WSGI_APPLICATION = "vss_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.portal",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.PortalLoginBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:landing"
LOGOUT_REDIRECT_URL = "core:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Uploads stream to disk above this size instead of being held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = env.str("FILE_UPLOAD_TEMP_DIR", default=None)

# Working-day calendar: office hours used for working-hour arithmetic.
OFFICE_DAY_START = env.str("OFFICE_DAY_START", default="08:00")
OFFICE_DAY_END = env.str("OFFICE_DAY_END", default="17:00")

# Portal targets from VSS plans (Plan 4777/KH-BHXH 2025, Decision 38/QD-TTg).
DRAFT_EXPIRY_DAYS = env.int("DRAFT_EXPIRY_DAYS", default=30)
DRAFT_EXPIRY_WARNING_DAYS = env.int("DRAFT_EXPIRY_WARNING_DAYS", default=5)
# Taking a citizen's online draft over at a counter needs their consent: a one-time code
# sent to their inbox and phone (valid this many minutes, this many wrong tries, at most
# this many codes per draft an hour), or their presence with the ID card (issue #18).
TAKEOVER_CODE_TTL_MINUTES = env.int("TAKEOVER_CODE_TTL_MINUTES", default=10)
TAKEOVER_CODE_MAX_ATTEMPTS = env.int("TAKEOVER_CODE_MAX_ATTEMPTS", default=5)
TAKEOVER_CODES_PER_HOUR = env.int("TAKEOVER_CODES_PER_HOUR", default=3)
DOSSIER_MAX_TOTAL_MB = env.int("DOSSIER_MAX_TOTAL_MB", default=100)
# The worker renders the reception slip right after reception; for this long the download
# answers "being prepared" instead of rendering it in the request (then renders it once).
RECEPTION_SLIP_WAIT_SECONDS = env.int("RECEPTION_SLIP_WAIT_SECONDS", default=30)
AUDIT_PURGE_ALLOWED = False

# Digitise (OCR to searchable PDF/A) every uploaded or scanned document in a task.
DIGITISE_ON_UPLOAD = env.bool("DIGITISE_ON_UPLOAD", default=True)
