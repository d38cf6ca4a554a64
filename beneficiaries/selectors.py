"""Reads of the beneficiary registry, built for the pages and APIs that use them."""

from __future__ import annotations

import re
from itertools import groupby

from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Right
from django.utils import timezone

from offices.geography import province_name
from procedures.constants import PrefillKey

from .constants import CardStatus, PaymentMethodKind, RelationKind
from .models import (
    ContributionPeriod,
    Employment,
    FamilyRelation,
    HealthFacility,
    HiCard,
    PaymentMethod,
    Person,
)

_TWELVE_DIGITS = re.compile(r"[0-9]{12}")
_TEN_DIGITS = re.compile(r"[0-9]{10}")
_HI_CARD_15 = re.compile(r"[A-Z]{2}[1-5][0-9]{12}")


def _normalise(identifier: str) -> str:
    return "".join((identifier or "").split())


def person_by_si_code(*, si_code: str) -> Person | None:
    """The person with this social insurance code, else None.

    Since 1 July 2025 a citizen's SI code is their 12-digit personal ID number, so a
    12-digit code finds the person by `national_id` and a 10-digit one by `si_code`.
    """
    value = _normalise(si_code)
    if _TWELVE_DIGITS.fullmatch(value):
        return Person.objects.filter(national_id=value).first()
    if _TEN_DIGITS.fullmatch(value):
        return Person.objects.filter(si_code=value).first()
    return None


def _active_card_by_number(value: str) -> QuerySet[HiCard]:
    """Active cards with this number: 15 characters exactly, or 10 digits as the last 10
    characters (the SI code printed alone on cards since 2021); one indexed query."""
    active = HiCard.objects.filter(status=CardStatus.ACTIVE).order_by("-issued_at", "-id")
    if _HI_CARD_15.fullmatch(value):
        return active.filter(number=value)
    return active.alias(si_code_tail=Right("number", 10)).filter(si_code_tail=value)


def person_by_identifier(*, identifier: str) -> Person | None:
    """The person with this CCCD (12 digits), SI code (10 digits) or HI card number.

    A 10-digit number is the legacy SI code; when no person has it, the active card
    printing it (cards since 2021). A 15-character card number finds the holder of
    that active card.
    """
    value = _normalise(identifier).upper()
    if _HI_CARD_15.fullmatch(value):
        card = _active_card_by_number(value).select_related("person").first()
        return card.person if card else None
    person = person_by_si_code(si_code=value)
    if person is None and _TEN_DIGITS.fullmatch(value):
        card = _active_card_by_number(value).select_related("person").first()
        return card.person if card else None
    return person


def _with_current_rows(qs: QuerySet[Person]) -> QuerySet[Person]:
    """Attach `active_cards`, `current_employments` and `current_payment` lists."""
    return qs.prefetch_related(
        Prefetch(
            "hi_cards",
            queryset=HiCard.objects.filter(status=CardStatus.ACTIVE),
            to_attr="active_cards",
        ),
        Prefetch(
            "employments",
            queryset=Employment.objects.filter(ended_on__isnull=True)
            .select_related("employer")
            .order_by("-started_on"),
            to_attr="current_employments",
        ),
        Prefetch(
            "payment_methods",
            queryset=PaymentMethod.objects.filter(valid_to__isnull=True),
            to_attr="current_payment",
        ),
    )


def person_known_values(*, national_id: str) -> dict[str, str]:
    """What the registry knows about a person, keyed by the catalogue's prefill keys.

    Empty when the person is not in the registry. Four queries, whatever the history.
    """
    if not national_id or not _TWELVE_DIGITS.fullmatch(national_id):
        return {}
    person = _with_current_rows(Person.objects.filter(national_id=national_id)).first()
    if person is None:
        return {}
    card = person.active_cards[0] if person.active_cards else None
    employment = person.current_employments[0] if person.current_employments else None
    payment = person.current_payment[0] if person.current_payment else None
    values = {
        PrefillKey.FULL_NAME: person.full_name,
        PrefillKey.NATIONAL_ID: person.national_id or "",
        PrefillKey.DATE_OF_BIRTH: person.date_of_birth.isoformat(),
        PrefillKey.GENDER: person.gender,
        PrefillKey.ADDRESS: person.current_address or person.permanent_address,
        PrefillKey.PHONE: person.phone,
        PrefillKey.EMAIL: person.email,
        # Since 1 July 2025 the CCCD is the SI code of a person VSS gave no 10-digit code.
        PrefillKey.SI_CODE: person.si_code or person.national_id or "",
        PrefillKey.HI_CARD: card.number if card else "",
        PrefillKey.EMPLOYER: str(employment.employer) if employment else "",
        PrefillKey.BANK_ACCOUNT: payment.bank_account
        if payment and payment.method == PaymentMethodKind.BANK
        else "",
    }
    return {str(key): value for key, value in values.items() if value}


