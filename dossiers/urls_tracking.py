from django.urls import path

from .views import tracking

app_name = "tracking"
urlpatterns = [
    path("", tracking.track, name="track"),
    path("<str:code>/", tracking.track, name="track_code"),
]
