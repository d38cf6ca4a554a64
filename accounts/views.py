from urllib.parse import urlencode

import structlog
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.i18n import set_language

from .constants import Role
from .forms import (
    AbsenceForm,
    AutoAssignForm,
    CitizenSignupForm,
    PortalLoginForm,
    TwoFactorCodeForm,
    TwoFactorResetForm,
)
from .models import User
from .selectors import ROLE_HEADINGS, landing_links
from .services import (
    VerifiedIdentityRefused,
    citizen_register,
    citizen_sign_in_verified,
    two_factor_device_start,
    two_factor_enrol_confirm,
    two_factor_enrolled,
    two_factor_reset,
    two_factor_verify,
    user_absence_set,
    user_language_set,
)

logger = structlog.get_logger(__name__)
_VNEID_NEXT = "vneid_next"


def language_switch(request):
    """Django's `set_language`, and for a signed-in person their preferred language too, so
    what the portal sends them follows the language they read it in."""
    response = set_language(request)
    if request.method == "POST" and request.user.is_authenticated:
        user_language_set(user=request.user, language=request.POST.get("language", ""))
    return response


class PortalLoginView(auth_views.LoginView):
    """The password step; staff then pass the second factor (StaffTwoFactorMiddleware)."""

    form_class = PortalLoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        from .vneid import vneid_enabled

        return super().get_context_data(vneid_enabled=vneid_enabled(), **kwargs)

    def get_success_url(self):
        url = super().get_success_url()
        if self.request.user.needs_two_factor:
            return reverse("accounts:two_factor") + "?" + urlencode({"next": url})
        return url


@require_http_methods(["GET"])
def vneid_start(request):
    """ "Đăng nhập bằng VNeID": off to the provider (authorization code with PKCE)."""
    from .vneid import vneid_client, vneid_enabled

    if not vneid_enabled():
        raise Http404
    next_url = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        request.session[_VNEID_NEXT] = next_url
    else:
        request.session.pop(_VNEID_NEXT, None)
    redirect_uri = request.build_absolute_uri(reverse("accounts:vneid_callback"))
    try:
        return vneid_client().authorize_redirect(request, redirect_uri)
    except Exception:  # the provider's discovery document is out of reach or malformed
        logger.warning("vneid_unavailable", exc_info=True)
        messages.error(request, _("VNeID sign-in is not available at the moment."))
        return redirect("accounts:login")


