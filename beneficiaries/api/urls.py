from django.urls import path

from . import bundles, views

app_name = "beneficiaries_api"

urlpatterns = [
    path("hi-cards/<str:identifier>/", views.HiCardLookupApi.as_view(), name="hi_card"),
    path("bundles/", bundles.BundleCollectionApi.as_view(), name="bundles"),
    path("bundles/<uuid:reference>/", bundles.BundleDetailApi.as_view(), name="bundle"),
    path(
        "bundles/<uuid:reference>/documents/",
        bundles.BundleDocumentApi.as_view(),
        name="bundle_documents",
    ),
]
