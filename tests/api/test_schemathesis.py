"""Schemathesis against the live OpenAPI document, as every kind of client.

The schema is loaded from /api/schema/ of the running Django application (in-process,
through its WSGI handler, on the test database). Every operation is exercised with generated
requests, authenticated as: nobody, a citizen (session), a counter officer (session), and a
partner token of each kind. Every response must be a non-5xx that the document describes:
status code, content type, headers and body.

Bounded for CI: SCHEMATHESIS_MAX_EXAMPLES examples per operation and client (default 8).
"""

from __future__ import annotations

import os
import re

import pytest
import schemathesis
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.constants import Role
from outbox.models import OutboxMessage
from outbox.services import message_deliver
from partners.constants import PartnerKind
from partners.services import webhook_endpoint_create
from tests.api.conftest import CITIZEN_KNOWN, file_sickness_draft, partner_client
from tests.factories import UserFactory

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "8"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
CSRF_SECRET = "schemathesisCsrfSecret0123456789"  # 32 characters, as Django's cookie holds
CLIENTS = ["anonymous", "citizen", "officer", "ivan", "employer", "health_facility"]

DOSSIER_READS = {"GET /api/v1/dossiers/", "GET /api/v1/dossiers/{code}/"}
SESSION_READS = {
    "GET /api/v1/dossiers/{code}/timeline/",
    "GET /api/v1/dossiers/{code}/rating/",
    "GET /api/v1/bundles/",
    "GET /api/v1/bundles/{reference}/",
}
WEBHOOK_READS = {
    "GET /api/v1/webhooks/",
    "GET /api/v1/webhooks/{endpoint_id}/",
    "GET /api/v1/webhooks/{endpoint_id}/deliveries/",
}
PUBLIC_READS = {
    "GET /api/v1/procedures/",
    "GET /api/v1/procedures/{slug}/",
    "GET /api/v1/provinces/",
    "GET /api/v1/provinces/{province_code}/communes/",
    "GET /api/v1/offices/",
    "GET /api/v1/health-facilities/",
}
RESULT_READS = {"GET /api/v1/dossiers/{code}/documents/", "GET /api/v1/dossiers/{code}/slips/"}
INBOX = {"GET /api/v1/inbox/", "GET /api/v1/inbox/unread-count/", "POST /api/v1/inbox/read/"}
EXPECTED_SUCCESSES = {
    "anonymous": PUBLIC_READS,
    "citizen": DOSSIER_READS
    | SESSION_READS
    | RESULT_READS
    | INBOX
    | PUBLIC_READS
    | {"POST /api/v1/dossiers/{code}/rating/", "PUT /api/v1/dossiers/{code}/rating/"},
    "officer": DOSSIER_READS
    | SESSION_READS
    | RESULT_READS
    | INBOX
    | {"GET /api/v1/offices/{agency_code}/officers/"},
    "ivan": DOSSIER_READS
    | RESULT_READS
    | WEBHOOK_READS
    | PUBLIC_READS
    | {"POST /api/v1/dossiers/"},
    "employer": DOSSIER_READS
    | RESULT_READS
    | WEBHOOK_READS
    | {"POST /api/v1/dossiers/", "POST /api/v1/batches/"},
    "health_facility": {"GET /api/v1/hi-cards/{identifier}/"} | PUBLIC_READS,
}

# Defects found by this test in code other than the API's, each to be fixed by its owner.
# A listed defect is tolerated only while it still occurs: once fixed, the test fails until
# its entry is removed (like a strict xfail).
KNOWN_DEFECTS: dict[tuple[str, str], str] = {}

pytestmark = pytest.mark.django_db


