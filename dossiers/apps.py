from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "dossiers"
    verbose_name = _("Dossiers")

    def ready(self):
        from outbox.registry import subscribe

        from . import (
            audit,  # noqa: F401 - connects the connection_created receiver
            events,
        )
        from .constants import EventKind

        # The dossier's own side effects, through the outbox like everyone else's (ADR 0006).
        subscribe(
            events.EVENT,
            handler="dossiers.handlers.reception_slip",
            workload="pdf",
            when=lambda event, context: (
                context["kind"] in (EventKind.SUBMITTED, EventKind.RECEIVED)
            ),
            atomic=False,
        )
        subscribe(
            events.EVENT,
            handler="dossiers.handlers.letter",
            workload="pdf",
            when=lambda event, context: bool(context.get("letter")),
            atomic=False,
        )
        subscribe(
            events.EVENT,
            handler="dossiers.handlers.document_digitise",
            workload="ocr",
            when=lambda event, context: (
                context["kind"] == EventKind.DIGITISATION_RETRIED
                or (
                    context["kind"] == EventKind.DOCUMENT_ADDED
                    and getattr(settings, "DIGITISE_ON_UPLOAD", True)
                )
            ),
            atomic=False,
        )
