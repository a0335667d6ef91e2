"""Citizen pages of the comune's hubs (the JSON API is in api_urls.py)."""

from django.urls import path

from src.portal import hub_pages as views
from src.portal.occupancy import occupancy

app_name = "hubs"

urlpatterns = [
    path("hub/", views.hub_index, name="index"),
    path("hub/<slug:slug>/", views.hub_detail, name="detail"),
    path("accoglienza/<slug:hub_slug>/presenze/", occupancy, name="occupancy"),
]