@require_http_methods(["GET"])
def vneid_callback(request):
    """Back from the provider: check the code and ID token, then sign the citizen in."""
    from .vneid import verified_identity, vneid_client, vneid_enabled

    if not vneid_enabled():
        raise Http404
    try:
        token = vneid_client().authorize_access_token(request)
        identity = verified_identity(token.get("userinfo") or {})
    except ValidationError:
        logger.warning("vneid_claims_refused")
        messages.error(request, _("VNeID did not confirm your identity. Please try again."))
        return redirect("accounts:login")
    except Exception:  # refused, cancelled, state or nonce mismatch, bad token, provider down
        logger.warning("vneid_sign_in_failed", exc_info=True)
        messages.error(request, _("VNeID did not confirm your identity. Please try again."))
        return redirect("accounts:login")
    try:
        user, created = citizen_sign_in_verified(
            national_id=identity.national_id,
            full_name=identity.full_name,
            date_of_birth=identity.date_of_birth,
            gender=identity.gender,
        )
    except VerifiedIdentityRefused:
        messages.error(request, _("This identity cannot sign in to a citizen account here."))
        return redirect("accounts:login")
    login(request, user, backend="accounts.backends.PortalLoginBackend")
    if created:
        user_language_set(user=user, language=request.LANGUAGE_CODE)
        messages.success(request, _("Your account has been created with your VNeID identity."))
    else:
        messages.success(request, _("You are signed in with VNeID."))
    next_url = request.session.pop(_VNEID_NEXT, "")
    return redirect(next_url or "accounts:landing")


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request):
    """The second step for staff: enrol an authenticator on the first sign-in (QR code,
    confirm a code, recovery codes shown once), then a code at every sign-in."""
    from base64 import b32encode

    import segno
    from django_otp import login as otp_login

    user = request.user
    next_url = _safe_next(request)
    if not user.needs_two_factor or user.is_verified():
        return redirect(next_url)
    form = TwoFactorCodeForm(request.POST or None)
    if two_factor_enrolled(user=user):
        if request.method == "POST" and form.is_valid():
            device = two_factor_verify(user=user, token=form.cleaned_data["otp_token"])
            if device is not None:
                otp_login(request, device)
                return redirect(next_url)
            form.add_error("otp_token", _code_error(user))
        status = 400 if request.method == "POST" else 200
        return render(
            request,
            "accounts/two_factor_verify.html",
            {"form": form, "next": next_url},
            status=status,
        )
    device = two_factor_device_start(user=user)
    if request.method == "POST" and form.is_valid():
        codes = two_factor_enrol_confirm(user=user, token=form.cleaned_data["otp_token"])
        if codes is not None:
            device.refresh_from_db()
            otp_login(request, device)
            response = render(
                request,
                "accounts/two_factor_recovery_codes.html",
                {"codes": codes, "next": next_url},
            )
            response["Cache-Control"] = "no-store"  # shown once, never kept by the browser
            return response
        form.add_error("otp_token", _code_error(user))
    context = {
        "form": form,
        "next": next_url,
        "qr_data_uri": segno.make(device.config_url, error="m").svg_data_uri(scale=5),
        "secret": b32encode(device.bin_key).decode("ascii"),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/two_factor_enrol.html", context, status=status)


def _code_error(user) -> str:
    """Why a code was refused: wrong, or typed again too soon after wrong ones (django-otp
    makes each further try wait twice as long)."""
    from django_otp import devices_for_user

    if any(not device.verify_is_allowed()[0] for device in devices_for_user(user, confirmed=None)):
        return _("Too many wrong codes. Wait a few seconds, then enter the newest code.")
    return _("This code is not valid. Try the newest code.")


def _safe_next(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("accounts:landing")


def locked_out(request, original_response=None, credentials=None):
    """What every sign-in form answers while its account or address is cooling down
    (AXES_LOCKOUT_CALLABLE): a page, or problem+json for an API client."""
    import math

    from django.http import JsonResponse
    from django.utils import timezone

    from core.api import PROBLEM_BASE, PROBLEM_CONTENT_TYPE

    from .lockout import lockout_ends_at

    ends = lockout_ends_at(request, credentials)
    minutes = max(1, math.ceil((ends - timezone.now()).total_seconds() / 60)) if ends else None
    headers = {"Retry-After": str(minutes * 60)} if minutes else {}
    detail = _(
        "Too many failed sign-in attempts from this device. For your safety, sign-in is "
        "paused; try again later."
    )
    if request.path.startswith("/api/") or "json" in request.headers.get("Accept", ""):
        response = JsonResponse(
            {
                "type": PROBLEM_BASE + "sign-in-locked",
                "title": _("Sign-in paused"),
                "status": 429,
                "detail": detail,
                "code": "sign_in_locked",
                "retry_after_minutes": minutes,
            },
            status=429,
            content_type=PROBLEM_CONTENT_TYPE,
        )
    else:
        response = render(
            request,
            "accounts/locked_out.html",
            {"minutes": minutes, "ends": ends, "detail": detail},
            status=429,
        )
    for name, value in headers.items():
        response[name] = value
    return response


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("accounts:landing")
    form = CitizenSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = citizen_register(
                national_id=data["national_id"],
                full_name=data["full_name"],
                date_of_birth=data["date_of_birth"],
                gender=data["gender"],
                email=data["email"],
                phone=data["phone"],
                password=data["password1"],
                preferred_language=request.LANGUAGE_CODE,
            )
        except (IntegrityError, ValidationError):
            # Another request took this CCCD or e-mail after the form checked: check again
            # so the person sees which field is taken.
            form = CitizenSignupForm(request.POST)
            if form.is_valid():
                raise
        else:
            login(request, user, backend="accounts.backends.PortalLoginBackend")
            messages.success(request, _("Your account has been created."))
            return redirect("accounts:landing")
    return render(request, "accounts/signup.html", {"form": form})


@login_required
def landing(request):
    """Each role's home: what that person does first."""
    return render(
        request,
        "accounts/landing.html",
        {"links": landing_links(request.user), "heading": ROLE_HEADINGS[request.user.role]},
    )


@login_required
@require_http_methods(["GET", "POST"])
def office_team(request):
    """The office leader's page: who is absent, and whether received dossiers are assigned
    automatically."""
    from django.core.exceptions import PermissionDenied

    from offices.services import office_auto_assign_set

    leader = request.user
    if leader.role != Role.OFFICE_LEADER or leader.office_id is None:
        raise PermissionDenied
    office = leader.office
    officers = User.objects.filter(
        office_id=office.pk,
        role__in=(Role.PROCESSING_OFFICER, Role.COUNTER_OFFICER),
        is_active=True,
    ).order_by("role", "full_name", "pk")
    setting_form = AutoAssignForm(initial={"auto_assign": office.auto_assign})
    absence_form, failed_officer = None, None
    if request.method == "POST":
        if "two_factor_reset" in request.POST:
            reset_form = TwoFactorResetForm(request.POST)
            officer = (
                officers.filter(pk=reset_form.cleaned_data["officer"]).first()
                if reset_form.is_valid()
                else None
            )
            if officer is None:
                raise PermissionDenied
            two_factor_reset(officer=officer, by=leader)
            messages.success(
                request,
                _("Two-factor sign-in of %(name)s was reset: they enrol again at next sign-in.")
                % {"name": officer.display_name},
            )
            return redirect("accounts:office_team")
        if "auto_assign_submit" in request.POST:
            setting_form = AutoAssignForm(request.POST)
            if setting_form.is_valid():
                office_auto_assign_set(
                    office=office, enabled=setting_form.cleaned_data["auto_assign"], by=leader
                )
                messages.success(request, _("The setting was saved."))
                return redirect("accounts:office_team")
        else:
            failed_officer = _int(request.POST.get("officer"))
            absence_form = AbsenceForm(request.POST, auto_id=f"id_o{failed_officer}_%s")
            if absence_form.is_valid():
                officer = officers.filter(pk=absence_form.cleaned_data["officer"]).first()
                if officer is None:
                    raise PermissionDenied
                user_absence_set(
                    officer=officer,
                    absent_until=absence_form.cleaned_data["absent_until"],
                    by=leader,
                )
                messages.success(request, _("The absence was saved."))
                return redirect("accounts:office_team")
    rows = [
        {
            "officer": officer,
            "form": absence_form
            if officer.pk == failed_officer
            else AbsenceForm(
                initial={"officer": officer.pk, "absent_until": officer.absent_until},
                auto_id=f"id_o{officer.pk}_%s",
            ),
        }
        for officer in officers
    ]
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "accounts/team.html",
        {"office": office, "setting_form": setting_form, "rows": rows},
        status=status,
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
