from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partner systems and API access")

    def ready(self):
        from dossiers import events
        from outbox.registry import subscribe

        from . import schema  # noqa: F401 - registers the OpenAPI security scheme
        from .services.webhooks import STATUS_EVENT_KINDS

        # Partners that filed a dossier hear of each of its state changes.
        subscribe(
            events.EVENT,
            handler="partners.handlers.webhooks_for_event",
            when=lambda event, context: (
                context["kind"] in STATUS_EVENT_KINDS
                and bool(context["to_state"])
                and context["to_state"] != context["from_state"]
            ),
        )
