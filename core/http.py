"""The client's address, for rate limits, behind a known number of reverse proxies."""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    """The address that rate limits count against.

    With settings.TRUSTED_PROXY_COUNT = N > 0 (the number of reverse proxies in front of the
    application, each appending the address it was connected from to X-Forwarded-For), the
    client is the N-th address from the right of that header: addresses further left were
    written by the client itself and are never trusted. With N = 0 (the default) the header
    is ignored and REMOTE_ADDR counts, so a client cannot choose its own budget.
    """
    remote = request.META.get("REMOTE_ADDR") or "unknown"
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if not hops:
        return remote
    candidate = hops[-min(proxies, len(hops))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
