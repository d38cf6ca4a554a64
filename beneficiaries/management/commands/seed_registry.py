"""Demo registry: a synthetic population of at least 1,000 persons, and the demo people.

Idempotent: does nothing when the demo citizen (CCCD 001090012345) is already registered.
Everything in it is synthetic.
"""

import datetime as dt
import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from beneficiaries.constants import (
    ContributionScheme,
    EntitlementKind,
    EntitlementStatus,
    PaymentMethodKind,
    PreferredLanguage,
    RelationKind,
)
from beneficiaries.models import ContributionPeriod, Employer, Employment, HealthFacility, Person
from beneficiaries.population import DEMO_CITIZEN_ID, PopulationBuilder
from beneficiaries.services import (
    child_card_valid_to,
    entitlement_grant,
    family_relation_add,
    hi_card_issue,
    payment_method_change,
    person_register,
)

HANOI = 1
HOAN_KIEM = 70  # Phường Hoàn Kiếm


class Command(BaseCommand):
    help = "Create a synthetic registry population (at least 1,000 persons). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=1200)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, persons, seed, **options):
        if Person.objects.filter(national_id=DEMO_CITIZEN_ID).exists():
            self.stdout.write("registry: already seeded")
            return
        started = time.monotonic()
        with transaction.atomic():
            builder = PopulationBuilder(seed=seed)
            builder.ensure_reference_data()
            demo = self._demo_people()
            made = len(demo)
            batch = []
            for household in builder.households(max(persons - made, 0)):
                batch.append(household)
                if sum(len(h.persons) for h in batch) >= 500:
                    made += builder.save(batch)
                    batch = []
            made += builder.save(batch)
        self.stdout.write(
            f"registry: {made} persons, {HealthFacility.objects.count()} facilities, "
            f"{Employer.objects.count()} employers ({time.monotonic() - started:.1f} s)"
        )

    def _demo_people(self) -> list[Person]:
        today = timezone.localdate()
        facility = HealthFacility.objects.get(code="01001")
        sao_mai, _ = Employer.objects.get_or_create(
            unit_code="0101234567",
            defaults={"name": "Công ty Cổ phần Công nghệ Sao Mai", "province_code": HANOI},
        )
        hong_ha, _ = Employer.objects.get_or_create(
            unit_code="0100234561",
            defaults={"name": "Công ty TNHH Thương mại Hồng Hà", "province_code": HANOI},
        )
        home = {
            "permanent_province_code": HANOI,
            "permanent_commune_code": HOAN_KIEM,
            "permanent_street": "Số 12 Tràng Tiền",
            "current_province_code": HANOI,
            "current_commune_code": HOAN_KIEM,
            "current_street": "Số 12 Tràng Tiền",
        }
        source = "seed_registry"
        an = person_register(
            national_id=DEMO_CITIZEN_ID,
            si_code="0190012345",
            full_name="Nguyễn Văn An",
            date_of_birth=dt.date(1990, 5, 12),
            gender="male",
            phone="0912345678",
            email="an.nguyen@example.vn",
            source=source,
            **home,
        )
        hoa = person_register(
            national_id="001191023456",
            si_code="0191023456",
            full_name="Trần Thị Hoa",
            date_of_birth=dt.date(1991, 8, 20),
            gender="female",
            phone="0987001122",
            source=source,
            **home,
        )
        minh_anh = person_register(
            national_id="001321045678",
            si_code="0121045678",
            full_name="Nguyễn Minh Anh",
            date_of_birth=dt.date(2021, 3, 15),
            gender="female",
            source=source,
            **home,
        )
        binh = person_register(
            national_id="001055000111",
            si_code="0155000111",
            full_name="Nguyễn Văn Bình",
            date_of_birth=dt.date(1955, 2, 1),
            gender="male",
            needs_large_print=True,
            source=source,
            **home,
        )
        hung = person_register(
            national_id="001085004321",
            si_code="0185004321",
            full_name="Lê Văn Hùng",
            date_of_birth=dt.date(1985, 10, 2),
            gender="male",
            phone="0903004321",
            current_province_code=HANOI,
            source=source,
        )
        mai = person_register(
            national_id="079303012345",
            si_code="7903012345",
            full_name="Phạm Thị Mai",
            date_of_birth=dt.date(2003, 7, 9),
            gender="female",
            phone="0987654321",
            current_province_code=79,
            source=source,
        )
        pao = person_register(
            national_id="015088001234",
            si_code="1588001234",
            full_name="Giàng A Páo",
            date_of_birth=dt.date(1988, 4, 4),
            gender="male",
            current_province_code=15,
            preferred_language=PreferredLanguage.HMONG,
            needs_interpreter=True,
            needs_assisted_digital=True,
            accommodation_note="Cần phiên dịch tiếng H'Mông khi làm việc trực tiếp.",
            source=source,
        )
        family_relation_add(person=an, relative=hoa, kind=RelationKind.SPOUSE)
        family_relation_add(person=minh_anh, relative=an, kind=RelationKind.PARENT)
        family_relation_add(person=minh_anh, relative=hoa, kind=RelationKind.PARENT)
        family_relation_add(person=an, relative=binh, kind=RelationKind.PARENT)

        jobs = [
            (an, hong_ha, dt.date(2012, 9, 1), dt.date(2017, 12, 31), 7_200_000),
            (an, sao_mai, dt.date(2018, 1, 2), None, 18_500_000),
            (hoa, sao_mai, dt.date(2016, 6, 1), None, 12_000_000),
            (hung, hong_ha, dt.date(2010, 3, 1), None, 9_800_000),
        ]
        Employment.objects.bulk_create(
            Employment(person=p, employer=e, started_on=start, ended_on=end)
            for p, e, start, end, _base in jobs
        )
        ContributionPeriod.objects.bulk_create(
            [
                *(
                    ContributionPeriod(
                        person=p,
                        employer=e,
                        scheme=ContributionScheme.COMPULSORY,
                        starts_on=start.replace(day=1),
                        ends_on=end.replace(day=1) if end else None,
                        salary_base_vnd=base,
                    )
                    for p, e, start, end, base in jobs
                ),
                ContributionPeriod(
                    person=mai,
                    scheme=ContributionScheme.VOLUNTARY,
                    starts_on=dt.date(2024, 1, 1),
                    salary_base_vnd=2_000_000,
                ),
            ]
        )
        year = {"valid_from": dt.date(today.year, 1, 1), "valid_to": dt.date(today.year, 12, 31)}
        hi_card_issue(
            person=an, group="DN", benefit_level=4, province_code=HANOI, facility=facility, **year
        )
        hi_card_issue(
            person=hoa, group="DN", benefit_level=4, province_code=HANOI, facility=facility, **year
        )
        hi_card_issue(
            person=minh_anh,
            group="TE",
            benefit_level=1,
            province_code=HANOI,
            valid_from=minh_anh.date_of_birth,
            valid_to=child_card_valid_to(minh_anh.date_of_birth),
            facility=facility,
        )
        hi_card_issue(
            person=binh, group="HT", benefit_level=2, province_code=HANOI, facility=facility, **year
        )
        hi_card_issue(
            person=hung, group="DN", benefit_level=4, province_code=HANOI, facility=facility, **year
        )
        hi_card_issue(
            person=mai,
            group="GD",
            benefit_level=4,
            province_code=79,
            facility=HealthFacility.objects.filter(province_code=79).first(),
            **year,
        )
        hi_card_issue(
            person=pao,
            group="DT",
            benefit_level=1,
            province_code=15,
            facility=HealthFacility.objects.filter(province_code=15).first(),
            **year,
        )
        payment_method_change(
            person=an,
            method=PaymentMethodKind.BANK,
            bank_account="0011001234567",
            bank_name="Vietcombank - Chi nhánh Hà Nội",
        )
        payment_method_change(
            person=binh,
            method=PaymentMethodKind.CASH_POST,
            pay_point_address="Bưu điện Hoàn Kiếm, 75 Đinh Tiên Hoàng",
        )
        entitlement_grant(
            person=binh,
            kind=EntitlementKind.OLD_AGE_PENSION,
            status=EntitlementStatus.IN_PAYMENT,
            started_on=dt.date(2015, 3, 1),
            amount_vnd=7_850_000,
        )
        return [an, hoa, minh_anh, binh, hung, mai, pao]
