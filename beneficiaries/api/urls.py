from django.urls import path

from . import views

app_name = "beneficiaries_api"

urlpatterns = [
    path("hi-cards/<str:national_id>/", views.HiCardLookupApi.as_view(), name="hi_card"),
]
