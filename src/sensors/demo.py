"""Demo sensors for `make run`: four sensors in each of two rooms of Cesena's hub, with the last
24 hours of readings (a working day's CO2 curve that crosses 1000 ppm in the afternoon in the
meeting room), rolled up as the ingestion would. Safe to run again: nothing is duplicated."""

import math
from datetime import UTC, timedelta

from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from src.hubs.models import Hub
from src.sensors.ingest import Parsed, _insert
from src.sensors.models import Kind, Sensor
from src.sensors.services import mosquitto_hash

ROOMS = 2  # the first rooms of the hub, by name
STEP = timedelta(minutes=10)


def _value(kind: str, at, room: int) -> float:
    local = at.astimezone(timezone.get_default_timezone())
    hour = local.hour + local.minute / 60
    open_hours = 9 <= hour < 19
    busy = math.sin(math.pi * (hour - 9) / 10) if open_hours else 0.0
    if kind == Kind.CO2:
        return round(430 + busy * (520 if room == 0 else 760), 0)
    if kind == Kind.TEMPERATURE:
        return round(19.5 + busy * 2.5 + room * 0.4, 1)
    if kind == Kind.HUMIDITY:
        return round(42 + busy * 8 - room * 2, 0)
    return float(round(busy * (8 if room == 0 else 6)))  # people


def load_sensors(comuni, stdout) -> None:
    cesena = next((m for m in comuni if m.slug == "cesena"), None)
    if cesena is None:
        return
    with tenant_context(cesena), transaction.atomic():
        hub = Hub.objects.filter(slug="hub-cesena").first()
        if hub is None:
            return
        now = timezone.now()
        made = 0
        for room, space in enumerate(hub.spaces.order_by("name")[:ROOMS]):
            for kind in (Kind.CO2, Kind.TEMPERATURE, Kind.HUMIDITY, Kind.PEOPLE):
                device_id = f"cesena-{kind}-{space.pk}"
                sensor, created = Sensor.objects.get_or_create(
                    device_id=device_id,
                    defaults={"space": space, "kind": kind, "credential_hash": mosquitto_hash("demo-" + device_id)},
                )
                if not created:
                    continue
                made += 1
                rows, seq, at = [], 0, (now - timedelta(hours=24)).astimezone(UTC)
                while at <= now:
                    seq += 1
                    value = _value(kind, at, room)
                    rows.append((sensor, Parsed("cesena", hub.slug, str(space.pk), device_id, value, "", at, seq)))
                    at += STEP
                _insert(rows, now)
                sensor.last_seq, sensor.last_time, sensor.last_value = seq, rows[-1][1].time, rows[-1][1].value
                sensor.save(update_fields=["last_seq", "last_time", "last_value"])
    stdout.write(f"  Cesena: {made} sensori con le ultime 24 ore di misure (hub/hub-cesena/aria/)")
