"""Citizen pages of the comune's hubs (the JSON API is in api_urls.py)."""

from django.urls import path

from src.hubs import views
from src.portal.views import page_rating

app_name = "hubs"

urlpatterns = [
    path("hub/", views.hub_index, name="index"),
    path("hub/<slug:slug>/", views.hub_detail, name="detail"),
    # The rating widget's endpoint belongs to src.portal; it is routed here only
    # because the tenant URL conf is shared with other teams. Move it there freely.
    path("valutazione/", page_rating, name="page_rating"),
]
