from django.urls import path

from . import results, tracking, views
from .actions import ACTION_VIEWS, TakeNextApi

app_name = "dossiers_api"

urlpatterns = [
    path("dossiers/", views.DossierCollectionApi.as_view(), name="collection"),
    path("dossiers/<str:code>/", views.DossierDetailApi.as_view(), name="detail"),
    path(
        "dossiers/<str:code>/documents/",
        results.DossierDocumentsApi.as_view(),
        name="documents",
    ),
    path(
        "dossiers/<str:code>/documents/<int:document_id>/",
        results.DossierDocumentDetailApi.as_view(),
        name="document_detail",
    ),
    path(
        "dossiers/<str:code>/documents/<int:document_id>/file/",
        results.DossierDocumentFileApi.as_view(),
        name="document_file",
    ),
    path(
        "dossiers/<str:code>/documents/<int:document_id>/searchable-pdf/",
        results.DossierDocumentSearchablePdfApi.as_view(),
        name="document_searchable_pdf",
    ),
    path("dossiers/<str:code>/slips/", results.DossierSlipListApi.as_view(), name="slips"),
    path(
        "dossiers/<str:code>/slips/<int:slip_id>/",
        results.DossierSlipDetailApi.as_view(),
        name="slip_detail",
    ),
    path(
        "dossiers/<str:code>/slips/<int:slip_id>/pdf/",
        results.DossierSlipPdfApi.as_view(),
        name="slip_pdf",
    ),
    path(
        "dossiers/<str:code>/reception-slip/",
        results.DossierReceptionSlipApi.as_view(),
        name="reception_slip",
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
