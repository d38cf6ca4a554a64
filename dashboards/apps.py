from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self):
        from dossiers import events
        from dossiers.constants import EventKind
        from outbox.registry import subscribe

        subscribe(events.COUNTS_CHANGED, handler="dashboards.handlers.rollups_mark")
        # A rating given or changed (ratings writes a `rated` dossier event).
        subscribe(
            events.EVENT,
            handler="dashboards.handlers.rollups_mark_rated",
            when=lambda event, context: context["kind"] == EventKind.RATED,
        )
