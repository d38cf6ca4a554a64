from django.urls import path

from . import views

app_name = "ratings_api"

urlpatterns = [
    path("dossiers/<str:code>/rating/", views.DossierRatingApi.as_view(), name="rating"),
]
