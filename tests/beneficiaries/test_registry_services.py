"""Registry writes: persons, families, cards, payment methods and dossier results."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction

from beneficiaries.constants import (
    CardStatus,
    EntitlementKind,
    EntitlementStatus,
    RegistryEventKind,
    RelationKind,
)
from beneficiaries.models import (
    BenefitEntitlement,
    FamilyRelation,
    HiCard,
    PaymentMethod,
    Person,
    RegistryEvent,
)
from beneficiaries.services import (
    child_card_valid_to,
    family_relation_add,
    hi_card_issue,
    person_record_death,
    person_register,
    registry_apply_result,
)
from dossiers.constants import DossierState, Outcome
from tests.dossiers.factories import make_dossier

from .factories import HealthFacilityFactory, HiCardFactory, PaymentMethodFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_person_register_checks_the_cccd_against_birth_and_gender():
    person = person_register(
        national_id="001 090 012345",
        full_name=" Nguyễn Văn An ",
        date_of_birth=dt.date(1990, 5, 12),
        gender="male",
    )
    assert person.national_id == "001090012345"
    assert person.full_name == "Nguyễn Văn An"
    assert RegistryEvent.objects.get(person=person).kind == RegistryEventKind.PERSON_REGISTERED
    with pytest.raises(ValidationError) as error:
        person_register(
            national_id="001190012346",
            full_name="Sai Giới Tính",
            date_of_birth=dt.date(1990, 1, 1),
            gender="male",
        )
    assert error.value.code == "national_id_gender"
    with pytest.raises(ValidationError):
        person_register(
            national_id="001090012347",
            full_name="Sai Năm Sinh",
            date_of_birth=dt.date(1991, 1, 1),
            gender="male",
        )


def test_database_refuses_malformed_identifiers():
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(
            national_id="00109001234X",
            full_name="X",
            date_of_birth=dt.date(1990, 1, 1),
            gender="male",
        )


def test_family_relations_are_written_both_ways_once():
    parent = PersonFactory()
    child = PersonFactory(date_of_birth=dt.date(2020, 1, 1))
    assert family_relation_add(person=child, relative=parent, kind=RelationKind.PARENT) is True
    assert family_relation_add(person=child, relative=parent, kind=RelationKind.PARENT) is False
    assert FamilyRelation.objects.get(person=parent, relative=child).kind == RelationKind.CHILD
    assert FamilyRelation.objects.count() == 2


def test_issuing_a_card_builds_the_1351_number_and_replaces_the_active_one():
    person = PersonFactory(si_code=None, current_province_code=79)
    facility = HealthFacilityFactory(code="79001", name="Bệnh viện Chợ Rẫy", province_code=79)
    first = hi_card_issue(
        person=person,
        group="GD",
        benefit_level=4,
        province_code=79,
        valid_from=dt.date(2026, 1, 1),
        valid_to=dt.date(2026, 12, 31),
        facility=facility,
    )
    person.refresh_from_db()
    assert person.si_code.startswith("79")
    assert len(person.si_code) == 10
    assert first.number == f"GD479{person.si_code}"
    assert first.facility_code == "79001"
    second = hi_card_issue(
        person=person,
        group="HN",
        benefit_level=1,
        province_code=79,
        valid_from=dt.date(2026, 1, 1),
        valid_to=dt.date(2026, 12, 31),
    )
    first.refresh_from_db()
    assert first.status == CardStatus.REPLACED
    assert second.replaces == first
    assert HiCard.objects.filter(person=person, status=CardStatus.ACTIVE).get() == second


def test_one_active_card_per_person_is_a_database_rule():
    card = HiCardFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        HiCardFactory(person=card.person, number=card.number)


@pytest.mark.parametrize(
    ("born", "valid_to"),
    [
        (dt.date(2026, 3, 10), dt.date(2032, 9, 30)),  # turns six before the school year
        (dt.date(2026, 11, 2), dt.date(2032, 11, 1)),  # turns six after 30 September
        (dt.date(2024, 2, 29), dt.date(2030, 9, 30)),
    ],
)
def test_child_card_validity(born, valid_to):
    assert child_card_valid_to(born) == valid_to


def test_registry_events_are_append_only_in_the_database():
    person = PersonFactory()
    event = RegistryEvent.objects.create(kind=RegistryEventKind.PERSON_REGISTERED, person=person)
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE beneficiaries_registryevent SET kind = %s WHERE id = %s", ["x", event.pk]
        )
    assert RegistryEvent.objects.get(pk=event.pk).kind == RegistryEventKind.PERSON_REGISTERED


def test_recording_a_death_ends_monthly_benefits_once():
    person = PersonFactory(date_of_birth=dt.date(1950, 1, 1), national_id="001050000001")
    pension = BenefitEntitlement.objects.create(
        person=person,
        kind=EntitlementKind.OLD_AGE_PENSION,
        status=EntitlementStatus.IN_PAYMENT,
        started_on=dt.date(2010, 1, 1),
    )
    died = dt.date(2026, 11, 1)
    assert person_record_death(person=person, date_of_death=died) is True
    assert person_record_death(person=person, date_of_death=died) is False
    pension.refresh_from_db()
    assert (pension.status, pension.ended_on) == (EntitlementStatus.ENDED, died)
    assert RegistryEvent.objects.filter(kind=RegistryEventKind.DEATH_RECORDED).count() == 1


# --- results of processed dossiers -----------------------------------------------------


def _processed(catalogue, offices, slug, person, data, outcome=Outcome.APPROVED, **extra):
    dossier = make_dossier(
        procedure=catalogue[slug],
        state=DossierState.PROCESSED,
        office=offices[1],
        outcome=outcome,
        applicant_national_id=person.national_id,
        data={"national_id": person.national_id, **data},
        **extra,
    )
    return dossier


def test_approved_hi_card_reissue_updates_the_card_once(catalogue, offices):
    person = PersonFactory()
    old = HiCardFactory(person=person, facility_code="01001", facility_name="Bệnh viện Bạch Mai")
    HealthFacilityFactory(code="01002", name="Bệnh viện Thanh Nhàn", province_code=1)
    dossier = _processed(
        catalogue,
        offices,
        "hi-card-reissue-exchange",
        person,
        {
            "card_request_type": "change_primary_care",
            "new_primary_care_facility": "01002 - Bệnh viện Thanh Nhàn",
        },
    )

    assert registry_apply_result(dossier=dossier) is True
    old.refresh_from_db()
    new = HiCard.objects.get(person=person, status=CardStatus.ACTIVE)
    assert old.status == CardStatus.REPLACED
    assert new.replaces == old
    assert new.number == old.number
    assert (new.facility_code, new.facility_name) == ("01002", "Bệnh viện Thanh Nhàn")
    assert new.source_dossier == dossier
    assert RegistryEvent.objects.filter(
        dossier=dossier, kind=RegistryEventKind.CARD_REISSUED
    ).exists()
    # A repeat (retried task, second hook) changes nothing.
    assert registry_apply_result(dossier=dossier) is False
    assert HiCard.objects.filter(person=person).count() == 2


def test_lost_card_reissue_keeps_the_facility(catalogue, offices):
    person = PersonFactory()
    HiCardFactory(person=person, facility_code="01001", facility_name="Bệnh viện Bạch Mai")
    dossier = _processed(
        catalogue,
        offices,
        "hi-card-reissue-exchange",
        person,
        {"card_request_type": "reissue_lost"},
    )
    assert registry_apply_result(dossier=dossier) is True
    assert HiCard.objects.get(person=person, status=CardStatus.ACTIVE).facility_code == "01001"


def test_a_dossier_giving_the_cccd_as_si_code_finds_its_applicant(catalogue, offices):
    # Filed by someone else (no applicant CCCD on the dossier) with the person's CCCD in
    # the SI-code field, as the Law on Social Insurance 2024 allows since 1 July 2025.
    person = PersonFactory(si_code=None)
    HiCardFactory(person=person, number=f"DN401{'0' * 10}")
    dossier = make_dossier(
        procedure=catalogue["hi-card-reissue-exchange"],
        state=DossierState.PROCESSED,
        office=offices[1],
        outcome=Outcome.APPROVED,
        applicant_national_id="",
        data={"si_code": person.national_id, "card_request_type": "reissue_lost"},
    )

    assert registry_apply_result(dossier=dossier) is True
    assert HiCard.objects.get(person=person, status=CardStatus.ACTIVE).source_dossier == dossier


def test_denied_or_unfinished_dossiers_do_not_touch_the_registry(catalogue, offices):
    person = PersonFactory()
    HiCardFactory(person=person)
    denied = _processed(
        catalogue,
        offices,
        "hi-card-reissue-exchange",
        person,
        {"card_request_type": "reissue_lost"},
        outcome=Outcome.DENIED,
    )
    in_processing = make_dossier(
        procedure=catalogue["hi-card-reissue-exchange"],
        state=DossierState.IN_PROCESSING,
        office=offices[1],
        applicant_national_id=person.national_id,
    )
    other_procedure = _processed(catalogue, offices, "sickness-benefit", person, {})
    assert registry_apply_result(dossier=denied) is False
    assert registry_apply_result(dossier=in_processing) is False
    assert registry_apply_result(dossier=other_procedure) is False
    assert HiCard.objects.filter(person=person).count() == 1
    assert not RegistryEvent.objects.filter(kind=RegistryEventKind.DOSSIER_APPLIED).exists()


def test_approved_payment_method_change_keeps_the_history(catalogue, offices):
    person = PersonFactory()
    before = PaymentMethodFactory(person=person, method="cash_post", bank_account="")
    dossier = _processed(
        catalogue,
        offices,
        "payment-method-change",
        person,
        {
            "current_payment_method": "cash_post",
            "new_payment_method": "bank",
            "new_bank_account": "9704 0000 1234 56",
            "new_bank_name": "BIDV Hà Nội",
        },
    )
    assert registry_apply_result(dossier=dossier) is True
    before.refresh_from_db()
    current = PaymentMethod.objects.get(person=person, valid_to__isnull=True)
    assert before.valid_to is not None
    assert (current.method, current.bank_account) == ("bank", "97040000123456")
    assert current.source_dossier == dossier
    event = RegistryEvent.objects.get(kind=RegistryEventKind.PAYMENT_METHOD_CHANGED)
    assert event.payload["previous_method"] == "cash_post"
    assert registry_apply_result(dossier=dossier) is False
    assert PaymentMethod.objects.filter(person=person).count() == 2


def test_a_person_unknown_to_the_registry_is_not_applied(catalogue, offices):
    stranger = Person(national_id="001090099999")
    dossier = _processed(
        catalogue, offices, "payment-method-change", stranger, {"new_payment_method": "cash_post"}
    )
    assert registry_apply_result(dossier=dossier) is False
    assert not PaymentMethod.objects.exists()


def test_approved_survivor_allowance_is_an_entitlement_in_payment(catalogue, offices):
    person = PersonFactory()
    dossier = _processed(catalogue, offices, "monthly-survivor-allowance", person, {})
    assert registry_apply_result(dossier=dossier) is True
    entitlement = BenefitEntitlement.objects.get(person=person)
    assert entitlement.kind == EntitlementKind.SURVIVOR_MONTHLY
    assert entitlement.status == EntitlementStatus.IN_PAYMENT
