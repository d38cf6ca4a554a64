"""The citizen's filing wizard (issue #17): complete review, drafts saved as typed, one
name for the HI card number, "VSS already holds" only when true, counter wording."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.constants import Role
from dossiers.constants import Channel
from dossiers.models import Dossier
from dossiers.services import dossier_document_add, dossier_draft_create, dossier_draft_save
from dossiers.wizard import wizard_steps
from tests.beneficiaries.factories import HiCardFactory, PersonFactory
from tests.dossiers.conftest import complete_values, png_file
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HI_CARD = "hi-card-reissue-exchange"
SICKNESS = "sickness-benefit"
MONDAY = dt.datetime(2026, 11, 16, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(MONDAY, tick=False):
        yield


def _language(client, code):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code


def _draft(procedure, citizen, **values):
    dossier = dossier_draft_create(
        procedure=procedure, actor=citizen, channel=Channel.ONLINE, applicant=citizen
    )
    return dossier_draft_save(
        dossier=dossier,
        actor=citizen,
        values=complete_values(dossier.version, values),
        next_step=4,
        province_code=1,
        address="12 Phố Huế, Hà Nội",
    )


def _step_url(dossier, key):
    return reverse("dossiers:step", args=[dossier.reference, key])


def test_the_review_shows_every_answer_by_step_with_edit_links(client, catalogue, citizen, offices):
    dossier = _draft(catalogue[HI_CARD], citizen, hi_card_number="DN4010123456789")
    client.force_login(citizen)
    _language(client, "en")

    page = client.get(_step_url(dossier, "review")).content.decode()

    # The province, and the office it makes competent.
    assert "Hà Nội" in page
    assert offices[1].name in page
    # The HI card number, the request type and the return method, by their labels.
    assert "HI card number" in page
    assert "DN4010123456789" in page
    version = dossier.version
    by_name = {f["name"]: f for f in version.field_definitions()}
    for name in ("card_request_type", "return_method", "paper_card_needed"):
        assert by_name[name]["choices"][0]["label_en"] in page
    # Dates as dd/mm/yyyy.
    assert "16/11/2026" in page
    # One group per step, each with a link back to it.
    for step in wizard_steps(dossier)[:-2]:
        assert f'data-testid="answers-{step.key}"' in page
        assert f'href="{step.url}" data-testid="edit-{step.key}"' in page
    assert 'data-testid="edit-documents"' in page


def test_save_and_finish_later_keeps_an_invalid_value_as_typed(client, catalogue):
    citizen = UserFactory(
        citizen=True, national_id="001090012345", date_of_birth=dt.date(1990, 5, 17)
    )
    client.force_login(citizen)
    _language(client, "en")
    first_step = client.post(reverse("dossiers:start", args=[SICKNESS]))["Location"]
    typed = {"si_code": "12345", "place-province": "1", "place-address": "12 Phố Huế"}

    response = client.post(first_step, {**typed, "save_and_leave": ""}, follow=True)

    dossier = Dossier.objects.get()
    assert dossier.data["si_code"] == "12345"
    assert dossier.applicant_province_code == 1
    assert "Your draft is saved as typed" in response.content.decode()
    # Nothing typed is lost: the step shows it again.
    assert 'value="12345"' in client.get(first_step).content.decode()
    # Moving on checks it, field by field.
    moving_on = client.post(first_step, {**typed, "next": ""})
    assert moving_on.status_code == 200
    assert "si_code" in moving_on.context["form"].errors
    # The review names it and submitting refuses it.
    review = client.get(_step_url(dossier, "review")).content.decode()
    assert "not valid: correct it" in review
    submitted = client.post(_step_url(dossier, "review"), {"submission_key": "k1"})
    assert submitted.status_code == 422
    assert Dossier.objects.get().state == "draft"
    # The API's view of the draft still works.
    api = APIClient()
    api.force_authenticate(citizen)
    body = api.get(f"/api/v1/dossiers/{dossier.reference}/").json()
    assert body["data"]["si_code"] == "12345"


def test_an_invalid_national_id_kept_as_typed_never_reaches_the_applicant_columns(
    catalogue, citizen
):
    dossier = dossier_draft_create(
        procedure=catalogue[SICKNESS], actor=citizen, channel=Channel.ONLINE, applicant=citizen
    )
    saved = dossier_draft_save(
        dossier=dossier,
        actor=citizen,
        values={},
        unchecked={"national_id": "not a number at all, far too long"},
        next_step=1,
    )
    assert saved.data["national_id"] == "not a number at all, far too long"
    assert saved.applicant_national_id != saved.data["national_id"]


def test_the_hi_card_number_has_one_name_in_label_and_message(client, catalogue, citizen):
    dossier = _draft(catalogue[HI_CARD], citizen)
    client.force_login(citizen)
    _language(client, "vi")
    step = next(s for s in wizard_steps(dossier) if s.key == "2")
    values = complete_values(dossier.version)
    data = {
        name: value
        for name, value in values.items()
        if next(f for f in dossier.version.field_definitions() if f["name"] == name).get("step")
        == 2
    }

    page = client.post(step.url, {**data, "hi_card_number": "XX123", "next": ""})

    text = page.content.decode()
    assert page.status_code == 200
    assert "Mã thẻ BHYT" not in text
    assert "Số thẻ BHYT" in str(page.context["form"].fields["hi_card_number"].label)
    assert str(page.context["form"].errors["hi_card_number"][0]).startswith("Số thẻ BHYT")


def test_vss_holds_a_document_only_for_a_person_it_knows(client, catalogue, citizen):
    dossier = _draft(catalogue[HI_CARD], citizen)
    client.force_login(citizen)
    documents = _step_url(dossier, "documents")
    start = reverse("dossiers:start", args=[HI_CARD])

    assert 'data-testid="held-by-vss"' not in client.get(documents).content.decode()
    assert 'data-testid="held-by-vss"' not in client.get(start).content.decode()

    HiCardFactory(person=PersonFactory(national_id=citizen.national_id))

    assert 'data-testid="held-by-vss"' in client.get(documents).content.decode()
    assert 'data-testid="held-by-vss"' in client.get(start).content.decode()


def test_the_review_counts_a_file_uploaded_for_a_document_vss_holds(client, catalogue, citizen):
    HiCardFactory(person=PersonFactory(national_id=citizen.national_id))
    dossier = _draft(catalogue[HI_CARD], citizen)
    component = dossier.version.components.get(code="old_hi_card")
    dossier_document_add(dossier=dossier, component=component, uploaded=png_file(), actor=citizen)
    client.force_login(citizen)

    page = client.get(_step_url(dossier, "review")).content.decode()

    cell = page.split('data-testid="files-old_hi_card">', 1)[1].split("</td>", 1)[0]
    assert cell.startswith("1")


def test_the_counter_form_speaks_of_the_applicant(client, catalogue, offices):
    officer = UserFactory(role=Role.COUNTER_OFFICER, office=offices[1])
    dossier = dossier_draft_create(
        procedure=catalogue[HI_CARD],
        actor=officer,
        channel=Channel.COUNTER,
        applicant_details={"name": "Phạm Thị Mai", "national_id": "079303012345"},
    )
    client.force_login(officer)
    _language(client, "vi")

    page = client.get(_step_url(dossier, "1")).content.decode()

    assert "nơi người nộp hồ sơ cư trú" in page
    assert "nơi bạn cư trú" not in page
