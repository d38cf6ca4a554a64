from django.urls import path

from . import tracking, views
from .actions import ACTION_VIEWS, TakeNextApi

app_name = "dossiers_api"

urlpatterns = [
    path("dossiers/", views.DossierCollectionApi.as_view(), name="collection"),
    path("dossiers/<str:code>/", views.DossierDetailApi.as_view(), name="detail"),
    path(
        "dossiers/<str:code>/documents/",
        views.DossierDocumentUploadApi.as_view(),
        name="documents",
    ),
    path("dossiers/<str:code>/submit/", views.DossierSubmitApi.as_view(), name="submit"),
    path("dossiers/<str:code>/timeline/", views.DossierTimelineApi.as_view(), name="timeline"),
    *[
        path(
            f"dossiers/<str:code>/actions/{name}/",
            view.as_view(),
            name=f"action_{name}",
        )
        for name, view in ACTION_VIEWS.items()
    ],
    path("worklist/take-next/", TakeNextApi.as_view(), name="take_next"),
    path("tracking/<str:code>/", tracking.TrackingApi.as_view(), name="tracking"),
]
