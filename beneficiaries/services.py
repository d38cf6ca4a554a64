"""Writes to the beneficiary registry. Every change appends a `RegistryEvent`.

Row locks are taken in one place (`_lock_person`); a service that changes a person's
cards or payment method locks that person first, so two writers queue up instead of
both replacing the same "current" row.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

import structlog
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from offices.geography import province_name

from .constants import (
    CHILD_CARD_GROUP,
    CHILD_CARD_LEVEL,
    FUNERAL_ALLOWANCE,
    HI_CARD_CHILD,
    HI_CARD_REISSUE,
    INVERSE_RELATION,
    PAYMENT_METHOD_CHANGE,
    SURVIVOR_ALLOWANCE,
    CardStatus,
    EntitlementKind,
    EntitlementStatus,
    PaymentMethodKind,
    RegistryEventKind,
    RelationKind,
)
from .models import (
    BenefitEntitlement,
    FamilyRelation,
    HealthFacility,
    HiCard,
    PaymentMethod,
    Person,
    RegistryEvent,
)
from .selectors import person_by_si_code
from .validators import (
    FEMALE,
    MALE,
    parse_national_id,
    validate_bank_account,
    validate_full_hi_card_number,
    validate_legacy_si_code,
    validate_national_id,
)

logger = structlog.get_logger(__name__)

_random = random.SystemRandom()


class RegistryError(Exception):
    """A registry change that cannot be made as asked."""


def registry_event_append(
    *,
    kind: str,
    person: Person | None,
    actor: User | None = None,
    dossier=None,
    payload: dict[str, Any] | None = None,
) -> RegistryEvent:
    """Append one audit event (call inside the writing transaction)."""
    return RegistryEvent.objects.create(
        kind=kind, person=person, actor=actor, dossier=dossier, payload=payload or {}
    )


def _lock_person(person: Person) -> Person:
    return Person.objects.select_for_update().get(pk=person.pk)


# --- persons and families ------------------------------------------------------------


def person_register(
    *,
    full_name: str,
    date_of_birth: dt.date,
    gender: str,
    national_id: str | None = None,
    si_code: str | None = None,
    actor: User | None = None,
    source: str = "",
    dossier=None,
    **details: Any,
) -> Person:
    """Add a person. The CCCD must agree with the date of birth and gender.

    `dossier` is the dossier the person was learned from, kept on the audit event.
    """
    if national_id:
        national_id = validate_national_id(national_id, date_of_birth=date_of_birth, gender=gender)
    if si_code:
        si_code = validate_legacy_si_code(si_code)
    with transaction.atomic():
        person = Person.objects.create(
            national_id=national_id or None,
            si_code=si_code or None,
            full_name=full_name.strip(),
            date_of_birth=date_of_birth,
            gender=gender,
            **details,
        )
        registry_event_append(
            kind=RegistryEventKind.PERSON_REGISTERED,
            person=person,
            actor=actor,
            dossier=dossier,
            payload={"source": source} if source else {},
        )
    return person


VNEID_SOURCE = "vneid"


def person_learn_from_verified_identity(
    *,
    national_id: str,
    full_name: str,
    date_of_birth: dt.date,
    gender: str,
    actor: User | None = None,
) -> Person | None:
    """The registry learns a person from an identity VNeID verified (name, birth, gender).

    Returns the new person, or None when the CCCD is known already: what VSS holds is never
    overwritten, but a disagreement with the verified identity is logged (without the
    personal data) for the registry's clerks. Safe to repeat and to run concurrently (the
    unique CCCD decides, inside a savepoint); never raises for bad data.
    """
    known = Person.objects.filter(national_id=national_id).first()
    if known is not None:
        if (known.full_name, known.date_of_birth, known.gender) != (
            full_name,
            date_of_birth,
            gender,
        ):
            logger.info("registry_person_differs_from_verified_identity", person_id=known.pk)
        return None
    try:
        with transaction.atomic():
            return person_register(
                national_id=national_id,
                full_name=full_name,
                date_of_birth=date_of_birth,
                gender=gender,
                actor=actor,
                source=VNEID_SOURCE,
            )
    except (IntegrityError, ValidationError):
        logger.info("registry_person_not_learned", reason="verified_identity_refused")
        return None


def _dossier_field(dossier, prefill_key: str) -> str:
    """The value of the form field that carries `prefill_key` (e.g. "date_of_birth")."""
    data = dossier.data or {}
    for field in dossier.version.field_definitions():
        if field.get("prefill") == prefill_key:
            value = data.get(field["name"])
            return str(value).strip() if value not in (None, "") else ""
    return ""


def _street_without_province(address: str, province_code: int | None) -> str:
    """The address as a street line: the province is stored as a code, so a trailing
    ", Thành phố Hà Nội" is not kept twice."""
    street = " ".join((address or "").split())
    name = province_name(province_code) if province_code else ""
    if name and street.lower().endswith(name.lower()):
        street = street[: -len(name)].rstrip(" ,")
    return street[: Person._meta.get_field("current_street").max_length]


# Channels on which an officer met the applicant and checked their ID card.
_CHECKED_AT_COUNTER = "counter"
_ONLINE = "online"


def _verified_holder(dossier, national_id: str) -> User | None:
    """The account whose VNeID-verified identity the dossier's applicant is, if any.

    Only an online dossier filed by the account holder for themselves (no representation)
    from an account VNeID verified, with the account's CCCD as the applicant's.
    """
    if dossier.channel != _ONLINE or dossier.representation or not dossier.applicant_id:
        return None
    account = dossier.applicant
    if account.identity_verified_at is None or account.national_id != national_id:
        return None
    return account


def person_learn_from_dossier(*, dossier, actor: User | None = None) -> Person | None:
    """Once-only: register the applicant of a dossier the registry does not know yet.

    The registry learns a verified identity, never a typed one (issue #18). So only:
    - a counter reception of a person filing for themselves (the officer checked the ID
      card): name, CCCD, date of birth and gender (from the form, else read from the CCCD)
      as the officer entered them after the check;
    - an online dossier filed by the holder of a VNeID-verified account for themselves:
      name, date of birth and gender are the account's verified ones, not the form's.
    Anything else (a typed online dossier from an unverified account, a representative
    filing for someone, post, I-VAN) teaches nothing. Phone, e-mail and current address
    come from the dossier (contact details, not identity).

    Called inside the transaction that receives (counter) or submits (online) the dossier,
    with a `person_registered` event that names the dossier.

    Returns the new person, or None when nothing was learned: the source is not verified,
    the CCCD is already in the registry (what VSS holds is never overwritten), or the
    details are missing or do not agree (malformed CCCD, no date of birth, birth year or
    gender contradicting the CCCD). Never raises for bad data, so the dossier is received
    all the same; safe to repeat and to run concurrently (the unique CCCD decides, inside
    a savepoint).
    """
    national_id = "".join((dossier.applicant_national_id or "").split()) or "".join(
        _dossier_field(dossier, "national_id").split()
    )
    try:
        national_id = validate_national_id(national_id) if national_id else ""
    except ValidationError:
        national_id = ""
    if not national_id:
        logger.info("registry_person_not_learned", dossier_id=dossier.pk, reason="no_valid_id")
        return None
    verified = _verified_holder(dossier, national_id)
    checked = dossier.channel == _CHECKED_AT_COUNTER and not dossier.representation
    if verified is None and not checked:
        logger.info("registry_person_not_learned", dossier_id=dossier.pk, reason="unverified")
        return None
    if Person.objects.filter(national_id=national_id).exists():
        return None  # known already: leave what VSS holds alone
    if verified is not None:
        date_of_birth = verified.date_of_birth
        gender = verified.gender
        full_name = verified.full_name.strip()
    else:
        date_of_birth = _date(_dossier_field(dossier, "date_of_birth"))
        gender = _dossier_field(dossier, "gender")
        full_name = (dossier.applicant_name or _dossier_field(dossier, "full_name")).strip()
    if gender not in (MALE, FEMALE):
        gender = parse_national_id(national_id).gender
    if not full_name or date_of_birth is None:
        logger.info("registry_person_not_learned", dossier_id=dossier.pk, reason="incomplete")
        return None
    try:
        validate_national_id(national_id, date_of_birth=date_of_birth, gender=gender)
    except ValidationError:
        logger.info("registry_person_not_learned", dossier_id=dossier.pk, reason="id_mismatch")
        return None
    phone = (dossier.applicant_phone or _dossier_field(dossier, "phone")).strip()
    email = (dossier.applicant_email or _dossier_field(dossier, "email")).strip()
    address = dossier.applicant_address or _dossier_field(dossier, "address")
    province = dossier.applicant_province_code
    try:
        person = person_register(
            national_id=national_id,
            full_name=full_name[: Person._meta.get_field("full_name").max_length],
            date_of_birth=date_of_birth,
            gender=gender,
            actor=actor,
            source=f"dossier:{dossier.code}",
            dossier=dossier,
            phone=phone if len(phone) <= Person._meta.get_field("phone").max_length else "",
            email=email,
            current_street=_street_without_province(address, province),
            current_province_code=province,
        )
    except IntegrityError:
        # Registered meanwhile by a concurrent reception (person_register's savepoint
        # rolled back): the first one stands.
        return None
    logger.info("registry_person_learned", dossier_id=dossier.pk, person_id=person.pk)
    return person


def family_relation_add(
    *, person: Person, relative: Person, kind: str, actor: User | None = None
) -> bool:
    """Record a tie in both directions; True when it was new (safe to repeat)."""
    if person.pk == relative.pk:
        raise RegistryError("A person cannot be their own relative.")
    inverse = INVERSE_RELATION[RelationKind(kind)]
    with transaction.atomic():
        _, created = FamilyRelation.objects.get_or_create(
            person=person, relative=relative, kind=kind
        )
        FamilyRelation.objects.get_or_create(person=relative, relative=person, kind=inverse)
        if created:
            registry_event_append(
                kind=RegistryEventKind.RELATION_ADDED,
                person=person,
                actor=actor,
                payload={"relative_id": relative.pk, "kind": kind},
            )
    return created


def si_code_allocate(*, province_code: int) -> str:
    """A new, unused 10-digit SI code starting with the province code."""
    for _ in range(50):
        code = f"{province_code % 100:02d}{_random.randrange(10**8):08d}"
        if not Person.objects.filter(si_code=code).exists():
            return code
    raise RegistryError("No free social insurance code found.")


def _ensure_si_code(person: Person, *, province_code: int) -> str:
    """The person's SI code, allocating one (under the caller's person lock) when absent."""
    if person.si_code:
        return person.si_code
    person.si_code = si_code_allocate(province_code=province_code)
    person.save(update_fields=["si_code", "updated_at"])
    return person.si_code


def person_record_death(
    *,
    person: Person,
    date_of_death: dt.date,
    record_reference: str = "",
    actor: User | None = None,
) -> bool:
    """Record a death from the civil status record; monthly benefits end. Safe to repeat."""
    with transaction.atomic():
        locked = _lock_person(person)
        if locked.date_of_death == date_of_death:
            return False
        locked.date_of_death = date_of_death
        locked.save(update_fields=["date_of_death", "updated_at"])
        ended = BenefitEntitlement.objects.filter(
            person=locked, status=EntitlementStatus.IN_PAYMENT
        ).update(status=EntitlementStatus.ENDED, ended_on=date_of_death)
        registry_event_append(
            kind=RegistryEventKind.DEATH_RECORDED,
            person=locked,
            actor=actor,
            payload={
                "date_of_death": date_of_death.isoformat(),
                "record": record_reference,
                "entitlements_ended": ended,
            },
        )
    return True


# --- health insurance cards ----------------------------------------------------------


def facility_resolve(text: str) -> HealthFacility | None:
    """The facility a form named: by its leading 5-digit code, else by its exact name."""
    text = (text or "").strip()
    if not text:
        return None
    code = text[:5]
    if code.isdigit() and code.isascii():
        found = HealthFacility.objects.filter(code=code).first()
        if found is not None:
            return found
    return HealthFacility.objects.filter(name__iexact=text).first()


def child_card_valid_to(date_of_birth: dt.date) -> dt.date:
    """Last day of a child's card: the day before the 6th birthday, or 30 September of
    that year when the child turns six before the school year starts (Law on HI, art. 16)."""
    try:
        sixth = date_of_birth.replace(year=date_of_birth.year + 6)
    except ValueError:  # born on 29 February
        sixth = dt.date(date_of_birth.year + 6, 3, 1)
    school_start = dt.date(sixth.year, 9, 30)
    return school_start if sixth <= school_start else sixth - dt.timedelta(days=1)


def hi_card_issue(
    *,
    person: Person,
    group: str,
    benefit_level: int,
    province_code: int,
    valid_from: dt.date,
    valid_to: dt.date,
    facility: HealthFacility | None = None,
    dossier=None,
    actor: User | None = None,
) -> HiCard:
    """Issue a card (Decision 1351 number: group, level, province, SI code).

    An active card of the person is marked replaced by the new one.
    """
    with transaction.atomic():
        locked = _lock_person(person)
        si_code = _ensure_si_code(locked, province_code=province_code)
        number = validate_full_hi_card_number(
            f"{group}{benefit_level}{province_code % 100:02d}{si_code}"
        )
        previous = HiCard.objects.filter(person=locked, status=CardStatus.ACTIVE).first()
        if previous is not None:
            previous.status = CardStatus.REPLACED
            previous.save(update_fields=["status"])
        card = HiCard.objects.create(
            person=locked,
            number=number,
            group=group,
            benefit_level=benefit_level,
            valid_from=valid_from,
            valid_to=valid_to,
            facility_code=facility.code if facility else "",
            facility_name=facility.name if facility else "",
            issued_at=timezone.now(),
            replaces=previous,
            source_dossier=dossier,
        )
        registry_event_append(
            kind=RegistryEventKind.CARD_ISSUED,
            person=locked,
            actor=actor,
            dossier=dossier,
            payload={"card_id": card.pk, "replaced_card_id": previous.pk if previous else None},
        )
    return card


def hi_card_reissue(
    *,
    person: Person,
    facility: HealthFacility | None = None,
    reason: str = "",
    dossier=None,
    actor: User | None = None,
) -> HiCard:
    """Re-issue the active card (same number and validity), optionally at a new facility."""
    with transaction.atomic():
        locked = _lock_person(person)
        previous = HiCard.objects.filter(person=locked, status=CardStatus.ACTIVE).first()
        if previous is None:
            raise RegistryError("The person has no active health insurance card.")
        previous.status = CardStatus.REPLACED
        previous.save(update_fields=["status"])
        card = HiCard.objects.create(
            person=locked,
            number=previous.number,
            group=previous.group,
            benefit_level=previous.benefit_level,
            valid_from=previous.valid_from,
            valid_to=previous.valid_to,
            facility_code=facility.code if facility else previous.facility_code,
            facility_name=facility.name if facility else previous.facility_name,
            issued_at=timezone.now(),
            replaces=previous,
            source_dossier=dossier,
        )
        registry_event_append(
            kind=RegistryEventKind.CARD_REISSUED,
            person=locked,
            actor=actor,
            dossier=dossier,
            payload={
                "card_id": card.pk,
                "replaced_card_id": previous.pk,
                "reason": reason,
                "facility_changed": card.facility_code != previous.facility_code,
            },
        )
    return card


# --- payments and benefits -----------------------------------------------------------


def payment_method_change(
    *,
    person: Person,
    method: str,
    bank_account: str = "",
    bank_name: str = "",
    pay_point_address: str = "",
    dossier=None,
    actor: User | None = None,
) -> PaymentMethod:
    """Make a new payment method current; the previous one ends now and stays as history."""
    method = PaymentMethodKind(method)
    if method == PaymentMethodKind.BANK:
        bank_account = validate_bank_account(bank_account or "")
    else:
        bank_account, bank_name = "", ""
    now = timezone.now()
    with transaction.atomic():
        locked = _lock_person(person)
        previous = PaymentMethod.objects.filter(person=locked, valid_to__isnull=True).first()
        if previous is not None:
            previous.valid_to = now
            previous.save(update_fields=["valid_to"])
        current = PaymentMethod.objects.create(
            person=locked,
            method=method,
            bank_account=bank_account,
            bank_name=bank_name.strip(),
            pay_point_address=pay_point_address.strip() if method == "cash_post" else "",
            valid_from=now,
            source_dossier=dossier,
        )
        registry_event_append(
            kind=RegistryEventKind.PAYMENT_METHOD_CHANGED,
            person=locked,
            actor=actor,
            dossier=dossier,
            payload={
                "payment_method_id": current.pk,
                "previous_id": previous.pk if previous else None,
                "method": method.value,
                "previous_method": previous.method if previous else None,
            },
        )
    return current


def entitlement_grant(
    *,
    person: Person,
    kind: str,
    status: str,
    started_on: dt.date,
    amount_vnd: int | None = None,
    dossier=None,
    actor: User | None = None,
) -> BenefitEntitlement:
    with transaction.atomic():
        entitlement = BenefitEntitlement.objects.create(
            person=person,
            kind=kind,
            status=status,
            started_on=started_on,
            amount_vnd=amount_vnd,
            source_dossier=dossier,
        )
        registry_event_append(
            kind=RegistryEventKind.ENTITLEMENT_GRANTED,
            person=person,
            actor=actor,
            dossier=dossier,
            payload={"entitlement_id": entitlement.pk, "kind": kind},
        )
    return entitlement


# --- results of processed dossiers ---------------------------------------------------


class _NotApplicable(Exception):
    """The dossier's result cannot change the registry (e.g. the person is unknown)."""


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None


