from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.i18n import set_language

from .forms import CitizenSignupForm, PortalLoginForm
from .selectors import ROLE_HEADINGS, landing_links
from .services import citizen_register, user_language_set


def language_switch(request):
    """Django's `set_language`, and for a signed-in person their preferred language too, so
    what the portal sends them follows the language they read it in."""
    response = set_language(request)
    if request.method == "POST" and request.user.is_authenticated:
        user_language_set(user=request.user, language=request.POST.get("language", ""))
    return response


class PortalLoginView(auth_views.LoginView):
    form_class = PortalLoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


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
