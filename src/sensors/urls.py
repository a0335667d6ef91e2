"""Pages of the sensors: the kiosk screen of a hub."""

from django.urls import path

from src.sensors import views

app_name = "sensors"

urlpatterns = [
    path("hub/<slug:slug>/aria/", views.kiosk, name="kiosk"),
]
