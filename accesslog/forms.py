import datetime as dt

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.constants import Role
from accounts.models import User
from offices.models import Office

from .constants import PARTNER_ROLE, AccessKind
from .selectors import AccessFilters

# Dates a search can mean (outside, a clear message instead of a moment the database cannot
# hold: 0001-01-01 in Vietnam time is before year 1 in UTC).
DATE_RANGE = [
    MinValueValidator(dt.date(2000, 1, 1), message=_("Give a date from 2000 on.")),
    MaxValueValidator(dt.date(2099, 12, 31), message=_("Give a date before 2100.")),
]


class AccessSearchForm(forms.Form):
    dossier_code = forms.CharField(label=_("Dossier code"), max_length=40, required=False)
    username = forms.CharField(
        label=_("Staff username"),
        max_length=150,
        required=False,
        help_text=_("The sign-in name of the officer."),
    )
    office = forms.ModelChoiceField(
        label=_("Office"), queryset=Office.objects.order_by("name"), required=False
    )
    role = forms.ChoiceField(label=_("Role"), required=False)
    kind = forms.ChoiceField(
        label=_("What was opened"), choices=[("", "—"), *AccessKind.choices], required=False
    )
    since = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "min": "2000-01-01", "max": "2099-12-31"}),
        validators=DATE_RANGE,
    )
    until = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "min": "2000-01-01", "max": "2099-12-31"}),
        validators=DATE_RANGE,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [
            ("", "—"),
            *[(value, label) for value, label in Role.choices if value != Role.CITIZEN],
            (PARTNER_ROLE, _("Partner system")),
        ]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end date is before the start date."))
        username = (cleaned.get("username") or "").strip()
        self.actor_id = None
        if username:
            self.actor_id = (
                User.objects.filter(username=username).values_list("pk", flat=True).first()
            )
            if self.actor_id is None:
                self.add_error("username", _("No staff account has this username."))
        return cleaned

    def filters(self) -> AccessFilters:
        data = self.cleaned_data
        zone = timezone.get_current_timezone()

        def start_of(day):
            return dt.datetime.combine(day, dt.time.min, tzinfo=zone) if day else None

        return AccessFilters(
            dossier_code=(data.get("dossier_code") or "").strip().upper(),
            actor_id=self.actor_id,
            office_id=data["office"].pk if data.get("office") else None,
            role=data.get("role") or "",
            kind=data.get("kind") or "",
            since=start_of(data.get("since")),
            until=start_of(data["until"] + dt.timedelta(days=1)) if data.get("until") else None,
        )
