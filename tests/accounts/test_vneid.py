"""VNeID's verified identity: which claims are trusted, how accounts are created or linked,
and what the registry learns (the full browser flow: tests/browser/test_vneid_sign_in.py)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from accounts.services import VerifiedIdentityRefused, citizen_sign_in_verified
from accounts.vneid import verified_identity
from beneficiaries.models import Person
from beneficiaries.services import person_register
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LAN = {"cccd": "079195007788", "name": "Đỗ  Thị Lan", "birthdate": "1995-11-23", "gender": "female"}


def test_claims_must_agree_with_the_cccd():
    identity = verified_identity(LAN)
    assert identity.full_name == "Đỗ Thị Lan"  # spaces normalised
    assert identity.date_of_birth == dt.date(1995, 11, 23)

    for wrong in (
        {"gender": "male"},  # the CCCD's gender digit says female
        {"birthdate": "1996-11-23"},  # the CCCD says born in 1995
        {"cccd": ""},
        {"name": "  "},
        {"birthdate": "23/11/1995"},
    ):
        with pytest.raises(ValidationError):
            verified_identity({**LAN, **wrong})


def test_a_staff_account_with_the_cccd_is_never_signed_in_through_vneid():
    UserFactory(counter_officer=True, national_id="079195007788")

    with pytest.raises(VerifiedIdentityRefused):
        citizen_sign_in_verified(
            national_id="079195007788",
            full_name="Đỗ Thị Lan",
            date_of_birth=dt.date(1995, 11, 23),
            gender="female",
        )


def test_what_the_registry_holds_is_not_overwritten_by_a_sign_in():
    person_register(
        national_id="079195007788",
        full_name="Đỗ Thị Lan",
        date_of_birth=dt.date(1995, 11, 23),
        gender="female",
        phone="0987000111",
    )

    user, created = citizen_sign_in_verified(
        national_id="079195007788",
        full_name="Đỗ Thị Lan Anh",
        date_of_birth=dt.date(1995, 11, 23),
        gender="female",
    )

    assert created
    assert user.full_name == "Đỗ Thị Lan Anh"
    person = Person.objects.get(national_id="079195007788")
    assert person.full_name == "Đỗ Thị Lan"
    assert person.registry_events.count() == 1


def test_the_vneid_pages_are_absent_until_a_provider_is_configured(client, settings):
    settings.VNEID_DISCOVERY_URL = ""

    assert client.get("/accounts/vneid/").status_code == 404
    assert "VNeID" not in client.get("/accounts/login/").content.decode()


def test_an_unreachable_provider_sends_the_citizen_back_with_a_message(client, settings):
    settings.VNEID_DISCOVERY_URL = "http://127.0.0.1:9/.well-known/openid-configuration"
    settings.VNEID_CLIENT_ID = "vss-portal"
    settings.VNEID_TIMEOUT = 1

    response = client.get("/accounts/vneid/", follow=True)

    assert response.redirect_chain[-1][0] == "/accounts/login/"
    assert "VNeID" in response.content.decode()
