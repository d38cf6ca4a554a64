from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import SecurityEvent, User


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


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """The sign-in security trail (two-factor enrolments and resets, recovery codes used,
    lockouts): read-only, append-only. Failed attempts themselves are under "Axes"."""

    list_display = ("at", "kind", "user", "actor", "office", "username", "ip_address")
    list_filter = ("kind", "office")
    search_fields = ("user__username", "actor__username", "username", "ip_address")
    date_hierarchy = "at"
    list_select_related = ("user", "actor", "office")
    readonly_fields = [f.name for f in SecurityEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
