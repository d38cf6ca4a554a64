"""HI card look-up by personal ID number or card number, for health facilities."""

import datetime as dt

import pytest
from django.utils import timezone

from beneficiaries import selectors
from partners.constants import PartnerKind

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not hasattr(selectors, "hi_card_status"),
        reason="beneficiaries.selectors.hi_card_status (registry issue) is not there yet",
    ),
]


@pytest.fixture
def card_holder(db):
    from beneficiaries.models import HiCard, Person

    person = Person.objects.create(
        national_id="001090012345",
        si_code="0123456789",
        full_name="Nguyễn Văn An",
        date_of_birth=dt.date(1990, 5, 17),
        gender="male",
    )
    today = timezone.localdate()
    return HiCard.objects.create(
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


def test_a_health_facility_looks_up_an_active_card(health_facility, card_holder):
    response = health_facility.client.get("/api/v1/hi-cards/001090012345/")

    assert response.status_code == 200
    body = response.json()
    assert body["card_number"] == "DN4010123456789"
    assert body["valid"] is True
    assert body["benefit_level"] == 4
    assert body["facility_code"] == "01001"


@pytest.mark.parametrize("number", ["0123456789", "DN4010123456789", "dn4010123456789"])
def test_a_card_is_found_by_either_printed_form_of_its_number(health_facility, card_holder, number):
    # Cards since 2021 print only the 10-digit SI code; older ones 15 characters.
    response = health_facility.client.get(f"/api/v1/hi-cards/{number}/")

    assert response.status_code == 200
    assert response.json()["card_number"] == "DN4010123456789"


def test_the_10_digit_number_answers_the_active_card_of_several(health_facility, card_holder):
    from beneficiaries.models import HiCard

    HiCard.objects.filter(pk=card_holder.pk).update(status="replaced")
    HiCard.objects.create(
        person=card_holder.person,
        number="HT3010123456789",
        group="HT",
        benefit_level=3,
        valid_from=card_holder.valid_from,
        valid_to=card_holder.valid_to,
        issued_at=timezone.now(),
    )

    response = health_facility.client.get("/api/v1/hi-cards/0123456789/")
    old_number = health_facility.client.get("/api/v1/hi-cards/DN4010123456789/")

    assert response.status_code == 200
    assert response.json()["card_number"] == "HT3010123456789"
    assert old_number.status_code == 404


def test_unknown_and_invalid_numbers(health_facility, card_holder):
    unknown = health_facility.client.get("/api/v1/hi-cards/079090000001/")
    unknown_card = health_facility.client.get("/api/v1/hi-cards/0123456780/")
    invalid = health_facility.client.get("/api/v1/hi-cards/12345/")

    assert unknown.status_code == 404
    assert unknown_card.status_code == 404
    assert unknown_card["Content-Type"].startswith("application/problem+json")
    assert invalid.status_code == 400
    assert invalid["Content-Type"].startswith("application/problem+json")
    errors = invalid.json()["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("identifier", "hi_card_lookup_format")]
    assert errors[0]["message"]


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("003090012345", "national_id_province"),  # no such birth-registration province
        ("ZZ4010123456789", "hi_card_group"),
        ("DN6010123456789", "hi_card_benefit_level"),
        ("012345678A", "hi_card_length"),
        ("0123456789012", "hi_card_lookup_format"),
    ],
)
def test_malformed_numbers_are_field_errors(health_facility, card_holder, number, code):
    response = health_facility.client.get(f"/api/v1/hi-cards/{number}/")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    errors = response.json()["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("identifier", code)]


def test_only_health_facilities_with_the_scope(make_partner, ivan, card_holder):
    without_scope = make_partner(kind=PartnerKind.HEALTH_FACILITY, name="No scope", scopes=[])

    assert without_scope.client.get("/api/v1/hi-cards/001090012345/").status_code == 403
    assert ivan.client.get("/api/v1/hi-cards/001090012345/").status_code == 403