def _applicant_person(dossier, *, register: bool = False) -> Person:
    """The registry person who filed: by CCCD, else by SI code (10 digits or, since
    1 July 2025, the CCCD); optionally registered."""
    data = dossier.data or {}
    national_id = data.get("national_id") or dossier.applicant_national_id
    person = Person.objects.filter(national_id=national_id).first() if national_id else None
    if person is None and data.get("si_code"):
        person = person_by_si_code(si_code=data["si_code"])
    if person is not None:
        return person
    date_of_birth = _date(data.get("date_of_birth"))
    if not register or not national_id or date_of_birth is None:
        raise _NotApplicable("applicant_not_in_registry")
    try:
        gender = parse_national_id(national_id).gender
        return person_register(
            national_id=national_id,
            full_name=data.get("full_name") or dossier.applicant_name,
            date_of_birth=date_of_birth,
            gender=gender,
            phone=dossier.applicant_phone,
            email=dossier.applicant_email,
            source=f"dossier:{dossier.code}",
        )
    except Exception as exc:  # noqa: BLE001 - any invalid detail means "cannot apply"
        raise _NotApplicable("applicant_details_invalid") from exc


def _apply_hi_card_reissue(dossier) -> Person:
    person = _applicant_person(dossier)
    data = dossier.data or {}
    facility = None
    if data.get("card_request_type") == "change_primary_care":
        facility = facility_resolve(data.get("new_primary_care_facility", ""))
    try:
        hi_card_reissue(
            person=person,
            facility=facility,
            reason=data.get("card_request_type", ""),
            dossier=dossier,
        )
    except RegistryError as exc:
        raise _NotApplicable("no_active_card") from exc
    return person