def person_record(*, person_id: int) -> Person:
    """One person with everything the registry page shows (raises Person.DoesNotExist)."""
    return (
        _with_current_rows(Person.objects.filter(pk=person_id))
        .prefetch_related(
            Prefetch(
                "relations",
                queryset=FamilyRelation.objects.select_related("relative").order_by("kind", "id"),
            ),
            Prefetch("hi_cards", queryset=HiCard.objects.order_by("-issued_at", "-id")),
            Prefetch(
                "employments",
                queryset=Employment.objects.select_related("employer").order_by("-started_on"),
            ),
            Prefetch(
                "contributions",
                queryset=ContributionPeriod.objects.select_related("employer").order_by(
                    "-starts_on"
                ),
            ),
            "entitlements",
            Prefetch(
                "payment_methods", queryset=PaymentMethod.objects.order_by("-valid_from", "-id")
            ),
        )
        .get()
    )


def relatives_of(*, person: Person) -> list[FamilyRelation]:
    return list(
        FamilyRelation.objects.filter(person=person)
        .select_related("relative")
        .order_by("kind", "relative__full_name")
    )


def active_card_of(*, person: Person) -> HiCard | None:
    return (
        HiCard.objects.filter(person=person, status=CardStatus.ACTIVE).order_by().first()
        if person
        else None
    )


def hi_card_status(*, identifier: str) -> dict | None:
    """The HI card look-up for health facilities: one indexed query.

    `identifier` is the holder's CCCD (12 digits), the 15-character card number or the
    10-digit number printed on cards since 2021 (the card whose last 10 characters are
    that SI code); only an active card is answered, so a person with several cards gets
    the active one. None when the value is malformed, unknown or holds no active card.
    `valid` is true when today (Vietnam time) is within the card's validity and no death
    is recorded.
    """
    value = _normalise(identifier).upper()
    if _TWELVE_DIGITS.fullmatch(value):
        cards = HiCard.objects.filter(person__national_id=value, status=CardStatus.ACTIVE)
    elif _HI_CARD_15.fullmatch(value) or _TEN_DIGITS.fullmatch(value):
        cards = _active_card_by_number(value)
    else:
        return None
    rows = list(
        cards.order_by().values(
            "number",
            "group",
            "benefit_level",
            "valid_from",
            "valid_to",
            "facility_code",
            "facility_name",
            "person__date_of_death",
            "person_id",
        )[:1]
    )
    if not rows:
        return None
    row = rows[0]
    today = timezone.localdate()
    return {
        "valid": row["valid_from"] <= today <= row["valid_to"]
        and row["person__date_of_death"] is None,
        "card_number": row["number"],
        "group": row["group"],
        "benefit_level": row["benefit_level"],
        "valid_from": row["valid_from"],
        "valid_to": row["valid_to"],
        "facility_code": row["facility_code"],
        "facility_name": row["facility_name"],
        "person_id": row["person_id"],  # for the access log; not in the API's answer
    }


def facility_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Facilities open for initial-care registration, grouped by province (for a select)."""
    facilities = HealthFacility.objects.filter(accepts_initial_registration=True).order_by(
        "province_code", "name"
    )
    return [
        (province_name(code), [(f.code, f.name) for f in group])
        for code, group in groupby(facilities, key=lambda f: f.province_code)
    ]


def letter_preferences(*, national_id: str) -> dict:
    """How letters to this person should be made: large print, language, interpreter.

    One query by the unique CCCD index (none for a malformed number). Defaults (normal
    print, Vietnamese, no needs) when the person is not in the registry. `needs` names the
    needs in the active language, for officers.
    """
    value = _normalise(national_id)
    person = (
        Person.objects.filter(national_id=value)
        .only(
            "preferred_language",
            "needs_interpreter",
            "needs_large_print",
            "needs_assisted_digital",
            "accommodation_note",
        )
        .order_by()
        .first()
        if _TWELVE_DIGITS.fullmatch(value)
        else None
    )
    if person is None:
        return {
            "known": False,
            "large_print": False,
            "language": "vi",
            "interpreter": False,
            "assisted_digital": False,
            "needs": [],
        }
    return {
        "known": True,
        "large_print": person.needs_large_print,
        "language": person.preferred_language,
        "interpreter": person.needs_interpreter,
        "assisted_digital": person.needs_assisted_digital,
        "needs": person.accommodations,
    }


def health_facilities(*, province_code: int | None = None, query: str = ""):
    """Health facilities for initial-care registration, by province then name."""
    facilities = HealthFacility.objects.all()
    if province_code is not None:
        facilities = facilities.filter(province_code=province_code)
    if query:
        facilities = facilities.filter(Q(name__icontains=query) | Q(code__iexact=query))
    return facilities


def children_of(*, parent_national_id: str) -> list[dict]:
    """The registry's children (with a personal ID number) of the parent with this CCCD,
    for filing as their parent or guardian; one query."""
    if not parent_national_id:
        return []
    rows = (
        FamilyRelation.objects.filter(
            person__national_id=parent_national_id,
            kind=RelationKind.CHILD,
            relative__national_id__isnull=False,
            relative__date_of_death__isnull=True,
        )
        .exclude(relative__national_id="")
        .order_by("relative__date_of_birth", "relative_id")
        .values("relative__national_id", "relative__full_name", "relative__date_of_birth")
    )
    return [
        {
            "national_id": row["relative__national_id"],
            "full_name": row["relative__full_name"],
            "date_of_birth": row["relative__date_of_birth"],
        }
        for row in rows
    ]
