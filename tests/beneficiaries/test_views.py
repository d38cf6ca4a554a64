"""Registry pages: the declarations, the tracker, the officers' look-up. Bad input gives
field messages, never a 500."""

import datetime as dt
import io

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from accounts.constants import Role
from beneficiaries.bundles.constants import BundleProcedure, PartStatus
from beneficiaries.bundles.models import Bundle, BundlePart
from tests.factories import UserFactory

from .conftest import pdf_upload

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)


def _birth_post(**overrides):
    data = {
        "applicant_phone": "0912345678",
        "applicant_email": "an@example.vn",
        "relationship": "father",
        "child_full_name": "Nguyễn Minh Khôi",
        "child_date_of_birth": (timezone.localdate() - dt.timedelta(days=5)).isoformat(),
        "child_gender": "male",
        "province": "1",
        "commune": "70",
        "street": "Số 12 Tràng Tiền",
        "want_residence": "on",
        "want_hi_card": "on",
        "facility": "01001",
        "return_method": "electronic",
        "submission_key": "k-1",
    }
    data.update(overrides)
    return data


def test_birth_form_shows_what_vss_knows(client, parent, parent_person, facility):
    _login(client, parent)
    response = client.get(reverse("beneficiaries:bundle_new", args=["birth"]))
    assert response.status_code == 200
    html = response.content.decode()
    known = html[html.index('data-testid="known-fields"') :]
    assert "Nguyễn Văn An" in known
    assert "001090012345" in known
    assert 'value="Số 12 Tràng Tiền"' in html  # the address from the registry
    assert "Bệnh viện Nhi Trung ương" in html


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"child_date_of_birth": "2099-01-01"}, "child_date_of_birth"),
        ({"child_date_of_birth": "2015-01-01"}, "child_date_of_birth"),  # too old for TE
        ({"other_parent_national_id": "12345"}, "other_parent_national_id"),
        ({"commune": "26506"}, "commune"),  # a commune of another province
        ({"facility": ""}, "facility"),
        ({"applicant_phone": "12"}, "applicant_phone"),
        ({"child_full_name": ""}, "child_full_name"),
    ],
)
def test_bad_birth_declarations_get_field_messages(
    client, catalogue, offices, parent, parent_person, facility, overrides, field
):
    _login(client, parent)
    response = client.post(
        reverse("beneficiaries:bundle_new", args=["birth"]), _birth_post(**overrides)
    )
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert not Bundle.objects.exists()


def test_no_procedure_chosen_is_a_form_message(
    client, catalogue, offices, parent, parent_person, facility
):
    _login(client, parent)
    data = _birth_post()
    del data["want_residence"], data["want_hi_card"]
    response = client.post(reverse("beneficiaries:bundle_new", args=["birth"]), data)
    assert response.status_code == 422
    assert response.context["form"].non_field_errors()


def test_a_file_that_is_not_a_document_is_refused_on_its_field(
    client, catalogue, offices, parent, parent_person, facility
):
    _login(client, parent)
    bogus = io.BytesIO(b"MZ\x90\x00 not a pdf")
    bogus.name = "giay-chung-sinh.pdf"
    response = client.post(
        reverse("beneficiaries:bundle_new", args=["birth"]),
        {**_birth_post(), "medical_birth_certificate": bogus},
    )
    assert response.status_code == 422
    assert "medical_birth_certificate" in response.context["form"].errors
    assert not Bundle.objects.exists()


def test_filing_the_birth_bundle_leads_to_the_tracker(
    client, catalogue, offices, parent, parent_person, facility, django_capture_on_commit_callbacks
):
    _login(client, parent)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("beneficiaries:bundle_new", args=["birth"]),
            {**_birth_post(), "medical_birth_certificate": pdf_upload()},
        )
    bundle = Bundle.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("beneficiaries:bundle", args=[bundle.reference])
    assert bundle.declaration["facility_label"] == "01001 - Bệnh viện Nhi Trung ương"
    assert bundle.declaration["residence_address"].startswith("Số 12 Tràng Tiền, Phường Hoàn")

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    dossier = BundlePart.objects.get(procedure=BundleProcedure.HI_CARD_CHILD).dossier
    assert dossier.code in html
    card_part = html[html.index('data-testid="part-hi_card_child"') :]
    card_part = card_part[: card_part.index("</li>")]
    with translation.override("vi"):
        assert translation.gettext(PartStatus.FILED.label) in card_part
        assert str(dossier.get_state_display()) in card_part
    birth_part = html[html.index('data-testid="part-birth_registration"') :]
    with translation.override("vi"):
        assert (
            translation.gettext(PartStatus.COMPLETED.label)
            in birth_part[: birth_part.index("</li>")]
        )
    # Submitting the same form again (same key) does not file twice.
    client.post(
        reverse("beneficiaries:bundle_new", args=["birth"]),
        {**_birth_post(), "medical_birth_certificate": pdf_upload()},
    )
    assert Bundle.objects.count() == 1


