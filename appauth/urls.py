"""/oauth/: the citizen app's authorization server (docs/api.md, "The citizen app")."""

from django.urls import path
from oauth2_provider import views as oauth_views

from . import views

# django-oauth-toolkit reverses its own views in this namespace.
app_name = "oauth2_provider"

urlpatterns = [
    path("authorize/", views.CitizenAuthorizationView.as_view(), name="authorize"),
    path("token/", views.ThrottledTokenView.as_view(), name="token"),
    path("apps/", views.authorised_apps, name="authorised_apps"),
    path("revoke_token/", oauth_views.RevokeTokenView.as_view(), name="revoke-token"),
]
