"""Writes of the sensors app: registering devices, the CO2 alert state, the raw-data purge."""

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from src.common.errors import Conflict, DomainError
from src.hubs.models import Space
from src.outbox.services import outbox_enqueue
from src.sensors.models import AirAlert, Kind, Reading, Sensor

CO2_ALERT = "sensors.co2_alert"
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{2,63}$")
# Mosquitto's own password-file hash ("$7$"): PBKDF2-SHA512 with a 12-byte salt. 101 rounds is
# mosquitto_passwd's default; the secret is 32 random bytes, so the rounds are not what protects it.
MOSQUITTO_ROUNDS = 101


def mosquitto_hash(secret: str, *, salt: bytes | None = None, rounds: int = MOSQUITTO_ROUNDS) -> str:
    salt = salt or secrets.token_bytes(12)
    digest = hashlib.pbkdf2_hmac("sha512", secret.encode(), salt, rounds)
    return f"$7${rounds}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def mosquitto_check(secret: str, stored: str) -> bool:
    try:
        _empty, seven, rounds, salt, _digest = stored.split("$")
    except ValueError:
        return False
    expected = mosquitto_hash(secret, salt=base64.b64decode(salt), rounds=int(rounds))
    return seven == "7" and secrets.compare_digest(expected, stored)


@dataclass
class Registered:
    sensor: Sensor
    secret: str  # shown once, to be loaded into the device; only its hash is kept
    topic: str


def sensor_topic(sensor: Sensor, *, comune_slug: str) -> str:
    return f"{comune_slug}/{sensor.space.hub.slug}/{sensor.space_id}/{sensor.device_id}"


class DeviceIdRefused(DomainError):
    code = "device_id_refused"


class DeviceIdTaken(Conflict):
    code = "device_id_taken"


def sensor_register(*, space: Space, kind: str, device_id: str, comune_slug: str) -> Registered:
    """A new device in `space`, with a fresh broker credential (returned once, stored hashed).

    The device id is the device's user name on the one broker of the union, so it starts with
    the comune's slug: two comuni can never hand out the same name."""
    if not device_id.startswith(f"{comune_slug}-") or not SLUG.match(device_id):
        raise DeviceIdRefused(
            _(
                "L'identificativo del dispositivo deve iniziare con «%(prefix)s» e contenere solo lettere minuscole, cifre e trattini."
            )
            % {"prefix": f"{comune_slug}-"},
            field="device_id",
        )
    if Sensor.objects.filter(device_id=device_id).exists():
        raise DeviceIdTaken(_("Esiste già un sensore con questo identificativo."), field="device_id")
    secret = secrets.token_urlsafe(32)
    sensor = Sensor.objects.create(
        space=space, kind=Kind(kind), device_id=device_id, credential_hash=mosquitto_hash(secret)
    )
    return Registered(sensor=sensor, secret=secret, topic=sensor_topic(sensor, comune_slug=comune_slug))


def sensor_credential_renew(*, sensor: Sensor) -> str:
    secret = secrets.token_urlsafe(32)
    sensor.credential_hash = mosquitto_hash(secret)
    sensor.save(update_fields=["credential_hash"])
    return secret


def sensor_alerts_step(*, sensor: Sensor, value: float, at: datetime) -> None:
    """One CO2 reading, in time order, through the alert state (the caller saves `above_since`).

    Above the line: remember since when; once it has stayed there SENSORS_ALERT_MINUTES, open
    an episode and tell the hub's operators, once. At or below the line: the episode, if any,
    ends, and only a new stretch above the line can open the next one.
    """
    line = settings.SENSORS_CO2_ALERT_PPM
    if not hasattr(sensor, "_open_alert"):
        sensor._open_alert = AirAlert.objects.filter(sensor=sensor, ended_at__isnull=True).first()
    if value > line:
        if sensor.above_since is None:
            sensor.above_since = at
        if sensor._open_alert is None and at - sensor.above_since >= timedelta(minutes=settings.SENSORS_ALERT_MINUTES):
            sensor._open_alert = AirAlert.objects.create(
                sensor=sensor, started_at=sensor.above_since, opened_at=at, peak=value
            )
            outbox_enqueue(kind=CO2_ALERT, obj_id=sensor._open_alert.pk)
        elif sensor._open_alert is not None and value > sensor._open_alert.peak:
            sensor._open_alert.peak = value
            sensor._open_alert.save(update_fields=["peak"])
    else:
        sensor.above_since = None
        if sensor._open_alert is not None:
            sensor._open_alert.ended_at = at
            sensor._open_alert.save(update_fields=["ended_at"])
            sensor._open_alert = None


def readings_purge(*, now: datetime, batch: int = 50_000) -> int:
    """Delete raw readings older than SENSORS_RAW_RETENTION_DAYS (the hourly aggregates stay),
    in batches so a long backlog never holds one huge transaction. Returns how many."""
    cutoff = now - timedelta(days=settings.SENSORS_RAW_RETENTION_DAYS)
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(Reading.objects.filter(time__lt=cutoff).values_list("pk", flat=True)[:batch])
            if not ids:
                return deleted
            Reading.objects.filter(pk__in=ids).delete()
        deleted += len(ids)
