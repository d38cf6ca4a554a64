"""The counter finds the person in the registry by CCCD or SI code and starts from it."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.constants import Role
from dossiers.models import Dossier
from tests.factories import UserFactory

from .factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def counter_officer(offices):
    return UserFactory(username="counter-hn", role=Role.COUNTER_OFFICER, office=offices[1])


@pytest.fixture
def walk_in(db):
    """Someone VSS knows who has no portal account."""
    return PersonFactory(
        national_id="079303012345",
        si_code="7903012345",
        full_name="Phạm Thị Mai",
        gender="female",
        date_of_birth=dt.date(2003, 7, 9),
        current_province_code=79,
        current_street="12 Lê Lợi",
        phone="0987654321",
        needs_interpreter=True,
        preferred_language="km",
    )


def test_lookup_by_si_code_prefills_the_counter_form(client, counter_officer, walk_in):
    client.force_login(counter_officer)
    response = client.get(reverse("dossiers:counter_intake"), {"national_id": "7903012345"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["national_id"] == "079303012345"
    assert form.initial["full_name"] == "Phạm Thị Mai"
    assert form.initial["gender"] == "female"
    assert form.initial["province"] == 79
    assert response.context["registry_person"] == walk_in
    messages = [str(m) for m in response.context["messages"]]
    assert any("Phạm Thị Mai" in m for m in messages)
    assert any("Khmer" in m or "Khơ" in m for m in messages)  # accommodation needs
    html = response.content.decode()
    assert 'value="079303012345"' in html


def test_lookup_by_cccd_also_works_and_unknown_numbers_say_so(client, counter_officer, walk_in):
    client.force_login(counter_officer)
    response = client.get(reverse("dossiers:counter_intake"), {"national_id": "079303012345"})
    assert response.context["form"].initial["full_name"] == "Phạm Thị Mai"
    response = client.get(reverse("dossiers:counter_intake"), {"national_id": "0000000001"})
    assert response.status_code == 200
    assert response.context["registry_person"] is None
    assert not response.context["form"].initial


def test_a_registry_person_without_account_needs_no_typed_name(
    client, catalogue, counter_officer, walk_in
):
    client.force_login(counter_officer)
    procedure = catalogue["hi-card-reissue-exchange"]
    response = client.post(
        reverse("dossiers:counter_intake"),
        {"procedure": procedure.pk, "national_id": "079303012345", "gender": "", "province": ""},
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.applicant is None
    assert dossier.applicant_name == "Phạm Thị Mai"
    assert dossier.applicant_province_code == 79
    assert dossier.applicant_phone == "0987654321"


def test_unknown_person_still_needs_a_name(client, catalogue, counter_officer):
    client.force_login(counter_officer)
    response = client.post(
        reverse("dossiers:counter_intake"),
        {"procedure": catalogue["hi-card-reissue-exchange"].pk, "national_id": "001090012345"},
    )
    assert response.status_code == 200
    assert "full_name" in response.context["form"].errors
    assert not Dossier.objects.exists()


def _counter_step(client, catalogue, walk_in, step):
    """Start a walk-in HI card dossier at the counter; the URL of wizard step `step`."""
    response = client.post(
        reverse("dossiers:counter_intake"),
        {
            "procedure": catalogue["hi-card-reissue-exchange"].pk,
            "national_id": walk_in.national_id,
            "gender": "",
            "province": "",
        },
    )
    assert response.status_code == 302
    return reverse("dossiers:step", args=[Dossier.objects.get().reference, str(step)])


def _step_values(dossier, step, **overrides):
    samples = {"text": "Thông tin", "cccd": "079303012345", "phone": "0987654321"}
    samples |= {"date": "2003-07-09", "si_code": "7903012345", "hi_card": "DN4797903012345"}
    values = {}
    for field in dossier.version.field_definitions():
        if int(field.get("step") or 1) != step or not field.get("required"):
            continue
        if field["type"] == "choice":
            values[field["name"]] = field["choices"][0]["value"]
        else:
            values[field["name"]] = samples.get(field["type"], "Thông tin")
    if step == 1:
        values |= {"place-province": "79", "place-address": "12 Lê Lợi"}
    return values | overrides


def test_the_counter_takes_the_cccd_as_si_code_and_the_10_digit_card_number(
    client, catalogue, counter_officer, walk_in
):
    client.force_login(counter_officer)
    step_one = _counter_step(client, catalogue, walk_in, 1)
    dossier = Dossier.objects.get()

    wrong_year = client.post(step_one, _step_values(dossier, 1, si_code="079304012345"))
    right = client.post(step_one, _step_values(dossier, 1, si_code="079303012345"))
    step_two = reverse("dossiers:step", args=[dossier.reference, "2"])
    card = client.post(step_two, _step_values(dossier, 2, hi_card_number="7903012345"))

    assert wrong_year.status_code == 200
    errors = wrong_year.context["form"].errors.get_json_data()
    assert [e["code"] for e in errors["si_code"]] == ["national_id_birth_year"]  # born 2003
    assert right.status_code == 302
    assert card.status_code == 302
    dossier.refresh_from_db()
    assert dossier.data["si_code"] == "079303012345"
    assert dossier.data["hi_card_number"] == "7903012345"
