from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .constants import EDIT_WINDOW, MAX_SCORE, MAX_TRIPS, MIN_SCORE, RatingChannel

_SCALE_FIELDS = ("score", "timeliness", "attitude", "guidance")


class Rating(models.Model):
    """A citizen's satisfaction with the handling of one returned dossier.

    One per dossier (the one-to-one column is the guarantee), written only by
    `ratings.services`. Ratings given on the counter tablet have no account behind them.
    """

    dossier = models.OneToOneField(
        "dossiers.Dossier",
        verbose_name=_("dossier"),
        on_delete=models.PROTECT,
        related_name="rating",
    )
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=8, choices=RatingChannel.choices)
    score = models.PositiveSmallIntegerField(_("overall satisfaction"))
    timeliness = models.PositiveSmallIntegerField(_("timeliness"))
    attitude = models.PositiveSmallIntegerField(_("staff attitude"))
    guidance = models.PositiveSmallIntegerField(_("clarity of guidance"))
    trips_needed = models.PositiveSmallIntegerField(_("trips to the office needed"))
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("rated at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed at"), auto_now=True)

    class Meta:
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_at"], name="rating_created_idx")]
        constraints = [
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": MIN_SCORE, f"{name}__lte": MAX_SCORE}),
                    name=f"rating_{name}_range",
                )
                for name in _SCALE_FIELDS
            ),
            models.CheckConstraint(
                condition=Q(trips_needed__lte=MAX_TRIPS), name="rating_trips_needed_range"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=RatingChannel.values), name="rating_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(channel=RatingChannel.TABLET) | Q(rater__isnull=False),
                name="rating_web_has_rater",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.score}/{MAX_SCORE}"

    @property
    def editable_until(self):
        return self.created_at + EDIT_WINDOW
