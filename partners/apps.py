from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partner systems and API access")

    def ready(self):
        from dossiers import events, providers
        from outbox.registry import subscribe

        from . import schema  # noqa: F401 - registers the OpenAPI security scheme
        from .services import partner_draft_create
        from .services.webhooks import STATUS_EVENT_KINDS

        # A draft filed through the dossier API with a partner token (dossiers.providers).
        providers.token_draft_create.provide(partner_draft_create)

        # Partners that filed a dossier hear of each of its state changes.
        subscribe(
            events.EVENT,
            handler="partners.handlers.webhooks_for_event",
            workload="webhooks",
            when=lambda event, context: (
                context["kind"] in STATUS_EVENT_KINDS
                and bool(context["to_state"])
                and context["to_state"] != context["from_state"]
            ),
        )
