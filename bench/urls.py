"""The site's URLs plus one bench-only page: the floor of a request through every middleware.

Only `bench/settings.py` uses this URLconf; the deployed site never serves `/bench/bare`.
"""

from django.http import HttpResponse
from django.urls import path

from vss_portal.urls import *  # noqa: F403
from vss_portal.urls import urlpatterns as site_urlpatterns


def bare(request):
    """No database, no template: what Django and its middleware cost on their own."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare", bare), *site_urlpatterns]
