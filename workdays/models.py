from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import OverrideKind


class CalendarOverride(models.Model):
    """A government decision that moves a day: an extra day off or a make-up working day.

    Overrides win over the built-in `holidays.VN` calendar, so future decisions can be
    entered in the admin without a release.
    """

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=OverrideKind.choices)
    reason = models.CharField(_("reason"), max_length=200)
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=OverrideKind.values),
                name="workdays_override_kind_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()}"
