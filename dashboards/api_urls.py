from django.urls import path

from .api import views

app_name = "dashboards_api"

urlpatterns = [
    path("open-data/dossier-statistics/", views.OpenDataApi.as_view(), name="open_data"),
    path(
        "open-data/dictionary/",
        views.OpenDataDictionaryApi.as_view(),
        name="open_data_dictionary",
    ),
]
