from django.urls import path

from . import views

app_name = "appauth_api"

urlpatterns = [path("me/", views.MeApi.as_view(), name="me")]
