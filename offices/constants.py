from django.db import models
from django.utils.translation import gettext_lazy as _


class OfficeKind(models.TextChoices):
    HEADQUARTERS = "headquarters", _("VSS headquarters")
    PROVINCIAL = "provincial", _("Provincial social security office")
    BASE = "base", _("Base social security office")


# Top-level agency part (M X1 X2) of the QCVN 102:2016 code used for VSS units.
# Unconfirmed (shared/DOMAIN.md): kept as data on each office and editable in the admin.
VSS_AGENCY_SUFFIX = "G12"
