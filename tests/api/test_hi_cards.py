"""HI card look-up by personal ID number, for health facilities."""

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


def test_unknown_and_invalid_numbers(health_facility, card_holder):
    unknown = health_facility.client.get("/api/v1/hi-cards/079090000001/")
    invalid = health_facility.client.get("/api/v1/hi-cards/12345/")

    assert unknown.status_code == 404
    assert invalid.status_code == 400
    assert invalid.json()["errors"][0]["field"] == "national_id"


def test_only_health_facilities_with_the_scope(make_partner, ivan, card_holder):
    without_scope = make_partner(kind=PartnerKind.HEALTH_FACILITY, name="No scope", scopes=[])

    assert without_scope.client.get("/api/v1/hi-cards/001090012345/").status_code == 403
    assert ivan.client.get("/api/v1/hi-cards/001090012345/").status_code == 403
