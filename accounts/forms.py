from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.identifiers import validate_national_id

from .constants import Gender


class PortalLoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Personal ID number (CCCD), e-mail or username"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _(
            "The ID number, e-mail or username and password do not match an account. "
            "Check them and try again."
        ),
        "inactive": _("This account is disabled. Contact the social security office."),
    }


class CitizenSignupForm(forms.Form):
    national_id = forms.CharField(
        label=_("Personal ID number (CCCD)"),
        max_length=12,
        min_length=12,
        help_text=_("The 12 digits on your chip citizen ID card."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    date_of_birth = forms.DateField(
        label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"})
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices)
    # 254 as on the model: the form field alone allows 320, which crashed the save.
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    phone = forms.CharField(label=_("Mobile phone"), max_length=16, required=False)
    password1 = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Repeat the password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The rules are shown before the first try, in the reader's language.
        self.fields["password1"].help_text = " ".join(
            str(text) for text in password_validation.password_validators_help_texts()
        )

    def clean_national_id(self):
        value = self.cleaned_data["national_id"].strip()
        if get_user_model().objects.filter(national_id=value).exists():
            raise ValidationError(
                _("An account with this ID number already exists. Log in instead."),
                code="national_id_taken",
            )
        return value

    def clean_email(self):
        value = self.cleaned_data["email"].strip()
        if value and get_user_model().objects.filter(email__iexact=value).exists():
            raise ValidationError(
                _("An account with this e-mail already exists."), code="email_taken"
            )
        return value

    def clean_phone(self):
        from core.identifiers import validate_vn_phone

        value = self.cleaned_data["phone"].strip()
        return validate_vn_phone(value) if value else ""

    def clean(self):
        cleaned = super().clean()
        national_id = cleaned.get("national_id")
        if national_id:
            try:
                validate_national_id(
                    national_id,
                    date_of_birth=cleaned.get("date_of_birth"),
                    gender=cleaned.get("gender"),
                )
            except ValidationError as error:
                self.add_error("national_id", error)
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords are different."))
        elif password1:
            full_name = cleaned.get("full_name", "")
            # UserAttributeSimilarityValidator compares first_name and email, not full_name.
            candidate = get_user_model()(
                username=national_id or "",
                full_name=full_name,
                first_name=full_name,
                email=cleaned.get("email") or "",
            )
            try:
                password_validation.validate_password(password1, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class AbsenceForm(forms.Form):
    officer = forms.IntegerField(widget=forms.HiddenInput)
    absent_until = forms.DateField(
        label=_("Absent until"),
        required=False,
        help_text=_("Last day of absence. Leave empty when the officer is present."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class AutoAssignForm(forms.Form):
    auto_assign = forms.BooleanField(
        label=_("Assign received dossiers automatically"),
        required=False,
        help_text=_(
            "A received dossier goes to the present processing officer with the fewest open "
            "dossiers. Absent officers are skipped."
        ),
    )


class TwoFactorCodeForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=32,
        help_text=_("Six digits, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class TwoFactorResetForm(forms.Form):
    officer = forms.IntegerField(widget=forms.HiddenInput)
