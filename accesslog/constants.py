from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessKind(models.TextChoices):
    DOSSIER = "dossier", _("Dossier")
    DOCUMENT = "document", _("Document")
    LETTER = "letter", _("Letter or slip")
    REGISTRY = "registry", _("Registry record")


class AccessChannel(models.TextChoices):
    PAGE = "page", _("Page")
    API = "api", _("API")


# The role recorded for a partner system's token (its service account has no staff role).
PARTNER_ROLE = "partner"

# How many reasons a supervisor's session remembers (one per dossier opened outside the
# supervisor's office); the oldest is forgotten first.
SESSION_REASONS_KEPT = 50
SESSION_REASONS_KEY = "access_reasons"
