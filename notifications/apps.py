from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from dossiers import events
        from outbox.registry import subscribe
        from queues import events as queue_events

        # The applicant hears of an event when its writer says so; the confirmation of a
        # submission or reception waits for its reception slip (so the e-mail carries it).
        subscribe(
            events.EVENT,
            handler="notifications.handlers.citizen_notify",
            workload="notify",
            when=lambda event, context: context.get("notify_citizen", False),
            atomic=False,
        )
        subscribe(
            events.RECEPTION_SLIP_ISSUED,
            handler="notifications.handlers.citizen_notify",
            workload="notify",
            atomic=False,
        )
        # The one-time code a counter asks for before finishing an online draft (#18).
        subscribe(
            events.TAKEOVER_CODE,
            handler="notifications.handlers.takeover_code_notify",
            atomic=False,
            workload="notify",
        )
        subscribe(
            events.STAFF_ALERT,
            handler="notifications.handlers.staff_notify",
            atomic=False,
            workload="notify",
        )
        # A signed-in citizen's queue ticket: three people ahead, then called (#19).
        subscribe(
            queue_events.TICKET_EVENT,
            handler="notifications.handlers.ticket_called_notify",
            workload="notify",
            when=lambda event, context: (
                context.get("kind") == "called" and context.get("has_citizen", False)
            ),
            atomic=False,
        )
        subscribe(
            queue_events.AHEAD_THREE,
            handler="notifications.handlers.ticket_ahead_notify",
            workload="notify",
            atomic=False,
        )
