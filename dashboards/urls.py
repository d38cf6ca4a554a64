from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("", views.index, name="index"),
    path("dossiers/", views.drilldown, name="drilldown"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("open-data/", views.open_data, name="open_data"),
    path("open-data/data.csv", views.open_data_csv, name="open_data_csv"),
]
