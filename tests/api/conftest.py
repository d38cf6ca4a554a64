"""Clients of the API: anonymous, a citizen's session, officers, and partner tokens."""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.constants import Role
from partners.constants import SCOPES_BY_KIND, PartnerKind
from partners.models import Partner, PartnerToken
from partners.services import partner_create, partner_token_create
from procedures.selectors import version_in_force
from tests.factories import UserFactory

SICKNESS = "sickness-benefit"
SAMPLES = {
    "text": "Thông tin mẫu",
    "textarea": "Nội dung mẫu",
    "date": "2026-11-16",
    "money": 1000000,
    "integer": 1,
    "cccd": "001090054321",  # a man born in 1990 (not the citizen fixture)
    "si_code": "0123456789",
    "hi_card": "DN4010123456789",
    "bank_account": "0123456789012",
    "phone": "0912345678",
    "email": "an@example.vn",
}
BY_PREFILL = {"date_of_birth": "1990-05-01", "gender": "male"}


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle and attempt counters live in the cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()


def required_values(version, *, skip=(), **overrides) -> dict:
    """A valid value for every required field of `version`, except the names in `skip`."""
    values = {}
    for field in version.field_definitions():
        if not field.get("required") or field["name"] in skip:
            continue
        if field.get("prefill") in BY_PREFILL:
            # The sample CCCD (001090054321) is a man born in 1990: the date of birth and
            # gender must agree with it, as the filing checks.
            values[field["name"]] = BY_PREFILL[field["prefill"]]
        elif field["type"] == "choice":
            values[field["name"]] = field["choices"][0]["value"]
        else:
            values[field["name"]] = SAMPLES[field["type"]]
    values.update(overrides)
    return values


def pdf_bytes(pages: int = 1) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_upload(name: str = "giay-nghi-om.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


@dataclass
class PartnerClient:
    partner: Partner
    token: PartnerToken
    secret: str
    client: APIClient


def partner_client(*, kind: str, name: str, scopes=None, rate=1000, unit="0101234567"):
    partner = partner_create(
        name=name, kind=kind, employer_unit_code=unit if kind == PartnerKind.EMPLOYER else ""
    )
    token, secret = partner_token_create(
        partner=partner,
        name=f"{name} production",
        scopes=SCOPES_BY_KIND[kind] if scopes is None else scopes,
        rate_limit_per_minute=rate,
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return PartnerClient(partner=partner, token=token, secret=secret, client=client)


@pytest.fixture
def make_partner(db):
    return partner_client


@pytest.fixture
def ivan(db):
    return partner_client(kind=PartnerKind.IVAN, name="Công ty I-VAN Thái Sơn")


@pytest.fixture
def employer(db):
    return partner_client(kind=PartnerKind.EMPLOYER, name="Công ty May Việt Tiến")


@pytest.fixture
def health_facility(db):
    return partner_client(kind=PartnerKind.HEALTH_FACILITY, name="Bệnh viện Bạch Mai")


@pytest.fixture
def citizen(db):
    return UserFactory(
        citizen=True,
        national_id="001090012345",
        username="cd001090012345",
        full_name="Nguyễn Văn An",
        phone="0912345678",
        email="an@example.vn",
    )


@pytest.fixture
def citizen_client(citizen):
    client = APIClient()
    client.force_login(citizen)
    return client


@pytest.fixture
def other_citizen_client(db):
    other = UserFactory(citizen=True, full_name="Trần Thị Bình")
    client = APIClient()
    client.force_login(other)
    return client


@pytest.fixture
def officers(offices):
    hanoi = offices[1]
    return {
        "counter": UserFactory(username="api-counter", role=Role.COUNTER_OFFICER, office=hanoi),
        "processing": UserFactory(
            username="api-processing", role=Role.PROCESSING_OFFICER, office=hanoi
        ),
        "leader": UserFactory(username="api-leader", role=Role.OFFICE_LEADER, office=hanoi),
    }


def session_client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def sickness(catalogue):
    procedure = catalogue[SICKNESS]
    return procedure, version_in_force(procedure=procedure)


def file_sickness_draft(client, version, *, known=(), **extra) -> dict:
    """Create a complete sickness-benefit draft (fields, province, one PDF) via the API."""
    response = client.post(
        "/api/v1/dossiers/",
        {
            "procedure": SICKNESS,
            "province_code": 1,
            "data": required_values(version, skip=known),
            **extra,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    upload = client.post(
        f"/api/v1/dossiers/{body['reference']}/documents/",
        {"component": "medical_leave_certificate", "file": pdf_upload()},
        format="multipart",
    )
    assert upload.status_code == 201, upload.content
    return body


CITIZEN_KNOWN = ("full_name", "national_id", "date_of_birth", "phone", "email")


# --- a webhook receiver --------------------------------------------------------------


@dataclass
class Received:
    headers: Message  # case-insensitive, as HTTP header names are
    body: bytes
    path: str = ""


class WebhookReceiver:
    """A local HTTP server recording what it receives and answering with `status`."""

    def __init__(self):
        self.requests: list[Received] = []
        self.status = 204
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                receiver.requests.append(
                    Received(headers=self.headers, body=self.rfile.read(length), path=self.path)
                )
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/vss-events"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook_receiver(settings):
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]  # the receiver runs here
    with WebhookReceiver() as receiver:
        yield receiver
