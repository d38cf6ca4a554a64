"""The filing wizard, shared by citizens (online) and counter officers (walk-in)."""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.constants import Role
from procedures.models import DocumentComponent, Procedure
from procedures.selectors import NoVersionInForce, version_in_force

from .. import providers
from ..constants import Channel, DocumentSource, DossierState, Timeliness
from ..control_sheet import control_sheet_handovers
from ..exceptions import DossierConflict, DossierError, DossierIncomplete
from ..forms import ApplicantPlaceForm, FilingForWhomForm, StepForm
from ..models import DossierDocument
from ..prediction import predicted_completion, predicted_completions
from ..prefill import held_document_sources, known_values
from ..selectors import (
    applicant_accommodations,
    citizen_dossiers,
    documents_by_component,
    dossier_holder,
    dossier_slips,
    draft_expiry_status,
    draft_version_change,
    timeline_coalesced,
)
from ..services import (
    ReceiptLine,
    available_actions,
    can_add_documents,
    can_edit_draft,
    can_record_verification,
    can_take,
    can_withdraw_in_person,
    dossier_counter_receive,
    dossier_document_add,
    dossier_document_remove,
    dossier_draft_create,
    dossier_draft_rebind,
    dossier_draft_save,
    dossier_missing_items,
    dossier_submit,
    statutory_due,
)
from ..uploads import UploadRejected, display_name
from ..wizard import DOCUMENTS, REVIEW, resume_step, review_groups, step_after, wizard_steps
from .common import get_visible_dossier, timeliness_context