@pytest.fixture
def wsgi_app():
    """The project's WSGI handler on the test database connection.

    Django closes "old" connections at the start and end of each request; inside a test
    transaction that would close the connection the test data lives on, so those two
    receivers are held back while the handler serves (as Django's test client does).
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def generous_rates(monkeypatch):
    """Throttling is tested elsewhere; here it would only hide the handlers behind 429s."""
    rates = dict.fromkeys(SimpleRateThrottle.THROTTLE_RATES, "100000/minute")
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)


def _submit(api, draft: dict) -> str:
    response = api.post(f"/api/v1/dossiers/{draft['reference']}/submit/")
    assert response.status_code == 200, response.content
    return response.json()["code"]


def _card_for(national_id: str) -> None:
    import datetime as dt

    from django.utils import timezone

    from beneficiaries.models import HiCard, Person

    person = Person.objects.create(
        national_id=national_id,
        full_name="Nguyễn Văn An",
        date_of_birth=dt.date(1990, 5, 17),
        gender="male",
    )
    today = timezone.localdate()
    HiCard.objects.create(
        person=person,
        number="DN4010123456789",
        group="DN",
        benefit_level=4,
        valid_from=today,
        valid_to=today + dt.timedelta(days=365),
        issued_at=timezone.now(),
    )


def _returned_and_bundle(citizen, office) -> tuple[str, str]:
    """A returned dossier of the citizen (to rate) and a birth declaration (to track)."""
    from django.utils import timezone

    from beneficiaries.bundles.constants import BundleKind, BundleProcedure
    from beneficiaries.bundles.services import bundle_file
    from dossiers.constants import DossierState
    from procedures.models import Procedure
    from tests.beneficiaries.conftest import birth_declaration
    from tests.dossiers.factories import make_dossier

    returned = make_dossier(
        procedure=Procedure.objects.get(slug="sickness-benefit"),
        state=DossierState.RETURNED,
        office=office,
        applicant=citizen,
        returned_at=timezone.now(),
        outcome="approved",
        code=f"{office.agency_code}-000101-0042",  # apart from the codes submission gives
    )
    bundle = bundle_file(
        kind=BundleKind.BIRTH,
        applicant=citizen,
        declaration=birth_declaration(),
        procedures=[BundleProcedure.PERMANENT_RESIDENCE],
    )
    return returned.code, str(bundle.reference)


@pytest.fixture
def credentials(client_kind, catalogue, offices, sickness, client):
    """Headers and cookies for the client kind, plus codes of dossiers it may see."""
    _procedure, version = sickness
    if client_kind == "anonymous":
        return {"headers": {}, "cookies": {}, "codes": [], "references": []}
    if client_kind in ("citizen", "officer"):
        citizen = UserFactory(
            citizen=True,
            national_id="001090012345",
            full_name="Nguyễn Văn An",
            phone="0912345678",
            email="an@example.vn",
        )
        client.force_login(citizen)
        from rest_framework.test import APIClient

        api = APIClient()
        api.force_login(citizen)
        draft = file_sickness_draft(api, version, known=CITIZEN_KNOWN)
        submitted = file_sickness_draft(api, version, known=CITIZEN_KNOWN)
        code = _submit(api, submitted)
        returned_code, bundle_reference = _returned_and_bundle(citizen, offices[1])
        user = citizen
        if client_kind == "officer":
            user = UserFactory(role=Role.COUNTER_OFFICER, office=offices[1])
        client.force_login(user)
        return {
            "headers": {"X-CSRFToken": CSRF_SECRET},
            "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF_SECRET},
            "codes": [code, draft["reference"]],
            "returned_codes": [returned_code],
            "references": [bundle_reference],
            "agency_codes": [offices[1].agency_code],
        }
    partner = partner_client(kind=PartnerKind(client_kind), name=client_kind, rate=100000)
    codes = []
    if client_kind == "health_facility":
        _card_for("001090012345")  # the identifiers of the schema's examples
    endpoint_ids, deliveries = [], []
    if client_kind in ("ivan", "employer"):
        # A registered endpoint, so that submitting queues a delivery (never sent here: the
        # test transaction does not commit).
        endpoint, _secret = webhook_endpoint_create(
            partner=partner.partner, url=f"https://{client_kind}.example.vn/vss-events"
        )
        endpoint_ids = [endpoint.pk]
        draft = file_sickness_draft(partner.client, version)
        submitted = file_sickness_draft(partner.client, version)
        codes = [_submit(partner.client, submitted), draft["reference"]]
        # What the outbox relay does after the commit: the submission's webhook row writes
        # the delivery (its sending stays queued on a commit that never comes).
        for row in OutboxMessage.objects.filter(handler="partners.handlers.webhooks_for_event"):
            message_deliver(message_id=row.pk)
        deliveries = [str(d.reference) for d in endpoint.deliveries.all()]
        assert deliveries
    return {
        "headers": {"Authorization": f"Token {partner.secret}"},
        "cookies": {},
        "codes": codes,
        "references": deliveries,
        "endpoint_ids": endpoint_ids,
    }


def _run(operation, strategies, answered: set) -> None:
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=st.one_of(strategies))
    def run(case):
        cache.clear()  # attempt counters of the public tracking, between generated requests
        response = case.call_and_validate(checks=CHECKS)
        if response.status_code < 300:
            answered.add(operation.label)

    run()


def _exercise(operation, credentials, mode: GenerationMode, answered: set) -> None:
    """Generated requests; in positive mode also the schema's examples and, in a run of
    their own (so a random draw never leaves them out), requests on identifiers that exist
    and this client may see, so that the handlers behind the 404s run too."""
    auth = {"headers": dict(credentials["headers"]), "cookies": dict(credentials["cookies"])}
    _run(operation, [operation.as_strategy(generation_mode=mode, **auth)], answered)
    if not mode.is_positive:
        return
    examples = operation.schema.get_strategies_from_examples(operation, **auth)
    if examples:
        _run(operation, examples, answered)
    # Ratings need a returned dossier; the others' are answered with 409 (tested apart).
    rating = operation.path.endswith("/rating/")
    existing = {
        "code": credentials.get("returned_codes", []) if rating else credentials["codes"],
        "slug": ["sickness-benefit"],
        "identifier": ["001090012345", "0123456789", "DN4010123456789"],
        "reference": credentials["references"],
        "endpoint_id": credentials.get("endpoint_ids", []),
        "province_code": [1],
        "agency_code": credentials.get("agency_codes", []),
    }
    real = [
        operation.as_strategy(generation_mode=mode, path_parameters={name: value}, **auth)
        for name in re.findall(r"{(\w+)}", operation.path)
        for value in existing.get(name, [])
    ]
    if real:
        _run(operation, real, answered)


def _describe(exc: BaseException) -> str:
    """The failure and every failure grouped in it, as text."""
    parts = [str(exc)]
    for inner in getattr(exc, "exceptions", ()):
        parts.append(_describe(inner))
    return "\n".join(parts)


@pytest.mark.parametrize("client_kind", CLIENTS)
def test_every_operation_conforms_for_every_client(
    client_kind, credentials, wsgi_app, generous_rates
):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30  # every endpoint of the API, not a lucky subset

    failures = []
    answered = set()
    known_seen = set()
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            known = KNOWN_DEFECTS.get((operation.label, mode.name))
            try:
                _exercise(operation, credentials, mode, answered)
            except Unsatisfiable:
                assert mode.is_negative  # nothing of this operation can be made invalid
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collect them all
                if known and known in _describe(exc):
                    known_seen.add((operation.label, mode.name))
                    continue
                failures.append(f"{operation.label} [{mode}]: {exc}")
    assert not failures, "\n\n".join(failures)
    fixed = set(KNOWN_DEFECTS) - known_seen
    assert not fixed, f"Fixed, remove from KNOWN_DEFECTS: {sorted(fixed)}"
    # Not only refusals: the credentials worked and the success paths were exercised too.
    assert EXPECTED_SUCCESSES[client_kind] <= answered, sorted(answered)
