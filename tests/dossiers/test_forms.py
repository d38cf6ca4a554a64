"""Identifier fields of the filing wizard and the counter (dossiers.forms).

Since 1 July 2025 (Law on Social Insurance 2024) a citizen's personal ID number (CCCD,
12 digits) is their social insurance code; HI cards printed since 2021 carry only the
10-digit number. Every SI-code and HI-card field accepts both forms.
"""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from dossiers.forms import StepForm
from dossiers.models import Dossier
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SICKNESS = "sickness-benefit"
DATE_OF_BIRTH = {"name": "date_of_birth", "type": "date", "label_vi": "Ngày sinh"}
DATE_OF_BIRTH |= {"prefill": "date_of_birth", "step": 1}
SI_CODE = {"name": "si_code", "type": "si_code", "label_vi": "Mã số BHXH", "prefill": "si_code"}
DECEASED_SI_CODE = {"name": "deceased_si_code", "type": "si_code", "label_vi": "Mã số BHXH"}
HI_CARD = {"name": "hi_card_number", "type": "hi_card", "label_vi": "Mã thẻ BHYT"}


def step_form(data, *definitions, known=None):
    return StepForm(data=data, definitions=list(definitions), known=known or {})


def error_codes(form):
    return {
        name: [e["code"] for e in errors] for name, errors in form.errors.get_json_data().items()
    }


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("0123456789", "0123456789"),
        ("001090012345", "001090012345"),
        ("001 090 012 345", "001090012345"),
    ],
)
def test_an_si_code_field_accepts_the_10_digit_code_and_the_cccd(value, stored):
    form = step_form({"si_code": value}, SI_CODE)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["si_code"] == stored


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("12345", "si_code_format"),
        ("01234567890", "si_code_format"),
        ("003090012345", "national_id_province"),
        ("001490012345", "national_id_century"),  # born in the 2100s
    ],
)
def test_an_si_code_field_refuses_other_values_on_the_field(value, code):
    form = step_form({"si_code": value}, SI_CODE)

    assert not form.is_valid()
    assert error_codes(form) == {"si_code": [code]}


def test_a_cccd_as_si_code_must_agree_with_the_date_of_birth_typed_or_known():
    # At the counter the date of birth is typed in the same step.
    typed = step_form(
        {"date_of_birth": "1991-03-04", "si_code": "001090012345"}, DATE_OF_BIRTH, SI_CODE
    )
    agreeing = step_form(
        {"date_of_birth": "1990-03-04", "si_code": "001090012345"}, DATE_OF_BIRTH, SI_CODE
    )
    # Online the date of birth and gender are known from the account or the registry.
    known = step_form(
        {"si_code": "001190012345"},
        SI_CODE,
        known={"date_of_birth": "1990-03-04", "gender": "male"},
    )

    assert error_codes(typed) == {"si_code": ["national_id_birth_year"]}
    assert agreeing.is_valid(), agreeing.errors
    assert error_codes(known) == {"si_code": ["national_id_gender"]}


def test_the_si_code_of_someone_else_is_not_compared_with_the_applicants_birth():
    form = step_form(
        {"date_of_birth": "1990-03-04", "deceased_si_code": "001055000111"},
        DATE_OF_BIRTH,
        DECEASED_SI_CODE,
    )

    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    ("value", "stored"),
    [("0123456789", "0123456789"), ("dn4010123456789", "DN4010123456789")],
)
def test_an_hi_card_field_accepts_both_printed_forms(value, stored):
    form = step_form({"hi_card_number": value}, HI_CARD)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["hi_card_number"] == stored


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("012345678", "hi_card_length"),
        ("DN401012345678", "hi_card_length"),
        ("ZZ4010123456789", "hi_card_group"),
        ("DN0010123456789", "hi_card_benefit_level"),
    ],
)
def test_an_hi_card_field_refuses_other_values_on_the_field(value, code):
    form = step_form({"hi_card_number": value}, HI_CARD)

    assert error_codes(form) == {"hi_card_number": [code]}


def test_the_help_texts_say_which_forms_are_accepted_in_both_languages():
    form = step_form(None, SI_CODE, HI_CARD)
    with translation.override("en"):
        assert "12-digit personal ID number" in str(form.fields["si_code"].help_text)
        assert "1 July 2025" in str(form.fields["si_code"].help_text)
        assert "10 digits printed on cards since 2021" in str(
            form.fields["hi_card_number"].help_text
        )
    # The SI code of someone else (the deceased) is theirs, not the applicant's.
    other = step_form(None, DECEASED_SI_CODE).fields["deceased_si_code"]
    with translation.override("en"):
        assert str(other.help_text).startswith("10 digits, or their 12-digit")
    with translation.override("vi"):
        assert "CCCD" in str(form.fields["si_code"].help_text)
        assert "01/7/2025" in str(form.fields["si_code"].help_text)
        assert "10 chữ số" in str(form.fields["hi_card_number"].help_text)


# The citizen wizard, through its pages.


@pytest.fixture
def citizen_step_one(client, catalogue):
    citizen = UserFactory(
        citizen=True,
        national_id="001090012345",
        date_of_birth=dt.date(1990, 5, 17),
        phone="0912345678",
    )
    client.force_login(citizen)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("dossiers:start", args=[SICKNESS]))
    assert response.status_code == 302
    return response["Location"]


def _step_one_data(si_code):
    return {"si_code": si_code, "place-province": "1", "place-address": "12 Phố Huế, Hà Nội"}


def test_a_citizen_gives_their_cccd_as_si_code_in_the_wizard(client, citizen_step_one):
    page = client.get(citizen_step_one)
    assert "since 1 July 2025 it serves as the social insurance code" in page.content.decode()

    response = client.post(citizen_step_one, _step_one_data("001 090 012 345"))

    assert response.status_code == 302, response.context["form"].errors
    assert Dossier.objects.get().data["si_code"] == "001090012345"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("001091012345", "national_id_birth_year"),  # the citizen was born in 1990
        ("003090012345", "national_id_province"),
        ("12345", "si_code_format"),
    ],
)
def test_a_wrong_si_code_in_the_wizard_is_a_field_message(client, citizen_step_one, value, code):
    response = client.post(citizen_step_one, _step_one_data(value))

    assert response.status_code == 200
    form = response.context["form"]
    assert error_codes(form) == {"si_code": [code]}
    assert form.errors["si_code"][0] in response.content.decode()


def test_stored_values_checked_with_reused_fields_give_the_same_answers():
    from django.utils import translation

    from dossiers.forms import checked_fields_reused, stored_value_error

    phone = {"name": "phone", "type": "phone", "label": "Phone"}
    cccd = {"name": "national_id", "type": "cccd", "label": "CCCD"}
    cases = [(phone, "0912345678"), (phone, "12"), (cccd, "abc"), (cccd, "001090012345")]
    with translation.override("en"):
        alone = [stored_value_error(definition, value) for definition, value in cases]
        with checked_fields_reused():
            reused = [stored_value_error(definition, value) for definition, value in cases * 2]

    assert reused == alone * 2
    assert [error is None for error in alone] == [True, False, False, True]
