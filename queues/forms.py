from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.constants import Role
from accounts.models import User

from .constants import Priority
from .models import Counter, ServiceGroup, Slot


class GroupChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name if not obj.name_en else f"{obj.name} · {obj.name_en}"


class KioskForm(forms.Form):
    group = GroupChoiceField(
        label=_("What do you need?"),
        queryset=ServiceGroup.objects.filter(is_active=True),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Choose a service group."),
            "invalid_choice": _("Choose one of the service groups offered at this office."),
        },
    )
    priority = forms.ChoiceField(
        label=_("Priority"),
        choices=Priority.choices,
        widget=forms.RadioSelect,
        required=False,
        initial=Priority.NONE,
        help_text=_(
            "Elderly people, people with a disability, pregnant women, people with a "
            "child under 6 and meritorious people are served first."
        ),
    )


class RemoteTicketForm(forms.Form):
    group = GroupChoiceField(
        label=_("What do you need?"),
        queryset=ServiceGroup.objects.filter(is_active=True),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages=KioskForm.base_fields["group"].error_messages,
    )


class CounterSignInForm(forms.Form):
    counter = forms.ModelChoiceField(
        label=_("Counter"),
        queryset=Counter.objects.none(),
        error_messages={"invalid_choice": _("Choose an open counter of your office.")},
    )

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counter"].queryset = Counter.objects.filter(office=office, is_open=True)


class TransferForm(forms.Form):
    group = GroupChoiceField(
        label=_("Service group"),
        queryset=ServiceGroup.objects.filter(is_active=True),
        required=False,
    )
    counter = forms.ModelChoiceField(
        label=_("Counter"), queryset=Counter.objects.none(), required=False
    )

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counter"].queryset = Counter.objects.filter(office=office, is_open=True)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("group") and not cleaned.get("counter"):
            self.add_error("group", _("Choose a service group or a counter to transfer to."))
        return cleaned


class BookingForm(forms.Form):
    slot = forms.ModelChoiceField(
        label=_("Time"),
        queryset=Slot.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Choose a time."),
            "invalid_choice": _("This appointment time is no longer available: choose another."),
        },
    )

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = slots


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Booking code"),
        max_length=8,
        help_text=_("The 8 characters shown on your booking."),
        error_messages={"required": _("Enter your booking code.")},
    )


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or obj.username


class CounterOfficerForm(forms.Form):
    """The leader's choice of officer for a counter (empty: take the officer off)."""

    officer = OfficerChoiceField(
        label=_("Officer"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("(nobody)"),
        error_messages={"invalid_choice": _("Choose a counter officer of this office.")},
    )

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = User.objects.filter(
            office=office, role=Role.COUNTER_OFFICER, is_active=True
        ).order_by("full_name", "username")
