"""Read-mostly admin of the registry. Registry changes go through the services (with their
audit events), so the admin shows rows and lets staff search, not edit, the important ones."""

from django.contrib import admin

from .bundles.models import Bundle, BundleDocument, BundleEvent, BundlePart
from .models import (
    BenefitEntitlement,
    ContributionPeriod,
    Employer,
    Employment,
    FamilyRelation,
    HealthFacility,
    HiCard,
    PaymentMethod,
    Person,
    RegistryEvent,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class HiCardInline(admin.TabularInline):
    model = HiCard
    fk_name = "person"
    extra = 0
    can_delete = False
    fields = ["number", "status", "valid_from", "valid_to", "facility_code", "issued_at"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class PaymentMethodInline(admin.TabularInline):
    model = PaymentMethod
    extra = 0
    can_delete = False
    fields = ["method", "bank_account", "bank_name", "valid_from", "valid_to"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "national_id", "si_code", "date_of_birth", "current_province_code"]
    # Exact matches only: the identifiers are indexed, names are not searched here.
    search_fields = ["=national_id", "=si_code"]
    list_filter = ["needs_interpreter", "needs_large_print", "needs_assisted_digital"]
    readonly_fields = ["national_id", "si_code", "date_of_death", "created_at", "updated_at"]
    inlines = [HiCardInline, PaymentMethodInline]
    show_full_result_count = False


@admin.register(HealthFacility)
class HealthFacilityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "province_code", "accepts_initial_registration"]
    search_fields = ["=code", "name"]
    list_filter = ["accepts_initial_registration"]


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    list_display = ["name", "unit_code", "province_code"]
    search_fields = ["=unit_code", "name"]


@admin.register(HiCard)
class HiCardAdmin(ReadOnlyAdmin):
    list_display = ["number", "person", "status", "valid_from", "valid_to", "facility_code"]
    search_fields = ["=number", "=person__national_id"]
    list_filter = ["status", "group"]
    raw_id_fields = ["person", "replaces", "source_dossier"]
    show_full_result_count = False


@admin.register(RegistryEvent)
class RegistryEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "person", "dossier", "actor"]
    list_filter = ["kind"]
    raw_id_fields = ["person", "dossier", "actor"]
    show_full_result_count = False


for model in (FamilyRelation, Employment, ContributionPeriod, BenefitEntitlement, PaymentMethod):
    admin.site.register(model, ReadOnlyAdmin)


class BundlePartInline(admin.TabularInline):
    model = BundlePart
    extra = 0
    can_delete = False
    fields = ["procedure", "agency", "status", "agency_reference", "dossier", "documents_due_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Bundle)
class BundleAdmin(ReadOnlyAdmin):
    list_display = ["reference", "kind", "applicant", "filed_at", "province_code"]
    list_filter = ["kind"]
    search_fields = ["=reference"]
    inlines = [BundlePartInline]


admin.site.register(BundleDocument, ReadOnlyAdmin)
admin.site.register(BundleEvent, ReadOnlyAdmin)
