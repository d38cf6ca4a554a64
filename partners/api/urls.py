from django.urls import path

from . import batches, tokens, views

app_name = "partners_api"

urlpatterns = [
    path("token/rotate/", tokens.TokenRotateApi.as_view(), name="token_rotate"),
    path("webhooks/", views.WebhookCollectionApi.as_view(), name="webhooks"),
    path("webhooks/<int:endpoint_id>/", views.WebhookDetailApi.as_view(), name="webhook"),
    path(
        "webhooks/<int:endpoint_id>/rotate-secret/",
        views.WebhookSecretRotateApi.as_view(),
        name="webhook_rotate_secret",
    ),
    path(
        "webhooks/<int:endpoint_id>/deliveries/",
        views.WebhookDeliveryListApi.as_view(),
        name="webhook_deliveries",
    ),
    path(
        "webhooks/<int:endpoint_id>/deliveries/<uuid:reference>/redeliver/",
        views.WebhookRedeliverApi.as_view(),
        name="webhook_redeliver",
    ),
]

# Employer batch filing answers under the dossier API's namespace and paths
# (`dossiers_api:batches`): vss_portal/api_urls.py adds these to dossiers.api.urls.
batch_urlpatterns = [
    path("token/rotate/", tokens.TokenRotateApi.as_view(), name="token_rotate"),
    path("batches/", batches.BatchCreateApi.as_view(), name="batches"),
    path("batches/<uuid:reference>/", batches.BatchDetailApi.as_view(), name="batch_detail"),
]
