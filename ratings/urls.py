from django.urls import path

from . import views

app_name = "ratings"
urlpatterns = [
    path("d/<uuid:reference>/", views.rate, name="rate"),
    path("counter/", views.counter_start, name="counter"),
    path("counter/rate/", views.counter_rate, name="counter_rate"),
    path("counter/thanks/", views.counter_thanks, name="counter_thanks"),
]
