import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from workdays.constants import TimeLimitUnit

from .constants import (
    BenefitGroup,
    Channel,
    CompetentOffice,
    FieldType,
    Filer,
    OriginalOrCopy,
    PrefillKey,
    PrefillSource,
    Requirement,
)


class BilingualMixin:
    """`obj.t("name")` returns the Vietnamese or English column for the active language."""

    def t(self, field: str) -> str:
        if (get_language() or "vi").startswith("en"):
            value = getattr(self, f"{field}_en", "")
            if value:
                return value
        return getattr(self, f"{field}_vi", "")


class Procedure(BilingualMixin, models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)
    summary_vi = models.TextField(_("summary (Vietnamese)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    # Accent-free lowercase text of names and summaries, for diacritic-insensitive search.
    search_text = models.TextField(editable=False, blank=True)
    group = models.CharField(_("benefit group"), max_length=32, choices=BenefitGroup.choices)
    filer = models.CharField(_("who may file"), max_length=16, choices=Filer.choices)
    channels = models.JSONField(_("channels"), default=list)
    result_type_vi = models.CharField(_("result (Vietnamese)"), max_length=200)
    result_type_en = models.CharField(_("result (English)"), max_length=200)
    fee_vnd = models.PositiveIntegerField(_("fee (VND)"), default=0)
    field_inspection = models.BooleanField(
        _("field inspection required"),
        default=False,
        help_text=_(
            "Procedures that need a field inspection are only received by the competent office "
            "(the exception to 'regardless of administrative boundaries')."
        ),
    )
    competent_office = models.CharField(
        _("competent office"),
        max_length=32,
        choices=CompetentOffice.choices,
        default=CompetentOffice.PERSON_PROVINCE,
    )
    is_published = models.BooleanField(_("published"), default=True)
    is_demo = models.BooleanField(
        _("demonstration only"),
        default=False,
        help_text=_(
            "A made-up procedure loaded by the demo data only: never in the catalogue, "
            "the API or the dashboards."
        ),
    )
    ordering = models.PositiveSmallIntegerField(_("ordering"), default=100)

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["ordering", "name_vi"]
        indexes = [models.Index(fields=["group", "is_published"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(group__in=BenefitGroup.values), name="procedures_group_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_vi}"

    @property
    def name(self) -> str:
        return self.t("name")

    @property
    def summary(self) -> str:
        return self.t("summary")

    @property
    def result_type(self) -> str:
        return self.t("result_type")

    def accepts_channel(self, channel: str) -> bool:
        return channel in self.channels

    def channel_labels(self) -> list[str]:
        return [str(Channel(c).label) for c in self.channels if c in Channel.values]


class ProcedureVersion(BilingualMixin, models.Model):
    """The rules of a procedure as in force from a date.

    A dossier is governed by the version in force on the day it is received (drafts are
    re-bound at submission or counter reception) and keeps it afterwards.
    """

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="versions"
    )
    legal_basis_vi = models.TextField(_("legal basis (Vietnamese)"))
    legal_basis_en = models.TextField(_("legal basis (English)"), blank=True)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    time_limit = models.PositiveSmallIntegerField(_("statutory time limit"))
    time_limit_unit = models.CharField(
        _("time-limit unit"), max_length=40, choices=TimeLimitUnit.choices
    )
    internal_target = models.PositiveSmallIntegerField(
        _("internal target"),
        null=True,
        blank=True,
        help_text=_("A shorter VSS target in the same unit, e.g. 2 working days for HI cards."),
    )
    verification_time_limit = models.PositiveSmallIntegerField(
        _("time limit when verification is needed"),
        null=True,
        blank=True,
        help_text=_(
            "A longer statutory limit in the same unit that applies when the officer records "
            "that verification is needed, e.g. 45 days for an SI book re-issue."
        ),
    )
    due_soon_hours = models.PositiveSmallIntegerField(
        _("warn officers this many working hours before the deadline"), default=8
    )
    step_appraisal = models.BooleanField(_("appraisal step"), default=True)
    step_leader_signature = models.BooleanField(_("leader signature step"), default=True)
    step_payment_request = models.BooleanField(_("payment request step"), default=False)
    fields = models.JSONField(
        _("form fields"),
        default=list,
        blank=True,
        help_text=_("The fields the applicant fills, as a list of typed field definitions."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        ordering = ["procedure", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "effective_from"], name="procedures_version_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="procedures_version_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(time_limit__gt=0), name="procedures_version_time_limit_positive"
            ),
            models.CheckConstraint(
                condition=Q(internal_target__isnull=True)
                | Q(internal_target__lte=models.F("time_limit")),
                name="procedures_version_target_within_limit",
            ),
            models.CheckConstraint(
                condition=Q(verification_time_limit__isnull=True)
                | Q(verification_time_limit__gt=models.F("time_limit")),
                name="procedures_version_verification_limit_longer",
            ),
        ]

    def __str__(self) -> str:
        end = f"{self.effective_to:%d/%m/%Y}" if self.effective_to else "…"
        return f"{self.procedure.code} {self.effective_from:%d/%m/%Y}–{end}"

    @property
    def legal_basis(self) -> str:
        return self.t("legal_basis")

    def in_force_on(self, day: dt.date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )

    def field_definitions(self) -> list[dict]:
        return list(self.fields or [])


class DocumentComponent(BilingualMixin, models.Model):
    """A document that makes up the dossier (thành phần hồ sơ)."""

    version = models.ForeignKey(
        ProcedureVersion,
        verbose_name=_("procedure version"),
        on_delete=models.CASCADE,
        related_name="components",
    )
    code = models.SlugField(_("code"), max_length=80)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)
    original_or_copy = models.CharField(
        _("original or copy"), max_length=16, choices=OriginalOrCopy.choices
    )
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    requirement = models.CharField(_("requirement"), max_length=16, choices=Requirement.choices)
    condition_vi = models.TextField(_("condition (Vietnamese)"), blank=True)
    condition_en = models.TextField(_("condition (English)"), blank=True)
    file_types = models.JSONField(_("accepted file types"), default=list)
    max_size_mb = models.PositiveSmallIntegerField(_("maximum size per file (MB)"), default=10)
    prefill_source = models.CharField(
        _("VSS already holds it"), max_length=16, choices=PrefillSource.choices, blank=True
    )
    one_of_group = models.SlugField(
        _("one-of group"),
        max_length=40,
        blank=True,
        help_text=_(
            "Conditional documents sharing a group: at least one of them must be provided "
            "(e.g. a medical-leave certificate or a hospital discharge paper)."
        ),
    )
    required_when = models.JSONField(
        _("required when"),
        null=True,
        blank=True,
        help_text=_(
            'The condition of a conditional document in machine form: {"field": "<form field '
            'name>", "in": ["<value>", ...]}, true when the field\'s value is one of the values '
            "(the prose condition stays for people)."
        ),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("dossier component")
        verbose_name_plural = _("dossier components")
        ordering = ["version", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code"], name="procedures_component_unique_code"
            ),
            models.CheckConstraint(
                condition=~Q(requirement="conditional") | ~Q(condition_vi=""),
                name="procedures_component_condition_explained",
            ),
        ]

    def __str__(self) -> str:
        return self.name_vi

    @property
    def name(self) -> str:
        return self.t("name")

    @property
    def condition(self) -> str:
        return self.t("condition")

    def condition_holds(self, data: dict) -> bool | None:
        """Whether `required_when` holds for the form values `data`: None when the document
        has no machine condition or the field is not answered yet."""
        rule = self.required_when
        if not rule:
            return None
        value = (data or {}).get(rule.get("field"))
        if value in (None, ""):
            return None
        return value in rule.get("in", [])

    @property
    def is_mandatory(self) -> bool:
        return self.requirement == Requirement.MANDATORY

    @property
    def max_size_bytes(self) -> int:
        return self.max_size_mb * 1024 * 1024


__all__ = [
    "DocumentComponent",
    "FieldType",
    "PrefillKey",
    "Procedure",
    "ProcedureVersion",
]
