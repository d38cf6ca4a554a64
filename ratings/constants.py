import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

# One rating per dossier, which its author may change for this long after giving it.
EDIT_WINDOW = dt.timedelta(days=7)
# A rating at or below this overall score notifies the office leaders.
UNHAPPY_MAX_SCORE = 2
MIN_SCORE, MAX_SCORE = 1, 5
MAX_TRIPS = 20


class RatingChannel(models.TextChoices):
    WEB = "web", _("Online, in the citizen's account")
    TABLET = "tablet", _("Tablet at the counter")


class Scale(models.IntegerChoices):
    """The five-point scale used for the overall score and each criterion."""

    VERY_DISSATISFIED = 1, _("Very dissatisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    NEUTRAL = 3, _("Neither satisfied nor dissatisfied")
    SATISFIED = 4, _("Satisfied")
    VERY_SATISFIED = 5, _("Very satisfied")


# The criteria rated besides the overall score (field name, label), in the order asked.
CRITERIA = (
    ("timeliness", _("Timeliness")),
    ("attitude", _("Staff attitude")),
    ("guidance", _("Clarity of guidance")),
)
