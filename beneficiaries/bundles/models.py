import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .constants import (
    OPEN_PART_STATUSES,
    Agency,
    BundleDocumentKind,
    BundleEventKind,
    BundleKind,
    BundleProcedure,
    PartStatus,
)


class Bundle(models.Model):
    """One interconnected declaration and the parts it became, followed on one tracker."""

    reference = models.UUIDField(_("reference"), default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=BundleKind.choices)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant account"),
        on_delete=models.PROTECT,
        related_name="bundles",
    )
    applicant_person = models.ForeignKey(
        "beneficiaries.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The child once the birth is registered, or the deceased.
    subject_person = models.ForeignKey(
        "beneficiaries.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    declaration = models.JSONField(_("declaration"), default=dict)
    province_code = models.PositiveSmallIntegerField(_("province"))
    filed_at = models.DateTimeField(_("filed at"))
    documents_due_at = models.DateTimeField(_("missing documents due"))
    submission_key = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("interconnected bundle")
        verbose_name_plural = _("interconnected bundles")
        ordering = ["-filed_at"]
        indexes = [models.Index(fields=["applicant", "-filed_at"], name="bundle_applicant_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=BundleKind.values), name="bundle_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference}"

    @property
    def is_open(self) -> bool:
        return any(part.status in OPEN_PART_STATUSES for part in self.parts.all())


class BundlePart(models.Model):
    """One procedure of a bundle: a hand-off to another agency, or a VSS dossier."""

    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="parts")
    procedure = models.CharField(_("procedure"), max_length=32, choices=BundleProcedure.choices)
    agency = models.CharField(_("agency"), max_length=16, choices=Agency.choices)
    position = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(_("status"), max_length=24, choices=PartStatus.choices)
    dossier = models.OneToOneField(
        "dossiers.Dossier",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bundle_part",
    )
    agency_reference = models.CharField(_("agency reference"), max_length=64, blank=True)
    # What the agency answered (e.g. the birth record: registration number, child's ID).
    record = models.JSONField(_("agency record"), default=dict, blank=True)
    missing_documents = models.JSONField(_("missing documents"), default=list, blank=True)
    documents_due_at = models.DateTimeField(_("documents due"), null=True, blank=True)
    sent_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason"), blank=True)
    refusal_slip = models.FileField(_("refusal slip"), max_length=255, blank=True)
    refusal_slip_sha256 = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bundle part")
        verbose_name_plural = _("bundle parts")
        ordering = ["bundle", "position"]
        indexes = [
            # The 7-working-day sweep reads only the parts still missing documents.
            models.Index(
                fields=["documents_due_at"],
                condition=Q(status="awaiting_documents"),
                name="bundle_part_documents_due_idx",
            ),
            models.Index(
                fields=["status", "updated_at"],
                condition=Q(status__in=["queued", "sent", "filed"]),
                name="bundle_part_in_flight_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["bundle", "procedure"], name="bundle_part_unique"),
            models.CheckConstraint(
                condition=Q(status__in=PartStatus.values), name="bundle_part_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(agency__in=Agency.values), name="bundle_part_agency_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure} ({self.status})"


class BundleDocument(models.Model):
    """A file given with the declaration (or later, when it was missing)."""

    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=32, choices=BundleDocumentKind.choices)
    file = models.FileField(_("file"), max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=64)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("bundle document")
        verbose_name_plural = _("bundle documents")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["bundle", "kind"], name="bundle_document_kind_idx")]

    def __str__(self) -> str:
        return self.original_name


class BundleEvent(models.Model):
    """The tracker's history: what happened to the bundle and each part."""

    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="events")
    part = models.ForeignKey(
        BundlePart, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=BundleEventKind.choices)
    status = models.CharField(
        _("new status"), max_length=24, choices=PartStatus.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    payload = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bundle event")
        verbose_name_plural = _("bundle events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["bundle", "created_at"], name="bundle_event_time_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%d/%m/%Y %H:%M}"
