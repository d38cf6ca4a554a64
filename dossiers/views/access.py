"""The access log on dossier pages: the supervisor's reason, the applicant's list of who
opened the dossier (loaded after the page, so the dossier page itself reads nothing more)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accesslog.constants import PARTNER_ROLE
from accesslog.selectors import dossier_accesses
from accesslog.services import reason_required, session_reason_remember
from accounts.constants import Role

from ..access import reason_key
from ..models import Dossier
from ..selectors import dossier_for_user, visible_dossiers


class AccessReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why do you open this dossier?"),
        min_length=10,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "The dossier belongs to another office. Your reason is written in the access log "
            "with every opening of this dossier in this session."
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def access_reason(request, reference):
    try:
        dossier = (
            visible_dossiers(request.user)
            .only("pk", "reference", "code", "competent_office_id", "receiving_office_id")
            .get(reference=reference)
        )
    except Dossier.DoesNotExist as exc:
        raise Http404 from exc
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = ""
    target = target or reverse("dossiers:detail", kwargs={"reference": dossier.reference})
    if not reason_required(
        request.user, office_ids=(dossier.competent_office_id, dossier.receiving_office_id)
    ):
        return redirect(target)
    form = AccessReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        session_reason_remember(request.session, reason_key(dossier), form.cleaned_data["reason"])
        return redirect(target)
    return render(
        request,
        "dossiers/access_reason.html",
        {"form": form, "dossier": dossier, "next": target},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def access_history(request, reference):
    """Who opened the applicant's dossier: office (with its phone), role and when; never
    the officer's name. Only the applicant sees it."""
    if request.user.role != Role.CITIZEN:
        raise Http404
    try:
        dossier = dossier_for_user(user=request.user, reference=reference)
    except Dossier.DoesNotExist as exc:
        raise Http404 from exc
    rows = [
        {
            "at": record.at,
            "role": _role_label(record.role),
            "office": record.office,
            "kind": record.get_kind_display(),
        }
        for record in dossier_accesses(dossier_id=dossier.pk)
    ]
    template = (
        "dossiers/partials/access_history.html"
        if request.headers.get("HX-Request")
        else "dossiers/access_history.html"
    )
    return render(request, template, {"dossier": dossier, "rows": rows})


def _role_label(role: str) -> str:
    if role == PARTNER_ROLE:
        return str(gettext_lazy("Partner system"))
    try:
        return str(Role(role).label)
    except ValueError:
        return role
