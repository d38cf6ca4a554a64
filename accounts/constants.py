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
