from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file: no inline script (CSP).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("v1/", include("procedures.api.urls")),
    path("v1/", include("dossiers.api.urls")),
    path("v1/", include("beneficiaries.api.urls")),
    path("v1/", include("ratings.api.urls")),
    path("v1/", include("partners.api.urls")),
    path("v1/", include("dashboards.api_urls")),
]
