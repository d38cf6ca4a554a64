from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self):
        from dossiers import events
        from outbox.registry import subscribe

        subscribe(events.COUNTS_CHANGED, handler="dashboards.handlers.rollups_mark")
