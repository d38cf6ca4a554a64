from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QueuesConfig(AppConfig):
    name = "queues"
    verbose_name = _("Counter queue")

    def ready(self):
        from dossiers import events, providers
        from dossiers.constants import DossierState, EventKind
        from outbox.registry import subscribe

        from . import statistics  # noqa: F401 - registers SQLite's percentile_disc
        from .handlers import ticket_link_dossier
        from .selectors import visit_panel_context

        # The dossier page shows its visit: ticket, wait (issued → called), service time.
        providers.visit_panel_context.provide(visit_panel_context)

        # The dossier received at a counter records the ticket being served there, in the
        # reception's own transaction (inline): the dossier carries its wait and service time.
        subscribe(
            events.EVENT,
            inline=ticket_link_dossier,
            when=lambda event, context: (
                context["kind"] == EventKind.RECEIVED
                and context["from_state"] == DossierState.DRAFT
            ),
        )
