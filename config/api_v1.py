"""/api/v1/ on a comune's subdomain: each domain app brings its own routes."""

from django.urls import include, path

urlpatterns = [
    path("", include("src.hubs.api_urls")),
    path("", include("src.desks.api_urls")),
    path("", include("src.appointments.api_urls")),
    path("", include("src.bookings.api_urls")),
    path("", include("src.events.api_urls")),
    path("push/", include("tenants.webpush.urls")),  # web push: VAPID key, browser subscriptions
    path("", include("src.sensors.api_urls")),  # OGC SensorThings-shaped read API of the air aggregates
]
