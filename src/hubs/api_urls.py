from django.urls import include, path
from rest_framework.routers import SimpleRouter

from src.hubs import api

router = SimpleRouter()
router.register("hubs", api.HubViewSet, basename="hub")
router.register("spaces", api.SpaceViewSet, basename="space")
router.register("seats", api.SeatViewSet, basename="seat")
router.register("layouts", api.LayoutViewSet, basename="layout")
router.register("layout-schedules", api.LayoutScheduleViewSet, basename="layout-schedule")

# Rows of one hub, under the hub they belong to.
hub_rows = SimpleRouter()
hub_rows.register("opening-hours", api.OpeningHoursViewSet, basename="hub-opening-hours")
hub_rows.register("closures", api.ClosureViewSet, basename="hub-closure")
hub_rows.register("special-openings", api.SpecialOpeningViewSet, basename="hub-special-opening")
hub_rows.register("photos", api.HubPhotoViewSet, basename="hub-photo")

urlpatterns = [
    path("", include(router.urls)),
    path("hubs/<int:hub_pk>/", include(hub_rows.urls)),
]
