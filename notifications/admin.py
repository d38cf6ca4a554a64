"""Admin: every notification with its delivery attempts; failed ones can be sent again.

Read-only: rows are written by `notifications.services` only. The "Retry failed deliveries"
action gives failed (or stuck retrying) rows a new round of attempts in a task.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .models import DeliveryAttempt, Notification
from .services import notification_retry


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    fields = ("number", "status", "error", "attempted_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "created_at",
        "audience",
        "channel",
        "recipient",
        "dossier_code",
        "subject",
        "status",
        "attempts",
        "last_error",
        "sent_at",
    )
    list_filter = ("status", "channel", "audience")
    list_select_related = ("recipient", "event__dossier")
    search_fields = ("event__dossier__code",)
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    inlines = [DeliveryAttemptInline]
    actions = ["retry_failed"]
    fields = (
        "event",
        "about",
        "audience",
        "recipient",
        "channel",
        "address",
        "language",
        "subject",
        "body",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
        "read_at",
    )
    readonly_fields = fields

    @admin.display(description=_("dossier code"), ordering="event__dossier__code")
    def dossier_code(self, obj: Notification) -> str:
        return (obj.event.dossier.code or "") if obj.event_id else ""

    @admin.action(description=_("Retry failed deliveries"), permissions=["retry"])
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        count = notification_retry(notification_ids=list(queryset.values_list("pk", flat=True)))
        if count:
            self.message_user(
                request,
                ngettext(
                    "%(count)d notification will be sent again.",
                    "%(count)d notifications will be sent again.",
                    count,
                )
                % {"count": count},
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request, gettext("None of the selected notifications failed."), messages.WARNING
            )

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("notifications.change_notification")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
