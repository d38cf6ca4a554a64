"""Rating pages: the citizen's form on their dossier, and the counter tablet (kiosk).

The tablet asks for the dossier code and the last 4 digits of the ID number (the public
tracking look-up, with its attempt limits), keeps the dossier in the session for a few
minutes while the citizen rates, then forgets it and waits for the next citizen.
"""

import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from core.http import client_ip
from dossiers.constants import DossierState
from dossiers.models import Dossier
from dossiers.tracking import TooManyAttempts, masked_name, tracked_lookup
from dossiers.views.tracking import NOT_FOUND, TOO_MANY

from .constants import RatingChannel
from .exceptions import RatingError
from .forms import CounterLookupForm, RatingForm
from .selectors import ratable_dossier, rating_for, rating_panel
from .services import rating_submit, rating_update

KIOSK_SESSION_KEY = "ratings_counter"
KIOSK_SECONDS = 600


def panel_context(*, user, dossier) -> dict | None:
    """The rating block of the dossier page (None when it shows nothing)."""
    panel = rating_panel(user=user, dossier=dossier)
    if panel is not None and panel["can_rate"]:
        panel["form"] = RatingForm(dossier=dossier)
    return panel


def _save(form, *, rating, dossier, user, channel):
    if rating is None:
        return rating_submit(dossier=dossier, rater=user, channel=channel, answers=form.answers())
    return rating_update(rating=rating, actor=user, channel=channel, answers=form.answers())


# --- the citizen's own dossier -------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def rate(request, reference):
    try:
        dossier = ratable_dossier(user=request.user, reference=reference)
    except Dossier.DoesNotExist as exc:
        raise Http404 from exc
    panel = rating_panel(user=request.user, dossier=dossier)
    rating = panel["rating"] if panel else None
    open_ = bool(panel and (panel["can_rate"] or panel["can_edit"]))
    status = 200
    if request.method == "POST":
        form = RatingForm(request.POST, dossier=dossier)
        if form.is_valid():
            try:
                _save(
                    form,
                    rating=rating,
                    dossier=dossier,
                    user=request.user,
                    channel=RatingChannel.WEB,
                )
            except RatingError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(request, _("Thank you. Your rating was saved."))
                return redirect("dossiers:detail", reference=dossier.reference)
    else:
        form = RatingForm(initial=RatingForm.initial_from(rating), dossier=dossier)
    return render(
        request,
        "ratings/rate.html",
        {"dossier": dossier, "form": form, "rating": rating, "open": open_},
        status=status,
    )


# --- the counter tablet --------------------------------------------------------------


def _kiosk_dossier(request) -> Dossier | None:
    held = request.session.get(KIOSK_SESSION_KEY)
    if not held or held.get("until", 0) < time.time():
        request.session.pop(KIOSK_SESSION_KEY, None)
        return None
    return (
        Dossier.objects.filter(pk=held["dossier"], state=DossierState.RETURNED)
        .select_related("procedure", "competent_office")
        .first()
    )


@never_cache
@require_http_methods(["GET", "POST"])
def counter_start(request):
    request.session.pop(KIOSK_SESSION_KEY, None)
    status = 200
    if request.method == "POST":
        form = CounterLookupForm(request.POST)
        if form.is_valid():
            try:
                dossier = tracked_lookup(
                    client=client_ip(request),
                    code=form.cleaned_data["code"],
                    id_last4=form.cleaned_data["id_last4"],
                )
            except TooManyAttempts:
                form.add_error(None, TOO_MANY)
                status = 429
            else:
                status = _counter_found(request, form, dossier)
                if status is None:
                    return redirect("ratings:counter_rate")
    else:
        form = CounterLookupForm()
    return render(request, "ratings/counter_start.html", {"form": form}, status=status)


def _counter_found(request, form, dossier) -> int | None:
    """Hold the dossier for rating (None), or say why it cannot be rated (a status)."""
    if dossier is None:
        form.add_error(None, NOT_FOUND)
        return 404
    if dossier.state != DossierState.RETURNED:
        form.add_error(
            None,
            _(
                "The result of this dossier has not been returned yet. "
                "You can rate the service once you have received it."
            ),
        )
        return 409
    rating = rating_for(dossier)
    if rating is not None and timezone.now() > rating.editable_until:
        form.add_error(None, _("This dossier has already been rated. Thank you."))
        return 409
    request.session[KIOSK_SESSION_KEY] = {
        "dossier": dossier.pk,
        "until": time.time() + KIOSK_SECONDS,
    }
    return None


@never_cache
@require_http_methods(["GET", "POST"])
def counter_rate(request):
    dossier = _kiosk_dossier(request)
    if dossier is None:
        return redirect("ratings:counter")
    rating = rating_for(dossier)
    status = 200
    if request.method == "POST":
        form = RatingForm(request.POST, dossier=dossier)
        if form.is_valid():
            try:
                _save(
                    form,
                    rating=rating,
                    dossier=dossier,
                    user=None,
                    channel=RatingChannel.TABLET,
                )
            except RatingError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                request.session.pop(KIOSK_SESSION_KEY, None)
                return redirect("ratings:counter_thanks")
    else:
        form = RatingForm(initial=RatingForm.initial_from(rating), dossier=dossier)
    return render(
        request,
        "ratings/counter_rate.html",
        {
            "dossier": dossier,
            "masked_name": masked_name(dossier.applicant_name),
            "form": form,
            "rating": rating,
        },
        status=status,
    )


@require_GET
def counter_thanks(request):
    return render(request, "ratings/counter_thanks.html")
