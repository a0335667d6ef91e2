"""Sensors in the comune's admin: administrators see and switch devices on and off, operators
see those of their hubs. A device is registered (and its broker credential made) with
`manage.py sensors_register`, so the secret is shown once and never stored."""

from django.contrib import admin

from src.common.admin import comune_admin
from src.hubs.admin import CatalogueAdmin
from src.sensors.models import AirAlert, Sensor


@admin.register(Sensor, site=comune_admin)
class SensorAdmin(CatalogueAdmin):
    hub_path = "space__hub"
    list_display = ["device_id", "kind", "space", "is_active", "last_value", "last_time"]
    list_filter = ["kind", "is_active"]
    search_fields = ["device_id", "space__name", "space__hub__name"]
    fields = ["device_id", "kind", "space", "is_active", "installed_at", "last_value", "last_time"]
    readonly_fields = ["device_id", "kind", "space", "installed_at", "last_value", "last_time"]

    def has_add_permission(self, request):
        return False  # manage.py sensors_register: the device's secret is printed once, never kept


@admin.register(AirAlert, site=comune_admin)
class AirAlertAdmin(CatalogueAdmin):
    hub_path = "sensor__space__hub"
    list_display = ["sensor", "started_at", "opened_at", "peak", "ended_at"]
    readonly_fields = ["sensor", "started_at", "opened_at", "peak", "ended_at"]

    def has_add_permission(self, request):
        return False
