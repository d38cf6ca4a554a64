from django.db import models
from django.utils.translation import gettext_lazy as _


class OverrideKind(models.TextChoices):
    DAY_OFF = "day_off", _("Extra day off")
    WORKING_DAY = "working_day", _("Make-up working day")


class TimeLimitUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    CALENDAR_DAYS_EXCLUDING_HOLIDAYS = (
        "calendar_days_excluding_holidays",
        _("days (excluding public holidays and Tết)"),
    )
    CALENDAR_DAYS = "calendar_days", _("calendar days")
