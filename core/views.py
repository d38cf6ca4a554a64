from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.api import PROBLEM_BASE, PROBLEM_CONTENT_TYPE


@require_GET
def home(request):
    from procedures.selectors import procedure_group_counts

    return render(request, "core/home.html", {"groups": procedure_group_counts()})


@never_cache
@require_GET
def healthz(request):
    """Database and broker reachable: 200, otherwise 503 with what failed."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - report any failure as unhealthy
        checks["database"] = f"error: {exc.__class__.__name__}"
    checks["broker"] = _broker_status()
    healthy = all(value == "ok" or value == "eager" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )


def _broker_status() -> str:
    from django.conf import settings
    from kombu import Connection

    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    options = {**settings.CELERY_BROKER_TRANSPORT_OPTIONS, "socket_timeout": 2}
    try:
        with Connection(
            settings.CELERY_BROKER_URL, connect_timeout=2, transport_options=options
        ) as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    except Exception as exc:  # noqa: BLE001
        return f"error: {exc.__class__.__name__}"
    return "ok"


_PROBLEM_CODES = {400: "bad_request", 403: "permission_denied", 404: "not_found", 500: "error"}


def _error(request, status: int, title: str, message: str):
    if request.path.startswith("/api/"):
        # The same problem body as DRF's errors (core.api), for paths no API view answers.
        code = _PROBLEM_CODES[status]
        return JsonResponse(
            {
                "type": PROBLEM_BASE + code.replace("_", "-"),
                "title": str(title),
                "status": status,
                "detail": str(message),
                "code": code,
            },
            status=status,
            content_type=PROBLEM_CONTENT_TYPE,
        )
    return render(request, "core/error.html", {"title": title, "message": message}, status=status)


def bad_request(request, exception=None):
    return _error(request, 400, _("Bad request"), _("The request could not be understood."))


def permission_denied(request, exception=None):
    return _error(
        request, 403, _("Access denied"), _("You do not have permission to open this page.")
    )


def page_not_found(request, exception=None):
    return _error(request, 404, _("Page not found"), _("The page you asked for does not exist."))


def server_error(request):
    return _error(
        request,
        500,
        _("Something went wrong"),
        _(
            "The portal could not complete your request. Nothing you entered was lost; "
            "please try again in a moment."
        ),
    )
