from django.urls import path

from . import views

app_name = "notifications_api"

urlpatterns = [
    path("inbox/", views.InboxApi.as_view(), name="inbox"),
    path("inbox/unread-count/", views.InboxUnreadCountApi.as_view(), name="unread_count"),
    path("inbox/read/", views.InboxMarkAllReadApi.as_view(), name="mark_all_read"),
    path("inbox/<int:message_id>/read/", views.InboxMarkReadApi.as_view(), name="mark_read"),
]
