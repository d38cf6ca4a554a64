from django.contrib import admin

from .models import Office


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ("agency_code", "name", "kind", "province_code", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("agency_code", "name", "name_en")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
