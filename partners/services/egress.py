"""Outbound HTTP to partners' addresses without server-side request forgery.

A partner chooses the URL the portal POSTs to, so the portal must never be made to call
itself or anything on its private networks: loopback, private (RFC 1918, ULA), link-local
(cloud metadata at 169.254.169.254), shared, multicast, reserved and unspecified addresses
are refused. The check is made when an address is registered (the host as written and, if
it resolves, every address it resolves to) and again at every delivery on the address
actually connected to: the connection is opened to an address that passed the check, so a
name that resolves elsewhere the second time (DNS rebinding) gains nothing. Redirects are
never followed and no proxy from the environment is used.

`WEBHOOK_ALLOWED_NETWORKS` (CIDR list) lets tests and local development reach a receiver on
127.0.0.1 explicitly; it is empty in production.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class ForbiddenAddress(OSError):
    """The host is, or resolves to, an address the portal never calls."""


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [
        ipaddress.ip_network(value, strict=False)
        for value in getattr(settings, "WEBHOOK_ALLOWED_NETWORKS", [])
    ]


def address_allowed(address: Address) -> bool:
    """A public unicast address, or one inside WEBHOOK_ALLOWED_NETWORKS."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if any(address in network for network in _allowed_networks()):
        return True
    return address.is_global and not address.is_multicast


def _literal(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def resolve(host: str, port: int) -> list[Address]:
    """Every address `host` resolves to (raises OSError when it does not resolve)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]


def host_check(url: str, *, resolve_names: bool = True) -> None:
    """Raise ForbiddenAddress when the URL's host is, or resolves to, a refused address.

    A name that does not resolve (yet) passes here; delivery checks again."""
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise ForbiddenAddress("no host")
    literal = _literal(host)
    if literal is not None:
        if not address_allowed(literal):
            raise ForbiddenAddress(f"address {literal} is not public")
        return
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        if not _allowed_networks():
            raise ForbiddenAddress(f"host {host} is local")
    if not resolve_names:
        return
    try:
        addresses = resolve(host, parts.port or 443)
    except OSError:
        return
    refused = [a for a in addresses if not address_allowed(a)]
    if refused:
        raise ForbiddenAddress(f"host resolves to {refused[0]}, which is not public")


def _connect_checked(host: str, port: int, timeout: float) -> socket.socket:
    """A TCP connection to the first allowed address of `host`, checked once connected."""
    last_error: OSError = ForbiddenAddress(f"host {host} has no public address")
    for address in resolve(host, port):
        if not address_allowed(address):
            last_error = ForbiddenAddress(f"host resolves to {address}, which is not public")
            continue
        try:
            sock = socket.create_connection((str(address), port), timeout=timeout)
        except OSError as error:
            last_error = error
            continue
        peer = ipaddress.ip_address(sock.getpeername()[0].split("%", 1)[0])
        if not address_allowed(peer):  # belt and braces: what we are really talking to
            sock.close()
            raise ForbiddenAddress(f"connected to {peer}, which is not public")
        return sock
    raise last_error


class _CheckedHTTPConnection(http.client.HTTPConnection):
    def connect(self):
        self.sock = _connect_checked(self.host, self.port, self.timeout)


class _CheckedHTTPSConnection(http.client.HTTPSConnection):
    def connect(self):
        sock = _connect_checked(self.host, self.port, self.timeout)
        # Certificate and SNI for the name the partner registered, on the checked address.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _CheckedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_CheckedHTTPConnection, req)


class _CheckedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self):
        super().__init__(context=ssl.create_default_context())

    def https_open(self, req):
        return self.do_open(_CheckedHTTPSConnection, req, context=self._context)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a redirect is answered as the 3xx it is, never followed


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> int:
    """POST and return the HTTP status. Raises OSError on network failures, timeouts and
    refused addresses (ForbiddenAddress)."""
    host_check(url, resolve_names=False)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler({}),  # never a proxy from the environment
        _CheckedHTTPHandler(),
        _CheckedHTTPSHandler(),
        _NoRedirect(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
        urllib.request.UnknownHandler(),
    ):
        opener.add_handler(handler)
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except urllib.error.URLError as error:
        if isinstance(error.reason, OSError):
            raise error.reason from error
        raise
