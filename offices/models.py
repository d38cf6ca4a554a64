from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import OfficeKind
from .geography import province_name
from .validators import validate_opening_hours


class Office(models.Model):
    """A VSS unit that receives and processes dossiers (provincial or base office)."""

    agency_code = models.CharField(
        _("agency code"),
        max_length=32,
        unique=True,
        help_text=_("QCVN 102:2016 code (V1V2V3.Z1Z2.Y1Y2.MX1X2) used in dossier codes."),
    )
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=OfficeKind.choices)
    province_code = models.PositiveSmallIntegerField(
        _("province code"), help_text=_("Decision 19/2025/QD-TTg code")
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    opening_hours = models.JSONField(
        _("opening hours"),
        default=list,
        blank=True,
        validators=[validate_opening_hours],
        help_text=_(
            'Periods the counter is open, e.g. [{"days": [1, 2, 3, 4, 5], "opens": "07:30", '
            '"closes": "11:30"}] (ISO weekdays, 1 is Monday; 24-hour times).'
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    auto_assign = models.BooleanField(
        _("assign received dossiers automatically"),
        default=False,
        help_text=_(
            "A received dossier goes to the present processing officer with the fewest open "
            "dossiers."
        ),
    )

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["province_code", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code"],
                condition=models.Q(kind="provincial"),
                name="offices_one_provincial_office_per_province",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def province_name(self) -> str:
        return province_name(self.province_code)

    def localized_name(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name
