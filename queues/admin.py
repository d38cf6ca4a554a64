from django.contrib import admin

from .models import Booking, Counter, OfficeQueue, ServiceGroup, Slot, Ticket


@admin.register(ServiceGroup)
class ServiceGroupAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "first_number", "is_collection", "is_active", "sort_order")


@admin.register(OfficeQueue)
class OfficeQueueAdmin(admin.ModelAdmin):
    list_display = ("office", "is_open", "call_rule", "recalls_before_no_show")
    list_select_related = ("office",)
    readonly_fields = ("version",)


@admin.register(Counter)
class CounterAdmin(admin.ModelAdmin):
    list_display = ("office", "number", "is_open", "is_paused", "officer")
    list_select_related = ("office", "officer")
    list_filter = ("office",)
    filter_horizontal = ("groups",)
    raw_id_fields = ("officer",)


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ("office", "group", "starts_at", "capacity", "booked")
    list_select_related = ("office", "group")
    list_filter = ("group",)
    date_hierarchy = "starts_at"


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Read-only: tickets change only through the queue's services."""

    list_display = ("number", "office", "group", "day", "state", "issued_at", "called_at")
    list_select_related = ("office", "group")
    list_filter = ("state", "group")
    date_hierarchy = "issued_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ("code", "slot", "state", "created_at")
    list_select_related = ("slot", "slot__office", "slot__group")
    readonly_fields = ("code", "slot", "citizen", "state", "ticket")

    def has_add_permission(self, request):
        return False
