from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    list_display = ("username", "full_name", "role", "office", "absent_until", "is_active")
    list_filter = ("role", "office__province_code", "is_active")
    search_fields = ("username", "full_name", "email", "national_id")
    list_select_related = ("office",)
    autocomplete_fields = ("office",)
    fieldsets = (
        *UserAdmin.fieldsets,
        (
            _("Portal"),
            {
                "fields": (
                    "role",
                    "office",
                    "full_name",
                    "national_id",
                    "date_of_birth",
                    "gender",
                    "phone",
                    "preferred_language",
                    "absent_until",
                )
            },
        ),
    )
