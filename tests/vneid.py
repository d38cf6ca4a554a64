"""The local VNeID stand-in (devtools/vneid) as a test fixture: a real OpenID provider in its
own process, on a free port, registered with the live server's callback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
CLIENT_ID = "vss-portal-test"
CLIENT_SECRET = "vss-portal-test-secret"


@dataclass(frozen=True)
class Provider:
    url: str

    @property
    def discovery_url(self) -> str:
        return f"{self.url}/o/.well-known/openid-configuration/"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def vneid_provider(live_server, tmp_path_factory):
    port = _free_port()
    log = (tmp_path_factory.mktemp("vneid") / "vneid.log").open("w")
    env = {
        **os.environ,
        "VNEID_DATA_DIR": str(tmp_path_factory.mktemp("vneid-data")),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            "-m",
            "devtools.vneid",
            "--port",
            str(port),
            "--redirect-uri",
            f"{live_server.url}/accounts/vneid/callback/",
            "--client-id",
            CLIENT_ID,
            "--client-secret",
            CLIENT_SECRET,
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    provider = Provider(url=f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(provider.discovery_url, timeout=1).ok:
                break
        except requests.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the local VNeID provider did not start (log: {log.name})")
        time.sleep(0.1)
    yield provider
    process.terminate()
    process.wait(timeout=10)
    log.close()


@pytest.fixture
def vneid(vneid_provider, settings):
    """The portal configured for the local provider (VNEID_* settings)."""
    settings.VNEID_DISCOVERY_URL = vneid_provider.discovery_url
    settings.VNEID_CLIENT_ID = CLIENT_ID
    settings.VNEID_CLIENT_SECRET = CLIENT_SECRET
    return vneid_provider
