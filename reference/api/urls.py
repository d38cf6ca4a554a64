from django.urls import path

from . import views

app_name = "reference_api"

urlpatterns = [
    path("provinces/", views.ProvinceListApi.as_view(), name="provinces"),
    path(
        "provinces/<int:province_code>/communes/",
        views.CommuneListApi.as_view(),
        name="communes",
    ),
    path("offices/", views.OfficeListApi.as_view(), name="offices"),
    path(
        "offices/<str:agency_code>/officers/",
        views.OfficeOfficersApi.as_view(),
        name="office_officers",
    ),
    path("health-facilities/", views.HealthFacilityListApi.as_view(), name="health_facilities"),
]
