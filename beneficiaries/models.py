"""The beneficiary registry: persons, families, employers, contributions, cards, payments.

Rows are written by `beneficiaries.services` only, each change with a `RegistryEvent`.
The bundle models (interconnected procedures) live in `beneficiaries.bundles.models` and
are imported at the end so Django finds them.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Right
from django.utils.translation import gettext_lazy as _

from offices.geography import commune, province_name

from .constants import (
    CardStatus,
    ContributionScheme,
    EntitlementKind,
    EntitlementStatus,
    Gender,
    PaymentMethodKind,
    PreferredLanguage,
    RegistryEventKind,
    RelationKind,
)
from .validators import (
    validate_bank_account,
    validate_employer_code,
    validate_full_hi_card_number,
    validate_legacy_si_code,
    validate_national_id,
)


def format_address(street: str, commune_code: int | None, province_code: int | None) -> str:
    """ "Số 12 Tràng Tiền, Phường Hoàn Kiếm, Thành phố Hà Nội" (parts that are known)."""
    parts = [street.strip()] if street and street.strip() else []
    ward = commune(commune_code) if commune_code else None
    if ward is not None:
        parts.append(ward.name)
    if province_code:
        parts.append(province_name(province_code))
    return ", ".join(p for p in parts if p)


class HealthFacility(models.Model):
    """A health facility where people register for initial (primary) care."""

    code = models.CharField(_("facility code"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=200)
    province_code = models.PositiveSmallIntegerField(_("province code"))
    accepts_initial_registration = models.BooleanField(
        _("accepts initial-care registration"), default=True
    )

    class Meta:
        verbose_name = _("health facility")
        verbose_name_plural = _("health facilities")
        ordering = ["province_code", "name"]
        indexes = [models.Index(fields=["province_code", "name"], name="facility_province_idx")]

    def __str__(self) -> str:
        return f"{self.code} - {self.name}"


class Employer(models.Model):
    unit_code = models.CharField(
        _("employer unit code"), max_length=14, unique=True, validators=[validate_employer_code]
    )
    name = models.CharField(_("name"), max_length=200)
    province_code = models.PositiveSmallIntegerField(_("province code"))
    address = models.CharField(_("address"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit_code})"


class Person(models.Model):
    """Someone VSS knows: insured, beneficiary, card holder or relative.

    Looked up by the personal ID number (CCCD) or by the legacy 10-digit SI code; a
    newborn may have neither until the birth is registered.
    """

    national_id = models.CharField(
        _("personal ID number (CCCD)"),
        max_length=12,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_national_id],
    )
    si_code = models.CharField(
        _("social insurance code"),
        max_length=10,
        unique=True,
        null=True,
        blank=True,
        # The 10-digit code VSS issued; a person whose SI code is their CCCD since
        # 1 July 2025 is found by `national_id` (selectors.person_by_identifier).
        validators=[validate_legacy_si_code],
    )
    full_name = models.CharField(_("full name"), max_length=150)
    date_of_birth = models.DateField(_("date of birth"))
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    date_of_death = models.DateField(_("date of death"), null=True, blank=True)

    permanent_province_code = models.PositiveSmallIntegerField(
        _("permanent address: province"), null=True, blank=True
    )
    permanent_commune_code = models.PositiveIntegerField(
        _("permanent address: commune"), null=True, blank=True
    )
    permanent_street = models.CharField(_("permanent address: street"), max_length=200, blank=True)
    current_province_code = models.PositiveSmallIntegerField(
        _("current address: province"), null=True, blank=True
    )
    current_commune_code = models.PositiveIntegerField(
        _("current address: commune"), null=True, blank=True
    )
    current_street = models.CharField(_("current address: street"), max_length=200, blank=True)

    phone = models.CharField(_("phone"), max_length=16, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=PreferredLanguage.choices,
        default=PreferredLanguage.VIETNAMESE,
    )
    needs_interpreter = models.BooleanField(_("needs an interpreter"), default=False)
    needs_large_print = models.BooleanField(_("needs large print"), default=False)
    needs_assisted_digital = models.BooleanField(
        _("needs help with online services"), default=False
    )
    accommodation_note = models.CharField(_("accommodation note"), max_length=300, blank=True)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["full_name", "id"]
        indexes = [
            models.Index(fields=["current_province_code"], name="person_current_province_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(gender__in=Gender.values), name="person_gender_valid"
            ),
            models.CheckConstraint(
                condition=Q(date_of_death__isnull=True) | Q(date_of_death__gte=F("date_of_birth")),
                name="person_death_after_birth",
            ),
            models.CheckConstraint(
                condition=Q(national_id__isnull=True) | Q(national_id__regex=r"^[0-9]{12}$"),
                name="person_national_id_12_digits",
            ),
            models.CheckConstraint(
                condition=Q(si_code__isnull=True) | Q(si_code__regex=r"^[0-9]{10}$"),
                name="person_si_code_10_digits",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def permanent_address(self) -> str:
        return format_address(
            self.permanent_street, self.permanent_commune_code, self.permanent_province_code
        )

    @property
    def current_address(self) -> str:
        return format_address(
            self.current_street, self.current_commune_code, self.current_province_code
        )

    @property
    def accommodations(self) -> list[str]:
        """The accommodation needs, as officers and letters name them."""
        needs = []
        if self.needs_interpreter:
            needs.append(
                str(
                    _("Interpreter: %(language)s")
                    % {"language": self.get_preferred_language_display()}
                )
            )
        if self.needs_large_print:
            needs.append(str(_("Large print")))
        if self.needs_assisted_digital:
            needs.append(str(_("Assisted digital help")))
        return needs


class FamilyRelation(models.Model):
    """One direction of a family tie: `relative` is the person's `kind` (parent, child ...).

    The services always write both directions, so each person's relatives are one
    indexed query away.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relations")
    relative = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("relation"), max_length=8, choices=RelationKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("family relation")
        verbose_name_plural = _("family relations")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "relative", "kind"], name="family_relation_unique"
            ),
            models.CheckConstraint(
                condition=~Q(person=F("relative")), name="family_relation_not_self"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=RelationKind.values), name="family_relation_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.relative_id}"


