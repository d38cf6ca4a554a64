from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    COUNTER_OFFICER = "counter_officer", _("Counter officer")
    PROCESSING_OFFICER = "processing_officer", _("Processing officer")
    OFFICE_LEADER = "office_leader", _("Office leader")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMINISTRATOR = "administrator", _("Administrator")


STAFF_ROLES = frozenset(
    {
        Role.COUNTER_OFFICER,
        Role.PROCESSING_OFFICER,
        Role.OFFICE_LEADER,
        Role.SUPERVISOR,
        Role.ADMINISTRATOR,
    }
)
OFFICE_ROLES = frozenset({Role.COUNTER_OFFICER, Role.PROCESSING_OFFICER, Role.OFFICE_LEADER})


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class SecurityEventKind(models.TextChoices):
    TWO_FACTOR_ENROLLED = "two_factor_enrolled", _("Two-factor enrolled")
    TWO_FACTOR_RESET = "two_factor_reset", _("Two-factor device reset")
    RECOVERY_CODE_USED = "recovery_code_used", _("Recovery code used")
    LOCKOUT = "lockout", _("Sign-in locked out")


# Who must sign in with a second factor: every staff role (and anyone who can open the admin).
TWO_FACTOR_ROLES = STAFF_ROLES
