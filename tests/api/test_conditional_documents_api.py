"""Conditional documents as data in every procedure (issue #20): a filing asks for a
conditional document exactly when the form's answer makes its condition hold."""

import pytest
from rest_framework.test import APIClient

from procedures.selectors import version_in_force
from tests.api.conftest import CITIZEN_KNOWN, required_values

pytestmark = pytest.mark.django_db


def _asked_documents(client, catalogue, slug, **answers) -> set[str]:
    version = version_in_force(procedure=catalogue[slug])
    values = required_values(version, skip=CITIZEN_KNOWN)
    values.update(answers)
    response = client.post(
        "/api/v1/dossiers/",
        {"procedure": slug, "province_code": 1, "data": values},
        format="json",
    )
    assert response.status_code == 201, response.content
    return {code for item in response.json()["missing"] for code in item["documents"]}


@pytest.mark.parametrize(
    ("slug", "answers", "asked", "not_asked"),
    [
        (
            "old-age-pension",
            {"retirement_type": "reduced_capacity", "filing_route": "direct"},
            {"medical_assessment_minutes", "request_form_14_hsb"},
            {"hazardous_work_proof", "retirement_decision"},
        ),
        (
            "old-age-pension",
            {"retirement_type": "arduous_or_remote", "filing_route": "employer"},
            {"hazardous_work_proof", "retirement_decision"},
            {"medical_assessment_minutes", "request_form_14_hsb"},
        ),
        (
            "one-time-si-payment",
            {"one_time_reason": "emigration"},
            {"emigration_proof"},
            {"serious_illness_records"},
        ),
        (
            "hi-direct-reimbursement",
            {"treatment_type": "inpatient", "reimbursement_reason": "abroad"},
            {"hospital_discharge_paper", "foreign_documents_translation"},
            {"prescription_or_records"},
        ),
        (
            "hi-direct-reimbursement",
            {"treatment_type": "outpatient", "reimbursement_reason": "emergency"},
            {"prescription_or_records"},
            {"hospital_discharge_paper", "foreign_documents_translation"},
        ),
    ],
)
def test_a_conditional_document_is_asked_for_exactly_when_its_condition_holds(
    citizen_client, catalogue, slug, answers, asked, not_asked
):
    documents = _asked_documents(citizen_client, catalogue, slug, **answers)

    assert asked <= documents
    assert not documents & not_asked


def test_an_unanswered_condition_asks_for_nothing_more(citizen_client, catalogue):
    # A dossier that never answered the new question (e.g. one received before it existed)
    # is not asked for the documents it decides.
    documents = _asked_documents(citizen_client, catalogue, "old-age-pension")

    assert not documents & {"retirement_decision", "request_form_14_hsb"}


def test_the_procedure_api_gives_every_condition_and_its_field(catalogue):
    body = APIClient().get("/api/v1/procedures/old-age-pension/").json()
    version = body["current_version"]
    components = {c["code"]: c for c in version["components"]}
    fields = {f["name"]: f for f in version["fields"]}

    assert components["medical_assessment_minutes"]["required_when"] == {
        "field": "retirement_type",
        "in": ["reduced_capacity"],
    }
    assert components["retirement_decision"]["required_when"] == {
        "field": "filing_route",
        "in": ["employer"],
    }
    # The field a condition names is in the form, with the values it offers.
    assert {c["value"] for c in fields["filing_route"]["choices"]} == {"employer", "direct"}
    for component in components.values():
        if component["requirement"] == "conditional":
            assert component["required_when"]["field"] in fields, component["code"]