def test_missing_document_is_added_on_the_tracker(
    client, catalogue, offices, parent, parent_person, facility, django_capture_on_commit_callbacks
):
    _login(client, parent)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("beneficiaries:bundle_new", args=["birth"]), _birth_post())
    bundle = Bundle.objects.get()
    url = reverse("beneficiaries:bundle", args=[bundle.reference])
    assert 'data-testid="missing-documents"' in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("beneficiaries:bundle_document", args=[bundle.reference]),
            {"kind": "medical_birth_certificate", "file": pdf_upload()},
        )
    assert response.status_code == 302
    birth = bundle.parts.get(procedure=BundleProcedure.BIRTH_REGISTRATION)
    assert birth.status == PartStatus.COMPLETED
    assert 'data-testid="missing-documents"' not in client.get(url).content.decode()
    # A kind that is not missing any more is a message, not a crash.
    response = client.post(
        reverse("beneficiaries:bundle_document", args=[bundle.reference]),
        {"kind": "medical_birth_certificate", "file": pdf_upload()},
        follow=True,
    )
    assert response.status_code == 200


def test_the_tracker_is_private(
    client, catalogue, offices, parent, parent_person, facility, django_capture_on_commit_callbacks
):
    _login(client, parent)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("beneficiaries:bundle_new", args=["birth"]), _birth_post())
    bundle = Bundle.objects.get()
    stranger = UserFactory(citizen=True)
    _login(client, stranger)
    assert client.get(reverse("beneficiaries:bundle", args=[bundle.reference])).status_code == 404
    response = client.post(
        reverse("beneficiaries:bundle_document", args=[bundle.reference]),
        {"kind": "medical_birth_certificate", "file": pdf_upload()},
    )
    assert response.status_code == 404
    assert client.get(reverse("beneficiaries:bundle_new", args=["marriage"])).status_code == 404


