"""Forms of the registry pages: the two interconnected declarations and the person look-up."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from offices.geography import commune_choices, province_choices

from .bundles.constants import BundleDocumentKind, BundleProcedure
from .constants import Gender
from .models import format_address
from .selectors import facility_choices
from .validators import (
    validate_bank_account,
    validate_hi_card_number,
    validate_national_id,
    validate_si_code,
    validate_vn_phone,
)

FILE_ACCEPT = ".pdf,.jpg,.jpeg,.png,.tif,.tiff,.heic,application/pdf,image/*"
RETURN_METHODS = [
    ("", _("— choose —")),
    ("electronic", _("Electronically (download in your account)")),
    ("counter", _("At the counter")),
    ("post", _("By post")),
]
PAYMENT_METHODS = [
    ("", _("— choose —")),
    ("bank", _("Transfer to a personal bank account")),
    ("cash_post", _("Cash at a post office pay point")),
]


def _file_field(label, help_text=""):
    return forms.FileField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.ClearableFileInput(attrs={"accept": FILE_ACCEPT}),
    )


def _cccd(value: str) -> str:
    return validate_national_id(value) if value else ""


class PersonLookupForm(forms.Form):
    identifier = forms.CharField(
        label=_("Personal ID number (CCCD), social insurance code or HI card number"),
        max_length=20,
        help_text=_(
            "12 digits (CCCD, which since 1 July 2025 is also the social insurance code), "
            "10 digits (SI code, printed alone on HI cards since 2021) or the 15 characters "
            "of an older HI card."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_identifier(self):
        value = "".join(self.cleaned_data["identifier"].split()).upper()
        if len(value) == 12:
            return validate_national_id(value)
        if len(value) == 10:
            return validate_si_code(value)
        if len(value) == 15:
            return validate_hi_card_number(value)
        raise forms.ValidationError(
            _(
                "Enter a 12-digit personal ID number, a 10-digit social insurance code or a "
                "15-character HI card number."
            ),
            code="identifier_format",
        )


class _PlaceMixin:
    """Province, commune and street; the commune list follows the chosen province.

    With JavaScript the commune list reloads when the province changes (htmx); without
    it, a commune of another province is reported and the list of the chosen province
    is shown for the second try.
    """

    def _place_fields(self, *, initial_province: int | None) -> None:
        province_field = self.fields["province"]
        province_field.choices = [("", _("— choose —")), *province_choices()]
        province_field.widget.attrs.update(
            {
                "hx-get": reverse("beneficiaries:communes"),
                "hx-target": f"#{self['commune'].auto_id}",
                "hx-trigger": "change",
                "hx-swap": "innerHTML",
            }
        )
        province = self.data.get(self.add_prefix("province")) if self.is_bound else None
        try:
            province = int(province) if province else initial_province
        except (TypeError, ValueError):
            province = initial_province
        self.fields["commune"].choices = [("", _("— choose —"))] + (
            list(commune_choices(province)) if province else []
        )

    def _clean_place(self, cleaned: dict) -> None:
        province, commune = cleaned.get("province"), cleaned.get("commune")
        if province and commune and commune not in dict(commune_choices(province)):
            self.add_error("commune", _("Choose a commune of the chosen province."))
        if province and commune:
            cleaned["address_text"] = format_address(cleaned.get("street", ""), commune, province)


def _province_field(label):
    return forms.TypedChoiceField(label=label, coerce=int)


def _commune_field():
    return forms.TypedChoiceField(label=_("Commune or ward"), coerce=int)


def _street_field(label):
    return forms.CharField(
        label=label, max_length=200, help_text=_("House number, street, hamlet.")
    )


class _BundleForm(_PlaceMixin, forms.Form):
    """What both declarations share: the applicant's contact details and the key."""

    applicant_phone = forms.CharField(
        label=_("Your phone number"),
        max_length=16,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    applicant_email = forms.EmailField(label=_("Your e-mail"), required=False)
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, known: dict[str, str], initial_province: int | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.known = known
        if not known.get("date_of_birth"):
            self.fields["applicant_date_of_birth"] = forms.DateField(
                label=_("Your date of birth"),
                widget=forms.DateInput(attrs={"type": "date"}),
            )
        self._place_fields(initial_province=initial_province)

    def clean_applicant_phone(self):
        return validate_vn_phone(self.cleaned_data["applicant_phone"])

    def _applicant(self) -> dict[str, Any]:
        data = self.cleaned_data
        date_of_birth = (
            self.known.get("date_of_birth") or data["applicant_date_of_birth"].isoformat()
        )
        return {
            "applicant_full_name": self.known.get("full_name", ""),
            "applicant_national_id": self.known.get("national_id", ""),
            "applicant_date_of_birth": date_of_birth,
            "applicant_phone": data["applicant_phone"],
            "applicant_email": data.get("applicant_email") or "",
            "province_code": data["province"],
            "commune_code": data["commune"],
            "street": data["street"],
            "residence_address": data["address_text"],
        }

    def uploads(self) -> list[tuple[str, str, Any]]:
        """(document kind, field name, file) for every file given."""
        return [
            (kind, kind, self.cleaned_data[kind])
            for kind in BundleDocumentKind.values
            if kind in self.fields and self.cleaned_data.get(kind)
        ]


class BirthBundleForm(_BundleForm):
    relationship = forms.ChoiceField(
        label=_("You are the child's"),
        choices=[
            ("", _("— choose —")),
            ("mother", _("Mother")),
            ("father", _("Father")),
            ("guardian", _("Guardian")),
        ],
    )
    child_full_name = forms.CharField(label=_("Child's full name"), max_length=150)
    child_date_of_birth = forms.DateField(
        label=_("Child's date of birth"), widget=forms.DateInput(attrs={"type": "date"})
    )
    child_gender = forms.ChoiceField(
        label=_("Child's gender"), choices=[("", _("— choose —")), *Gender.choices]
    )
    other_parent_full_name = forms.CharField(
        label=_("Other parent's full name"), max_length=150, required=False
    )
    other_parent_national_id = forms.CharField(
        label=_("Other parent's personal ID number"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    province = _province_field(_("Province or city of the child's permanent residence"))
    commune = _commune_field()
    street = _street_field(_("Address of the child's permanent residence"))
    home_not_owned = forms.BooleanField(
        label=_("The home belongs to someone else (the owner's consent is needed)"),
        required=False,
    )
    want_residence = forms.BooleanField(
        label=_("Register the child's permanent residence (police)"), required=False
    )
    want_hi_card = forms.BooleanField(
        label=_("Health insurance card for the child (VSS)"), required=False
    )
    facility = forms.ChoiceField(
        label=_("Child's initial health-care facility"),
        required=False,
        help_text=_("Printed on the card; needed for the HI card."),
    )
    return_method = forms.ChoiceField(
        label=_("How you receive the HI card result"), choices=RETURN_METHODS, required=False
    )
    medical_birth_certificate = _file_field(
        BundleDocumentKind.MEDICAL_BIRTH_CERTIFICATE.label,
        _("Given by the hospital. If you do not have it now, add it within 7 working days."),
    )
    marriage_certificate = _file_field(
        BundleDocumentKind.MARRIAGE_CERTIFICATE.label,
        _("Only when the marriage is not yet in the electronic civil registry."),
    )
    residence_consent = _file_field(
        BundleDocumentKind.RESIDENCE_CONSENT.label,
        _("Only when the home belongs to someone else."),
    )

    field_order = [
        "relationship",
        "child_full_name",
        "child_date_of_birth",
        "child_gender",
        "other_parent_full_name",
        "other_parent_national_id",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].choices = [("", _("— choose —")), *facility_choices()]
        if not self.is_bound:
            self.initial.setdefault("want_residence", True)
            self.initial.setdefault("want_hi_card", True)

    def clean_other_parent_national_id(self):
        return _cccd(self.cleaned_data["other_parent_national_id"].strip())

    def clean_child_date_of_birth(self):
        born = self.cleaned_data["child_date_of_birth"]
        if born > timezone.localdate():
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        return born

    def clean(self):
        cleaned = super().clean()
        self._clean_place(cleaned)
        if not cleaned.get("want_residence") and not cleaned.get("want_hi_card"):
            self.add_error(
                None, _("Choose at least one procedure to file with the birth registration.")
            )
        if cleaned.get("want_hi_card"):
            born = cleaned.get("child_date_of_birth")
            if born and _years_between(born, timezone.localdate()) >= 6:
                self.add_error(
                    "child_date_of_birth",
                    _("The free HI card is for children under 6 years old."),
                )
            if not cleaned.get("facility"):
                self.add_error("facility", _("Choose the facility for the HI card."))
            if not cleaned.get("return_method"):
                self.add_error("return_method", _("Choose how you receive the result."))
        return cleaned

    def procedures(self) -> list[str]:
        picked = []
        if self.cleaned_data.get("want_residence"):
            picked.append(BundleProcedure.PERMANENT_RESIDENCE)
        if self.cleaned_data.get("want_hi_card"):
            picked.append(BundleProcedure.HI_CARD_CHILD)
        return picked

    def declaration(self) -> dict[str, Any]:
        data = self.cleaned_data
        facilities = {code: name for _group, items in facility_choices() for code, name in items}
        facility = data.get("facility") or ""
        return {
            **self._applicant(),
            "relationship": data["relationship"],
            "child_full_name": data["child_full_name"].strip(),
            "child_date_of_birth": data["child_date_of_birth"].isoformat(),
            "child_gender": data["child_gender"],
            "other_parent_full_name": data.get("other_parent_full_name", "").strip(),
            "other_parent_national_id": data.get("other_parent_national_id", ""),
            "home_not_owned": bool(data.get("home_not_owned")),
            "facility_code": facility,
            "facility_label": f"{facility} - {facilities[facility]}"
            if facility in facilities
            else "",
            "return_method": data.get("return_method") or "",
        }


class DeathBundleForm(_BundleForm):
    deceased_relative = forms.TypedChoiceField(
        label=_("The deceased is your relative in the VSS registry"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Choose them to take their details from the registry, or type them below."),
    )
    deceased_full_name = forms.CharField(
        label=_("Full name of the deceased"), max_length=150, required=False
    )
    deceased_national_id = forms.CharField(
        label=_("Personal ID number of the deceased"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    deceased_si_code = forms.CharField(
        label=_("Social insurance code of the deceased"),
        max_length=16,
        required=False,
        help_text=_(
            "10 digits, or their 12-digit personal ID number (CCCD): since 1 July 2025 it "
            "serves as the social insurance code."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    date_of_death = forms.DateField(
        label=_("Date of death"), widget=forms.DateInput(attrs={"type": "date"})
    )
    relationship = forms.ChoiceField(
        label=_("Your relationship to the deceased"),
        choices=[
            ("", _("— choose —")),
            ("spouse", _("Spouse")),
            ("child", _("Child")),
            ("parent", _("Parent or adoptive parent")),
            ("parent_in_law", _("Parent-in-law")),
            ("other", _("Other family member / person who organised the funeral")),
        ],
    )
    province = _province_field(_("Province or city where you live"))
    commune = _commune_field()
    street = _street_field(_("Your address"))
    want_residence_removal = forms.BooleanField(
        label=_("Remove the permanent residence of the deceased (police)"), required=False
    )
    want_funeral = forms.BooleanField(label=_("Funeral allowance (VSS)"), required=False)
    want_survivor = forms.BooleanField(label=_("Monthly survivor allowance (VSS)"), required=False)
    deceased_status = forms.ChoiceField(
        label=_("The deceased was"),
        required=False,
        choices=[
            ("", _("— choose —")),
            ("employee", _("An employee paying SI")),
            ("reserved", _("Someone with reserved contribution years")),
            ("pensioner", _("A pensioner or recipient of a monthly allowance")),
        ],
    )
    cause_of_death = forms.ChoiceField(
        label=_("Cause of death"),
        required=False,
        choices=[
            ("", _("— choose —")),
            ("work_related", _("Work accident or occupational disease")),
            ("other", _("Other cause")),
        ],
    )
    number_of_beneficiaries = forms.IntegerField(
        label=_("Number of relatives claiming the survivor allowance"),
        required=False,
        min_value=1,
        max_value=20,
    )
    beneficiaries_details = forms.CharField(
        label=_("Those relatives (name, relationship, year of birth)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    payment_method = forms.ChoiceField(
        label=_("How the allowance is paid"), choices=PAYMENT_METHODS, required=False
    )
    bank_account = forms.CharField(
        label=_("Bank account number"),
        max_length=24,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    bank_name = forms.CharField(label=_("Bank and branch"), max_length=200, required=False)
    return_method = forms.ChoiceField(
        label=_("How you receive the VSS results"), choices=RETURN_METHODS, required=False
    )
    death_notice = _file_field(
        BundleDocumentKind.DEATH_NOTICE.label,
        _(
            "Given by the hospital or the commune. If you do not have it now, add it within "
            "7 working days."
        ),
    )

    def __init__(self, *args, relatives=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.relatives = {relation.relative.pk: relation for relation in relatives}
        field = self.fields["deceased_relative"]
        field.choices = [("", _("— not in the list —"))] + [
            (pk, f"{r.relative.full_name} ({r.get_kind_display()})")
            for pk, r in self.relatives.items()
            if r.relative.date_of_death is None
        ]
        if not self.relatives:
            del self.fields["deceased_relative"]

    def clean_deceased_national_id(self):
        return _cccd(self.cleaned_data["deceased_national_id"].strip())

    def clean_deceased_si_code(self):
        value = self.cleaned_data["deceased_si_code"].strip()
        return validate_si_code(value) if value else ""

    def clean_date_of_death(self):
        value = self.cleaned_data["date_of_death"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date of death cannot be in the future."))
        return value

    def clean(self):
        cleaned = super().clean()
        self._clean_place(cleaned)
        relation = self.relatives.get(cleaned.get("deceased_relative"))
        if relation is not None:
            person = relation.relative
            cleaned["deceased_full_name"] = person.full_name
            cleaned["deceased_national_id"] = person.national_id or cleaned.get(
                "deceased_national_id", ""
            )
            cleaned["deceased_si_code"] = person.si_code or cleaned.get("deceased_si_code", "")
        for name in ("deceased_full_name", "deceased_national_id"):
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, _("This field is required."))
        si_code, national_id = cleaned.get("deceased_si_code"), cleaned.get("deceased_national_id")
        if si_code and national_id and len(si_code) == 12 and si_code != national_id:
            self.add_error(
                "deceased_si_code",
                forms.ValidationError(
                    _(
                        "A 12-digit social insurance code is the personal ID number: it must "
                        "be the same as the personal ID number of the deceased."
                    ),
                    code="si_code_not_national_id",
                ),
            )
        wants = [
            cleaned.get(name)
            for name in ("want_residence_removal", "want_funeral", "want_survivor")
        ]
        if not any(wants):
            self.add_error(
                None, _("Choose at least one procedure to file with the death registration.")
            )
        if cleaned.get("want_funeral") or cleaned.get("want_survivor"):
            for name in ("deceased_status", "payment_method", "return_method"):
                if not cleaned.get(name):
                    self.add_error(name, _("This field is required."))
            if cleaned.get("payment_method") == "bank":
                self._clean_bank(cleaned)
        if cleaned.get("want_survivor"):
            for name in ("cause_of_death", "number_of_beneficiaries", "beneficiaries_details"):
                if cleaned.get(name) in (None, ""):
                    self.add_error(name, _("This field is required."))
        return cleaned

    def _clean_bank(self, cleaned: dict) -> None:
        account = (cleaned.get("bank_account") or "").strip()
        if not account:
            self.add_error("bank_account", _("Enter the bank account for the transfer."))
        else:
            try:
                cleaned["bank_account"] = validate_bank_account(account)
            except forms.ValidationError as error:
                self.add_error("bank_account", error)
        if not (cleaned.get("bank_name") or "").strip():
            self.add_error("bank_name", _("Enter the bank and branch."))

    def procedures(self) -> list[str]:
        mapping = {
            "want_residence_removal": BundleProcedure.RESIDENCE_REMOVAL,
            "want_funeral": BundleProcedure.FUNERAL_ALLOWANCE,
            "want_survivor": BundleProcedure.SURVIVOR_ALLOWANCE,
        }
        return [procedure for name, procedure in mapping.items() if self.cleaned_data.get(name)]

    def declaration(self) -> dict[str, Any]:
        data = self.cleaned_data
        applicant = self._applicant()
        return {
            **applicant,
            "applicant_address": applicant["residence_address"],
            "deceased_full_name": data["deceased_full_name"].strip(),
            "deceased_national_id": data["deceased_national_id"],
            "deceased_si_code": data.get("deceased_si_code") or "",
            "date_of_death": data["date_of_death"].isoformat(),
            "deceased_status": data.get("deceased_status") or "",
            "relationship": data["relationship"],
            "payment_method": data.get("payment_method") or "",
            "bank_account": data.get("bank_account") or ""
            if data.get("payment_method") == "bank"
            else "",
            "bank_name": (data.get("bank_name") or "").strip()
            if data.get("payment_method") == "bank"
            else "",
            "cause_of_death": data.get("cause_of_death") or "",
            "number_of_beneficiaries": data.get("number_of_beneficiaries"),
            "beneficiaries_details": (data.get("beneficiaries_details") or "").strip(),
            "return_method": data.get("return_method") or "",
        }


class BundleDocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"))
    file = forms.FileField(
        label=_("File"), widget=forms.ClearableFileInput(attrs={"accept": FILE_ACCEPT})
    )

    def __init__(self, *args, missing: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = missing


def _years_between(start: dt.date, end: dt.date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))
