"""The dashboard's filter form (GET) and the open-data query form."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.constants import Channel
from offices.geography import province_choices
from offices.models import Office
from procedures.models import Procedure

from .selectors.scope import NATIONAL, OFFICE, Filters, Scope

MAX_PERIOD_DAYS = 3 * 366


class _OfficeChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Office) -> str:
        return obj.name


class _ProcedureChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Procedure) -> str:
        return obj.name


class DashboardFilterForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    province = forms.TypedChoiceField(
        label=_("Province"), required=False, coerce=int, empty_value=None
    )
    office = _OfficeChoice(
        label=_("Competent office"),
        queryset=Office.objects.none(),
        required=False,
        empty_label=_("All offices"),
    )
    procedure = _ProcedureChoice(
        label=_("Procedure"),
        queryset=Procedure.objects.none(),
        required=False,
        empty_label=_("All procedures"),
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=[("", _("All channels")), *Channel.choices],
    )

    def __init__(self, data, *, scope: Scope, today: dt.date | None = None):
        today = today or timezone.localdate()
        self.default_start, self.default_end = today.replace(day=1), today
        values = {"start": self.default_start.isoformat(), "end": self.default_end.isoformat()}
        values.update({k: v for k, v in data.items() if k in self.base_fields and v})
        super().__init__(values)
        self.scope = scope
        if scope.level == NATIONAL:
            self.fields["province"].choices = [("", _("All provinces")), *province_choices()]
        else:
            del self.fields["province"]
        if scope.level == OFFICE:
            del self.fields["office"]
        else:
            self.fields["office"].queryset = (
                Office.objects.filter(scope.office_q(), is_active=True)
                .only("pk", "name", "province_code")
                .order_by("province_code", "kind", "name")
            )
        self.fields["procedure"].queryset = (
            Procedure.objects.filter(is_demo=False)  # demo procedures (seed_demo only)
            .only("pk", "name_vi", "name_en", "ordering")
            .order_by("ordering", "name_vi")
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The end of the period is before its start."))
            if (end - start).days > MAX_PERIOD_DAYS:
                raise forms.ValidationError(_("Choose a period of at most three years."))
        return cleaned

    def filters(self) -> Filters:
        """The valid filters; an invalid field is dropped, an invalid period is the default."""
        self.is_valid()
        data = self.cleaned_data
        start, end = data.get("start"), data.get("end")
        if not start or not end or end < start or (end - start).days > MAX_PERIOD_DAYS:
            start, end = self.default_start, self.default_end
        office = data.get("office")
        procedure = data.get("procedure")
        return Filters(
            start=start,
            end=end,
            province_code=data.get("province"),
            office_id=office.pk if office else None,
            procedure_id=procedure.pk if procedure else None,
            channel=data.get("channel") or "",
        )


class OpenDataForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2018, max_value=2100)
    province = forms.TypedChoiceField(
        label=_("Province"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, data, *, today: dt.date | None = None):
        today = today or timezone.localdate()
        values = {"year": str(today.year)}
        values.update({k: v for k, v in data.items() if k in self.base_fields and v})
        super().__init__(values)
        self.fields["province"].choices = [("", _("All provinces")), *province_choices()]
