from django.contrib import admin

from .models import AccessRecord


@admin.register(AccessRecord)
class AccessRecordAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only (the database refuses changes anyway)."""

    list_display = ["at", "actor", "role", "office", "kind", "dossier_code", "channel", "reason"]
    list_filter = ["kind", "channel", "role"]
    search_fields = ["dossier_code", "actor__username"]
    date_hierarchy = "at"
    list_select_related = ["actor", "office"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
