from django.db import models
from django.utils.translation import gettext_lazy as _


class BenefitGroup(models.TextChoices):
    SICKNESS = "sickness", _("Sickness")
    MATERNITY = "maternity", _("Maternity")
    WORK_INJURY = "work_injury", _("Work injury and occupational disease")
    SURVIVOR = "survivor", _("Survivor allowance")
    FUNERAL = "funeral", _("Funeral allowance")
    PENSION = "pension", _("Old-age pension")
    ONE_TIME_SI = "one_time_si", _("One-time social insurance")
    UNEMPLOYMENT = "unemployment", _("Unemployment benefit payment")
    HI_CARD = "hi_card", _("Health insurance card")
    SI_BOOK = "si_book", _("Social insurance book")
    PARTICIPATION = "participation", _("Participation registration")
    PAYMENT_METHOD = "payment_method", _("Benefit payment method")
    HI_REIMBURSEMENT = "hi_reimbursement", _("Health insurance reimbursement")
    COVERAGE_CERTIFICATE = "coverage_certificate", _("Certificate of coverage")


class Filer(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    EMPLOYER = "employer", _("Employer")
    BOTH = "both", _("Individual or employer")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    COUNTER = "counter", _("At the counter")
    POST = "post", _("By post")
    IVAN = "ivan", _("I-VAN provider")


class CompetentOffice(models.TextChoices):
    PERSON_PROVINCE = "person_province", _("Office of the applicant's province")
    EMPLOYER_PROVINCE = "employer_province", _("Office of the employer's province")


class OriginalOrCopy(models.TextChoices):
    ORIGINAL = "original", _("Original")
    COPY = "copy", _("Copy")
    EITHER = "either", _("Original or copy")


class Requirement(models.TextChoices):
    MANDATORY = "mandatory", _("Mandatory")
    CONDITIONAL = "conditional", _("Conditional")


class FileType(models.TextChoices):
    PDF = "pdf", "PDF"
    JPEG = "jpeg", "JPEG"
    PNG = "png", "PNG"
    TIFF = "tiff", "TIFF"
    HEIC = "heic", "HEIC"


class PrefillSource(models.TextChoices):
    SI_BOOK = "si_book", _("Social insurance book held by VSS")
    HI_CARD = "hi_card", _("Health insurance card held by VSS")
    REGISTRY = "registry", _("Data held in the VSS registry")


class FieldType(models.TextChoices):
    TEXT = "text", _("Text")
    TEXTAREA = "textarea", _("Long text")
    DATE = "date", _("Date")
    MONEY = "money", _("Amount in VND")
    INTEGER = "integer", _("Whole number")
    CHOICE = "choice", _("Choice")
    CCCD = "cccd", _("Personal ID number")
    SI_CODE = "si_code", _("Social insurance code")
    HI_CARD = "hi_card", _("Health insurance card number")
    BANK_ACCOUNT = "bank_account", _("Bank account")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")


class PrefillKey(models.TextChoices):
    FULL_NAME = "full_name", _("Full name")
    NATIONAL_ID = "national_id", _("Personal ID number")
    DATE_OF_BIRTH = "date_of_birth", _("Date of birth")
    GENDER = "gender", _("Gender")
    ADDRESS = "address", _("Address")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    SI_CODE = "si_code", _("Social insurance code")
    HI_CARD = "hi_card", _("Health insurance card")
    EMPLOYER = "employer", _("Employer")
    BANK_ACCOUNT = "bank_account", _("Bank account")


WIZARD_STEPS = {
    1: _("Applicant"),
    2: _("Request"),
    3: _("Payment and result"),
}
