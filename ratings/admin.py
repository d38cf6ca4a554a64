"""Ratings in the admin are read-only: citizens give them through `ratings.services`."""

from django.contrib import admin

from .models import Rating


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = (
        "dossier",
        "score",
        "timeliness",
        "attitude",
        "guidance",
        "trips_needed",
        "channel",
        "created_at",
    )
    list_filter = ("score", "channel", "dossier__competent_office")
    search_fields = ("dossier__code",)
    list_select_related = ("dossier",)
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Rating._meta.fields]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
