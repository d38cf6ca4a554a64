"""Missing items in machine form, and conditional documents as data (issue #20)."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from procedures.services import validate_required_when
from tests.api.conftest import CITIZEN_KNOWN, SICKNESS, required_values

pytestmark = pytest.mark.django_db


def test_a_draft_says_what_is_missing_by_field_and_document_code(citizen_client, sickness):
    _procedure, version = sickness
    values = required_values(version, skip=(*CITIZEN_KNOWN, "leave_end_date"))
    values["treatment_type"] = "inpatient"
    draft = citizen_client.post(
        "/api/v1/dossiers/",
        {"procedure": SICKNESS, "province_code": 1, "data": values},
        format="json",
    ).json()

    missing = draft["missing"]
    by_code = {tuple(item["documents"]) or item["field"]: item for item in missing}
    # The inpatient needs the discharge paper: named alone, by its document code.
    assert by_code[("hospital_discharge_paper",)]["code"] == "document_required"
    assert by_code["data.leave_end_date"]["code"] == "field_required"
    # The labels stay, in the same order.
    assert draft["missing_items"] == [item["label"] for item in missing]

    submitted = citizen_client.post(f"/api/v1/dossiers/{draft['reference']}/submit/")
    assert submitted.status_code == 422
    fields = {error["field"] for error in submitted.json()["errors"]}
    assert {"data.leave_end_date", "documents.hospital_discharge_paper"} <= fields


def test_the_procedure_api_gives_the_condition_as_data(sickness):
    body = APIClient().get(f"/api/v1/procedures/{SICKNESS}/").json()
    components = {c["code"]: c for c in body["current_version"]["components"]}

    assert components["hospital_discharge_paper"]["required_when"] == {
        "field": "treatment_type",
        "in": ["inpatient"],
    }
    assert components["hospital_discharge_paper"]["one_of_group"] == "treatment_proof"
    assert components["hospital_discharge_paper"]["condition_vi"]  # the prose stays


def test_a_condition_must_name_a_field_and_values_it_offers():
    fields = [
        {
            "name": "treatment_type",
            "type": "choice",
            "choices": [{"value": "inpatient"}, {"value": "outpatient"}],
        }
    ]
    validate_required_when({"field": "treatment_type", "in": ["inpatient"]}, fields, code="x")
    for bad in (
        {"field": "nope", "in": ["inpatient"]},
        {"field": "treatment_type", "in": ["abroad"]},
        {"field": "treatment_type"},
        {"field": "treatment_type", "in": []},
    ):
        with pytest.raises(ValidationError):
            validate_required_when(bad, fields, code="x")
