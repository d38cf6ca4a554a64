"""The one-stop-shop counter: walk-in dossiers for any procedure and any province."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accesslog.constants import AccessKind
from accounts.constants import Gender, Role
from accounts.models import User
from core.identifiers import validate_national_id, validate_vn_phone
from offices.geography import province_choices
from procedures.models import Procedure

from .. import providers
from ..constants import Channel, DossierState, Representation, SlipKind
from ..exceptions import DossierError
from ..models import Dossier
from ..selectors import citizen_online_drafts
from ..services import (
    ConsentRefused,
    IdentityMismatch,
    can_refuse_at_counter,
    can_withdraw_in_person,
    dossier_counter_refuse,
    dossier_draft_create,
    dossier_hand_to_citizen,
    dossier_takeover_in_person,
    dossier_takeover_with_code,
    dossier_withdraw_in_person,
    takeover_code_send,
)
from ..wizard import wizard_steps
from .common import get_visible_dossier


def _counter_officer_required(request):
    if request.user.role != Role.COUNTER_OFFICER or request.user.office_id is None:
        raise Http404


class CounterStartForm(forms.Form):
    procedure = forms.ModelChoiceField(
        label=gettext_lazy("Procedure"),
        queryset=Procedure.objects.none(),
    )
    national_id = forms.CharField(
        label=gettext_lazy("Applicant's personal ID number (CCCD)"),
        max_length=12,
        validators=[validate_national_id],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    full_name = forms.CharField(
        label=gettext_lazy("Full name"),
        max_length=150,
        required=False,
        help_text=gettext_lazy("Needed when the person has no portal account yet."),
    )
    gender = forms.ChoiceField(
        label=gettext_lazy("Gender"), choices=[("", "—"), *Gender.choices], required=False
    )
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=16, required=False)
    province = forms.TypedChoiceField(
        label=gettext_lazy("Province of the competent office"),
        coerce=int,
        required=False,
        help_text=gettext_lazy("Where the person lives (or the employer, as the procedure says)."),
    )
    address = forms.CharField(label=gettext_lazy("Address"), max_length=300, required=False)
    representation = forms.ChoiceField(
        label=gettext_lazy("Filed by someone else for the applicant"),
        choices=[("", gettext_lazy("No: the applicant files in person")), *Representation.choices],
        required=False,
        help_text=gettext_lazy(
            "Check the letter of authorisation, or the birth certificate for a child, before "
            "you go on."
        ),
    )
    representative_name = forms.CharField(
        label=gettext_lazy("Representative's full name"), max_length=150, required=False
    )
    representative_national_id = forms.CharField(
        label=gettext_lazy("Representative's personal ID number (CCCD)"),
        max_length=12,
        required=False,
        validators=[validate_national_id],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [("", "—"), *province_choices()]
        # SQLite has no JSON contains lookup: filter the channel list in Python there.
        self.fields["procedure"].queryset = Procedure.objects.filter(
            pk__in=[
                p.pk
                # Demo procedures (seed_demo only) can be tried at the counter.
                for p in Procedure.objects.filter(Q(is_published=True) | Q(is_demo=True))
                if Channel.COUNTER in p.channels
            ]
        )

    def clean_phone(self):
        value = self.cleaned_data["phone"].strip()
        return validate_vn_phone(value) if value else ""

    def clean(self):
        cleaned = super().clean()
        national_id = cleaned.get("national_id")
        self.citizen = (
            User.objects.filter(role=Role.CITIZEN, national_id=national_id).first()
            if national_id
            else None
        )
        # The beneficiary registry knows people who have no portal account.
        self.registry_person = (
            providers.registry_person_by_national_id(national_id=national_id)
            if national_id
            else None
        )
        if (
            national_id
            and self.citizen is None
            and not cleaned.get("full_name")
            and self.registry_person is not None
        ):
            cleaned["full_name"] = self.registry_person.full_name
        if national_id and self.citizen is None and not cleaned.get("full_name"):
            self.add_error(
                "full_name",
                _("No account has this ID number: enter the person's full name to register them."),
            )
        if self.citizen is not None and cleaned.get("gender") == "":
            cleaned["gender"] = self.citizen.gender
        if self.registry_person is not None and cleaned.get("gender") == "":
            cleaned["gender"] = self.registry_person.gender
        if cleaned.get("representation"):
            for name in ("representative_name", "representative_national_id"):
                if not cleaned.get(name):
                    self.add_error(name, _("Needed when someone files for the applicant."))
        if national_id and cleaned.get("gender"):
            try:
                validate_national_id(national_id, gender=cleaned["gender"])
            except forms.ValidationError as error:
                self.add_error("national_id", error)
        return cleaned


@login_required
@require_http_methods(["GET", "POST"])
def counter_home(request):
    _counter_officer_required(request)
    form = CounterStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        citizen = form.citizen
        person = form.registry_person
        try:
            dossier = dossier_draft_create(
                procedure=data["procedure"],
                actor=request.user,
                channel=Channel.COUNTER,
                applicant=citizen,
                applicant_details={
                    "name": data["full_name"] or (citizen.full_name if citizen else ""),
                    "national_id": data["national_id"],
                    "phone": data["phone"]
                    or (citizen.phone if citizen else "")
                    or (person.phone if person else ""),
                    "email": (citizen.email if citizen else "") or (person.email if person else ""),
                    "address": data["address"] or (person.current_address if person else ""),
                    "province_code": data["province"]
                    or (person.current_province_code if person else None),
                },
                representative={
                    "kind": data["representation"],
                    "name": data["representative_name"],
                    "national_id": data["representative_national_id"],
                },
            )
        except DossierError as error:
            messages.error(request, error.message)
        else:
            return redirect(wizard_steps(dossier)[0].url)
    lookup_id = request.GET.get("national_id", "").strip()
    registry_person = _registry_lookup(request, lookup_id)
    if registry_person is not None and request.method == "GET":
        form = CounterStartForm(initial=_initial_from_person(registry_person))
    drafts_id = (registry_person.national_id if registry_person else None) or lookup_id
    online_drafts = citizen_online_drafts(national_id=drafts_id) if len(drafts_id) == 12 else []
    in_progress = (
        Dossier.objects.filter(
            state=DossierState.DRAFT,
            channel=Channel.COUNTER,
            receiving_office=request.user.office,
        )
        .select_related("procedure")
        .order_by("-updated_at")[:20]
    )
    return render(
        request,
        "dossiers/counter.html",
        {
            "form": form,
            "lookup_id": lookup_id,
            "online_drafts": online_drafts,
            "in_progress": in_progress,
            "registry_person": registry_person,
        },
    )


def _registry_lookup(request, identifier: str):
    """The registry person with this CCCD or SI code; their accommodation needs are shown."""
    if not identifier:
        return None
    person = providers.registry_person_by_identifier(identifier=identifier)
    if person is None:
        if len("".join(identifier.split())) in (10, 12):
            messages.info(
                request,
                _(
                    "No person in the registry has this number: enter their details below "
                    "to register a new person."
                ),
            )
        return None
    messages.info(
        request,
        _("Found in the registry: %(name)s, born %(born)s, SI code %(si_code)s.")
        % {
            "name": person.full_name,
            "born": person.date_of_birth.strftime("%d/%m/%Y"),
            "si_code": person.si_code or "—",
        },
    )
    if person.accommodations:
        messages.warning(
            request,
            _("Accommodation needs: %(needs)s") % {"needs": ", ".join(person.accommodations)},
        )
    return person


def _initial_from_person(person) -> dict:
    """The counter start form filled from the registry (the officer can still correct it)."""
    return {
        "national_id": person.national_id or "",
        "full_name": person.full_name,
        "gender": person.gender,
        "phone": person.phone,
        "province": person.current_province_code or person.permanent_province_code,
        "address": person.current_address or person.permanent_address,
    }


class TakeOverCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code the citizen reads from their inbox or SMS"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]*"}
        ),
    )


class TakeOverPresenceForm(forms.Form):
    present = forms.BooleanField(
        label=gettext_lazy(
            "The citizen is here at the counter, showed their chip ID card and agrees that "
            "the counter finishes the draft."
        ),
    )
    id_number = forms.CharField(
        label=gettext_lazy("ID number on the card shown"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_id_number(self) -> str:
        value = "".join(self.cleaned_data["id_number"].split())
        if not value.isdigit() or len(value) != 12:
            raise forms.ValidationError(_("Enter the 12 digits of the personal ID number."))
        return value


@login_required
@require_http_methods(["GET", "POST"])
def take_over(request, reference):
    """Take a citizen's online draft to finish it at the counter, with their consent.

    Until then the counter sees only that the draft exists (procedure and date), not its
    contents or documents: the citizen reads out a one-time code sent to their inbox and
    phone, or stands at the counter with the ID card (recorded by the officer).
    """
    _counter_officer_required(request)
    dossier = (
        Dossier.objects.filter(reference=reference, state=DossierState.DRAFT, channel="online")
        .select_related("procedure")
        .first()
    )
    if dossier is None:
        raise Http404
    action = request.POST.get("action", "")
    code_form = TakeOverCodeForm(request.POST if action == "code" else None)
    presence_form = TakeOverPresenceForm(request.POST if action == "presence" else None)
    if request.method == "POST":
        try:
            if action == "send":
                takeover_code_send(dossier=dossier, officer=request.user)
                messages.success(
                    request,
                    _("A code was sent to the citizen's inbox and phone. Ask them to read it."),
                )
                return redirect("dossiers:take_over", reference=dossier.reference)
            if action == "code" and code_form.is_valid():
                dossier = dossier_takeover_with_code(
                    dossier=dossier, officer=request.user, code=code_form.cleaned_data["code"]
                )
                messages.success(request, _("The draft is now at your counter."))
                return redirect(wizard_steps(dossier)[0].url)
            if action == "presence" and presence_form.is_valid():
                dossier = dossier_takeover_in_person(
                    dossier=dossier,
                    officer=request.user,
                    id_number=presence_form.cleaned_data["id_number"],
                    confirmed=presence_form.cleaned_data["present"],
                )
                messages.success(request, _("The draft is now at your counter."))
                return redirect(wizard_steps(dossier)[0].url)
        except IdentityMismatch as error:
            presence_form.add_error("id_number", error.message)
        except ConsentRefused as error:
            code_form.add_error("code", error.message)
        except DossierError as error:
            messages.error(request, error.message)
    invalid = code_form.errors or presence_form.errors
    return render(
        request,
        "dossiers/counter_takeover.html",
        {"dossier": dossier, "code_form": code_form, "presence_form": presence_form},
        status=400 if invalid else 200,
    )


@login_required
@require_POST
def hand_to_citizen(request, reference):
    _counter_officer_required(request)
    dossier = get_visible_dossier(request, reference)
    try:
        dossier_hand_to_citizen(dossier=dossier, officer=request.user)
    except DossierError as error:
        messages.error(request, error.message)
        return redirect("dossiers:resume", reference=dossier.reference)
    messages.success(request, _("The draft was handed to the citizen's account to finish online."))
    return redirect("dossiers:counter_intake")


class CounterRefusalForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for refusing the dossier"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Printed on the refusal slip (form 03) handed to the applicant."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def refuse(request, reference):
    """Refuse a walk-in dossier that cannot be received, and issue the refusal slip."""
    _counter_officer_required(request)
    dossier = get_visible_dossier(request, reference)
    if not can_refuse_at_counter(request.user, dossier):
        raise Http404
    form = CounterRefusalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dossier = dossier_counter_refuse(
                dossier=dossier, officer=request.user, reason=form.cleaned_data["reason"]
            )
        except DossierError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("The dossier was refused. Print the refusal slip for the applicant."),
            )
            return redirect("dossiers:detail", reference=dossier.reference)
    status = 400 if form.errors else 200
    return render(
        request, "dossiers/counter_refuse.html", {"form": form, "dossier": dossier}, status=status
    )


class InPersonWithdrawalForm(forms.Form):
    id_number = forms.CharField(
        label=gettext_lazy("ID number on the document presented"),
        max_length=12,
        help_text=gettext_lazy(
            "Check the chip ID card (CCCD) of the person asking: it must be the applicant's."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason given for the withdrawal"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_id_number(self) -> str:
        value = "".join(self.cleaned_data["id_number"].split())
        if not value.isdigit() or len(value) != 12:
            raise forms.ValidationError(_("Enter the 12 digits of the personal ID number."))
        return value


@login_required
@require_http_methods(["GET", "POST"])
def withdraw_in_person(request, reference):
    """Record a withdrawal the applicant asks for at the counter, after an identity check."""
    _counter_officer_required(request)
    dossier = get_visible_dossier(request, reference)
    if not can_withdraw_in_person(request.user, dossier):
        raise Http404
    form = InPersonWithdrawalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            revision = int(request.POST.get("revision", ""))
        except ValueError:
            revision = None
        try:
            dossier = dossier_withdraw_in_person(
                dossier=dossier,
                officer=request.user,
                id_number=form.cleaned_data["id_number"],
                reason=form.cleaned_data["reason"],
                revision=revision,
            )
        except IdentityMismatch as error:
            form.add_error("id_number", error.message)
        except DossierError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The dossier was withdrawn at the applicant's request."))
            return redirect("dossiers:detail", reference=dossier.reference)
    status = 400 if form.errors else 200
    return render(
        request, "dossiers/counter_withdraw.html", {"form": form, "dossier": dossier}, status=status
    )


@login_required
def refusal_slip_download(request, reference):
    """Form 03 of a refused dossier, at once: issued here if the worker has not yet."""
    from ..slips import letter_issue

    if request.user.is_citizen:
        raise Http404
    dossier = get_visible_dossier(request, reference, opened=AccessKind.LETTER)
    event = (
        dossier.events.filter(to_state=DossierState.REFUSED)
        .select_related("dossier", "actor__office")
        .order_by("-created_at")
        .first()
    )
    if dossier.state != DossierState.REFUSED or event is None:
        raise Http404
    slip = letter_issue(event=event, kind=SlipKind.REFUSAL)
    response = FileResponse(
        slip.file.storage.open(slip.file.name, "rb"),
        content_type="application/pdf",
        as_attachment=request.GET.get("inline") != "1",
        filename=f"phieu-tu-choi-{dossier.code}.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
