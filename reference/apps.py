from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferenceConfig(AppConfig):
    """Read-only reference data for integrators: provinces and communes, offices, health
    facilities, the officers of an office. No models: it reads the apps that own the data."""

    name = "reference"
    verbose_name = _("Reference data")
