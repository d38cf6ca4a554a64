"""Sends a supervisor who opens a dossier of another office to the reason form first."""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from .exceptions import AccessReasonRequired


class AccessReasonMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, AccessReasonRequired):
            return None
        url = reverse("dossiers:access_reason", kwargs={"reference": exception.dossier.reference})
        return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")