def _citizen_required(request):
    if request.user.role != Role.CITIZEN:
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def start(request, slug):
    """Explain what the procedure needs, then start a draft (POST)."""
    _citizen_required(request)
    procedure = get_object_or_404(Procedure, slug=slug, is_published=True)
    try:
        version = version_in_force(procedure=procedure)
    except NoVersionInForce as exc:
        raise Http404 from exc
    children = providers.registry_children_of(parent_national_id=request.user.national_id or "")
    posted = request.method == "POST"  # an empty POST ("Start" alone) is still a POST
    form = FilingForWhomForm(
        request.POST if posted else None, request.FILES if posted else None, children=children
    )
    if posted and form.is_valid():
        try:
            dossier = dossier_draft_create(
                procedure=procedure,
                actor=request.user,
                channel=Channel.ONLINE,
                applicant=request.user,
                principal=form.principal(),
                authorisation_letter=form.cleaned_data.get("letter"),
            )
        except (DossierError, UploadRejected) as error:
            form.add_error(None, error.message)
        else:
            return redirect(wizard_steps(dossier)[0].url)
    return render(
        request,
        "dossiers/start.html",
        {
            "procedure": procedure,
            "version": version,
            "components": version.components.all(),
            "held": held_document_sources(request.user.national_id),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@login_required
def mine(request):
    _citizen_required(request)
    dossiers = list(citizen_dossiers(user=request.user))
    predicted = predicted_completions(dossiers)
    rated = providers.rated_dossier_ids(
        dossier_ids=[d.pk for d in dossiers if d.state == DossierState.RETURNED]
    )
    for dossier in dossiers:
        dossier.expiry_status = draft_expiry_status(dossier)
        dossier.predicted = predicted.get(dossier.pk)
        dossier.rated = dossier.pk in rated
    return render(
        request,
        "dossiers/mine.html",
        {
            "drafts": [d for d in dossiers if d.state == DossierState.DRAFT],
            "filed": [d for d in dossiers if d.state != DossierState.DRAFT],
        },
    )


@login_required
def resume(request, reference):
    dossier = get_visible_dossier(request, reference, opened=None)
    if not can_edit_draft(request.user, dossier):
        return redirect("dossiers:detail", reference=dossier.reference)
    return redirect(resume_step(dossier).url)


# The dossier columns that hold what the counter start form already asked, by prefill key.
_APPLICANT_COLUMNS = {
    "full_name": "applicant_name",
    "national_id": "applicant_national_id",
    "phone": "applicant_phone",
    "email": "applicant_email",
}


def _applicant_initial(dossier) -> dict[str, str]:
    """Start the applicant fields from what was given when the draft began (walk-in)."""
    initial = {}
    for field in dossier.version.field_definitions():
        column = _APPLICANT_COLUMNS.get(field.get("prefill") or "")
        if column and getattr(dossier, column):
            initial[field["name"]] = getattr(dossier, column)
    return initial


def _wizard_context(dossier, current_key, **extra):
    steps = wizard_steps(dossier)
    current = next(s for s in steps if s.key == current_key)
    return {
        "dossier": dossier,
        "steps": steps,
        "current": current,
        "version_change": draft_version_change(dossier),
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def step(request, reference, key):
    dossier = get_visible_dossier(request, reference)
    if not can_edit_draft(request.user, dossier):
        return redirect("dossiers:detail", reference=dossier.reference)
    # A newer version of the procedure in force since the draft was opened: the draft moves
    # to it, and every step shows what changed.
    opened_under = dossier.version_id
    dossier = dossier_draft_rebind(dossier=dossier, actor=request.user)
    if key not in {s.key for s in wizard_steps(dossier)}:
        if dossier.version_id != opened_under:
            return redirect(resume_step(dossier).url)
        raise Http404
    if key == REVIEW and request.method == "POST" and dossier.version_id != opened_under:
        messages.warning(
            request,
            _(
                "The rules of this procedure changed since you last saw this page. Check what "
                "changed, complete what is missing, then submit again."
            ),
        )
        return redirect(request.path)
    if key == DOCUMENTS:
        return _documents_step(request, dossier)
    if key == REVIEW:
        return _review_step(request, dossier)
    number = int(key)
    definitions = [
        f for f in dossier.version.field_definitions() if int(f.get("step") or 1) == number
    ]
    known = known_values(dossier.applicant)
    initial = {**_applicant_initial(dossier), **dossier.data}
    place_form = None
    employer = dossier.procedure.competent_office == "employer_province"
    counter = dossier.channel == Channel.COUNTER
    if request.method == "POST":
        form = StepForm(request.POST, definitions=definitions, known=known)
        if number == 1:
            place_form = ApplicantPlaceForm(
                request.POST, prefix="place", employer=employer, counter=counter
            )
        forms_valid = form.is_valid() & (place_form is None or place_form.is_valid())
        save_and_leave = "save_and_leave" in request.POST
        if forms_valid or save_and_leave:
            # "Save and finish later" keeps whatever was typed, even invalid: it is checked
            # on moving on and on submitting, and nothing typed is lost.
            checked, unchecked = form.draft_data()
            place = place_form.cleaned_data if place_form is not None else {}
            current_number = next(s.number for s in wizard_steps(dossier) if s.key == key)
            try:
                dossier_draft_save(
                    dossier=dossier,
                    actor=request.user,
                    values=checked,
                    unchecked=unchecked,
                    next_step=step_after(dossier, key).number if forms_valid else current_number,
                    revision=_int_or_none(request.POST.get("revision")),
                    province_code=place.get("province") if place_form else None,
                    address=place.get("address") if place_form else None,
                )
            except DossierConflict as error:
                messages.error(request, error.message)
                return redirect(request.path)
            if save_and_leave:
                if forms_valid:
                    messages.success(
                        request, _("Your draft is saved. You can resume it from My dossiers.")
                    )
                else:
                    messages.warning(
                        request,
                        _(
                            "Your draft is saved as typed, but some answers are not valid "
                            "yet: correct them before you submit."
                        ),
                    )
                return redirect(
                    "dossiers:mine" if request.user.is_citizen else "dossiers:counter_intake"
                )
            return redirect(step_after(dossier, key).url)
    else:
        form = StepForm(initial=initial, definitions=definitions, known=known)
        if number == 1:
            place_form = ApplicantPlaceForm(
                prefix="place",
                employer=employer,
                counter=counter,
                initial={
                    "province": dossier.applicant_province_code,
                    "address": dossier.applicant_address,
                },
            )
    return render(
        request,
        "dossiers/step_fields.html",
        _wizard_context(dossier, key, form=form, place_form=place_form),
    )


def _documents_step(request, dossier):
    if request.method == "POST":
        # The page may show an earlier version's documents: match them by code.
        chosen = get_object_or_404(
            DocumentComponent,
            pk=_int_or_none(request.POST.get("component")) or 0,
            version__procedure_id=dossier.procedure_id,
        )
        component = get_object_or_404(DocumentComponent, version=dossier.version, code=chosen.code)
        files = request.FILES.getlist("files")
        if not files:
            messages.error(request, _("Choose at least one file to upload."))
        source = (
            DocumentSource.SCAN
            if request.user.role == Role.COUNTER_OFFICER
            else DocumentSource.UPLOAD
        )
        for uploaded in files:
            try:
                dossier_document_add(
                    dossier=dossier,
                    component=component,
                    uploaded=uploaded,
                    actor=request.user,
                    source=source,
                )
            except UploadRejected as error:
                messages.error(request, error.message)
            except DossierError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request, _("“%(name)s” was added.") % {"name": display_name(uploaded.name)}
                )
        if request.headers.get("HX-Request"):
            dossier = get_visible_dossier(request, dossier.reference, opened=None)
            return render(
                request,
                "dossiers/partials/documents.html",
                _wizard_context(dossier, DOCUMENTS, rows=documents_by_component(dossier)),
            )
        return redirect(request.path)
    return render(
        request,
        "dossiers/step_documents.html",
        _wizard_context(dossier, DOCUMENTS, rows=documents_by_component(dossier)),
    )


@login_required
@require_POST
def remove_document(request, reference, document_id):
    dossier = get_visible_dossier(request, reference)
    document = get_object_or_404(DossierDocument, pk=document_id, dossier=dossier)
    try:
        dossier_document_remove(document=document, actor=request.user)
    except DossierError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("“%(name)s” was removed.") % {"name": document.original_name})
    return redirect("dossiers:step", reference=dossier.reference, key=DOCUMENTS)


def _review_step(request, dossier):
    missing = dossier_missing_items(dossier)
    is_counter = dossier.channel == Channel.COUNTER
    if request.method == "POST":
        try:
            if is_counter:
                dossier = dossier_counter_receive(
                    dossier=dossier,
                    officer=request.user,
                    receipts=_receipt_lines(request, dossier),
                    paper_sets=_int(request.POST.get("paper_sets"), 1),
                )
                messages.success(
                    request, _("The dossier was received. Print the slip for the applicant.")
                )
            else:
                dossier = dossier_submit(
                    dossier=dossier,
                    actor=request.user,
                    submission_key=request.POST.get("submission_key") or None,
                )
                messages.success(request, _("Your dossier was submitted. Keep the reception slip."))
        except DossierIncomplete as error:
            return render(
                request,
                "dossiers/step_review.html",
                _wizard_context(
                    dossier,
                    REVIEW,
                    missing=error.missing,
                    error=error.message,
                    rows=documents_by_component(dossier),
                    answers=review_groups(dossier),
                    submission_key=secrets.token_urlsafe(24),
                ),
                status=422,
            )
        except DossierError as error:
            messages.error(request, error.message)
            return redirect(request.path)
        return redirect("dossiers:detail", reference=dossier.reference)
    return render(
        request,
        "dossiers/step_review.html",
        _wizard_context(
            dossier,
            REVIEW,
            missing=missing,
            rows=documents_by_component(dossier),
            answers=review_groups(dossier),
            submission_key=secrets.token_urlsafe(24),
        ),
    )


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _int(value, default: int) -> int:
    try:
        return max(0, min(int(value), 99))
    except (TypeError, ValueError):
        return default


def _receipt_lines(request, dossier) -> list[ReceiptLine]:
    lines = []
    for component in dossier.version.components.all():
        if request.POST.get(f"paper_{component.pk}") != "on":
            continue
        kind = request.POST.get(f"paper_{component.pk}_kind") or component.original_or_copy
        if kind not in {"original", "copy", "either"}:
            raise ValidationError(_("Unknown document form."))
        lines.append(
            ReceiptLine(
                component=component,
                original_or_copy=kind,
                quantity=_int(request.POST.get(f"paper_{component.pk}_qty"), 1) or 1,
            )
        )
    return lines


@login_required
@require_http_methods(["GET", "POST"])
def detail(request, reference):
    dossier = get_visible_dossier(request, reference)
    if can_edit_draft(request.user, dossier):
        return redirect(resume_step(dossier).url)
    if request.method == "POST":
        return _supplement_upload(request, dossier)
    is_citizen = request.user.is_citizen
    events = dossier.trail().select_related("actor").order_by("created_at", "id")
    if is_citizen:
        events = events.filter(citizen_visible=True)
    slips = dossier_slips(dossier=dossier, user=request.user)
    rows = documents_by_component(dossier)
    return render(
        request,
        "dossiers/detail.html",
        {
            "dossier": dossier,
            "rows": rows,
            "has_documents": any(r["documents"] or r["receipt"] for r in rows),
            "result_slip": next((s for s in reversed(slips) if s.kind == "result"), None)
            if dossier.state == DossierState.RETURNED
            else None,
            "events": timeline_coalesced(events),
            "slips": slips,
            "actions": available_actions(request.user, dossier),
            "can_record_verification": not is_citizen
            and can_record_verification(request.user, dossier),
            "can_add_documents": can_add_documents(request.user, dossier),
            "officers": _office_officers(request.user),
            "handovers": _handover_rows(dossier) if not is_citizen else [],
            "predicted": predicted_completion(dossier),
            "timeliness": timeliness_context(dossier),
            "statutory_due": statutory_due(dossier),
            "rating_panel": providers.rating_panel_context(user=request.user, dossier=dossier),
            "visit_panel": providers.visit_panel_context(user=request.user, dossier=dossier),
            "applicant_needs": [] if is_citizen else applicant_accommodations(dossier),
            "can_withdraw_in_person": can_withdraw_in_person(request.user, dossier),
            "can_take": can_take(request.user, dossier),
            "holder": "" if is_citizen else dossier_holder(dossier),
            "refused_at_counter": dossier.state == DossierState.REFUSED
            and dossier.received_at is None
            and dossier.channel == Channel.COUNTER,
        },
    )


def _handover_rows(dossier) -> list[dict]:
    """The control sheet's hand-overs, with the result named in the page's language."""
    return [
        {**row, "result_label": Timeliness(row["result"]).label if row["result"] else ""}
        for row in control_sheet_handovers(dossier)
    ]


def _office_officers(user):
    from accounts.models import User

    if user.role != Role.OFFICE_LEADER or user.office_id is None:
        return []
    return User.objects.filter(
        role=Role.PROCESSING_OFFICER, office_id=user.office_id, is_active=True
    ).order_by("full_name")


def _supplement_upload(request, dossier):
    component = get_object_or_404(
        DocumentComponent,
        pk=_int_or_none(request.POST.get("component")) or 0,
        version=dossier.version,
    )
    for uploaded in request.FILES.getlist("files"):
        try:
            dossier_document_add(
                dossier=dossier, component=component, uploaded=uploaded, actor=request.user
            )
        except (UploadRejected, DossierError) as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("“%(name)s” was added.") % {"name": display_name(uploaded.name)}
            )
    return redirect("dossiers:detail", reference=dossier.reference)
