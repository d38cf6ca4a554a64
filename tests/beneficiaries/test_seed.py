"""Demo and benchmark populations: realistic, valid, idempotent."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from beneficiaries.constants import CardStatus
from beneficiaries.models import FamilyRelation, HiCard, Person
from beneficiaries.population import DEMO_CITIZEN_ID
from beneficiaries.validators import validate_hi_card_number, validate_national_id
from dossiers.prefill import known_values
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _identifiers_valid(persons) -> None:
    for person in persons:
        if person.national_id:
            validate_national_id(
                person.national_id, date_of_birth=person.date_of_birth, gender=person.gender
            )
    for card in HiCard.objects.select_related("person"):
        assert validate_hi_card_number(card.number) == card.number
        assert card.number[5:] == card.person.si_code


# The population's ages and contribution records follow the day it is generated; the
# assertions below are about one fixed day.
SEED_DAY = dt.datetime(2026, 11, 24, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@time_machine.travel(SEED_DAY, tick=False)
def test_seed_registry_makes_a_population_and_the_demo_citizen():
    out = io.StringIO()
    call_command("seed_registry", stdout=out)
    persons = list(Person.objects.all())
    assert len(persons) >= 1000
    assert len({p.current_province_code for p in persons}) == 34
    assert FamilyRelation.objects.filter(kind="child").exists()
    assert Person.objects.filter(contributions__isnull=False).distinct().count() > 500
    assert Person.objects.filter(needs_interpreter=True).exists()
    _identifiers_valid(persons)

    an = Person.objects.get(national_id=DEMO_CITIZEN_ID)
    assert (an.full_name, an.gender, an.date_of_birth.isoformat()) == (
        "Nguyễn Văn An",
        "male",
        "1990-05-12",
    )
    citizen = UserFactory(citizen=True, national_id=DEMO_CITIZEN_ID, username="demo")
    values = known_values(citizen)
    assert values["si_code"] == an.si_code
    assert values["hi_card"] == HiCard.objects.get(person=an, status=CardStatus.ACTIVE).number
    assert values["employer"].startswith("Công ty Cổ phần Công nghệ Sao Mai")
    assert values["bank_account"] == "0011001234567"

    count = Person.objects.count()
    call_command("seed_registry", stdout=out)
    assert Person.objects.count() == count
    assert "already seeded" in out.getvalue()


def test_generate_population_writes_batches_and_skips_existing_identifiers():
    out = io.StringIO()
    call_command("generate_population", persons=300, batch=100, seed=11, stdout=out)
    made = Person.objects.count()
    assert made >= 300
    _identifiers_valid(Person.objects.all())
    # The same seed gives the same identifiers: nothing is written twice.
    call_command("generate_population", persons=300, batch=100, seed=11, stdout=out)
    assert Person.objects.count() == made
