"""Forms rendered from a procedure version's field schema."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from core.identifiers import (
    FEMALE,
    MALE,
    validate_bank_account,
    validate_hi_card_number,
    validate_national_id,
    validate_si_code,
    validate_vn_phone,
)
from offices.geography import province_choices
from procedures.constants import FieldType, PrefillKey
from procedures.schema import localized


class _NormalisingCharField(forms.CharField):
    """A CharField whose validator also normalises (strips spaces, upper-cases codes)."""

    def __init__(self, *args, normaliser=None, **kwargs):
        self.normaliser = normaliser
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        return self.normaliser(value) if value and self.normaliser else value


_NORMALISERS = {
    FieldType.CCCD: validate_national_id,
    FieldType.SI_CODE: validate_si_code,
    FieldType.HI_CARD: validate_hi_card_number,
    FieldType.BANK_ACCOUNT: validate_bank_account,
    FieldType.PHONE: validate_vn_phone,
}


# What an identifier field accepts is decided by its validator, not by each procedure
# version, so its help text is the validator's (a version's own help text for these types
# predates the Law on Social Insurance 2024 and the cards printed since 2021).
FORMAT_HELP = {
    FieldType.SI_CODE: _(
        "10 digits, or your 12-digit personal ID number (CCCD): since 1 July 2025 it "
        "serves as the social insurance code."
    ),
    FieldType.HI_CARD: _(
        "The 10 digits printed on cards since 2021, or the 15 characters of an older card "
        "(for example DN4010123456789)."
    ),
}
# An SI-code field about someone else (the deceased, say) rather than the applicant.
OTHER_PERSON_SI_CODE_HELP = _(
    "10 digits, or their 12-digit personal ID number (CCCD): since 1 July 2025 it "
    "serves as the social insurance code."
)


# One name for an identifier field wherever it is shown (label, review, messages), whatever
# a procedure version calls it.
FIELD_LABELS = {
    FieldType.HI_CARD: _("HI card number"),
}


def field_label(definition: dict) -> str:
    """The label a person reads for a schema field."""
    return str(FIELD_LABELS.get(definition.get("type")) or localized(definition, "label"))


def _help_text(definition: dict) -> str:
    kind = definition["type"]
    if kind == FieldType.SI_CODE and definition.get("prefill") != PrefillKey.SI_CODE:
        return OTHER_PERSON_SI_CODE_HELP
    return FORMAT_HELP.get(kind) or localized(definition, "help")


def build_field(definition: dict, *, required: bool | None = None) -> forms.Field:
    kind = definition["type"]
    options: dict[str, Any] = {
        "label": field_label(definition),
        "required": definition.get("required", False) if required is None else required,
        "help_text": _help_text(definition),
    }
    if kind == FieldType.TEXTAREA:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, **options)
    if kind == FieldType.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **options)
    if kind in (FieldType.MONEY, FieldType.INTEGER):
        field = forms.IntegerField(
            validators=[MinValueValidator(0), MaxValueValidator(10**13)],
            widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            **options,
        )
        if kind == FieldType.MONEY:
            field.help_text = field.help_text or _("Amount in Vietnamese đồng (VND).")
        return field
    if kind == FieldType.CHOICE:
        choices = [(c["value"], localized(c, "label")) for c in definition.get("choices") or []]
        # An empty first option: nothing is chosen for the person.
        choices = [("", _("— choose —")), *choices]
        return forms.ChoiceField(choices=choices, **options)
    if kind == FieldType.EMAIL:
        return forms.EmailField(**options)
    if kind in _NORMALISERS:
        attrs = {"autocomplete": "off"}
        if kind in (FieldType.CCCD, FieldType.SI_CODE, FieldType.BANK_ACCOUNT, FieldType.PHONE):
            attrs["inputmode"] = "numeric"
        return _NormalisingCharField(
            normaliser=_NORMALISERS[kind],
            max_length=32,
            widget=forms.TextInput(attrs=attrs),
            **options,
        )
    return forms.CharField(max_length=300, **options)


def display_value(definition: dict, value: Any) -> str:
    """A stored value as a person reads it (dates dd/mm/yyyy, choices by label)."""
    if definition.get("type") == FieldType.DATE and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    if definition.get("type") == FieldType.CHOICE:
        for choice in definition.get("choices") or []:
            if choice["value"] == value:
                return localized(choice, "label")
    if definition.get("type") == FieldType.MONEY and isinstance(value, int):
        return f"{value:,}".replace(",", ".") + " ₫"
    return "" if value is None else str(value)


def to_storable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class StepForm(forms.Form):
    """One wizard step: the schema fields of that step not already known to VSS."""

    def __init__(self, *args, definitions: list[dict], known: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.definitions = definitions
        self.known_fields = []
        for definition in definitions:
            name = definition["name"]
            prefill_key = definition.get("prefill")
            if prefill_key and known.get(prefill_key):
                self.known_fields.append(
                    {
                        "name": name,
                        "label": field_label(definition),
                        "value": display_value(definition, known[prefill_key]),
                    }
                )
                continue
            self.fields[name] = build_field(definition)
        self.known = known

    def _own_value(self, cleaned: dict[str, Any], key: str) -> Any:
        """The applicant's own value for a prefill key: typed in this step, else known."""
        for definition in self.definitions:
            if definition.get("prefill") == key and cleaned.get(definition["name"]):
                return cleaned[definition["name"]]
        return self.known.get(key) or None

    def clean(self) -> dict[str, Any]:
        """The applicant's personal ID number (CCCD), and their SI code when it is their
        CCCD (since 1 July 2025), must agree with their date of birth and gender. Pages and
        the API (dossiers.api.fields) check values with this form alike."""
        cleaned = super().clean()
        date_of_birth = self._own_value(cleaned, PrefillKey.DATE_OF_BIRTH)
        if isinstance(date_of_birth, str):
            try:
                date_of_birth = dt.date.fromisoformat(date_of_birth)
            except ValueError:
                date_of_birth = None
        gender = self._own_value(cleaned, PrefillKey.GENDER)
        gender = gender if gender in (MALE, FEMALE) else None
        for definition in self.definitions:
            name = definition["name"]
            value = cleaned.get(name)
            if (
                name not in self.fields
                or not value
                or definition.get("prefill") not in (PrefillKey.SI_CODE, PrefillKey.NATIONAL_ID)
                or len(str(value)) != 12
            ):
                continue
            try:
                validate_national_id(value, date_of_birth=date_of_birth, gender=gender)
            except ValidationError as error:
                self.add_error(name, error)
        return cleaned

    def storable_data(self) -> dict[str, Any]:
        return {name: to_storable(value) for name, value in self.cleaned_data.items()}

    def draft_data(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """What "save and finish later" keeps: (checked values, values typed as they are).

        Call after is_valid(). A valid field keeps its cleaned value; a field with an error
        keeps the text typed, so nothing is lost (it is checked again on moving on and on
        submitting).
        """
        checked: dict[str, Any] = {}
        unchecked: dict[str, Any] = {}
        for name in self.fields:
            if name in self.errors:
                raw = self.data.get(self.add_prefix(name), "")
                unchecked[name] = str(raw).strip()[:2000]
            elif name in self.cleaned_data:
                checked[name] = to_storable(self.cleaned_data[name])
        return checked, unchecked


# Form fields built for checking stored values, kept while `checked_fields_reused` is open.
_checked_fields: ContextVar[dict[int, tuple[dict, forms.Field]] | None] = ContextVar(
    "checked_fields", default=None
)


@contextmanager
def checked_fields_reused():
    """Check many dossiers of one version with one form field per definition (batch filing).

    Inside the block, `stored_value_error` builds the field of a definition once and keeps
    it, keyed by the definition dict itself (the version's definitions stay alive for the
    block); building a Django form field was most of the cost of checking a value.
    """
    token = _checked_fields.set({})
    try:
        yield
    finally:
        _checked_fields.reset(token)


def _checking_field(definition: dict) -> forms.Field:
    cache = _checked_fields.get()
    if cache is None:
        return build_field(definition, required=False)
    entry = cache.get(id(definition))
    if entry is None or entry[0] is not definition:
        entry = cache[id(definition)] = (definition, build_field(definition, required=False))
    return entry[1]


def stored_value_error(definition: dict, value: Any) -> str | None:
    """Why a stored draft value is not acceptable (a draft may keep invalid text), or None."""
    if value in (None, ""):
        return None
    field = _checking_field(definition)
    try:
        field.clean(value)
    except ValidationError as error:
        return " ".join(str(m) for m in error.messages)
    return None


class ApplicantPlaceForm(forms.Form):
    """Which province's office is competent (the applicant's or the employer's)."""

    province = forms.TypedChoiceField(coerce=int, label=_("Province or city"))
    address = forms.CharField(label=_("Address"), max_length=300, required=False)

    def __init__(self, *args, employer: bool = False, counter: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["province"]
        field.choices = [("", "—"), *province_choices()]
        # At the counter an officer fills the form for the applicant: speak of them.
        if employer:
            field.label = (
                _("Province or city of the applicant's employer")
                if counter
                else _("Province or city of your employer")
            )
        else:
            field.label = (
                _("Province or city where the applicant lives")
                if counter
                else _("Province or city where you live")
            )
        if counter:
            self.fields["address"].label = _("Applicant's address")
        field.help_text = _(
            "The social security office of this province handles the dossier. You can file "
            "online or at any office, wherever you are."
        )


class TrackingBookForm(forms.Form):
    """The office and period of the tracking book (form 06); exports take a shorter period."""

    office = forms.ModelChoiceField(label=_("Office"), queryset=None, empty_label=None)
    start = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, offices, max_days: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices
        self.max_days = max_days

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end of the period must not be before its start."))
            elif (end - start).days + 1 > self.max_days:
                self.add_error(
                    "end",
                    _("Choose a period of at most %(days)d days.") % {"days": self.max_days},
                )
        return cleaned


class FilingForWhomForm(forms.Form):
    """For whom a citizen files: themselves, a child of theirs in the registry (as parent or
    guardian), or another adult under a letter of authorisation (ủy quyền, issue #18)."""

    SELF = "self"
    # Not answered (a client that only presses "Start"): the citizen files for themselves.
    for_whom = forms.ChoiceField(
        label=_("For whom do you file?"),
        widget=forms.RadioSelect,
        initial=SELF,
        required=False,
    )
    child = forms.ChoiceField(label=_("Your child (from the registry)"), required=False)
    principal_national_id = forms.CharField(
        label=_("Personal ID number (CCCD) of the person who authorised you"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    principal_name = forms.CharField(label=_("Their full name"), max_length=150, required=False)
    scope = forms.CharField(
        label=_("What the letter of authorisation covers"),
        max_length=300,
        required=False,
        help_text=_("For example: to file and receive the result of this dossier."),
    )
    letter = forms.FileField(
        label=_("Letter of authorisation (PDF or photo)"),
        required=False,
        help_text=_("Bring the original to the office: it is checked at reception."),
    )

    def __init__(self, *args, children: list[dict] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        from .constants import Representation

        self.children = {child["national_id"]: child for child in (children or [])}
        self.fields["for_whom"].choices = [
            (self.SELF, _("For myself")),
            *(
                [(Representation.GUARDIAN, _("For my child, as parent or guardian"))]
                if self.children
                else []
            ),
            (
                Representation.AUTHORISATION,
                _("For another adult, with their letter of authorisation"),
            ),
        ]
        self.fields["child"].choices = [("", "—")] + [
            (key, f"{child['full_name']} ({child['date_of_birth']:%d/%m/%Y})")
            for key, child in self.children.items()
        ]

    def clean(self):
        from .constants import Representation

        cleaned = super().clean()
        if "for_whom" in cleaned and not cleaned["for_whom"]:
            cleaned["for_whom"] = self.SELF
        kind = cleaned.get("for_whom")
        if kind == Representation.GUARDIAN and not cleaned.get("child"):
            self.add_error("child", _("Choose the child."))
        if kind == Representation.AUTHORISATION:
            national_id = "".join((cleaned.get("principal_national_id") or "").split())
            if not (national_id.isdigit() and len(national_id) == 12):
                self.add_error(
                    "principal_national_id", _("Enter the 12 digits of the personal ID number.")
                )
            cleaned["principal_national_id"] = national_id
            for name, message in (
                ("principal_name", _("Enter the full name of the person who authorised you.")),
                ("scope", _("Say what the letter of authorisation covers.")),
                ("letter", _("Upload the letter of authorisation.")),
            ):
                if not cleaned.get(name):
                    self.add_error(name, message)
        return cleaned

    def principal(self):
        from .constants import Representation
        from .services.representation import Principal

        kind = self.cleaned_data["for_whom"]
        if kind == Representation.GUARDIAN:
            child = self.children[self.cleaned_data["child"]]
            return Principal(
                kind=kind,
                national_id=child["national_id"],
                full_name=child["full_name"],
                scope=str(_("As parent or guardian of the child")),
            )
        if kind == Representation.AUTHORISATION:
            return Principal(
                kind=kind,
                national_id=self.cleaned_data["principal_national_id"],
                full_name=self.cleaned_data["principal_name"].strip(),
                scope=self.cleaned_data["scope"],
            )
        return None
