from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationChannel(models.TextChoices):
    INBOX = "inbox", _("In-app inbox")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class Audience(models.TextChoices):
    """Who a notification is for: the applicant of the dossier, or an officer or leader."""

    CITIZEN = "citizen", _("Applicant")
    STAFF = "staff", _("Staff")
    # The person a dossier is filed for by someone else (ủy quyền): told of each step too.
    PRINCIPAL = "principal", _("Person filed for")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RETRYING = "retrying", _("Failed, will retry")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class AttemptStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
