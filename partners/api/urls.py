from django.urls import path

from . import views

app_name = "partners_api"

urlpatterns = [
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
