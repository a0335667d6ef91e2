"""Sensor rows without the broker, for pages, reports and the API (the broker path is in test_ingest.py)."""

from datetime import UTC, timedelta

from django.utils import timezone

from src.sensors.models import HourlyAggregate, Sensor


def make_sensor(space, kind="co2", device_id=None, **fields) -> Sensor:
    return Sensor.objects.create(space=space, kind=kind, device_id=device_id or f"dev-{kind}-{space.pk}", **fields)


def hours_of(sensor, values, *, end=None) -> list[HourlyAggregate]:
    """Hourly aggregates ending with the current hour: values[-1] is this hour's mean (4 readings each)."""
    end = (end or timezone.now()).astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    rows = [
        HourlyAggregate(
            sensor=sensor,
            hour=end - timedelta(hours=len(values) - 1 - i),
            count=4,
            total=value * 4,
            minimum=value - 10,
            maximum=value + 10,
        )
        for i, value in enumerate(values)
        if value is not None
    ]
    return HourlyAggregate.objects.bulk_create(rows)
