from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.PortalLoginView.as_view(), name="login"),
    path("vneid/", views.vneid_start, name="vneid_start"),
    path("vneid/callback/", views.vneid_callback, name="vneid_callback"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("register/", views.signup, name="signup"),
    path("me/", views.landing, name="landing"),
    path("team/", views.office_team, name="office_team"),
]
