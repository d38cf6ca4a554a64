"""Admin for catalogue editors.

Writes go through `procedures.services`. A version under which dossiers were received is
read-only here: dossiers keep the rules they were received under, so editors publish a new
version (the "Publish a new version from this one" action) instead of editing it.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .constants import Channel
from .models import DocumentComponent, Procedure, ProcedureVersion
from .services import (
    procedure_save,
    procedure_version_check,
    procedure_version_create,
    validate_required_when,
)

LOCKED_HELP = _(
    "Dossiers have been received under this version, so it can no longer be changed: "
    "every dossier keeps the rules it was received under. To change the rules, select this "
    "version in the list and use the action “Publish a new version from this one”."
)
EDITABLE_HELP = _(
    "No dossier has been received under this version yet, so it can still be corrected. "
    "Once a dossier is received it becomes read-only."
)


def _has_dossiers(version: ProcedureVersion | None) -> bool:
    """Whether dossiers were received under the version (annotated by the admin queryset)."""
    if version is None or version.pk is None:
        return False
    known = getattr(version, "has_dossiers", None)
    if known is None:
        known = version.dossiers.exists()
        version.has_dossiers = known
    return bool(known)


class ProcedureAdminForm(forms.ModelForm):
    channels = forms.MultipleChoiceField(
        label=_("channels"),
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Procedure
        fields = (
            "code",
            "slug",
            "name_vi",
            "name_en",
            "summary_vi",
            "summary_en",
            "group",
            "filer",
            "channels",
            "result_type_vi",
            "result_type_en",
            "fee_vnd",
            "field_inspection",
            "competent_office",
            "is_published",
            "is_demo",
            "ordering",
        )


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    form = ProcedureAdminForm
    list_display = (
        "code",
        "name_vi",
        "group",
        "channel_list",
        "field_inspection",
        "is_published",
    )
    list_display_links = ("code", "name_vi")
    list_filter = ("group", "is_published", "field_inspection", "filer", "competent_office")
    # search_text is the accent-free text: "thai san" finds "thai sản".
    search_fields = ("code", "slug", "name_vi", "name_en", "search_text")
    prepopulated_fields = {"slug": ("name_en",)}
    ordering = ("ordering", "name_vi")

    @admin.display(description=_("channels"))
    def channel_list(self, obj: Procedure) -> str:
        return ", ".join(obj.channel_labels())

    def save_model(self, request, obj, form, change):
        # The service keeps the accent-free search text in step with the names.
        procedure_save(procedure=obj)


class DocumentComponentFormSet(forms.BaseInlineFormSet):
    """Each document's machine condition must name a field of this version's form.

    The formset's `instance` is the version with the form fields as just edited, so a
    condition may name a field added in the same save.
    """

    def clean(self):
        super().clean()
        fields = self.instance.field_definitions() if self.instance is not None else []
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            rule = form.cleaned_data.get("required_when")
            if rule in (None, {}):
                continue
            if form.cleaned_data.get("requirement") != "conditional":
                form.add_error(
                    "required_when",
                    gettext("Only a conditional document has a condition."),
                )
                continue
            try:
                validate_required_when(rule, fields, code=form.cleaned_data.get("code") or "?")
            except ValidationError as exc:
                form.add_error("required_when", exc)


class DocumentComponentInline(admin.TabularInline):
    model = DocumentComponent
    formset = DocumentComponentFormSet
    extra = 0
    fields = (
        "position",
        "code",
        "name_vi",
        "name_en",
        "original_or_copy",
        "quantity",
        "requirement",
        "condition_vi",
        "condition_en",
        "required_when",
        "file_types",
        "max_size_mb",
        "prefill_source",
    )
    ordering = ("position", "id")

    # `obj` is the parent version: its documents are frozen once dossiers exist.
    def has_add_permission(self, request, obj=None):
        return not _has_dossiers(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not _has_dossiers(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _has_dossiers(obj) and super().has_delete_permission(request, obj)


class ProcedureVersionAdminForm(forms.ModelForm):
    class Meta:
        model = ProcedureVersion
        fields = (
            "procedure",
            "effective_from",
            "effective_to",
            "legal_basis_vi",
            "legal_basis_en",
            "time_limit",
            "time_limit_unit",
            "internal_target",
            "verification_time_limit",
            "due_soon_hours",
            "step_appraisal",
            "step_leader_signature",
            "step_payment_request",
            "fields",
        )

    def clean(self):
        cleaned = super().clean()
        procedure = cleaned.get("procedure") or (
            self.instance.procedure if self.instance.procedure_id else None
        )
        effective_from = cleaned.get("effective_from")
        if procedure is None or effective_from is None or self.has_error("effective_to"):
            return cleaned
        candidate = ProcedureVersion(
            pk=self.instance.pk,
            procedure=procedure,
            effective_from=effective_from,
            effective_to=cleaned.get("effective_to"),
            fields=cleaned.get("fields") or [],
        )
        try:
            procedure_version_check(version=candidate)
        except ValidationError as exc:
            # Date errors name their field; a field-schema error belongs to "fields".
            self.add_error(None if hasattr(exc, "error_dict") else "fields", exc)
        return cleaned


class PublishVersionActionForm(ActionForm):
    effective_from = forms.DateField(
        label=_("New version in force from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for tomorrow."),
    )


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    form = ProcedureVersionAdminForm
    action_form = PublishVersionActionForm
    actions = ("publish_new_version",)
    inlines = (DocumentComponentInline,)
    list_display = (
        "procedure",
        "effective_from",
        "effective_to",
        "time_limit",
        "time_limit_unit",
        "internal_target",
        "is_locked",
    )
    list_filter = ("procedure__group", "time_limit_unit")
    list_select_related = ("procedure",)
    search_fields = ("procedure__code", "procedure__name_vi", "legal_basis_vi", "legal_basis_en")
    autocomplete_fields = ("procedure",)
    date_hierarchy = "effective_from"
    readonly_fields = ("edit_status", "created_at")
    fieldsets = (
        (None, {"fields": ("edit_status", "procedure", "effective_from", "effective_to")}),
        (_("Legal basis"), {"fields": ("legal_basis_vi", "legal_basis_en")}),
        (
            _("Time limit"),
            {
                "fields": (
                    "time_limit",
                    "time_limit_unit",
                    "internal_target",
                    "verification_time_limit",
                    "due_soon_hours",
                )
            },
        ),
        (
            _("Workflow"),
            {"fields": ("step_appraisal", "step_leader_signature", "step_payment_request")},
        ),
        (_("Applicant form"), {"fields": ("fields", "created_at")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProcedureVersion]:
        dossier_model = ProcedureVersion.dossiers.field.model
        return (
            super()
            .get_queryset(request)
            .annotate(has_dossiers=Exists(dossier_model.objects.filter(version=OuterRef("pk"))))
        )

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        # A version never moves to another procedure.
        return (*readonly, "procedure") if obj is not None else readonly

    def has_change_permission(self, request, obj=None):
        return not _has_dossiers(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _has_dossiers(obj) and super().has_delete_permission(request, obj)

    @admin.display(description=_("read-only"), boolean=True)
    def is_locked(self, obj: ProcedureVersion) -> bool:
        return _has_dossiers(obj)

    @admin.display(description=_("status"))
    def edit_status(self, obj: ProcedureVersion | None) -> str:
        if not _has_dossiers(obj):
            return EDITABLE_HELP
        changelist = reverse("admin:procedures_procedureversion_changelist")
        return format_html(
            '<strong>{}</strong> <a href="{}?procedure__id__exact={}">{}</a>',
            LOCKED_HELP,
            changelist,
            obj.procedure_id,
            gettext("Versions of this procedure"),
        )

    def save_model(self, request, obj, form, change):
        # The form checked the dates; check again under the procedure's row lock so that
        # two editors saving at once cannot create overlapping versions.
        with transaction.atomic():
            Procedure.objects.select_for_update().get(pk=obj.procedure_id)
            procedure_version_check(version=obj)
            obj.save()

    @admin.action(description=_("Publish a new version from this one"), permissions=["add"])
    def publish_new_version(self, request: HttpRequest, queryset: QuerySet[ProcedureVersion]):
        if queryset.count() != 1:
            self.message_user(
                request, gettext("Select exactly one version to copy."), messages.ERROR
            )
            return None
        source = queryset.select_related("procedure").prefetch_related("components").get()
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        try:
            effective_from = PublishVersionActionForm.base_fields["effective_from"].clean(
                request.POST.get("effective_from", "")
            )
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return None
        effective_from = effective_from or tomorrow
        if effective_from < tomorrow:
            # Dossiers received today or earlier got the version in force then.
            self.message_user(
                request,
                gettext("A new version can only come into force from tomorrow or later."),
                messages.ERROR,
            )
            return None
        try:
            version = procedure_version_create(**_copy_of(source, effective_from=effective_from))
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return None
        self.message_user(
            request,
            gettext(
                "A copy of the version in force from %(source)s was published, in force from "
                "%(date)s; an open-ended earlier version now ends the day before. Review the "
                "copy before that date."
            )
            % {
                "source": source.effective_from.strftime("%d/%m/%Y"),
                "date": effective_from.strftime("%d/%m/%Y"),
            },
            messages.SUCCESS,
        )
        return HttpResponseRedirect(
            reverse("admin:procedures_procedureversion_change", args=[version.pk])
        )


def _copy_of(source: ProcedureVersion, *, effective_from: dt.date) -> dict:
    """Arguments for `procedure_version_create` that repeat `source` from a new date."""
    return {
        "procedure": source.procedure,
        "effective_from": effective_from,
        "close_previous": True,
        "legal_basis_vi": source.legal_basis_vi,
        "legal_basis_en": source.legal_basis_en,
        "time_limit": source.time_limit,
        "time_limit_unit": source.time_limit_unit,
        "internal_target": source.internal_target,
        "verification_time_limit": source.verification_time_limit,
        "due_soon_hours": source.due_soon_hours,
        "workflow": {
            "appraisal": source.step_appraisal,
            "leader_signature": source.step_leader_signature,
            "payment_request": source.step_payment_request,
        },
        "fields": [dict(field) for field in source.field_definitions()],
        "components": [
            {
                "code": c.code,
                "name_vi": c.name_vi,
                "name_en": c.name_en,
                "original_or_copy": c.original_or_copy,
                "quantity": c.quantity,
                "requirement": c.requirement,
                "condition_vi": c.condition_vi,
                "condition_en": c.condition_en,
                "file_types": list(c.file_types),
                "max_size_mb": c.max_size_mb,
                "prefill_source": c.prefill_source,
                "one_of_group": c.one_of_group,
                "required_when": c.required_when,
            }
            for c in source.components.all()
        ],
    }
