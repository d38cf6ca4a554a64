"""Pages for staff: the counter officer's queue panel and the leader's live office view."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..exceptions import QueueError
from ..forms import CounterOfficerForm, CounterSignInForm, TransferForm
from ..models import Counter
from ..selectors import counter_current, counter_of, office_live, waiting_in_order
from ..services import (
    counter_pause,
    counter_set_open,
    counter_sign_in,
    counter_sign_out,
    ticket_call_next,
    ticket_finish,
    ticket_no_show,
    ticket_recall,
    ticket_start,
    ticket_transfer,
)
from ..staffing import counter_officer_assign, counter_officer_remove
from .common import counter_officer_required, leader_required, minutes


@login_required
@require_http_methods(["GET", "POST"])
def counter_panel(request):
    """Sign in to a counter, then call next / recall / no-show / transfer / pause / finish."""
    counter_officer_required(request)
    counter = counter_of(request.user)
    sign_in = CounterSignInForm(request.POST or None, office=request.user.office)
    if counter is None and request.method == "POST" and sign_in.is_valid():
        try:
            counter_sign_in(counter=sign_in.cleaned_data["counter"], officer=request.user)
        except QueueError as error:
            sign_in.add_error("counter", str(error.message))
        else:
            return redirect("queues:counter")
    current = counter_current(counter) if counter else None
    waiting = (
        waiting_in_order(
            office_id=counter.office_id, group_ids=list(counter.groups.values_list("pk", flat=True))
        ).count()
        if counter
        else 0
    )
    return render(
        request,
        "queues/counter.html",
        {
            "counter": counter,
            "sign_in": sign_in,
            "current": current,
            "waiting": waiting,
            "wait_minutes": minutes(current.wait) if current else None,
            "transfer": TransferForm(office=request.user.office),
        },
        status=400 if sign_in.errors else 200,
    )


_ACTIONS = {
    "recall": ticket_recall,
    "start": ticket_start,
    "finish": ticket_finish,
    "no-show": ticket_no_show,
}


@login_required
@require_POST
def counter_act(request, action):
    counter_officer_required(request)
    counter = counter_of(request.user)
    if counter is None:
        return redirect("queues:counter")
    try:
        if action == "call-next":
            ticket = ticket_call_next(counter=counter, officer=request.user)
            messages.success(request, _("Called number %(number)s.") % {"number": ticket.number})
        elif action in ("pause", "resume"):
            counter_pause(counter=counter, officer=request.user, paused=action == "pause")
        elif action == "sign-out":
            counter_sign_out(officer=request.user)
        elif action == "transfer":
            current = counter_current(counter)
            form = TransferForm(request.POST, office=request.user.office)
            if current is None or not form.is_valid():
                messages.error(request, _("Choose a service group or a counter to transfer to."))
            else:
                new = ticket_transfer(
                    ticket=current,
                    officer=request.user,
                    group=form.cleaned_data["group"],
                    counter=form.cleaned_data["counter"],
                )
                messages.success(
                    request, _("Transferred: new number %(number)s.") % {"number": new.number}
                )
        elif action in _ACTIONS:
            current = counter_current(counter)
            if current is None:
                raise Http404
            _ACTIONS[action](ticket=current, officer=request.user)
        else:
            raise Http404
    except QueueError as error:
        messages.error(request, str(error.message))
    return redirect("queues:counter")


@login_required
@require_GET
def live(request):
    """The leader's live view of their office's queue."""
    leader_required(request)
    data = office_live(request.user.office)
    return render(
        request,
        "queues/live.html",
        {
            **data,
            "office": request.user.office,
            "longest_minutes": minutes(data["longest"]),
            "mean_service_minutes": minutes(data["mean_service"]),
            "officers": CounterOfficerForm(office=request.user.office).fields["officer"].queryset,
        },
    )


@login_required
@require_POST
def live_counter(request, counter_id):
    """A leader opens or closes a counter of their office."""
    leader_required(request)
    counter = get_object_or_404(Counter, pk=counter_id, office=request.user.office)
    try:
        counter_set_open(
            counter=counter, actor=request.user, is_open=request.POST.get("open") == "1"
        )
    except QueueError as error:
        messages.error(request, str(error.message))
    return redirect("queues:live")


@login_required
@require_POST
def live_counter_officer(request, counter_id):
    """A leader puts an officer of their office at a counter, or takes them off it."""
    leader_required(request)
    counter = get_object_or_404(Counter, pk=counter_id, office=request.user.office)
    form = CounterOfficerForm(request.POST, office=request.user.office)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["officer"]))
        return redirect("queues:live")
    officer = form.cleaned_data["officer"]
    try:
        if officer is None:
            counter_officer_remove(counter=counter, actor=request.user)
            messages.success(
                request, _("Counter %(number)s: officer taken off.") % {"number": counter.number}
            )
        else:
            counter_officer_assign(counter=counter, officer=officer, actor=request.user)
            messages.success(
                request,
                _("%(officer)s now works at counter %(number)s.")
                % {"officer": officer.full_name or officer.username, "number": counter.number},
            )
    except QueueError as error:
        messages.error(request, str(error.message))
    return redirect("queues:live")