def _apply_payment_method_change(dossier) -> Person:
    person = _applicant_person(dossier)
    data = dossier.data or {}
    try:
        payment_method_change(
            person=person,
            method=data.get("new_payment_method", ""),
            bank_account=data.get("new_bank_account", ""),
            bank_name=data.get("new_bank_name", ""),
            pay_point_address=data.get("new_pay_point_address", ""),
            dossier=dossier,
        )
    except Exception as exc:  # noqa: BLE001 - ValueError / ValidationError on bad data
        raise _NotApplicable("payment_details_invalid") from exc
    return person


def _apply_hi_card_child(dossier) -> Person:
    data = dossier.data or {}
    child_id = data.get("child_national_id")
    child = Person.objects.filter(national_id=child_id).first() if child_id else None
    if child is None:
        date_of_birth = _date(data.get("child_date_of_birth"))
        if date_of_birth is None or data.get("child_gender") not in ("male", "female"):
            raise _NotApplicable("child_details_invalid")
        child = person_register(
            full_name=data.get("child_full_name", ""),
            date_of_birth=date_of_birth,
            gender=data["child_gender"],
            current_province_code=dossier.applicant_province_code,
            source=f"dossier:{dossier.code}",
        )
    try:
        parent = _applicant_person(dossier)
    except _NotApplicable:
        parent = None
    if parent is not None and data.get("applicant_relationship") in ("mother", "father"):
        family_relation_add(person=child, relative=parent, kind=RelationKind.PARENT)
    province = dossier.applicant_province_code or child.current_province_code
    if not province:
        raise _NotApplicable("no_province")
    hi_card_issue(
        person=child,
        group=CHILD_CARD_GROUP,
        benefit_level=CHILD_CARD_LEVEL,
        province_code=province,
        valid_from=child.date_of_birth,
        valid_to=child_card_valid_to(child.date_of_birth),
        facility=facility_resolve(data.get("primary_care_facility", "")),
        dossier=dossier,
    )
    return child


