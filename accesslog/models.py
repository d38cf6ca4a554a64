"""Who opened what: one row per opening of a dossier, a document, a letter or a registry
record by a staff member or a partner system. Append-only in the database (migration 0002).

The row names the dossier by its id and code, not by a foreign key: this app sits below
`dossiers` (and `beneficiaries`), and a record must outlive nothing it points to.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import AccessChannel, AccessKind


class AccessRecord(models.Model):
    at = models.DateTimeField(_("opened at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # (actor, at) below
    )
    role = models.CharField(_("role"), max_length=32)
    office = models.ForeignKey(
        "offices.Office",
        verbose_name=_("office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # (office, at) below
    )
    partner_id = models.PositiveBigIntegerField(_("partner system"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=8, choices=AccessChannel.choices)
    kind = models.CharField(_("what"), max_length=16, choices=AccessKind.choices)
    dossier_id = models.PositiveBigIntegerField(_("dossier"), null=True, blank=True)
    dossier_code = models.CharField(_("dossier code"), max_length=40, blank=True)
    object_id = models.PositiveBigIntegerField(
        _("document, letter or person"), null=True, blank=True
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("access record")
        verbose_name_plural = _("access records")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AccessKind.values), name="accesslog_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=AccessChannel.values), name="accesslog_channel_valid"
            ),
        ]
        indexes = [
            # The citizen's dossier page: who opened this dossier, newest first.
            models.Index(fields=["dossier_id", "-at", "-id"], name="accesslog_dossier_idx"),
            # The supervisors' search, newest first, by person, office or code.
            models.Index(fields=["-at", "-id"], name="accesslog_time_idx"),
            models.Index(fields=["actor", "-at", "-id"], name="accesslog_actor_idx"),
            models.Index(fields=["office", "-at", "-id"], name="accesslog_office_idx"),
            models.Index(
                fields=["dossier_code", "-at", "-id"],
                condition=~Q(dossier_code=""),
                name="accesslog_code_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role} {self.kind} {self.dossier_code or self.object_id} {self.at:%Y-%m-%d}"
