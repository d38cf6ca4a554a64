"""Registry pages: a citizen's record, the officers' person look-up, the interconnected
declarations and their tracker. Views stay thin: forms validate, services write."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accesslog.constants import AccessChannel, AccessKind
from accesslog.services import access_record
from accounts.constants import STAFF_ROLES, Role
from dossiers.prefill import known_values
from dossiers.uploads import UploadRejected
from offices.geography import commune_choices, is_province

from .bundles.constants import BundleKind, PartStatus
from .bundles.models import Bundle, BundlePart
from .bundles.selectors import bundle_for_user, bundle_tracker, citizen_bundles
from .bundles.services import (
    BundleDocumentRejected,
    BundleError,
    Upload,
    bundle_document_add,
    bundle_file,
)
from .constants import PaymentMethodKind
from .forms import BirthBundleForm, BundleDocumentForm, DeathBundleForm, PersonLookupForm
from .models import Person
from .selectors import person_by_identifier, person_record, relatives_of

_FORMS = {BundleKind.BIRTH: BirthBundleForm, BundleKind.DEATH: DeathBundleForm}


def _citizen_required(request) -> None:
    if request.user.role != Role.CITIZEN:
        raise Http404


def _staff_required(request) -> None:
    if request.user.role not in STAFF_ROLES:
        raise Http404


def _own_person(user) -> Person | None:
    if not user.national_id:
        return None
    return Person.objects.filter(national_id=user.national_id).first()


@login_required
@require_GET
def home(request):
    """Citizens: their registry record and declarations. Staff: look a person up."""
    if request.user.role == Role.CITIZEN:
        person = _own_person(request.user)
        return render(
            request,
            "beneficiaries/home.html",
            {
                "person": person_record(person_id=person.pk) if person else None,
                "bundles": citizen_bundles(user=request.user),
            },
        )
    _staff_required(request)
    form = PersonLookupForm(request.GET or None)
    if form.is_bound and form.is_valid():
        person = person_by_identifier(identifier=form.cleaned_data["identifier"])
        if person is not None:
            return redirect("beneficiaries:person", pk=person.pk)
        form.add_error("identifier", _("No person in the registry has this number."))
    return render(request, "beneficiaries/lookup.html", {"form": form})


@login_required
@require_GET
def person_detail(request, pk: int):
    _staff_required(request)
    try:
        person = person_record(person_id=pk)
    except Person.DoesNotExist as exc:
        raise Http404 from exc
    access_record(
        actor=request.user, kind=AccessKind.REGISTRY, channel=AccessChannel.PAGE, object_id=pk
    )
    return render(request, "beneficiaries/person_detail.html", {"person": person})


def _initial(kind: str, person: Person | None, user) -> dict:
    initial = {
        "applicant_phone": (person.phone if person else "") or user.phone,
        "applicant_email": user.email or (person.email if person else ""),
        "submission_key": secrets.token_urlsafe(24),
    }
    if person is not None:
        initial |= {
            "province": person.current_province_code,
            "commune": person.current_commune_code,
            "street": person.current_street,
        }
        payment = person.payment_methods.filter(valid_to__isnull=True).first()
        if kind == BundleKind.DEATH and payment is not None:
            initial |= {"payment_method": payment.method}
            if payment.method == PaymentMethodKind.BANK:
                initial |= {"bank_account": payment.bank_account, "bank_name": payment.bank_name}
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def bundle_new(request, kind: str):
    """One form for the whole group of procedures; the citizen picks which apply."""
    _citizen_required(request)
    if kind not in _FORMS:
        raise Http404
    person = _own_person(request.user)
    known = known_values(request.user)
    options = {
        "known": known,
        "initial_province": person.current_province_code if person else None,
        "initial": _initial(kind, person, request.user),
    }
    if kind == BundleKind.DEATH:
        options["relatives"] = relatives_of(person=person) if person else []
    form = _FORMS[kind](request.POST or None, request.FILES or None, **options)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                bundle = bundle_file(
                    kind=kind,
                    applicant=request.user,
                    declaration=form.declaration(),
                    procedures=form.procedures(),
                    uploads=[Upload(kind=k, file=f) for k, _field, f in form.uploads()],
                    submission_key=form.cleaned_data.get("submission_key") or None,
                )
            except BundleDocumentRejected as error:
                form.add_error(error.kind, error.message)
            except BundleError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("Your declaration was filed. Follow each procedure on this page."),
                )
                return redirect("beneficiaries:bundle", reference=bundle.reference)
        status = 422
    return render(
        request,
        "beneficiaries/bundle_form.html",
        {
            "form": form,
            "kind": kind,
            "title": BundleKind(kind).label,
            "known_rows": [
                (_("Full name"), known.get("full_name", "")),
                (_("Personal ID number (CCCD)"), known.get("national_id", "")),
                (_("Date of birth"), known.get("date_of_birth", "")),
            ],
        },
        status=status,
    )


def _visible_bundle(request, reference) -> Bundle:
    try:
        return bundle_for_user(user=request.user, reference=reference)
    except Bundle.DoesNotExist as exc:
        raise Http404 from exc


@login_required
@require_GET
def bundle_detail(request, reference):
    """The tracker: each part's status, the VSS dossiers and, once issued, the card."""
    bundle = _visible_bundle(request, reference)
    tracker = bundle_tracker(bundle=bundle)
    upload_form = None
    if request.user.pk == bundle.applicant_id and tracker.missing_documents:
        upload_form = BundleDocumentForm(missing=tracker.missing_documents)
    return render(
        request,
        "beneficiaries/bundle_detail.html",
        {"bundle": bundle, "tracker": tracker, "upload_form": upload_form},
    )


@login_required
@require_POST
def bundle_document_upload(request, reference):
    bundle = _visible_bundle(request, reference)
    if request.user.pk != bundle.applicant_id:
        raise Http404
    tracker = bundle_tracker(bundle=bundle)
    form = BundleDocumentForm(request.POST, request.FILES, missing=tracker.missing_documents)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("beneficiaries:bundle", reference=bundle.reference)
    try:
        bundle_document_add(
            bundle=bundle,
            kind=form.cleaned_data["kind"],
            uploaded=form.cleaned_data["file"],
            actor=request.user,
        )
    except UploadRejected as error:
        messages.error(request, error.message)
    except BundleError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The document was added."))
    return redirect("beneficiaries:bundle", reference=bundle.reference)


@login_required
@require_GET
def bundle_refusal_slip(request, reference, part_id: int):
    bundle = _visible_bundle(request, reference)
    part = get_object_or_404(BundlePart, pk=part_id, bundle=bundle, status=PartStatus.REFUSED)
    if not part.refusal_slip:
        raise Http404
    return FileResponse(
        part.refusal_slip.open("rb"),
        as_attachment=request.GET.get("inline") != "1",
        filename=f"phieu-tu-choi-{part.procedure}.pdf",
        content_type="application/pdf",
    )


@login_required
@require_GET
def communes(request):
    """The <option>s of a province's communes (reloaded by htmx when the province changes)."""
    try:
        province = int(request.GET.get("province", ""))
    except ValueError:
        province = 0
    options = commune_choices(province) if province and is_province(province) else []
    return render(request, "beneficiaries/partials/commune_options.html", {"options": options})
