from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .forms import CitizenSignupForm, PortalLoginForm
from .selectors import ROLE_HEADINGS, landing_links
from .services import citizen_register


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
