from django import forms
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from ..tracking import find_tracked, masked_name, rate_limited


class TrackForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Dossier code"), max_length=40)
    id_last4 = forms.RegexField(
        label=gettext_lazy("Last 4 digits of the applicant's ID number"),
        regex=r"^\d{4}$",
        max_length=4,
        error_messages={"invalid": gettext_lazy("Enter exactly 4 digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


def _client_key(request) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def _result(request, dossier, form, status=200):
    events = []
    if dossier is not None:
        events = list(dossier.events.filter(citizen_visible=True).order_by("created_at"))
    return render(
        request,
        "dossiers/track.html",
        {
            "form": form,
            "dossier": dossier,
            "events": events,
            "masked_name": masked_name(dossier.applicant_name) if dossier else "",
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def track(request, code=None):
    token = request.GET.get("t")
    if request.method == "GET" and code and token:
        if rate_limited(_client_key(request)):
            return _limited(request)
        dossier = find_tracked(code=code, token=token)
        if dossier is not None:
            return _result(request, dossier, TrackForm(initial={"code": code}))
    if request.method == "POST":
        form = TrackForm(request.POST)
        if form.is_valid():
            if rate_limited(_client_key(request)):
                return _limited(request)
            dossier = find_tracked(
                code=form.cleaned_data["code"], id_last4=form.cleaned_data["id_last4"]
            )
            if dossier is None:
                form.add_error(
                    None,
                    _("No dossier matches this code and ID number. Check both and try again."),
                )
                return _result(request, None, form, status=404)
            return _result(request, dossier, form)
        return _result(request, None, form, status=400)
    return _result(request, None, TrackForm(initial={"code": code or ""}))


def _limited(request):
    form = TrackForm()
    form.add_error(None, _("Too many attempts. Please wait 10 minutes and try again."))
    return _result(request, None, form, status=429)
