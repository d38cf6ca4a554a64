from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partner systems and API access")

    def ready(self):
        from dossiers import providers

        from . import schema  # noqa: F401 - registers the OpenAPI security scheme
        from .services import partner_draft_create

        # A draft filed through the dossier API with a partner token (dossiers.providers).
        providers.token_draft_create.provide(partner_draft_create)
