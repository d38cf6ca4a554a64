"""The public tracking page: by code + last 4 ID digits (form) or by the slip's QR link.

Responses: 200 with the dossier; 404 "not found" for an unknown code, wrong digits or a
bad token alike (the same page whichever it was); 400 with field messages for input of
the wrong shape; 429 once the attempt limits of `dossiers.tracking` are reached.
"""

from django import forms
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.http import client_ip

from ..constants import CODE_MAX_LENGTH, DossierState
from ..prediction import predicted_completion
from ..services import statutory_due
from ..tracking import (
    TooManyAttempts,
    masked_name,
    normalise_code,
    own_tracked,
    tracked_lookup,
)
from .common import timeliness_context

NOT_FOUND = _("No dossier matches this code and ID number. Check both and try again.")
TOO_MANY = _("Too many attempts. Please wait 10 minutes and try again.")
CODE_LOCKED = _(
    "Too many wrong attempts were made on this dossier code, so it is locked for an hour "
    "to protect it."
)
OWNER_CAN_STILL_FOLLOW = _(
    "If it is your dossier, you can still follow it now: scan the QR code on your reception "
    "slip, or sign in to your account."
)


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Dossier code"),
        max_length=CODE_MAX_LENGTH,
        help_text=_("As printed on the reception slip, e.g. 000.00.01.G12-261124-0001."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    id_last4 = forms.RegexField(
        label=_("Last 4 digits of the applicant's ID number"),
        regex=r"^\d{4}$",
        max_length=4,
        error_messages={"invalid": _("Enter exactly 4 digits.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{4}"}
        ),
    )

    def clean_code(self) -> str:
        return normalise_code(self.cleaned_data["code"])


def _timeline(dossier) -> list[dict]:
    events = dossier.trail().filter(citizen_visible=True).order_by("created_at", "id")
    return [{"at": e.created_at, "label": e.label} for e in events]


def _render(request, *, form, dossier=None, error="", status=200, locked_code=""):
    context = {"form": form, "dossier": dossier, "error": error}
    if locked_code:
        context.update(
            owner_can_still_follow=OWNER_CAN_STILL_FOLLOW,
            sign_in_next=reverse("tracking:track_code", args=[locked_code]),
        )
    if dossier is not None:
        context.update(
            masked_name=masked_name(dossier.applicant_name),
            events=_timeline(dossier),
            predicted=predicted_completion(dossier),
            awaiting_supplement=dossier.state == DossierState.SUPPLEMENT_REQUESTED,
            timeliness=timeliness_context(dossier),
            statutory_due=statutory_due(dossier),
        )
    response = render(request, "dossiers/track.html", context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def track(request, code=None):
    token = request.GET.get("t")
    if request.method == "POST":
        form = TrackForm(request.POST)
        if not form.is_valid():
            return _render(request, form=form, status=400)
        lookup = {"code": form.cleaned_data["code"], "id_last4": form.cleaned_data["id_last4"]}
    elif code and token:
        form = TrackForm(initial={"code": normalise_code(code)})
        lookup = {"code": code, "token": token[:500]}
    else:
        form = TrackForm(initial={"code": normalise_code(code)})
        own = own_tracked(user=request.user, code=code) if code else None
        return _render(request, form=form, dossier=own)
    own = own_tracked(user=request.user, code=lookup["code"])
    if own is not None:  # signed in and allowed to see it: no guess to count
        return _render(request, form=form, dossier=own)
    try:
        dossier = tracked_lookup(client=client_ip(request), **lookup)
    except TooManyAttempts as locked:
        return _render(
            request,
            form=form,
            error=CODE_LOCKED if locked.scope == "code" else TOO_MANY,
            status=429,
            locked_code=normalise_code(lookup["code"]),
        )
    if dossier is None:
        return _render(request, form=form, error=NOT_FOUND, status=404)
    return _render(request, form=form, dossier=dossier)
