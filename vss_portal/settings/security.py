"""Sign-in security: staff two-factor (django-otp), login protection (django-axes) and
partner token lifetimes. See docs/operations.md (resetting a device, unlocking)."""

import datetime as dt

from .base import AUTHENTICATION_BACKENDS, INSTALLED_APPS, MIDDLEWARE
from .env import env

INSTALLED_APPS = [
    *INSTALLED_APPS,
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
]

# django-otp marks the session verified; the portal's middleware sends staff whose session
# is not verified to enrolment or to the code step. Axes' middleware turns a lockout into
# the portal's lockout page; it stays last.
_auth = MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")
MIDDLEWARE = [
    *MIDDLEWARE[: _auth + 1],
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.StaffTwoFactorMiddleware",
    *MIDDLEWARE[_auth + 1 :],
    "axes.middleware.AxesMiddleware",
]

# The lockout check runs first; it never signs anyone in itself.
AUTHENTICATION_BACKENDS = ["accounts.lockout.PortalAxesBackend", *AUTHENTICATION_BACKENDS]

# --- two-factor (TOTP) -------------------------------------------------------------------
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Cổng dịch vụ BHXH")
OTP_TOTP_THROTTLE_FACTOR = 1  # seconds, doubled after each wrong code (django-otp)
OTP_STATIC_THROTTLE_FACTOR = 1
TWO_FACTOR_RECOVERY_CODES = env.int("TWO_FACTOR_RECOVERY_CODES", default=10)

# --- login protection (django-axes, accounts.lockout) ------------------------------------
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_HANDLER = "accounts.lockout.PortalAxesHandler"
# Counted per account *and* address (an attacker elsewhere cannot lock a citizen out) and
# per address alone (password spraying over many accounts), each with its own limit.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=50)
# The first cool-down; each further round of failures doubles it, up to the maximum.
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=5))
LOGIN_COOLOFF_MAX_MINUTES = env.int("LOGIN_COOLOFF_MAX_MINUTES", default=24 * 60)
AXES_USE_ATTEMPT_EXPIRATION = True
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.lockout.login_username"
AXES_SENSITIVE_PARAMETERS = ["password", "token", "otp_token"]
# The client address as the rate limits see it (TRUSTED_PROXY_COUNT, see core.http).
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_address"
AXES_VERBOSE = False

# --- partner tokens ----------------------------------------------------------------------
PARTNER_TOKEN_LIFETIME_DAYS = env.int("PARTNER_TOKEN_LIFETIME_DAYS", default=365)
PARTNER_TOKEN_ROTATION_GRACE_HOURS = env.int("PARTNER_TOKEN_ROTATION_GRACE_HOURS", default=72)
