"""SMS backends. The default writes to the log; an HTTP gateway is configured by settings."""

import structlog
from django.conf import settings
from django.utils.module_loading import import_string

logger = structlog.get_logger(__name__)


class LogSmsBackend:
    """Development backend: records that an SMS would be sent (never the number or text)."""

    def send(self, *, to: str, text: str) -> None:
        logger.info("sms_logged", length=len(text))


class HttpGatewaySmsBackend:
    """POSTs JSON {"to", "text"} to SMS_GATEWAY_URL with a bearer token and a timeout."""

    def send(self, *, to: str, text: str) -> None:
        import json
        import urllib.request

        request = urllib.request.Request(  # noqa: S310 - URL comes from settings
            settings.SMS_GATEWAY_URL,
            data=json.dumps({"to": to, "text": text}).encode(),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}",
            },
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=settings.SMS_GATEWAY_TIMEOUT) as response:  # noqa: S310
            if response.status >= 300:
                raise OSError(f"SMS gateway answered {response.status}")


def sms_backend():
    return import_string(settings.SMS_BACKEND)()
