"""Registry reads: look-up by CCCD or SI code, the HI card look-up, prefill values."""

import datetime as dt

import pytest
import time_machine

from beneficiaries.constants import CardStatus
from beneficiaries.selectors import (
    hi_card_status,
    letter_preferences,
    person_by_identifier,
    person_by_si_code,
    person_known_values,
)

from .factories import HiCardFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_person_is_found_by_cccd_or_by_legacy_si_code():
    person = PersonFactory(national_id="001090012345", si_code="0190012345")
    assert person_by_identifier(identifier="001090012345") == person
    assert person_by_identifier(identifier="0190 012 345") == person
    assert person_by_identifier(identifier="0190012346") is None
    assert person_by_identifier(identifier="12345") is None
    assert person_by_identifier(identifier="") is None


def test_an_si_code_finds_the_person_by_legacy_code_or_by_personal_id_number():
    # Since 1 July 2025 the CCCD is the SI code: a person registered without a 10-digit
    # code is found by it, and so is one who has both.
    newcomer = PersonFactory(national_id="079305000111", si_code=None)
    veteran = PersonFactory(national_id="001090012345", si_code="0190012345")

    assert person_by_si_code(si_code="079305000111") == newcomer
    assert person_by_si_code(si_code="001090012345") == veteran
    assert person_by_si_code(si_code="0190012345") == veteran
    assert person_by_si_code(si_code="079305000112") is None
    assert person_by_si_code(si_code="DN4010190012345") is None


def test_person_is_found_by_either_form_of_the_hi_card_number():
    holder = PersonFactory(national_id="001090012345", si_code="0190012345")
    HiCardFactory(person=holder, number="DN4010190012345")
    # A person registered with a card whose SI code is not in their si_code column (say,
    # a card imported before the code was recorded) is found by the card's last 10.
    other = PersonFactory(si_code=None)
    HiCardFactory(person=other, number="HT3480155000111")

    assert person_by_identifier(identifier="dn4010190012345") == holder
    assert person_by_identifier(identifier="0190012345") == holder
    assert person_by_identifier(identifier="0155000111") == other
    assert person_by_identifier(identifier="HT3480155000111") == other
    assert person_by_identifier(identifier="DN4010155000111") is None  # no such card


@time_machine.travel(dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC), tick=False)
def test_hi_card_status_finds_the_card_by_either_printed_form(django_assert_num_queries):
    person = PersonFactory(national_id="001090012345", si_code="0190012345")
    HiCardFactory(
        person=person,
        number="DN4010190012345",
        status=CardStatus.REPLACED,
        valid_from=dt.date(2025, 1, 1),
        valid_to=dt.date(2025, 12, 31),
    )
    active = HiCardFactory(person=person, number="HT3010190012345", group="HT", benefit_level=3)

    with django_assert_num_queries(1):
        by_ten = hi_card_status(identifier="0190012345")
    with django_assert_num_queries(1):
        by_fifteen = hi_card_status(identifier="ht3010190012345")

    # Several cards end with the same SI code: the active one is answered.
    assert by_ten["card_number"] == active.number
    assert by_ten["valid"] is True
    assert by_fifteen == by_ten
    # The replaced card's number is no longer an active card.
    assert hi_card_status(identifier="DN4010190012345") is None
    assert hi_card_status(identifier="0190012346") is None


@time_machine.travel(dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC), tick=False)
def test_hi_card_status_answers_in_one_query(django_assert_num_queries):
    card = HiCardFactory(
        person=PersonFactory(national_id="001090012345", si_code="0190012345"),
        group="DN",
        benefit_level=4,
        valid_from=dt.date(2026, 1, 1),
        valid_to=dt.date(2026, 12, 31),
        facility_code="01001",
        facility_name="Bệnh viện Bạch Mai",
    )
    with django_assert_num_queries(1):
        status = hi_card_status(identifier="001090012345")
    assert status == {
        "valid": True,
        "card_number": card.number,
        "group": "DN",
        "benefit_level": 4,
        "valid_from": dt.date(2026, 1, 1),
        "valid_to": dt.date(2026, 12, 31),
        "facility_code": "01001",
        "facility_name": "Bệnh viện Bạch Mai",
        "person_id": card.person_id,
    }


@time_machine.travel(dt.datetime(2027, 1, 5, 9, 0, tzinfo=dt.UTC), tick=False)
def test_an_expired_card_is_reported_invalid():
    HiCardFactory(
        person=PersonFactory(national_id="001090012345"),
        valid_from=dt.date(2026, 1, 1),
        valid_to=dt.date(2026, 12, 31),
    )
    status = hi_card_status(identifier="001090012345")
    assert status is not None
    assert status["valid"] is False


def test_a_dead_persons_card_is_invalid_and_replaced_cards_are_ignored():
    person = PersonFactory(national_id="001055000111", date_of_birth=dt.date(1955, 1, 1))
    HiCardFactory(person=person, status=CardStatus.REPLACED, number="HT201" + person.si_code)
    assert hi_card_status(identifier="001055000111") is None
    HiCardFactory(
        person=person,
        valid_from=dt.date(2000, 1, 1),
        valid_to=dt.date(2099, 12, 31),
    )
    assert hi_card_status(identifier="001055000111")["valid"] is True
    person.date_of_death = dt.date(2026, 1, 1)
    person.save(update_fields=["date_of_death"])
    assert hi_card_status(identifier="001055000111")["valid"] is False


def test_unknown_or_malformed_numbers_get_none_without_a_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert hi_card_status(identifier="12345") is None
        assert hi_card_status(identifier="00109001234X") is None
    assert hi_card_status(identifier="001090099999") is None


def test_known_values_come_from_the_registry_in_four_queries(
    parent_person, django_assert_num_queries
):
    with django_assert_num_queries(4):
        values = person_known_values(national_id=parent_person.national_id)
    assert values["si_code"] == "0190012345"
    assert values["hi_card"].endswith("0190012345")
    assert values["employer"] == "Công ty Sao Mai (0101234567)"
    assert values["bank_account"] == "0011223344556"
    assert values["address"] == "Số 12 Tràng Tiền, Phường Hoàn Kiếm, Thành phố Hà Nội"
    assert values["date_of_birth"] == "1990-05-12"
    assert person_known_values(national_id="001090099999") == {}


def test_letter_preferences_carry_the_accommodation_needs():
    PersonFactory(
        national_id="015088001234",
        date_of_birth=dt.date(1988, 4, 4),
        needs_large_print=True,
        needs_interpreter=True,
        preferred_language="hmn",
    )
    preferences = letter_preferences(national_id="015088001234")
    assert preferences["large_print"] is True
    assert preferences["language"] == "hmn"
    assert len(preferences["needs"]) == 2
    assert letter_preferences(national_id="001090099999")["large_print"] is False