def test_death_form_offers_the_registered_parent(
    client, catalogue, offices, parent, parent_person, django_capture_on_commit_callbacks
):
    from beneficiaries.services import family_relation_add
    from tests.beneficiaries.factories import PersonFactory

    father = PersonFactory(
        national_id="001055000111",
        si_code="0155000111",
        full_name="Nguyễn Văn Bình",
        date_of_birth=dt.date(1955, 2, 1),
    )
    family_relation_add(person=parent_person, relative=father, kind="parent")
    _login(client, parent)
    url = reverse("beneficiaries:bundle_new", args=["death"])
    assert "Nguyễn Văn Bình" in client.get(url).content.decode()
    data = {
        "applicant_phone": "0912345678",
        "deceased_relative": str(father.pk),
        "date_of_death": (timezone.localdate() - dt.timedelta(days=2)).isoformat(),
        "relationship": "child",
        "province": "1",
        "commune": "70",
        "street": "Số 12 Tràng Tiền",
        "want_funeral": "on",
        "deceased_status": "pensioner",
        "payment_method": "bank",
        "bank_account": "",
        "bank_name": "",
        "return_method": "electronic",
        "death_notice": pdf_upload("giay-bao-tu.pdf"),
    }
    response = client.post(url, data)
    assert response.status_code == 422
    assert "bank_account" in response.context["form"].errors
    data["bank_account"] = "0011223344556"
    data["bank_name"] = "Vietcombank"
    data["death_notice"] = pdf_upload("giay-bao-tu.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302
    bundle = Bundle.objects.get()
    assert bundle.declaration["deceased_national_id"] == "001055000111"
    assert bundle.declaration["deceased_si_code"] == "0155000111"
    funeral = bundle.parts.get(procedure=BundleProcedure.FUNERAL_ALLOWANCE)
    assert funeral.status == PartStatus.FILED
    assert funeral.dossier.data["deceased_si_code"] == "0155000111"


def test_officer_finds_a_person_by_si_code_and_sees_accommodation_needs(client, offices):
    from tests.beneficiaries.factories import PersonFactory

    person = PersonFactory(
        si_code="1588001234",
        full_name="Giàng A Páo",
        needs_interpreter=True,
        preferred_language="hmn",
        needs_large_print=True,
    )
    officer = UserFactory(username="c1", role=Role.COUNTER_OFFICER, office=offices[1])
    _login(client, officer)
    response = client.get(reverse("beneficiaries:home"), {"identifier": "1588001234"})
    assert response.status_code == 302
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Giàng A Páo" in html
    assert 'data-testid="accommodations"' in html
    response = client.get(reverse("beneficiaries:home"), {"identifier": "12AB"})
    assert response.status_code == 200
    assert "identifier" in response.context["form"].errors
    # Citizens cannot open other people's records.
    _login(client, UserFactory(citizen=True))
    assert client.get(reverse("beneficiaries:person", args=[person.pk])).status_code == 404


@pytest.mark.parametrize(
    "identifier",
    [
        "079305000111",  # the CCCD, which since 1 July 2025 is also the SI code
        "7905000111",  # the 10-digit SI code, also the number on cards since 2021
        "hx 4 79 7905000111",  # the 15 characters of an older card
    ],
)
def test_officer_finds_a_person_by_cccd_si_code_or_hi_card(client, offices, identifier):
    from tests.beneficiaries.factories import HiCardFactory, PersonFactory

    person = PersonFactory(
        national_id="079305000111",
        si_code="7905000111",
        full_name="Lê Thị Hoa",
        date_of_birth=dt.date(2005, 3, 1),
        gender="female",
    )
    HiCardFactory(person=person, number="HX4797905000111", group="HX")
    _login(client, UserFactory(username="c2", role=Role.COUNTER_OFFICER, office=offices[1]))

    response = client.get(reverse("beneficiaries:home"), {"identifier": identifier})

    assert response.status_code == 302
    assert response["Location"] == reverse("beneficiaries:person", args=[person.pk])


@pytest.mark.parametrize(
    ("identifier", "code"),
    [
        ("003305000111", "national_id_province"),
        ("ZZ4797905000111", "hi_card_group"),
        ("DN6797905000111", "hi_card_benefit_level"),
        ("12345678901234", "identifier_format"),
    ],
)
def test_a_malformed_look_up_number_is_a_field_message(client, offices, identifier, code):
    _login(client, UserFactory(username="c3", role=Role.COUNTER_OFFICER, office=offices[1]))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get(reverse("beneficiaries:home"), {"identifier": identifier})

    assert response.status_code == 200
    errors = response.context["form"].errors.get_json_data()
    assert [e["code"] for e in errors["identifier"]] == [code]
    assert errors["identifier"][0]["message"] in response.content.decode()


def test_the_death_form_takes_the_deceaseds_cccd_as_si_code_and_checks_it(
    client, catalogue, offices, parent, parent_person
):
    _login(client, parent)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("beneficiaries:bundle_new", args=["death"])
    data = {
        "applicant_phone": "0912345678",
        "deceased_full_name": "Nguyễn Văn Bình",
        "deceased_national_id": "001055000111",
        "deceased_si_code": "001056000111",
        "date_of_death": (timezone.localdate() - dt.timedelta(days=2)).isoformat(),
        "relationship": "child",
        "province": "1",
        "commune": "70",
        "street": "Số 12 Tràng Tiền",
        "want_residence_removal": "on",
    }

    page = client.get(url).content.decode()
    wrong = client.post(url, data)
    data["deceased_si_code"] = "001055000111"
    right = client.post(url, data)

    assert "since 1 July 2025 it serves as the social insurance code" in page
    assert wrong.status_code == 422
    assert list(wrong.context["form"].errors) == ["deceased_si_code"]
    assert right.status_code == 302
    assert Bundle.objects.get().declaration["deceased_si_code"] == "001055000111"


def test_citizen_home_shows_the_record(client, parent, parent_person):
    _login(client, parent)
    html = client.get(reverse("beneficiaries:home")).content.decode()
    assert "0190012345" in html
    assert "Công ty Sao Mai" in html
    assert "0011223344556" in html


def test_communes_follow_the_province(client, parent):
    _login(client, parent)
    html = client.get(reverse("beneficiaries:communes"), {"province": "1"}).content.decode()
    assert "Phường Hoàn Kiếm" in html
    assert client.get(reverse("beneficiaries:communes"), {"province": "x"}).status_code == 200
