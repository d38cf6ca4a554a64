"""The citizen app's OAuth 2.0 exchange, over HTTP against the live server, as a mobile app
would do it: sign in, consent, authorization code with PKCE, token, /me, a dossier filed
with the token, refresh (rotating), revocation, expiry and scopes."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urlsplit
from zoneinfo import ZoneInfo

import pytest
import requests
import time_machine
from django.core.cache import cache

from appauth.services import citizen_app_client_ensure
from tests.api.conftest import CITIZEN_KNOWN, SICKNESS, pdf_bytes, required_values
from tests.factories import PASSWORD, UserFactory

REDIRECT_URI = "vn.gov.baohiemxahoi.citizen://oauth/callback"
CLIENT_ID = "vss-citizen-app"
MORNING = dt.datetime(2026, 11, 24, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


class _HiddenInputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") == "hidden" and attributes.get("name"):
            self.values[attributes["name"]] = attributes.get("value") or ""


def _hidden_inputs(html: str) -> dict[str, str]:
    parser = _HiddenInputs()
    parser.feed(html)
    return parser.values


def _signed_in(base: str, username: str) -> requests.Session:
    browser = requests.Session()
    browser.get(f"{base}/accounts/login/", timeout=10)
    response = browser.post(
        f"{base}/accounts/login/",
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        },
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text
    return browser


def _authorize(base: str, browser: requests.Session, scope: str) -> tuple[str, str]:
    """Consent in the (system) browser; returns the code and the PKCE verifier."""
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    state = secrets.token_urlsafe(8)
    query = urlencode(
        {
            "response_type": "code",
            "client_id": CLIENT_ID,
            "redirect_uri": REDIRECT_URI,
            "scope": scope,
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    consent = browser.get(f"{base}/oauth/authorize/?{query}", timeout=10)
    assert consent.status_code == 200, consent.text
    assert "Cho phép" in consent.text  # the portal's consent page, in Vietnamese
    answer = browser.post(
        f"{base}/oauth/authorize/",
        data={**_hidden_inputs(consent.text), "allow": "Authorize"},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text
    location = urlsplit(answer.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
    params = parse_qs(location.query)
    assert params["state"] == [state]
    return params["code"][0], verifier


def _token(base: str, **data) -> requests.Response:
    return requests.post(f"{base}/oauth/token/", data={"client_id": CLIENT_ID, **data}, timeout=10)


def _tokens(base: str, browser: requests.Session, scope: str) -> dict:
    code, verifier = _authorize(base, browser, scope)
    response = _token(
        base,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT_URI,
        code_verifier=verifier,
    )
    assert response.status_code == 200, response.text
    return response.json()


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_the_citizen_app_signs_in_files_a_dossier_refreshes_and_is_revoked(
    live_server, catalogue, offices
):
    base = live_server.url
    citizen_app_client_ensure()
    UserFactory(
        citizen=True,
        national_id="001090012345",
        username="cd001090012345",
        full_name="Nguyễn Văn An",
        phone="0912345678",
        email="an@example.vn",
    )
    version = catalogue[SICKNESS].versions.order_by("-effective_from").first()
    with time_machine.travel(MORNING, tick=True) as clock:
        browser = _signed_in(base, "001090012345")

        # Without the verifier, the code is refused (PKCE).
        code, _verifier = _authorize(base, browser, "profile")
        refused = _token(
            base, grant_type="authorization_code", code=code, redirect_uri=REDIRECT_URI
        )
        assert refused.status_code == 400
        assert refused.json()["error"] == "invalid_request"

        tokens = _tokens(base, browser, "profile dossiers:read dossiers:write")
        assert tokens["token_type"] == "Bearer"
        assert tokens["expires_in"] == 600
        assert set(tokens["scope"].split()) == {"profile", "dossiers:read", "dossiers:write"}
        api = requests.Session()
        api.headers.update(_bearer(tokens["access_token"]))

        me = api.get(f"{base}/api/v1/me/", timeout=10)
        assert me.status_code == 200, me.text
        assert me.json()["kind"] == "citizen"
        assert me.json()["citizen"]["national_id"] == "001090012345"
        assert me.json()["app"]["client_id"] == CLIENT_ID

        # File a dossier with the token: draft, fields, document, submission.
        created = api.post(
            f"{base}/api/v1/dossiers/",
            json={
                "procedure": SICKNESS,
                "province_code": 1,
                "data": required_values(version, skip=CITIZEN_KNOWN),
            },
            timeout=10,
        )
        assert created.status_code == 201, created.text
        draft = created.json()
        assert draft["data"]["full_name"] == "Nguyễn Văn An"  # the citizen's own rights
        url = f"{base}/api/v1/dossiers/{draft['reference']}/"
        upload = api.post(
            f"{url}documents/",
            data={"component": "medical_leave_certificate"},
            files={"file": ("giay-nghi-om.pdf", pdf_bytes(), "application/pdf")},
            timeout=10,
        )
        assert upload.status_code == 201, upload.text
        submitted = api.post(f"{url}submit/", timeout=30)
        assert submitted.status_code == 200, submitted.text
        assert submitted.json()["state"] == "submitted"
        listed = api.get(f"{base}/api/v1/dossiers/", timeout=10).json()["results"]
        assert [d["code"] for d in listed] == [submitted.json()["code"]]

        # The refresh token gives a new pair; the old access token is replaced.
        renewed = _token(base, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
        assert renewed.status_code == 200, renewed.text
        fresh = renewed.json()
        assert fresh["access_token"] != tokens["access_token"]
        assert api.get(f"{base}/api/v1/me/", timeout=10).status_code == 401
        me = requests.get(f"{base}/api/v1/me/", headers=_bearer(fresh["access_token"]), timeout=10)
        assert me.status_code == 200

        # Revoked: refused at once.
        revoked = requests.post(
            f"{base}/oauth/revoke_token/",
            data={"token": fresh["access_token"], "client_id": CLIENT_ID},
            timeout=10,
        )
        assert revoked.status_code == 200
        me = requests.get(f"{base}/api/v1/me/", headers=_bearer(fresh["access_token"]), timeout=10)
        assert me.status_code == 401
        assert me.headers["Content-Type"].startswith("application/problem+json")

        # A spent refresh token replayed (stolen?) is refused and revokes its whole family:
        # the refresh token issued in its place stops working too.
        again = _token(base, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
        assert again.status_code == 400
        family = _token(base, grant_type="refresh_token", refresh_token=fresh["refresh_token"])
        assert family.status_code == 400

        # A token that only reads the profile may not touch dossiers.
        narrow = _tokens(base, browser, "profile")
        headers = _bearer(narrow["access_token"])
        assert requests.get(f"{base}/api/v1/me/", headers=headers, timeout=10).status_code == 200
        listing = requests.get(f"{base}/api/v1/dossiers/", headers=headers, timeout=10)
        assert listing.status_code == 403
        assert listing.json()["code"] == "permission_denied"
        filing = requests.post(
            f"{base}/api/v1/dossiers/", json={"procedure": SICKNESS}, headers=headers, timeout=10
        )
        assert filing.status_code == 403

        # Ten minutes later the access token has expired.
        clock.shift(dt.timedelta(seconds=601))
        expired = requests.get(f"{base}/api/v1/me/", headers=headers, timeout=10)
        assert expired.status_code == 401
