"""Filing for another person through the API (issue #18): the `principal` of a new draft,
as on the filing page (same service): a child in the registry, or an authorising adult with
the letter of authorisation."""

import base64
import datetime as dt

import pytest
import time_machine

from beneficiaries.services import family_relation_add
from dossiers.constants import Representation
from dossiers.models import Dossier, DossierDocument
from tests.beneficiaries.factories import PersonFactory

from .conftest import partner_client, pdf_bytes

pytestmark = pytest.mark.django_db

URL = "/api/v1/dossiers/"
CHILD_ID = "001220012345"  # born 2022, male
ADULT_ID = "001190054321"  # born 1990, female


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC), tick=False):
        yield


def fields_of(response) -> set[str]:
    return {error["field"] for error in response.json().get("errors", [])}


def test_a_citizen_files_for_their_child_and_for_an_authorising_adult(
    citizen, citizen_client, catalogue
):
    child = PersonFactory(
        national_id=CHILD_ID, full_name="Nguyễn Minh Khang", date_of_birth=dt.date(2022, 3, 4)
    )
    me = PersonFactory(national_id=citizen.national_id, full_name=citizen.full_name)
    family_relation_add(person=me, relative=child, kind="child")

    for_child = citizen_client.post(
        URL,
        {
            "procedure": "sickness-benefit",
            "principal": {"kind": "guardian", "national_id": CHILD_ID},
        },
        format="json",
    )

    assert for_child.status_code == 201, for_child.content
    dossier = Dossier.objects.get(reference=for_child.json()["reference"])
    assert (dossier.representation, dossier.applicant_national_id, dossier.applicant_name) == (
        Representation.GUARDIAN,
        CHILD_ID,
        "Nguyễn Minh Khang",  # the registry's name
    )
    assert (dossier.applicant_id, dossier.representative_national_id) == (
        citizen.pk,
        citizen.national_id,
    )

    letter = {"name": "giay-uy-quyen.pdf", "content": base64.b64encode(pdf_bytes()).decode()}
    for_adult = citizen_client.post(
        URL,
        {
            "procedure": "sickness-benefit",
            "principal": {
                "kind": "authorisation",
                "national_id": ADULT_ID,
                "full_name": "Lê Thị Hoa",
                "scope": "Nộp hồ sơ ốm đau",
                "authorisation_letter": letter,
            },
        },
        format="json",
    )

    assert for_adult.status_code == 201, for_adult.content
    dossier = Dossier.objects.get(reference=for_adult.json()["reference"])
    assert (dossier.representation, dossier.applicant_name, dossier.authorisation_scope) == (
        Representation.AUTHORISATION,
        "Lê Thị Hoa",
        "Nộp hồ sơ ốm đau",
    )
    stored = DossierDocument.objects.get(dossier=dossier, component=None)
    assert stored.original_name == "giay-uy-quyen.pdf"
    assert stored.content_type == "application/pdf"


def test_a_principal_the_page_would_refuse_is_refused_as_a_problem(
    citizen, citizen_client, catalogue
):
    def create(principal, client=citizen_client):
        return client.post(
            URL, {"procedure": "sickness-benefit", "principal": principal}, format="json"
        )

    # Not a child of theirs in the registry.
    not_mine = create({"kind": "guardian", "national_id": CHILD_ID})
    # No letter, no scope, no name.
    no_letter = create({"kind": "authorisation", "national_id": ADULT_ID})
    # A letter that is not base64, or not a PDF or image.
    garbled = create(
        {
            "kind": "authorisation",
            "national_id": ADULT_ID,
            "full_name": "Lê Thị Hoa",
            "scope": "Nộp hồ sơ",
            "authorisation_letter": {"name": "a.pdf", "content": "%%%"},
        }
    )
    not_a_pdf = create(
        {
            "kind": "authorisation",
            "national_id": ADULT_ID,
            "full_name": "Lê Thị Hoa",
            "scope": "Nộp hồ sơ",
            "authorisation_letter": {
                "name": "a.pdf",
                "content": base64.b64encode(b"plain text").decode(),
            },
        }
    )
    partner = partner_client(kind="employer", name="Công ty An Phát")
    from_partner = create({"kind": "guardian", "national_id": CHILD_ID}, partner.client)

    for response in (not_mine, no_letter, garbled, not_a_pdf, from_partner):
        assert response["Content-Type"] == "application/problem+json", response.content
        assert 400 <= response.status_code < 500
    assert not_mine.status_code == 422
    assert "cơ sở dữ liệu không ghi nhận trẻ này" in not_mine.json()["title"].lower()
    assert {
        "principal.full_name",
        "principal.scope",
        "principal.authorisation_letter",
    } <= fields_of(no_letter)
    assert "principal.authorisation_letter.content" in fields_of(garbled)
    assert not_a_pdf.json()["code"] == "upload_rejected"
    assert "principal" in fields_of(from_partner)
    assert not Dossier.objects.exists()
