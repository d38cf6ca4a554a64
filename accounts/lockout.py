"""Login protection on top of django-axes (docs/adr, docs/operations.md).

Failures are counted per account *and* address, and per address alone:

- the account part is keyed by the sign-in name together with the address, so someone
  guessing a citizen's password from elsewhere locks out only their own address, never
  the citizen;
- the address part has its own, higher limit (LOGIN_ADDRESS_FAILURE_LIMIT) against
  password spraying over many accounts.

The cool-down grows: the first lockout lasts AXES_COOLOFF_TIME, and each further round of
AXES_FAILURE_LIMIT failures (a failure while locked out counts too) doubles it, up to
LOGIN_COOLOFF_MAX_MINUTES. Each lockout is written to the security trail.

Any sign-in form or token endpoint gets the same protection by authenticating through
`django.contrib.auth.authenticate(request=<the Django request>, username=..., password=...)`
(see docs/operations.md, "Login protection for a new sign-in endpoint").
"""

import datetime as dt

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone

ACCOUNT_PART = ("username", "ip_address")


def login_username(request, credentials) -> str | None:
    """The sign-in name as typed, trimmed and case-folded (e-mails are case-insensitive), so
    changing its case does not start a fresh count. AXES_USERNAME_CALLABLE."""
    value = (credentials or {}).get("username")
    if value is None and request is not None:
        value = getattr(request, "POST", {}).get("username")
    if value is None:
        return None
    return str(value).strip().casefold()[:255]


def client_address(request) -> str | None:
    """The client address as the rate limits see it (core.http.client_ip, behind
    TRUSTED_PROXY_COUNT proxies), or None when the request has none. AXES_CLIENT_IP_CALLABLE."""
    import ipaddress

    from core.http import client_ip

    try:
        return str(ipaddress.ip_address(client_ip(request)))
    except ValueError:
        return None


def cool_off_for(failures: int) -> dt.timedelta:
    """How long an attempt row keeps counting after `failures` failures."""
    base = settings.AXES_COOLOFF_TIME
    limit = max(1, settings.AXES_FAILURE_LIMIT)
    if failures < limit:
        return base
    rounds = min((failures - limit) // limit, 20)
    return min(base * (2**rounds), dt.timedelta(minutes=settings.LOGIN_COOLOFF_MAX_MINUTES))


class PortalAxesBackend(AxesStandaloneBackend):
    """The lockout check before the portal's backend. Without a request (code calling
    `authenticate()` directly, never a web sign-in) there is no address to count against,
    so the check is skipped and the next backend decides."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class PortalAxesHandler(AxesDatabaseHandler):
    def get_user_attempts(self, request, credentials=None):
        now = timezone.now()
        return [
            attempts.filter(expiration__expires_at__gt=now)
            for attempts in self.filter_user_attempts(request, credentials)
        ]

    def _parts(self, request, credentials):
        """(is the account part, queryset of live attempts) per lockout parameter."""
        parameters = settings.AXES_LOCKOUT_PARAMETERS
        return [
            (not isinstance(parameter, str), attempts)
            for parameter, attempts in zip(
                parameters, self.get_user_attempts(request, credentials), strict=True
            )
        ]

    def get_failures(self, request, credentials=None) -> int:
        """Failures measured against AXES_FAILURE_LIMIT: the address part is scaled down by
        its own, higher limit."""
        limit = get_failure_limit(request, credentials)
        address_limit = max(limit, settings.LOGIN_ADDRESS_FAILURE_LIMIT)
        counts = [0]
        for account_part, attempts in self._parts(request, credentials):
            total = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            counts.append(total if account_part else total * limit // address_limit)
        return max(counts)

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        if request is None:
            return
        was_locked = self.is_locked(request, credentials)
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        username = get_client_username(request, credentials)
        attempt = (
            AccessAttempt.objects.filter(
                username=username,
                ip_address=request.axes_ip_address,
                user_agent=request.axes_user_agent,
            )
            .select_related("expiration")
            .first()
        )
        if attempt is not None and hasattr(attempt, "expiration"):
            attempt.expiration.expires_at = attempt.attempt_time + cool_off_for(
                attempt.failures_since_start
            )
            attempt.expiration.save(update_fields=["expires_at"])
        if getattr(request, "axes_locked_out", False) and not was_locked:
            _record_lockout(request, username, credentials)

    def reset_user_attempts(self, request, credentials=None) -> int:
        """After a successful sign-in only that account's count from that address is cleared
        (a sprayer signing in to their own account keeps the address count)."""
        username = get_client_username(request, credentials)
        return AccessAttempt.objects.filter(
            username=username, ip_address=request.axes_ip_address
        ).delete()[0]


def lockout_ends_at(request, credentials=None) -> dt.datetime | None:
    """When the sign-in from this request can be tried again (the later of the parts that
    lock it), or None if it is not locked."""
    handler = PortalAxesHandler()
    limit = get_failure_limit(request, credentials)
    address_limit = max(limit, settings.LOGIN_ADDRESS_FAILURE_LIMIT)
    ends = None
    for account_part, attempts in handler._parts(request, credentials):
        total = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
        if total >= (limit if account_part else address_limit):
            part_end = attempts.aggregate(end=Max("expiration__expires_at"))["end"]
            if part_end and (ends is None or part_end > ends):
                ends = part_end
    return ends


def _record_lockout(request, username, credentials) -> None:
    from django.contrib.auth import get_user_model

    from .constants import SecurityEventKind
    from .services import security_event_record

    user = None
    if username:
        from django.db.models import Q

        user = (
            get_user_model()
            .objects.filter(
                Q(username__iexact=username) | Q(national_id=username) | Q(email__iexact=username)
            )
            .order_by("pk")
            .first()
        )
    ends = lockout_ends_at(request, credentials)
    security_event_record(
        kind=SecurityEventKind.LOCKOUT,
        user=user,
        username=username or "",
        ip_address=request.axes_ip_address,
        detail={
            "path": request.axes_path_info,
            "until": ends.isoformat() if ends else None,
        },
    )
