"""Admin for partner systems: tokens shown once, revocation, webhooks and their deliveries."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .constants import Scope, WebhookEventType
from .models import (
    Partner,
    PartnerBatch,
    PartnerFiling,
    PartnerToken,
    WebhookDelivery,
    WebhookEndpoint,
)
from .services import (
    partner_clean,
    partner_create,
    partner_token_clean,
    partner_token_create,
    partner_token_revoke,
    partner_token_rotate,
    partner_token_update,
    partner_update,
    webhook_endpoint_clean,
    webhook_endpoint_create,
    webhook_endpoint_update,
    webhook_redeliver,
)

ONE_TIME_DISPLAY_TEMPLATE = "admin/partners/secret_once.html"


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


def _copy(obj, saved) -> None:
    """Give the admin's unsaved instance what the service wrote (for the log and redirects)."""
    for field in saved._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))


def _show_secret_once(request, *, obj, secret: str, title, continue_url: str):
    """The secret in the response body only (never in a message cookie), not cached."""
    response = TemplateResponse(
        request,
        ONE_TIME_DISPLAY_TEMPLATE,
        {
            **admin.site.each_context(request),
            "title": title,
            "object": obj,
            "secret": secret,
            "continue_url": continue_url,
            "opts": obj._meta,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


# --- partners ------------------------------------------------------------------------


class PartnerForm(forms.ModelForm):
    class Meta:
        model = Partner
        fields = ["name", "kind", "employer_unit_code", "is_active"]

    def clean(self):
        data = super().clean()
        kind = self.instance.kind if self.instance.pk else data.get("kind")
        if kind:
            try:
                data["employer_unit_code"] = partner_clean(
                    kind=kind, employer_unit_code=data.get("employer_unit_code", "")
                )
            except ValidationError as error:
                _add_errors(self, error)
        return data

    def _post_clean(self):
        pass  # the service validates and writes; the model has no service account yet


class PartnerTokenInline(admin.TabularInline):
    model = PartnerToken
    fields = ["name", "key_prefix", "scopes", "rate_limit_per_minute", "is_active", "last_used_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class WebhookEndpointInline(admin.TabularInline):
    model = WebhookEndpoint
    fields = ["url", "description", "is_active"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    form = PartnerForm
    list_display = ["name", "kind", "employer_unit_code", "is_active", "created_at"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "employer_unit_code"]
    inlines = [PartnerTokenInline, WebhookEndpointInline]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def get_readonly_fields(self, request, obj=None):
        return ["kind"] if obj else []

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "kind", "employer_unit_code"]
        return ["name", "kind", "employer_unit_code", "is_active"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            saved = partner_update(
                partner=obj,
                name=data["name"],
                employer_unit_code=data.get("employer_unit_code", ""),
                is_active=data.get("is_active", True),
            )
        else:
            saved = partner_create(
                name=data["name"],
                kind=data["kind"],
                employer_unit_code=data.get("employer_unit_code", ""),
            )
        _copy(obj, saved)

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: filings and batches keep their partner


# --- tokens --------------------------------------------------------------------------


class PartnerTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = PartnerToken
        fields = ["partner", "name", "scopes", "rate_limit_per_minute"]

    def clean(self):
        data = super().clean()
        partner = self.instance.partner if self.instance.pk else data.get("partner")
        if partner is not None and data.get("rate_limit_per_minute"):
            try:
                data["scopes"] = partner_token_clean(
                    partner=partner,
                    scopes=data.get("scopes") or [],
                    rate_limit_per_minute=data["rate_limit_per_minute"],
                )
            except ValidationError as error:
                _add_errors(self, error)
        return data

    def _post_clean(self):
        pass  # the secret and its hash are made by the service


@admin.register(PartnerToken)
class PartnerTokenAdmin(admin.ModelAdmin):
    form = PartnerTokenForm
    list_display = [
        "name",
        "partner",
        "key_prefix",
        "scope_list",
        "rate_limit_per_minute",
        "is_active",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["is_active", "partner__kind"]
    search_fields = ["name", "key_prefix", "partner__name"]
    list_select_related = ["partner"]
    actions = ["revoke", "rotate"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["partner", "name", "scopes", "rate_limit_per_minute"]
        return [
            "partner",
            "name",
            "key_prefix",
            "scopes",
            "rate_limit_per_minute",
            "is_active",
            "created_at",
            "created_by",
            "expires_at",
            "replaced_by",
            "last_used_at",
            "revoked_at",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        readonly = ["partner", "key_prefix", "is_active", "created_at", "created_by"]
        readonly += ["expires_at", "replaced_by", "last_used_at", "revoked_at"]
        if not obj.is_active:
            readonly += ["name", "scopes", "rate_limit_per_minute"]
        return readonly

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and "scopes" in form.base_fields:
            form.base_fields["scopes"].initial = obj.scopes
        return form

    @admin.display(description=_("scopes"))
    def scope_list(self, obj):
        return ", ".join(obj.scopes)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            saved = partner_token_update(
                token=obj,
                name=data["name"],
                scopes=data["scopes"],
                rate_limit_per_minute=data["rate_limit_per_minute"],
            )
        else:
            saved, secret = partner_token_create(
                partner=data["partner"],
                name=data["name"],
                scopes=data["scopes"],
                rate_limit_per_minute=data["rate_limit_per_minute"],
                actor=request.user,
            )
            request._partner_secret = secret
        _copy(obj, saved)

    def response_add(self, request, obj, post_url_continue=None):
        secret = getattr(request, "_partner_secret", None)
        if secret is None:
            return super().response_add(request, obj, post_url_continue)
        return _show_secret_once(
            request,
            obj=obj,
            secret=secret,
            title=_("New API token"),
            continue_url="../",
        )

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request, queryset):
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            partner_token_revoke(token=token, actor=request.user)
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", len(tokens))
            % {"count": len(tokens)},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Rotate the selected token (new secret; the old one has a grace period)"),
        permissions=["change"],
    )
    def rotate(self, request, queryset):
        tokens = list(queryset[:2])
        if len(tokens) != 1:
            self.message_user(request, _("Select exactly one token to rotate."), messages.ERROR)
            return None
        try:
            new, secret = partner_token_rotate(token=tokens[0], actor=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return None
        return _show_secret_once(
            request, obj=new, secret=secret, title=_("Rotated API token"), continue_url="."
        )

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the audit of who used what stays


# --- webhooks ------------------------------------------------------------------------


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    event_types = forms.MultipleChoiceField(
        label=_("Event types"),
        choices=WebhookEventType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty to receive every event type."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["partner", "url", "description", "event_types", "is_active"]

    def clean(self):
        data = super().clean()
        partner = self.instance.partner if self.instance.pk else data.get("partner")
        if partner is not None and data.get("url"):
            try:
                data["url"] = webhook_endpoint_clean(
                    partner=partner,
                    url=data["url"],
                    endpoint=self.instance if self.instance.pk else None,
                    active=data.get("is_active", True),
                )
            except ValidationError as error:
                _add_errors(self, error)
        return data

    def _post_clean(self):
        pass  # the secret is made by the service


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["url", "partner", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["url", "partner__name"]
    list_select_related = ["partner"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["partner", "url", "description", "event_types"]
        return ["partner", "url", "description", "event_types", "is_active", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        return ["partner", "created_at"] if obj else []

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            saved = webhook_endpoint_update(
                endpoint=obj,
                url=data["url"],
                description=data.get("description", ""),
                is_active=data.get("is_active", True),
                event_types=data.get("event_types") or [],
            )
        else:
            saved, secret = webhook_endpoint_create(
                partner=data["partner"],
                url=data["url"],
                description=data.get("description", ""),
                event_types=data.get("event_types") or [],
            )
            request._partner_secret = secret
        _copy(obj, saved)

    def response_add(self, request, obj, post_url_continue=None):
        secret = getattr(request, "_partner_secret", None)
        if secret is None:
            return super().response_add(request, obj, post_url_continue)
        return _show_secret_once(
            request,
            obj=obj,
            secret=secret,
            title=_("New webhook endpoint"),
            continue_url="../",
        )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "endpoint",
        "event_type",
        "event_id",
        "status",
        "attempts",
        "last_response_code",
        "next_retry_at",
        "created_at",
    ]
    list_filter = ["status", "event_type"]
    search_fields = ["reference", "endpoint__url", "endpoint__partner__name"]
    list_select_related = ["endpoint"]
    actions = ["redeliver"]
    readonly_fields = [
        "reference",
        "endpoint",
        "event",
        "event_type",
        "payload",
        "status",
        "attempts",
        "last_response_code",
        "last_error",
        "next_retry_at",
        "delivered_at",
        "created_at",
        "updated_at",
    ]
    fields = readonly_fields

    def save_model(self, request, obj, form, change):
        pass  # the log is read-only; "redeliver" is the only change

    @admin.action(description=_("Deliver the selected events again"), permissions=["change"])
    def redeliver(self, request, queryset):
        deliveries = list(queryset)
        for delivery in deliveries:
            webhook_redeliver(delivery=delivery, actor=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d delivery queued again.",
                "%(count)d deliveries queued again.",
                len(deliveries),
            )
            % {"count": len(deliveries)},
            messages.SUCCESS,
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- filings -------------------------------------------------------------------------


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PartnerBatch)
class PartnerBatchAdmin(_ReadOnlyAdmin):
    list_display = [
        "reference",
        "partner",
        "procedure",
        "total",
        "submitted",
        "drafts",
        "rejected",
        "created_at",
    ]
    list_filter = ["partner"]
    list_select_related = ["partner", "procedure"]
    exclude = ["request_fingerprint", "idempotency_key"]


@admin.register(PartnerFiling)
class PartnerFilingAdmin(_ReadOnlyAdmin):
    list_display = ["dossier", "partner", "external_id", "employer_unit_code", "created_at"]
    list_filter = ["partner"]
    search_fields = ["dossier__code", "external_id"]
    list_select_related = ["partner", "dossier"]
    raw_id_fields = ["dossier", "batch"]
