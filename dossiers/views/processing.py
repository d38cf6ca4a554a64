"""Officer pages: the worklist, 'take next', and the actions on a dossier."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from accounts.constants import STAFF_ROLES, Role
from accounts.models import User
from procedures.models import Procedure

from ..constants import DossierState, Outcome
from ..exceptions import DossierError
from ..services import (
    ACTIONS,
    dossier_accept,
    dossier_apologise,
    dossier_assign,
    dossier_confirm_payment,
    dossier_decide,
    dossier_refuse,
    dossier_request_payment,
    dossier_request_supplement,
    dossier_return_result,
    dossier_send_back,
    dossier_send_to_appraisal,
    dossier_sign,
    dossier_stop,
    dossier_supply,
    dossier_take,
    dossier_take_next,
    dossier_verification_record,
    dossier_withdraw,
)
from ..worklist import WorklistQuery, default_tab, worklist
from .common import get_visible_dossier

OTHER_ACTION_LABELS = {
    "assign": _lazy("Assigned"),
    "take": _lazy("Taken: it is now yours"),
    "verification": _lazy("Verification needed: longer time limit"),
}


def _staff_required(request):
    if request.user.role not in STAFF_ROLES:
        raise Http404


@login_required
def worklist_view(request):
    _staff_required(request)
    try:
        procedure_id = int(request.GET.get("procedure") or 0) or None
    except ValueError:
        procedure_id = None
    query = WorklistQuery(
        tab=request.GET.get("tab") or default_tab(request.user),
        state=request.GET.get("state", ""),
        procedure_id=procedure_id,
        q=request.GET.get("q", "")[:60],
        after=request.GET.get("after", "")[:80],
    )
    page = worklist(user=request.user, query=query)
    return render(
        request,
        "dossiers/worklist.html",
        {
            "page": page,
            "states": DossierState.choices[1:],
            "procedures": Procedure.objects.filter(is_published=True).only(
                "id", "name_vi", "name_en"
            ),
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def take_next(request):
    if request.user.role != Role.PROCESSING_OFFICER:
        raise Http404
    try:
        dossier = dossier_take_next(officer=request.user)
    except DossierError as error:  # e.g. an officer not attached to an office
        messages.error(request, error.message)
        return redirect("dossiers:worklist")
    if dossier is None:
        messages.info(request, _("No received dossier is waiting for an officer."))
        return redirect("dossiers:worklist")
    messages.success(request, _("Dossier %(code)s is now yours.") % {"code": dossier.code})
    return redirect("dossiers:detail", reference=dossier.reference)


def _new_due(request) -> dt.datetime:
    value = request.POST.get("new_due", "")
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise DossierError(_("Enter the new appointed date and time.")) from exc
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _run_action(request, dossier, action: str):
    post = request.POST
    user = request.user
    reason = post.get("reason", "")[:2000]
    try:
        revision = int(post.get("revision", ""))
    except ValueError:
        revision = None
    common = {"dossier": dossier, "revision": revision}
    handlers = {
        "accept": lambda: dossier_accept(officer=user, **common),
        "refuse": lambda: dossier_refuse(officer=user, reason=reason, **common),
        "request_supplement": lambda: dossier_request_supplement(
            actor=user, reason=reason, items=post.get("items", "").splitlines(), **common
        ),
        "supply": lambda: dossier_supply(actor=user, note=reason, **common),
        "send_to_appraisal": lambda: dossier_send_to_appraisal(officer=user, **common),
        "request_payment": lambda: dossier_request_payment(officer=user, **common),
        "confirm_payment": lambda: dossier_confirm_payment(officer=user, **common),
        "approve": lambda: dossier_decide(
            officer=user, outcome=Outcome.APPROVED, decision_text=reason, **common
        ),
        "deny": lambda: dossier_decide(
            officer=user, outcome=Outcome.DENIED, decision_text=reason, **common
        ),
        "sign": lambda: dossier_sign(leader=user, **common),
        "send_back": lambda: dossier_send_back(leader=user, reason=reason, **common),
        "return_result": lambda: dossier_return_result(
            officer=user,
            delivery=post.get("delivery", ""),
            tracking_number=post.get("tracking_number", "")[:40],
            **common,
        ),
        "apologise": lambda: dossier_apologise(
            actor=user, reason=reason, new_due_at=_new_due(request), **common
        ),
        "stop": lambda: dossier_stop(leader=user, reason=reason, **common),
        "withdraw": lambda: dossier_withdraw(citizen=user, reason=reason, **common),
    }
    if action == "take":
        return dossier_take(officer=user, **common)
    if action == "verification":
        return dossier_verification_record(officer=user, reason=reason, **common)
    if action == "assign":
        officer = User.objects.filter(pk=post.get("officer") or 0).first()
        if officer is None:
            raise DossierError(_("Choose a processing officer of your office."))
        return dossier_assign(leader=user, officer=officer, **common)
    return handlers[action]()


@login_required
@require_POST
def act(request, reference, action):
    dossier = get_visible_dossier(request, reference)
    if action not in ACTIONS and action not in OTHER_ACTION_LABELS:
        raise Http404
    try:
        _run_action(request, dossier, action)
    except DossierError as error:
        messages.error(request, error.message)
        status_page = redirect("dossiers:detail", reference=dossier.reference)
        status_page.status_code = 303
        return status_page
    label = ACTIONS[action].label if action in ACTIONS else OTHER_ACTION_LABELS[action]
    messages.success(request, _("Done: %(action)s.") % {"action": label})
    return redirect("dossiers:detail", reference=dossier.reference)
