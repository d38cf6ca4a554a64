from django.contrib import admin

from .models import Office


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ("agency_code", "name", "kind", "province_code", "auto_assign", "is_active")
    list_filter = ("kind", "auto_assign", "is_active")
    search_fields = ("agency_code", "name", "name_en")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
