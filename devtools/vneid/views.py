from django.contrib.auth import get_user_model, login
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from .citizens import DEMO_CITIZENS


def sign_in(request):
    """Pick a demo citizen (no password: this provider only stands in for VNeID)."""
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    if request.method == "POST":
        user = get_user_model().objects.filter(username=request.POST.get("citizen", "")).first()
        if user is None:
            return HttpResponseBadRequest("unknown citizen")
        login(request, user)
        return redirect(next_url)
    return render(request, "vneid/login.html", {"citizens": DEMO_CITIZENS, "next": next_url})
