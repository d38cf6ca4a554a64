from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppAuthConfig(AppConfig):
    """The citizen app's access: the portal as OAuth 2.0 authorization server."""

    name = "appauth"
    verbose_name = _("Citizen app access")

    def ready(self):
        from . import schema  # noqa: F401 - registers the OpenAPI security scheme
