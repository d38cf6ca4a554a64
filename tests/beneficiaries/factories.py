"""Registry rows for tests: persons with valid identifiers, employers, cards, payments."""

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from beneficiaries.constants import CardStatus, PaymentMethodKind
from beneficiaries.models import (
    Employer,
    Employment,
    HealthFacility,
    HiCard,
    PaymentMethod,
    Person,
)


def national_id_for(n: int, *, born: dt.date, gender: str = "male", province: str = "001") -> str:
    """A structurally valid CCCD for a birth date and gender (n makes it unique)."""
    digit = (born.year // 100 - 19) * 2 + (1 if gender == "female" else 0)
    return f"{province}{digit}{born.year % 100:02d}{n % 10**6:06d}"


class HealthFacilityFactory(DjangoModelFactory):
    class Meta:
        model = HealthFacility
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"01{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"Trạm y tế số {n}")
    province_code = 1


class EmployerFactory(DjangoModelFactory):
    class Meta:
        model = Employer
        django_get_or_create = ("unit_code",)

    unit_code = factory.Sequence(lambda n: f"0101{n % 10**6:06d}")
    name = factory.Sequence(lambda n: f"Công ty TNHH Mẫu {n}")
    province_code = 1


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    full_name = factory.Sequence(lambda n: f"Người Mẫu {n}")
    date_of_birth = dt.date(1990, 5, 12)
    gender = "male"
    national_id = factory.LazyAttributeSequence(
        lambda o, n: national_id_for(500000 + n, born=o.date_of_birth, gender=o.gender)
    )
    si_code = factory.Sequence(lambda n: f"01{n % 10**8:08d}")
    current_province_code = 1
    current_street = "Số 12 Tràng Tiền"
    phone = "0912345678"


class HiCardFactory(DjangoModelFactory):
    class Meta:
        model = HiCard

    person = factory.SubFactory(PersonFactory)
    group = "DN"
    benefit_level = 4
    number = factory.LazyAttribute(lambda o: f"{o.group}{o.benefit_level}01{o.person.si_code}")
    valid_from = dt.date(2026, 1, 1)
    valid_to = dt.date(2026, 12, 31)
    facility_code = "01001"
    facility_name = "Bệnh viện Bạch Mai"
    status = CardStatus.ACTIVE
    issued_at = factory.LazyFunction(timezone.now)


class EmploymentFactory(DjangoModelFactory):
    class Meta:
        model = Employment

    person = factory.SubFactory(PersonFactory)
    employer = factory.SubFactory(EmployerFactory)
    started_on = dt.date(2015, 3, 1)


class PaymentMethodFactory(DjangoModelFactory):
    class Meta:
        model = PaymentMethod

    person = factory.SubFactory(PersonFactory)
    method = PaymentMethodKind.BANK
    bank_account = "0123456789012"
    bank_name = "Vietcombank Hà Nội"
    valid_from = factory.LazyFunction(timezone.now)
