from django.db import models
from django.utils.translation import gettext_lazy as _


class BundleKind(models.TextChoices):
    BIRTH = "birth", _("Birth registration, permanent residence and HI card for a child")
    DEATH = "death", _("Death registration, residence removal and funeral allowance")


class Agency(models.TextChoices):
    JUSTICE = "justice", _("Civil status (justice)")
    POLICE = "police", _("Residence (police)")
    VSS = "vss", _("Vietnam Social Security")


class BundleProcedure(models.TextChoices):
    BIRTH_REGISTRATION = "birth_registration", _("Birth registration")
    PERMANENT_RESIDENCE = "permanent_residence", _("Permanent residence registration")
    HI_CARD_CHILD = "hi_card_child", _("Health insurance card for a child under 6")
    DEATH_REGISTRATION = "death_registration", _("Death registration")
    RESIDENCE_REMOVAL = "residence_removal", _("Removal of permanent residence")
    FUNERAL_ALLOWANCE = "funeral_allowance", _("Funeral allowance")
    SURVIVOR_ALLOWANCE = "survivor_allowance", _("Monthly survivor allowance")


class PartStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for the civil status record")
    AWAITING_DOCUMENTS = "awaiting_documents", _("Documents missing")
    QUEUED = "queued", _("Being handed over")
    SENT = "sent", _("With the agency")
    COMPLETED = "completed", _("Completed")
    FILED = "filed", _("Dossier filed with VSS")
    REFUSED = "refused", _("Refused")
    CANCELLED = "cancelled", _("Not started: the civil status registration was refused")


OPEN_PART_STATUSES = frozenset(
    {PartStatus.WAITING, PartStatus.AWAITING_DOCUMENTS, PartStatus.QUEUED, PartStatus.SENT}
)


class BundleDocumentKind(models.TextChoices):
    MEDICAL_BIRTH_CERTIFICATE = (
        "medical_birth_certificate",
        _("Medical birth certificate (giấy chứng sinh)"),
    )
    MARRIAGE_CERTIFICATE = "marriage_certificate", _("Parents' marriage certificate")
    RESIDENCE_CONSENT = "residence_consent", _("Consent of the household head or owner of the home")
    DEATH_NOTICE = "death_notice", _("Death notice (giấy báo tử)")


class BundleEventKind(models.TextChoices):
    FILED = "filed", _("Declaration filed")
    DOCUMENT_ADDED = "document_added", _("Document added")
    STATUS_CHANGED = "status_changed", _("Status changed")
    RECORD_ARRIVED = "record_arrived", _("Civil status record received")
    DOSSIER_FILED = "dossier_filed", _("VSS dossier filed")
    SLIP_ISSUED = "slip_issued", _("Refusal slip issued")


# Working days the citizen has to supply missing documents (Decree 63/2024/ND-CP).
DOCUMENTS_WORKING_DAYS = 7
