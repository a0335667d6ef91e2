"""The sensors' periodic job: raw readings older than the retention are deleted (aggregates stay)."""

from datetime import datetime

from src.common.jobs import job
from src.sensors.services import readings_purge


@job("sensor_readings_purge", order=80)
def sensor_readings_purge(*, now: datetime) -> int:
    return readings_purge(now=now)
