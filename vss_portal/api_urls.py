from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("v1/", include("procedures.api.urls")),
    path("v1/", include("dossiers.api.urls")),
    path("v1/", include("beneficiaries.api.urls")),
    path("v1/", include("ratings.api.urls")),
    path("v1/", include("partners.api.urls")),
    path("v1/", include("dashboards.api_urls")),
]
