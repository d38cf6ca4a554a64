"""With Redis down, citizens still sign in and file, officers still act, the API still answers.

The cache (rate limits, tracking attempts, predictions) is Redis; sessions are in the
database. Redis refusing connections, or accepting and never answering, must cost a
request nothing but a short timeout, never a 500.
"""

import socket
import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client, override_settings
from rest_framework.test import APIClient

from dossiers.models import Dossier
from outbox.constants import MessageStatus
from outbox.models import OutboxMessage
from tests.api.conftest import CITIZEN_KNOWN, file_sickness_draft, session_client
from tests.factories import PASSWORD
from tests.outbox.conftest import dead_broker  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

# Fast enough for any page on a loaded test machine; a request waiting on Redis (no
# timeout) would never answer at all.
QUICK_SECONDS = 3


@pytest.fixture
def silent_port():
    """A server that accepts connections and never answers (a hung Redis)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(64)
        yield server.getsockname()[1]


@pytest.fixture(params=["refused", "silent"])
def redis_down(request):
    port = 1 if request.param == "refused" else request.getfixturevalue("silent_port")
    caches = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
    with override_settings(CACHES=caches):
        yield request.param


def _quick(call):
    started = time.monotonic()
    response = call()
    assert time.monotonic() - started < QUICK_SECONDS
    assert response.status_code < 500, response.content
    return response


def test_citizens_file_and_officers_act_while_redis_is_down(
    redis_down, citizen, sickness, officers
):
    _procedure, version = sickness
    browser = Client()
    signed_in = _quick(
        lambda: browser.post(
            "/accounts/login/", {"username": citizen.national_id, "password": PASSWORD}
        )
    )
    assert signed_in.status_code == 302
    assert int(browser.session[SESSION_KEY]) == citizen.pk

    api = APIClient()
    api.cookies = browser.cookies  # the same signed-in session, through the throttled API
    draft = file_sickness_draft(api, version, known=CITIZEN_KNOWN)
    url = f"/api/v1/dossiers/{draft['reference']}/"
    etag = _quick(lambda: api.get(url))["ETag"]
    saved = _quick(
        lambda: api.patch(url, {"address": "12 Lý Thường Kiệt"}, format="json", HTTP_IF_MATCH=etag)
    )
    assert saved.status_code == 200
    submitted = api.post(f"{url}submit/", HTTP_IDEMPOTENCY_KEY="submit-redis-down")
    assert submitted.status_code == 200, submitted.content
    code = submitted.json()["code"]

    mine = _quick(lambda: browser.get("/dossiers/"))  # predicted completion is cached
    assert code in mine.content.decode()

    counter = session_client(officers["counter"])
    accepted = _quick(lambda: counter.post(f"/api/v1/dossiers/{code}/actions/accept/"))
    assert accepted.json()["state"] == "received"
    worklist = Client()
    worklist.force_login(officers["counter"])
    assert _quick(lambda: worklist.get("/dossiers/worklist/")).status_code == 200

    tracked = _quick(lambda: APIClient().get(f"/api/v1/tracking/{code}/", {"id_last4": "2345"}))
    assert tracked.json()["state"] == "received"


def test_partner_tokens_and_anonymous_clients_are_served_while_redis_is_down(
    redis_down, ivan, catalogue
):
    # Rate limits fail open (logged): every request is served, none is limited or fails.
    statuses = {_quick(lambda: ivan.client.get("/api/v1/dossiers/")).status_code for _ in range(3)}
    assert statuses == {200}
    assert _quick(lambda: APIClient().get("/api/v1/procedures/")).status_code == 200


def test_with_the_whole_of_redis_down_citizens_file_officers_act_and_the_work_waits(
    redis_down,
    dead_broker,  # noqa: F811 - the fixture imported above
    citizen,
    sickness,
    officers,
    django_capture_on_commit_callbacks,
):
    """Cache and broker both on Redis, and Redis gone: the requests answer as usual (the
    after-commit relay fails fast and is logged), and every side effect waits in the outbox
    for the sweep once Redis is back (tests/workers/test_outbox_worker.py shows that part)."""
    _procedure, version = sickness
    api = session_client(citizen)
    with django_capture_on_commit_callbacks(execute=True):
        draft = file_sickness_draft(api, version, known=CITIZEN_KNOWN)
    url = f"/api/v1/dossiers/{draft['reference']}/"
    with django_capture_on_commit_callbacks(execute=True):
        submitted = _quick(lambda: api.post(f"{url}submit/", HTTP_IDEMPOTENCY_KEY="all-down"))
    assert submitted.status_code == 200, submitted.content
    code = submitted.json()["code"]

    counter = session_client(officers["counter"])
    with django_capture_on_commit_callbacks(execute=True):
        accepted = _quick(lambda: counter.post(f"/api/v1/dossiers/{code}/actions/accept/"))
    assert accepted.json()["state"] == "received"

    dossier = Dossier.objects.get(code=code)
    rows = OutboxMessage.objects.filter(payload__dossier_id=dossier.pk)
    handlers = set(rows.values_list("handler", flat=True))
    assert "dossiers.handlers.reception_slip" in handlers  # the slip of the submission
    assert "dashboards.handlers.rollups_mark" in handlers  # its place in the figures
    assert set(rows.values_list("status", flat=True)) == {MessageStatus.PENDING}
    assert not dossier.slips.exists()  # nothing ran in the request
