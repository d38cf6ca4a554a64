from django.urls import path

from . import views

app_name = "beneficiaries"

urlpatterns = [
    path("", views.home, name="home"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("communes/", views.communes, name="communes"),
    path("bundles/new/<str:kind>/", views.bundle_new, name="bundle_new"),
    path("bundles/<uuid:reference>/", views.bundle_detail, name="bundle"),
    path(
        "bundles/<uuid:reference>/documents/",
        views.bundle_document_upload,
        name="bundle_document",
    ),
    path(
        "bundles/<uuid:reference>/parts/<int:part_id>/slip/",
        views.bundle_refusal_slip,
        name="bundle_slip",
    ),
]
