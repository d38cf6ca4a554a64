from django.urls import path

from . import views

app_name = "procedures_api"

urlpatterns = [
    path("procedures/", views.ProcedureListApi.as_view(), name="list"),
    path("procedures/<slug:slug>/", views.ProcedureDetailApi.as_view(), name="detail"),
]
