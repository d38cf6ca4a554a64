from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partner systems and API access")

    def ready(self):
        from dossiers import events, providers
        from outbox.registry import subscribe

        from . import events as partner_events
        from . import schema  # noqa: F401 - registers the OpenAPI security scheme
        from .services import partner_draft_create
        from .services.webhooks import event_types_for

        # A draft filed through the dossier API with a partner token (dossiers.providers).
        providers.token_draft_create.provide(partner_draft_create)

        # Partners that filed a dossier hear of the events of the webhook catalogue (state
        # changes, supplement requested, result signed and returned, rating received).
        subscribe(
            events.EVENT,
            handler="partners.handlers.webhooks_for_event",
            workload="webhooks",
            when=lambda event, context: bool(event_types_for(event)),
        )
        # Completed bundle parts, published by the beneficiaries app (partners.events).
        subscribe(
            partner_events.BUNDLE_PART_COMPLETED,
            handler="partners.handlers.webhooks_for_bundle_part",
            workload="webhooks",
        )
