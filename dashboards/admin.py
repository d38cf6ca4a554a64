from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import DailyRollup, RollupDay, Target


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ("key", "comparison", "value", "unit", "basis", "updated_at")
    search_fields = ("key", "basis", "note")

    def get_readonly_fields(self, request, obj=None):
        # The figure a target belongs to is fixed once created; its value and wording are not.
        return ("key", "updated_at") if obj else ("updated_at",)


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DailyRollup)
class DailyRollupAdmin(_ReadOnly):
    list_display = (
        "day",
        "competent_office",
        "receiving_office",
        "procedure",
        "channel",
        "received",
        "returned",
        "returned_late",
    )
    list_filter = ("channel", "province_code")
    date_hierarchy = "day"
    list_select_related = ("competent_office", "receiving_office", "procedure")


@admin.register(RollupDay)
class RollupDayAdmin(_ReadOnly):
    list_display = ("day", "refreshed_at", "rows")
    date_hierarchy = "day"
    actions = ["recompute"]

    @admin.action(description=_("Recompute the selected days"), permissions=["view"])
    def recompute(self, request, queryset):
        from .tasks import rollups_refresh

        days = [day.isoformat() for day in queryset.values_list("day", flat=True)]
        transaction.on_commit(lambda: rollups_refresh.delay(days=days))
        self.message_user(
            request,
            _("%(count)s day(s) queued for recomputation.") % {"count": len(days)},
            messages.SUCCESS,
        )
