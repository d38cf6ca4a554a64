"""Issue #20, consistency and sandbox: the CCCD checked as on pages, one pagination style
with an optional total, bundle parts following their dossier (with its webhook), the
sandbox command, and the health facility's card look-up driven by the OpenAPI document."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft202012Validator

from beneficiaries.bundles.constants import (
    BundleDocumentKind,
    BundleKind,
    BundleProcedure,
    PartStatus,
)
from beneficiaries.bundles.models import BundlePart
from beneficiaries.bundles.services import Upload, bundle_file
from dossiers.constants import DossierState, Outcome
from dossiers.services import (
    dossier_accept,
    dossier_assign,
    dossier_decide,
    dossier_return_result,
    dossier_send_to_appraisal,
    dossier_sign,
)
from partners.constants import WebhookEventType
from partners.models import PartnerFiling
from partners.services import webhook_endpoint_create
from tests.api.conftest import SICKNESS, required_values, session_client
from tests.beneficiaries import conftest as bundles_setup
from tests.beneficiaries.conftest import birth_declaration, pdf_upload

pytestmark = pytest.mark.django_db

# The bundle fixtures of tests/beneficiaries, used here by name.
parent = bundles_setup.parent
parent_person = bundles_setup.parent_person
facility = bundles_setup.facility
staff_hn = bundles_setup.staff_hn


@pytest.fixture(scope="module")
def document():
    return SchemaGenerator().get_schema(request=None, public=True)


def _validator(document, schema: dict) -> Draft202012Validator:
    root = {**schema, "components": document["components"]}
    return Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER)


# --- the CCCD against the date of birth and gender -----------------------------------


def test_an_api_filing_checks_the_cccd_against_birth_date_and_gender(ivan, sickness):
    _procedure, version = sickness
    names = {d.get("prefill"): d["name"] for d in version.field_definitions()}
    values = required_values(version)
    # 001 0 95 …: a man born in 1995, not in 1990.
    values[names["national_id"]] = "001095012345"
    values[names["date_of_birth"]] = "1990-05-01"
    response = ivan.client.post(
        "/api/v1/dossiers/",
        {"procedure": SICKNESS, "province_code": 1, "data": values},
        format="json",
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    [error] = response.json()["errors"]
    assert error["field"] == f"data.{names['national_id']}"
    assert error["code"] == "national_id_birth_year"

    values[names["national_id"]] = "001190012345"  # a woman born in 1990
    if "gender" in names:
        values[names["gender"]] = "male"
        refused = ivan.client.post(
            "/api/v1/dossiers/",
            {"procedure": SICKNESS, "province_code": 1, "data": values},
            format="json",
        )
        assert refused.status_code == 400
    values[names["national_id"]] = "001090012345"
    accepted = ivan.client.post(
        "/api/v1/dossiers/",
        {"procedure": SICKNESS, "province_code": 1, "data": values},
        format="json",
    )
    assert accepted.status_code == 201, accepted.content
    # Sent alone later, the CCCD is checked against the birth date the draft holds.
    draft = accepted.json()
    changed = ivan.client.patch(
        f"/api/v1/dossiers/{draft['reference']}/",
        {"data": {names["national_id"]: "001095012345"}},
        format="json",
        HTTP_IF_MATCH=accepted["ETag"],
    )
    assert changed.status_code == 400
    assert changed.json()["errors"][0]["code"] == "national_id_birth_year"


# --- one pagination style ------------------------------------------------------------


def test_every_list_is_paged_by_cursor_with_an_optional_total(document, ivan, sickness):
    lists = {
        path: item["get"]
        for path, item in document["paths"].items()
        if "get" in item and any(p["name"] == "cursor" for p in item["get"].get("parameters", []))
    }
    assert {"/api/v1/dossiers/", "/api/v1/procedures/", "/api/v1/bundles/"} <= set(lists)
    for path, operation in lists.items():
        names = {p["name"] for p in operation["parameters"]}
        assert {"cursor", "page_size", "include_total"} <= names, path
        assert not names & {"limit", "offset", "page"}, path
    for path, item in document["paths"].items():
        names = {p["name"] for p in item.get("get", {}).get("parameters", [])}
        assert not names & {"limit", "offset"}, path

    _procedure, version = sickness
    for _ in range(3):
        ivan.client.post(
            "/api/v1/dossiers/",
            {"procedure": SICKNESS, "province_code": 1, "data": required_values(version)},
            format="json",
        )
    page = ivan.client.get("/api/v1/dossiers/", {"page_size": 2, "include_total": "true"})
    body = page.json()
    assert (len(body["results"]), body["total"]) == (2, 3)
    assert body["next"]
    assert "total" not in ivan.client.get("/api/v1/dossiers/").json()
    procedures = ivan.client.get("/api/v1/procedures/", {"page_size": 5, "include_total": "1"})
    assert procedures.json()["total"] > 5
    assert len(procedures.json()["results"]) == 5
    second = ivan.client.get(procedures.json()["next"]).json()
    assert {p["slug"] for p in second["results"]}.isdisjoint(
        {p["slug"] for p in procedures.json()["results"]}
    )


# --- bundles: the VSS part follows its dossier ---------------------------------------


def test_the_vss_part_of_a_bundle_follows_its_dossier_and_the_filer_hears_of_it(
    catalogue,
    offices,
    parent,
    parent_person,
    facility,
    staff_hn,
    ivan,
    webhook_receiver,
    document,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        bundle = bundle_file(
            kind=BundleKind.BIRTH,
            applicant=parent,
            declaration=birth_declaration(),
            procedures=[BundleProcedure.PERMANENT_RESIDENCE, BundleProcedure.HI_CARD_CHILD],
            uploads=[Upload(BundleDocumentKind.MEDICAL_BIRTH_CERTIFICATE, pdf_upload())],
        )
    part = BundlePart.objects.get(bundle=bundle, procedure=BundleProcedure.HI_CARD_CHILD)
    assert part.status == PartStatus.FILED
    # Say an I-VAN filed that dossier: it is the one to hear of the bundle's parts.
    PartnerFiling.objects.create(partner=ivan.partner, dossier=part.dossier)
    webhook_endpoint_create(
        partner=ivan.partner,
        url=webhook_receiver.url,
        event_types=[WebhookEventType.BUNDLE_PART_COMPLETED],
    )
    dossier = dossier_accept(dossier=part.dossier, officer=staff_hn["counter"])
    dossier = dossier_assign(
        dossier=dossier, leader=staff_hn["leader"], officer=staff_hn["officer"]
    )
    dossier = dossier_send_to_appraisal(dossier=dossier, officer=staff_hn["officer"])
    dossier = dossier_decide(
        dossier=dossier, officer=staff_hn["officer"], outcome=Outcome.APPROVED, decision_text="Ok."
    )
    if dossier.state == DossierState.AWAITING_SIGNATURE:
        dossier = dossier_sign(dossier=dossier, leader=staff_hn["leader"])
    part.refresh_from_db()
    assert part.status == PartStatus.FILED  # decided, not yet returned
    with django_capture_on_commit_callbacks(execute=True):
        dossier_return_result(dossier=dossier, officer=staff_hn["counter"], delivery="electronic")
    part.refresh_from_db()
    assert part.status == PartStatus.COMPLETED

    [request] = webhook_receiver.requests
    payload = json.loads(request.body)
    assert payload["type"] == "bundle.part_completed"
    assert payload["part"]["procedure"] == "hi_card_child"
    assert payload["dossier"]["code"] == dossier.code
    assert payload["bundle"]["title_en"].startswith("Interconnected birth registration")
    operation = document["webhooks"]["bundle.part_completed"]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert not list(_validator(document, schema).iter_errors(payload))

    tracker = session_client(parent).get(f"/api/v1/bundles/{bundle.reference}/").json()
    assert tracker["title_en"].startswith("Interconnected birth registration")
    card = next(p for p in tracker["parts"] if p["procedure"] == "hi_card_child")
    assert (card["status"], card["name_en"]) == (
        "completed",
        "Health insurance card for a child under 6",
    )


# --- the sandbox ---------------------------------------------------------------------


def test_the_sandbox_gives_a_partner_its_token_and_dossiers_in_every_state(settings, catalogue):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("sandbox", stdout=out, stderr=io.StringIO())
    token = out.getvalue().strip().splitlines()[-2]
    assert token.startswith("vss_")
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    listed = client.get("/api/v1/dossiers/", {"page_size": 100, "include_total": "true"})
    assert listed.status_code == 200, listed.content
    states = {d["state"] for d in listed.json()["results"]}
    expected = {
        DossierState.DRAFT,
        DossierState.SUBMITTED,
        DossierState.WITHDRAWN,
        DossierState.RECEIVED,
        DossierState.REFUSED,
        DossierState.IN_PROCESSING,
        DossierState.SUPPLEMENT_REQUESTED,
        DossierState.STOPPED,
        DossierState.APPRAISAL,
        DossierState.PROCESSED,
        DossierState.RETURNED,
    }
    assert expected <= states
    total = listed.json()["total"]

    # Again: the same partner and dossiers, a new token, the old one revoked.
    again = io.StringIO()
    call_command("sandbox", "--skip-seed", stdout=again, stderr=io.StringIO())
    new_token = again.getvalue().strip().splitlines()[-2]
    assert new_token != token
    assert client.get("/api/v1/dossiers/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {new_token}")
    assert client.get("/api/v1/dossiers/", {"include_total": "true"}).json()["total"] == total


# --- the health facility's card look-up, from the document ---------------------------


def test_health_facility_card_lookup_driven_by_the_document(document, health_facility):
    from beneficiaries.models import HiCard, Person

    person = Person.objects.create(
        national_id="001090012345",
        si_code="0123456789",
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
        valid_from=today - dt.timedelta(days=30),
        valid_to=today + dt.timedelta(days=300),
        facility_code="01001",
        facility_name="Bệnh viện Bạch Mai",
        issued_at=timezone.now(),
    )
    operation = document["paths"]["/api/v1/hi-cards/{identifier}/"]["get"]
    # What the document promises a health facility token: the scope and the answers.
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]
    for identifier in ("001090012345", "0123456789", "DN4010123456789"):
        response = health_facility.client.get(f"/api/v1/hi-cards/{identifier}/")
        assert response.status_code == 200
        schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
        assert not list(_validator(document, schema).iter_errors(response.json()))
        assert response.json()["valid"] is True
    missing = health_facility.client.get("/api/v1/hi-cards/001090099999/")
    described = operation["responses"][str(missing.status_code)]["content"]
    schema = next(iter(described.values()))["schema"]
    assert not list(_validator(document, schema).iter_errors(missing.json()))