class Employment(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="employments")
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="employments")
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        verbose_name = _("employment")
        verbose_name_plural = _("employments")
        ordering = ["person", "-started_on"]
        indexes = [models.Index(fields=["person", "-started_on"], name="employment_person_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="employment_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.employer_id}"


class ContributionPeriod(models.Model):
    """Months of SI contributions on one salary base (compulsory through an employer)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contributions")
    employer = models.ForeignKey(
        Employer, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scheme = models.CharField(_("scheme"), max_length=16, choices=ContributionScheme.choices)
    starts_on = models.DateField(_("from (first month)"))
    ends_on = models.DateField(_("to (last month)"), null=True, blank=True)
    salary_base_vnd = models.PositiveBigIntegerField(_("salary base (VND)"))

    class Meta:
        verbose_name = _("contribution period")
        verbose_name_plural = _("contribution periods")
        ordering = ["person", "starts_on"]
        indexes = [models.Index(fields=["person", "starts_on"], name="contribution_person_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(scheme=ContributionScheme.COMPULSORY, employer__isnull=False)
                | Q(scheme=ContributionScheme.VOLUNTARY, employer__isnull=True),
                name="contribution_employer_matches_scheme",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="contribution_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.scheme} {self.starts_on:%m/%Y}"


class HiCard(models.Model):
    """A health insurance card. Re-issues add a card and mark the old one replaced."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="hi_cards")
    # Stored in the 15-character form; the 10 digits printed on cards since 2021 are its
    # last 10 characters (the holder's SI code), found through `hicard_active_si_code_idx`.
    number = models.CharField(
        _("card number"), max_length=15, validators=[validate_full_hi_card_number]
    )
    group = models.CharField(_("beneficiary group"), max_length=2)
    benefit_level = models.PositiveSmallIntegerField(_("benefit level"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    # The registered initial-care facility as printed on the card when it was issued.
    facility_code = models.CharField(_("initial-care facility code"), max_length=5, blank=True)
    facility_name = models.CharField(_("initial-care facility"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=CardStatus.choices, default=CardStatus.ACTIVE
    )
    issued_at = models.DateTimeField(_("issued at"))
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    source_dossier = models.ForeignKey(
        "dossiers.Dossier", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("health insurance card")
        verbose_name_plural = _("health insurance cards")
        ordering = ["person", "-issued_at"]
        constraints = [
            # Also the index the card look-up by CCCD uses (person -> its active card).
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status=CardStatus.ACTIVE),
                name="hicard_one_active_per_person",
            ),
            models.UniqueConstraint(
                fields=["number"],
                condition=Q(status=CardStatus.ACTIVE),
                name="hicard_active_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(benefit_level__gte=1) & Q(benefit_level__lte=5),
                name="hicard_benefit_level_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__gte=F("valid_from")), name="hicard_validity_ordered"
            ),
            models.CheckConstraint(
                condition=Q(status__in=CardStatus.values), name="hicard_status_valid"
            ),
        ]
        indexes = [
            # The look-up by the 10-digit number printed on cards since 2021.
            models.Index(
                Right("number", 10),
                condition=Q(status=CardStatus.ACTIVE),
                name="hicard_active_si_code_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class BenefitEntitlement(models.Model):
    """A benefit decided for a person: monthly ones in payment, one-off ones paid."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="entitlements")
    kind = models.CharField(_("benefit"), max_length=32, choices=EntitlementKind.choices)
    status = models.CharField(_("status"), max_length=16, choices=EntitlementStatus.choices)
    amount_vnd = models.PositiveBigIntegerField(_("amount (VND)"), null=True, blank=True)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    source_dossier = models.ForeignKey(
        "dossiers.Dossier", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("benefit entitlement")
        verbose_name_plural = _("benefit entitlements")
        ordering = ["person", "-started_on"]
        indexes = [models.Index(fields=["person", "status"], name="entitlement_person_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["source_dossier"],
                condition=Q(source_dossier__isnull=False),
                name="entitlement_one_per_dossier",
            ),
            models.CheckConstraint(
                condition=Q(status__in=EntitlementStatus.values), name="entitlement_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind}"


class PaymentMethod(models.Model):
    """How benefits are paid; the row with no `valid_to` is the current one, others history."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="payment_methods")
    method = models.CharField(_("method"), max_length=16, choices=PaymentMethodKind.choices)
    bank_account = models.CharField(
        _("bank account"), max_length=19, blank=True, validators=[validate_bank_account]
    )
    bank_name = models.CharField(_("bank and branch"), max_length=200, blank=True)
    pay_point_address = models.CharField(_("cash pay point"), max_length=300, blank=True)
    valid_from = models.DateTimeField(_("from"))
    valid_to = models.DateTimeField(_("until"), null=True, blank=True)
    source_dossier = models.ForeignKey(
        "dossiers.Dossier", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("payment method")
        verbose_name_plural = _("payment methods")
        ordering = ["person", "-valid_from"]
        indexes = [models.Index(fields=["person", "-valid_from"], name="payment_person_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(valid_to__isnull=True),
                name="payment_one_current_per_person",
            ),
            models.CheckConstraint(
                condition=~Q(method=PaymentMethodKind.BANK) | ~Q(bank_account=""),
                name="payment_bank_needs_account",
            ),
            models.CheckConstraint(
                condition=Q(method__in=PaymentMethodKind.values), name="payment_method_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.method}"


class RegistryEvent(models.Model):
    """Append-only audit trail of registry changes (the database refuses UPDATE/DELETE)."""

    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="registry_events"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=RegistryEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("registry event")
        verbose_name_plural = _("registry events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["person", "created_at"], name="registry_event_person_idx")]
        constraints = [
            # A dossier's result is applied once: the claim row of registry_apply_result.
            models.UniqueConstraint(
                fields=["dossier"],
                condition=Q(kind=RegistryEventKind.DOSSIER_APPLIED),
                name="registry_event_dossier_applied_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%d/%m/%Y %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Registry events are append-only.")
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Registry events are append-only.")


from .bundles.models import Bundle, BundleDocument, BundleEvent, BundlePart  # noqa: E402

__all__ = [
    "BenefitEntitlement",
    "Bundle",
    "BundleDocument",
    "BundleEvent",
    "BundlePart",
    "ContributionPeriod",
    "Employer",
    "Employment",
    "FamilyRelation",
    "HealthFacility",
    "HiCard",
    "PaymentMethod",
    "Person",
    "RegistryEvent",
    "format_address",
]
