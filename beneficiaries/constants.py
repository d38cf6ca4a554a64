from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class PreferredLanguage(models.TextChoices):
    VIETNAMESE = "vi", _("Vietnamese")
    ENGLISH = "en", _("English")
    KHMER = "km", _("Khmer")
    CHINESE = "zh", _("Chinese")
    HMONG = "hmn", _("Hmong")
    SIGN = "sgn", _("Vietnamese Sign Language")
    OTHER = "other", _("Another language")


class RelationKind(models.TextChoices):
    """What the relative is to the person: "X's PARENT is Y"."""

    PARENT = "parent", _("Parent")
    CHILD = "child", _("Child")
    SPOUSE = "spouse", _("Spouse")


INVERSE_RELATION = {
    RelationKind.PARENT: RelationKind.CHILD,
    RelationKind.CHILD: RelationKind.PARENT,
    RelationKind.SPOUSE: RelationKind.SPOUSE,
}


class ContributionScheme(models.TextChoices):
    COMPULSORY = "compulsory", _("Compulsory social insurance")
    VOLUNTARY = "voluntary", _("Voluntary social insurance")


class CardStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    REPLACED = "replaced", _("Replaced by a new card")
    REVOKED = "revoked", _("Revoked")


class EntitlementKind(models.TextChoices):
    OLD_AGE_PENSION = "old_age_pension", _("Old-age pension")
    SURVIVOR_MONTHLY = "survivor_monthly", _("Monthly survivor allowance")
    WORK_INJURY_MONTHLY = "work_injury_monthly", _("Monthly work injury allowance")
    FUNERAL_ALLOWANCE = "funeral_allowance", _("Funeral allowance (one-off)")


class EntitlementStatus(models.TextChoices):
    IN_PAYMENT = "in_payment", _("In payment")
    SUSPENDED = "suspended", _("Suspended")
    ENDED = "ended", _("Ended")
    PAID = "paid", _("Paid (one-off)")


class PaymentMethodKind(models.TextChoices):
    # The values are the ones the catalogue's payment-method fields use.
    BANK = "bank", _("Transfer to a bank account")
    CASH_POST = "cash_post", _("Cash at a post office pay point")


class RegistryEventKind(models.TextChoices):
    PERSON_REGISTERED = "person_registered", _("Person registered")
    RELATION_ADDED = "relation_added", _("Family relation added")
    CARD_ISSUED = "card_issued", _("Health insurance card issued")
    CARD_REISSUED = "card_reissued", _("Health insurance card re-issued")
    PAYMENT_METHOD_CHANGED = "payment_method_changed", _("Payment method changed")
    ENTITLEMENT_GRANTED = "entitlement_granted", _("Benefit entitlement granted")
    DEATH_RECORDED = "death_recorded", _("Death recorded")
    DOSSIER_APPLIED = "dossier_applied", _("Dossier result applied to the registry")


# The procedures whose approved result changes the registry (catalogue slugs).
HI_CARD_REISSUE = "hi-card-reissue-exchange"
PAYMENT_METHOD_CHANGE = "payment-method-change"
HI_CARD_CHILD = "hi-card-child-under-6"
FUNERAL_ALLOWANCE = "funeral-allowance"
SURVIVOR_ALLOWANCE = "monthly-survivor-allowance"
REGISTRY_PROCEDURES = frozenset(
    {HI_CARD_REISSUE, PAYMENT_METHOD_CHANGE, HI_CARD_CHILD, FUNERAL_ALLOWANCE, SURVIVOR_ALLOWANCE}
)

# Beneficiary group and benefit level of HI cards for children under six (Decision 1351).
CHILD_CARD_GROUP = "TE"
CHILD_CARD_LEVEL = 1
