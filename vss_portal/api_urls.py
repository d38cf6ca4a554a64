from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from dossiers.api import urls as dossiers_api
from partners.api.urls import batch_urlpatterns

# The dossier API with employer batch filing, which belongs to partners but has always
# answered as `dossiers_api:batches` (dossiers imports no partner code: docs/architecture.md).
dossiers_api_patterns = (dossiers_api.urlpatterns + batch_urlpatterns, dossiers_api.app_name)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file: no inline script (CSP).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("v1/", include("procedures.api.urls")),
    path("v1/", include(dossiers_api_patterns)),
    path("v1/", include("beneficiaries.api.urls")),
    path("v1/", include("ratings.api.urls")),
    path("v1/", include("partners.api.urls")),
    path("v1/", include("notifications.api.urls")),
    path("v1/", include("reference.api.urls")),
    path("v1/", include("dashboards.api_urls")),
    path("v1/", include("appauth.api.urls")),
]
