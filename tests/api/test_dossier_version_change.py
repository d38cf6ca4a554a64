"""Submitting through the API follows the version in force on the day of submission."""

import pytest
import time_machine

from tests.api.conftest import pdf_upload
from tests.dossiers.test_procedure_versions import (
    OPENED,
    SUBMITTED,
    hi_card_draft,
    publish_new_rules,
)
from workdays.services import add_time_limit

pytestmark = pytest.mark.django_db


def test_api_submit_under_new_rules_answers_problem_json_then_accepts_the_new_document(
    citizen_client, citizen, catalogue
):
    with time_machine.travel(OPENED, tick=False):
        dossier = hi_card_draft(catalogue, citizen)
    publish_new_rules(dossier.procedure, new_field=False)
    url = f"/api/v1/dossiers/{dossier.reference}/"

    with time_machine.travel(SUBMITTED, tick=False):
        refused = citizen_client.post(f"{url}submit/", HTTP_ACCEPT_LANGUAGE="en")
        assert refused.status_code == 422, refused.content
        assert refused["Content-Type"].startswith("application/problem+json")
        problem = refused.json()
        assert problem["code"] == "incomplete"
        assert "rules changed" in problem["title"]
        assert [e["message"] for e in problem["errors"]] == ["Portrait photo 3x4"]

        # The draft is now under the new version: its new document can be uploaded by code.
        upload = citizen_client.post(
            f"{url}documents/",
            {"component": "portrait_photo", "file": pdf_upload("anh.pdf")},
            format="multipart",
        )
        assert upload.status_code == 201, upload.content
        submitted = citizen_client.post(f"{url}submit/")

    assert submitted.status_code == 200, submitted.content
    body = submitted.json()
    assert body["state"] == "submitted"
    dossier.refresh_from_db(fields=["due_at"])
    assert dossier.due_at == add_time_limit(SUBMITTED, 5, "working_days")


def test_api_upload_of_a_document_the_new_version_asks_for_moves_the_draft(
    citizen_client, citizen, catalogue
):
    with time_machine.travel(OPENED, tick=False):
        dossier = hi_card_draft(catalogue, citizen)
    new = publish_new_rules(dossier.procedure, new_field=False)

    with time_machine.travel(SUBMITTED, tick=False):
        upload = citizen_client.post(
            f"/api/v1/dossiers/{dossier.reference}/documents/",
            {"component": "portrait_photo", "file": pdf_upload("anh.pdf")},
            format="multipart",
        )

    assert upload.status_code == 201, upload.content
    dossier.refresh_from_db(fields=["version"])
    assert dossier.version == new
