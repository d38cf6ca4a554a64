"""Which address rate limits count: REMOTE_ADDR, or the trusted proxy's view of the client."""

import pytest
from django.test import RequestFactory
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle

from core.http import client_ip


def _request(remote="10.0.0.1", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.5", "10.0.0.1"),  # no proxy trusted: the header is ignored
        (1, None, "10.0.0.1"),  # no header: the connection's address
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "192.0.2.99, 203.0.113.5", "203.0.113.5"),  # the client's own entry is skipped
        (2, "192.0.2.99, 203.0.113.5, 10.0.0.7", "203.0.113.5"),
        (3, "203.0.113.5", "203.0.113.5"),  # fewer hops than proxies: the leftmost
        (1, "not-an-address", "10.0.0.1"),  # garbage from a misconfigured proxy
        (1, " , ", "10.0.0.1"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_ip(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_ip(_request(forwarded=forwarded)) == expected


def test_the_api_throttles_identify_anonymous_clients_the_same_way():
    """DRF's own throttles must not trust a header the client wrote (NUM_PROXIES)."""
    throttle = AnonRateThrottle()
    forged = Request(_request(forwarded="198.51.100.1"))
    assert throttle.get_ident(forged) == "10.0.0.1"
