from django.urls import include, path
from rest_framework.routers import SimpleRouter

from src.desks import api

router = SimpleRouter()
router.register("desks", api.ServiceDeskViewSet, basename="desk")

desk_rows = SimpleRouter()
desk_rows.register("hours", api.DeskHoursViewSet, basename="desk-hours")

urlpatterns = [
    path("", include(router.urls)),
    path("desks/<int:desk_pk>/", include(desk_rows.urls)),
]
