"""A synthetic population for the demo and for benchmarks. Nobody in it is real.

Households across the 34 provinces: adults with employers, contribution histories and
HI cards, children with TE (under 6) or HS cards, retired parents with pensions paid to a
bank account or in cash, and a few people with accommodation needs. Identifiers are
structurally valid (CCCD agrees with birth year and gender; card numbers follow Decision
1351) and unique within a run; rows already in the database are skipped.

Rows are written with `bulk_create`, household by household in batches, so a million
people take minutes, not hours.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from offices.geography import commune_choices, province_choices

from .constants import (
    CardStatus,
    ContributionScheme,
    EntitlementKind,
    EntitlementStatus,
    PaymentMethodKind,
    PreferredLanguage,
    RelationKind,
)
from .models import (
    BenefitEntitlement,
    ContributionPeriod,
    Employer,
    Employment,
    FamilyRelation,
    HealthFacility,
    HiCard,
    PaymentMethod,
    Person,
)
from .services import child_card_valid_to
from .validators import OLD_PROVINCE_CODES

FAMILY_NAMES = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
    "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trương", "Lâm", "Mai",
]  # fmt: skip
MIDDLE = {
    "male": ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Thành", "Công", "Gia", "Xuân", "Đình"],
    "female": ["Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mai", "Phương", "Bích", "Hồng", "Diệu"],
}
GIVEN = {
    "male": [
        "An", "Bình", "Cường", "Dũng", "Hùng", "Khánh", "Long", "Nam", "Phúc", "Quân",
        "Sơn", "Tuấn", "Việt", "Hải", "Đạt", "Huy", "Khôi", "Lộc", "Tâm", "Trung",
    ],
    "female": [
        "Anh", "Chi", "Dung", "Giang", "Hà", "Hoa", "Hương", "Lan", "Linh", "Mai",
        "Ngọc", "Nhung", "Phương", "Thảo", "Trang", "Yến", "Vy", "Uyên", "Quỳnh", "My",
    ],
}  # fmt: skip
STREETS = [
    "Trần Hưng Đạo", "Lê Lợi", "Nguyễn Huệ", "Hai Bà Trưng", "Lý Thường Kiệt", "Quang Trung",
    "Điện Biên Phủ", "Hùng Vương", "Nguyễn Trãi", "Lê Duẩn", "Bạch Đằng", "Phan Chu Trinh",
]  # fmt: skip
EMPLOYER_FORMS = ["Công ty TNHH", "Công ty Cổ phần", "Hợp tác xã", "Công ty TNHH MTV"]
EMPLOYER_NAMES = [
    "Sao Mai", "Hòa Bình", "Phú Thịnh", "An Khang", "Trường Sơn", "Bình Minh", "Hưng Thịnh",
    "Việt Tiến", "Thành Công", "Đại Phát", "Minh Long", "Hồng Hà", "Cửu Long", "Tân Tiến",
]  # fmt: skip
EMPLOYER_TRADES = ["Dệt may", "Xây dựng", "Thương mại", "Công nghệ", "Thực phẩm", "Vận tải"]
BANKS = ["Vietcombank", "VietinBank", "BIDV", "Agribank", "Techcombank", "MB"]
# Heavier weight on the big cities, as in the insured population.
CITY_WEIGHTS = {1: 8, 79: 10, 48: 3, 31: 3, 92: 2}

DEMO_CITIZEN_ID = "001090012345"


@dataclass
class Household:
    persons: list[Person] = field(default_factory=list)
    relations: list[tuple[int, int, str]] = field(default_factory=list)  # indexes, kind
    employments: list[tuple[int, Employment]] = field(default_factory=list)
    contributions: list[tuple[int, ContributionPeriod]] = field(default_factory=list)
    cards: list[tuple[int, HiCard]] = field(default_factory=list)
    payments: list[tuple[int, PaymentMethod]] = field(default_factory=list)
    entitlements: list[tuple[int, BenefitEntitlement]] = field(default_factory=list)


def _old_code(province_code: int) -> str:
    code = f"{province_code:03d}"
    return code if code in OLD_PROVINCE_CODES else "001"


class PopulationBuilder:
    """Builds unsaved rows; `save` writes a batch of households."""

    def __init__(self, *, seed: int = 2026, today: dt.date | None = None):
        # Separate streams: the people of a seed do not depend on what reference data
        # already existed, so a repeated run finds (and skips) the same identifiers.
        self.rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
        self.reference_rng = random.Random(seed + 1)  # noqa: S311
        self.today = today or timezone.localdate()
        self.now = timezone.now()
        provinces = [code for code, _name in province_choices()]
        self.provinces = provinces
        self.weights = [CITY_WEIGHTS.get(code, 1) for code in provinces]
        self.communes = {code: [c for c, _n in commune_choices(code)] for code in provinces}
        self._id_next: dict[str, int] = {}
        self._si_next: dict[int, int] = {}
        self.employers: dict[int, list[Employer]] = {}
        self.facilities: dict[int, list[HealthFacility]] = {}

    # --- reference data ---

    def ensure_reference_data(self, *, employers_per_province: int = 4) -> None:
        """Facilities and employers per province (created once, reused by every batch)."""
        from offices.geography import province_name

        existing = set(HealthFacility.objects.values_list("code", flat=True))
        facilities = []
        for code in self.provinces:
            short = province_name(code).removeprefix("Thành phố ").removeprefix("Tỉnh ")
            communes = commune_choices(code)
            names = [f"Bệnh viện Đa khoa {short}"] + [
                f"Trung tâm Y tế {name}" for _c, name in communes[:2]
            ]
            for index, name in enumerate(names, start=1):
                facility_code = f"{code:02d}{index:03d}"
                if facility_code not in existing:
                    facilities.append(
                        HealthFacility(code=facility_code, name=name, province_code=code)
                    )
        HealthFacility.objects.bulk_create(facilities)
        for facility in HealthFacility.objects.filter(accepts_initial_registration=True).order_by(
            "code"
        ):
            self.facilities.setdefault(facility.province_code, []).append(facility)

        existing = set(Employer.objects.values_list("unit_code", flat=True))
        employers = []
        for code in self.provinces:
            for index in range(1, employers_per_province + 1):
                unit_code = f"{code:02d}{9:02d}{index:06d}"
                if unit_code in existing:
                    continue
                rng = self.reference_rng
                name = (
                    f"{rng.choice(EMPLOYER_FORMS)} {rng.choice(EMPLOYER_TRADES)} "
                    f"{rng.choice(EMPLOYER_NAMES)}"
                )
                employers.append(Employer(unit_code=unit_code, name=name, province_code=code))
        Employer.objects.bulk_create(employers)
        for employer in Employer.objects.order_by("unit_code"):
            self.employers.setdefault(employer.province_code, []).append(employer)

    # --- identifiers ---

    def national_id(self, *, province: int, born: dt.date, gender: str) -> str:
        digit = (born.year // 100 - 19) * 2 + (1 if gender == "female" else 0)
        prefix = f"{_old_code(province)}{digit}{born.year % 100:02d}"
        if prefix not in self._id_next:
            self._id_next[prefix] = self.rng.randrange(10**6)
        serial = self._id_next[prefix]
        self._id_next[prefix] = (serial + 7919) % 10**6  # a step coprime with 10^6
        return f"{prefix}{serial:06d}"

    def si_code(self, *, province: int) -> str:
        if province not in self._si_next:
            self._si_next[province] = self.rng.randrange(10**8)
        serial = self._si_next[province]
        self._si_next[province] = (serial + 104729) % 10**8
        return f"{province % 100:02d}{serial:08d}"

    # --- people ---

    def _name(self, family: str, gender: str) -> str:
        return f"{family} {self.rng.choice(MIDDLE[gender])} {self.rng.choice(GIVEN[gender])}"

    def _born(self, min_age: int, max_age: int) -> dt.date:
        days = self.rng.randrange(min_age * 365, max_age * 365 + 1)
        return self.today - dt.timedelta(days=days)

    def _person(self, *, family, gender, born, province, commune, street) -> Person:
        person = Person(
            national_id=self.national_id(province=province, born=born, gender=gender),
            si_code=self.si_code(province=province),
            full_name=self._name(family, gender),
            date_of_birth=born,
            gender=gender,
            permanent_province_code=province,
            permanent_commune_code=commune,
            permanent_street=street,
            current_province_code=province,
            current_commune_code=commune,
            current_street=street,
        )
        return person

    def _card(self, person: Person, *, group: str, level: int, province: int) -> HiCard:
        facility = (
            self.rng.choice(self.facilities[province]) if self.facilities.get(province) else None
        )
        if group == "TE":
            valid_from, valid_to = person.date_of_birth, child_card_valid_to(person.date_of_birth)
        else:
            valid_from = dt.date(self.today.year, 1, 1)
            valid_to = dt.date(self.today.year, 12, 31)
        return HiCard(
            number=f"{group}{level}{province % 100:02d}{person.si_code}",
            group=group,
            benefit_level=level,
            valid_from=valid_from,
            valid_to=valid_to,
            facility_code=facility.code if facility else "",
            facility_name=facility.name if facility else "",
            status=CardStatus.ACTIVE,
            issued_at=self.now,
        )

    def _work_history(self, household: Household, index: int, person: Person, province: int):
        rng = self.rng
        employers = self.employers.get(province) or []
        roll = rng.random()
        first_month = max(
            dt.date(person.date_of_birth.year + 20, 1, 1), dt.date(self.today.year - 15, 1, 1)
        )
        if roll < 0.7 and employers:
            start = first_month.replace(month=rng.randint(1, 12))
            periods = rng.randint(1, 3)
            employer = None
            for number in range(periods):
                employer = rng.choice(employers)
                end = None
                if number < periods - 1:
                    end = min(start + dt.timedelta(days=rng.randint(365, 4 * 365)), self.today)
                base = rng.randrange(4_960_000, 30_000_000, 10_000)
                household.contributions.append(
                    (
                        index,
                        ContributionPeriod(
                            employer=employer,
                            scheme=ContributionScheme.COMPULSORY,
                            starts_on=start.replace(day=1),
                            ends_on=end.replace(day=1) if end else None,
                            salary_base_vnd=base,
                        ),
                    )
                )
                household.employments.append(
                    (
                        index,
                        Employment(
                            employer=employer,
                            started_on=start,
                            ended_on=end,
                            job_title=rng.choice(["Nhân viên", "Kỹ thuật viên", "Kế toán"]),
                        ),
                    )
                )
                if end is None or end >= self.today:
                    break
                start = end + dt.timedelta(days=1)
            household.cards.append(
                (index, self._card(person, group="DN", level=4, province=province))
            )
        elif roll < 0.8:
            start = first_month.replace(month=rng.randint(1, 12), day=1)
            household.contributions.append(
                (
                    index,
                    ContributionPeriod(
                        scheme=ContributionScheme.VOLUNTARY,
                        starts_on=start,
                        salary_base_vnd=rng.randrange(1_500_000, 6_000_000, 50_000),
                    ),
                )
            )
            household.cards.append(
                (index, self._card(person, group="GD", level=4, province=province))
            )
        else:
            group, level = ("HN", 1) if rng.random() < 0.3 else ("GD", 4)
            household.cards.append(
                (index, self._card(person, group=group, level=level, province=province))
            )

    def household(self) -> Household:
        rng = self.rng
        province = rng.choices(self.provinces, weights=self.weights)[0]
        commune = rng.choice(self.communes[province])
        street = f"Số {rng.randint(1, 250)} {rng.choice(STREETS)}"
        family = rng.choice(FAMILY_NAMES)
        place = {"province": province, "commune": commune, "street": street}
        household = Household()

        def add(person: Person) -> int:
            household.persons.append(person)
            return len(household.persons) - 1

        head_gender = rng.choice(["male", "female"])
        head = add(
            self._person(family=family, gender=head_gender, born=self._born(22, 60), **place)
        )
        self._contact(household.persons[head])
        self._work_history(household, head, household.persons[head], province)
        if rng.random() < 0.75:
            spouse_gender = "female" if head_gender == "male" else "male"
            spouse_person = self._person(
                family=rng.choice(FAMILY_NAMES),
                gender=spouse_gender,
                born=self._born(22, 60),
                **place,
            )
            spouse = add(spouse_person)
            household.relations.append((head, spouse, RelationKind.SPOUSE))
            self._work_history(household, spouse, spouse_person, province)
        adults = list(range(len(household.persons)))
        for _ in range(rng.choices([0, 1, 2, 3], weights=[3, 4, 4, 1])[0]):
            gender = rng.choice(["male", "female"])
            child_person = self._person(
                family=family, gender=gender, born=self._born(0, 17), **place
            )
            if child_person.date_of_birth > self.today - dt.timedelta(days=6 * 365):
                child_person.national_id = child_person.national_id if rng.random() < 0.9 else None
            child = add(child_person)
            for adult in adults:
                household.relations.append((child, adult, RelationKind.PARENT))
            young = (self.today - child_person.date_of_birth).days < 6 * 365
            household.cards.append(
                (
                    child,
                    self._card(
                        child_person,
                        group="TE" if young else "HS",
                        level=1 if young else 4,
                        province=province,
                    ),
                )
            )
        if rng.random() < 0.3:
            gender = rng.choice(["male", "female"])
            elder_person = self._person(
                family=family, gender=gender, born=self._born(62, 90), **place
            )
            elder = add(elder_person)
            household.relations.append((head, elder, RelationKind.PARENT))
            self._pensioner(household, elder, elder_person, province)
        return household

    def _contact(self, person: Person) -> None:
        person.phone = f"09{self.rng.randrange(10**8):08d}"

    def _pensioner(self, household: Household, index: int, person: Person, province: int):
        rng = self.rng
        person.needs_large_print = rng.random() < 0.25
        person.needs_assisted_digital = rng.random() < 0.3
        if rng.random() < 0.05:
            person.needs_interpreter = True
            person.preferred_language = rng.choice(
                [PreferredLanguage.KHMER, PreferredLanguage.HMONG, PreferredLanguage.CHINESE]
            )
        started = dt.date(person.date_of_birth.year + 60, 1, 1)
        household.entitlements.append(
            (
                index,
                BenefitEntitlement(
                    kind=EntitlementKind.OLD_AGE_PENSION,
                    status=EntitlementStatus.IN_PAYMENT,
                    amount_vnd=rng.randrange(3_000_000, 12_000_000, 1000),
                    started_on=started,
                ),
            )
        )
        if rng.random() < 0.6:
            payment = PaymentMethod(
                method=PaymentMethodKind.BANK,
                bank_account=f"{rng.randrange(10**12):013d}",
                bank_name=f"{rng.choice(BANKS)} - Chi nhánh tỉnh",
                valid_from=self.now,
            )
        else:
            payment = PaymentMethod(
                method=PaymentMethodKind.CASH_POST,
                pay_point_address="Bưu điện xã",
                valid_from=self.now,
            )
        household.payments.append((index, payment))
        household.cards.append((index, self._card(person, group="HT", level=2, province=province)))

    # --- writing ---

    def households(self, persons: int) -> Iterator[Household]:
        made = 0
        while made < persons:
            household = self.household()
            made += len(household.persons)
            yield household

    def save(self, households: list[Household]) -> int:
        """Write a batch; households that clash with existing identifiers are skipped."""
        national_ids = {p.national_id for h in households for p in h.persons if p.national_id}
        si_codes = {p.si_code for h in households for p in h.persons if p.si_code}
        taken_ids = set(
            Person.objects.filter(national_id__in=national_ids).values_list(
                "national_id", flat=True
            )
        )
        taken_si = set(
            Person.objects.filter(si_code__in=si_codes).values_list("si_code", flat=True)
        )
        kept = [
            h
            for h in households
            if not any(p.national_id in taken_ids or p.si_code in taken_si for p in h.persons)
        ]
        with transaction.atomic():
            Person.objects.bulk_create([p for h in kept for p in h.persons])
            relations, employments, contributions, cards, payments, entitlements = (
                [],
                [],
                [],
                [],
                [],
                [],
            )
            for h in kept:
                for a, b, kind in h.relations:
                    person, relative = h.persons[a], h.persons[b]
                    relations.append(FamilyRelation(person=person, relative=relative, kind=kind))
                    inverse = {
                        RelationKind.PARENT: RelationKind.CHILD,
                        RelationKind.SPOUSE: RelationKind.SPOUSE,
                    }[kind]
                    relations.append(FamilyRelation(person=relative, relative=person, kind=inverse))
                for rows, target in (
                    (h.employments, employments),
                    (h.contributions, contributions),
                    (h.cards, cards),
                    (h.payments, payments),
                    (h.entitlements, entitlements),
                ):
                    for index, row in rows:
                        row.person = h.persons[index]
                        target.append(row)
            FamilyRelation.objects.bulk_create(relations)
            Employment.objects.bulk_create(employments)
            ContributionPeriod.objects.bulk_create(contributions)
            HiCard.objects.bulk_create(cards)
            PaymentMethod.objects.bulk_create(payments)
            BenefitEntitlement.objects.bulk_create(entitlements)
        return sum(len(h.persons) for h in kept)
