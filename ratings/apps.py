from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "ratings"
    verbose_name = _("Satisfaction ratings")

    def ready(self):
        from dossiers import providers

        from . import selectors, views

        # The rating block of the dossier page and the "rated" marks of "My dossiers".
        providers.rated_dossier_ids.provide(selectors.rated_dossier_ids)
        providers.rating_panel_context.provide(views.panel_context)
