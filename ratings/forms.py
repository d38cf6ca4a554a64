from django import forms
from django.utils.translation import gettext_lazy as _

from dossiers.constants import CODE_MAX_LENGTH, Channel
from dossiers.tracking import normalise_code

from .constants import CRITERIA, MAX_TRIPS, Scale
from .models import Rating
from .services import Answers

SCALE_ERRORS = {
    "required": _("Choose a score from 1 to 5."),
    "invalid_choice": _("Choose a score from 1 to 5."),
}


def _scale_field(label) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=Scale.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages=SCALE_ERRORS,
    )


class RatingForm(forms.Form):
    """The overall score, the three criteria, the trips needed and a comment."""

    score = _scale_field(_("Overall, how satisfied are you with how your dossier was handled?"))
    timeliness = _scale_field(dict(CRITERIA)["timeliness"])
    attitude = _scale_field(dict(CRITERIA)["attitude"])
    guidance = _scale_field(dict(CRITERIA)["guidance"])
    trips_needed = forms.IntegerField(
        label=_("How many times did you have to come to the office for this dossier?"),
        help_text=_("Enter 0 if you did everything online."),
        required=False,
        min_value=0,
        max_value=MAX_TRIPS,
        error_messages={"invalid": _("Enter a whole number.")},
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": MAX_TRIPS}),
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        help_text=_("Please do not write ID numbers or other personal details here."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    scale_fields = ("score", "timeliness", "attitude", "guidance")

    def __init__(self, *args, dossier, **kwargs):
        # Left empty, the number of trips is what the channel implies: none for a dossier
        # filed online, one for a dossier handed in at a counter (or by post: none).
        self.default_trips = 1 if dossier.channel == Channel.COUNTER else 0
        kwargs.setdefault("auto_id", "rating_%s")
        super().__init__(*args, **kwargs)
        self.fields["trips_needed"].initial = self.default_trips

    @classmethod
    def initial_from(cls, rating: Rating | None) -> dict:
        if rating is None:
            return {}
        return {
            name: getattr(rating, name) for name in (*cls.scale_fields, "trips_needed", "comment")
        }

    def clean_trips_needed(self) -> int:
        trips = self.cleaned_data.get("trips_needed")
        return self.default_trips if trips is None else trips

    def answers(self) -> Answers:
        data = self.cleaned_data
        return Answers(
            score=data["score"],
            timeliness=data["timeliness"],
            attitude=data["attitude"],
            guidance=data["guidance"],
            trips_needed=data["trips_needed"],
            comment=data["comment"],
        )

    def scales(self):
        return [self[name] for name in self.scale_fields]

    def others(self):
        return [self["trips_needed"], self["comment"]]


class CounterLookupForm(forms.Form):
    """The counter tablet's first step: which dossier (code + the ID number's last 4)."""

    code = forms.CharField(
        label=_("Dossier code (on your reception slip)"),
        max_length=CODE_MAX_LENGTH,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )
    id_last4 = forms.RegexField(
        label=_("Last 4 digits of your ID number"),
        regex=r"^\d{4}$",
        max_length=4,
        error_messages={"invalid": _("Enter exactly 4 digits.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{4}"}
        ),
    )

    def clean_code(self) -> str:
        return normalise_code(self.cleaned_data["code"])