def _entitlement_applier(kind: str, status: str) -> Callable:
    def apply(dossier) -> Person:
        person = _applicant_person(dossier, register=True)
        decided = timezone.localdate(dossier.decided_at or timezone.now())
        entitlement_grant(
            person=person, kind=kind, status=status, started_on=decided, dossier=dossier
        )
        return person

    return apply


_APPLIERS: dict[str, Callable] = {
    HI_CARD_REISSUE: _apply_hi_card_reissue,
    PAYMENT_METHOD_CHANGE: _apply_payment_method_change,
    HI_CARD_CHILD: _apply_hi_card_child,
    SURVIVOR_ALLOWANCE: _entitlement_applier(
        EntitlementKind.SURVIVOR_MONTHLY, EntitlementStatus.IN_PAYMENT
    ),
    FUNERAL_ALLOWANCE: _entitlement_applier(
        EntitlementKind.FUNERAL_ALLOWANCE, EntitlementStatus.PAID
    ),
}


def registry_apply_result(*, dossier) -> bool:
    """Bring the registry in line with an approved, processed dossier. Safe to repeat.

    True when the registry changed now; False when the dossier is not (yet) approved, its
    procedure does not touch the registry, it was applied before, or the person it is
    about is not in the registry (logged for follow-up).
    """
    from dossiers.constants import DossierState, Outcome
    from dossiers.models import Dossier

    slug = dossier.procedure.slug
    applier = _APPLIERS.get(slug)
    if applier is None:
        return False
    try:
        with transaction.atomic():
            # Serialise concurrent applications of one dossier on its row.
            locked = (
                Dossier.objects.select_for_update().select_related("procedure").get(pk=dossier.pk)
            )
            if locked.state not in (DossierState.PROCESSED, DossierState.RETURNED):
                return False
            if locked.outcome != Outcome.APPROVED:
                return False
            if RegistryEvent.objects.filter(
                dossier=locked, kind=RegistryEventKind.DOSSIER_APPLIED
            ).exists():
                return False
            person = applier(locked)
            registry_event_append(
                kind=RegistryEventKind.DOSSIER_APPLIED,
                person=person,
                dossier=locked,
                payload={"procedure": slug},
            )
    except _NotApplicable as reason:
        logger.warning("registry_result_not_applied", dossier_id=dossier.pk, reason=str(reason))
        return False
    except IntegrityError:
        # The unique "applied once" row: another worker applied it first.
        return False
    logger.info("registry_result_applied", dossier_id=dossier.pk, procedure=slug)
    return True
