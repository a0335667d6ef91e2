"""A comune's environmental sensors: air quality and people counts in its hubs' spaces.

Readings arrive over MQTT (`manage.py sensors_ingest`, src/sensors/ingest.py) and are
stored raw (`Reading`, time-ordered, BRIN index on time, kept SENSORS_RAW_RETENTION_DAYS)
and rolled up on arrival into hourly aggregates (`HourlyAggregate`), which is what pages,
reports, open data and the SensorThings API read.
"""

from django.contrib.postgres.indexes import BrinIndex
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from src.hubs.models import Space


class Kind(models.TextChoices):
    CO2 = "co2", _("CO₂")
    TEMPERATURE = "temperature", _("temperatura")
    HUMIDITY = "humidity", _("umidità relativa")
    NOISE = "noise", _("rumore")
    PEOPLE = "people", _("persone presenti")


# What each kind measures: the unit it is stored in, the spellings devices may send, and the
# range a working device can report (outside it the reading is refused as out of range).
UNITS = {
    Kind.CO2: ("ppm", {"ppm"}, (250.0, 10_000.0)),
    Kind.TEMPERATURE: ("°C", {"°c", "c", "celsius", "degc"}, (-30.0, 60.0)),
    Kind.HUMIDITY: ("%", {"%", "%rh", "rh"}, (0.0, 100.0)),
    Kind.NOISE: ("dB", {"db", "dba", "db(a)"}, (0.0, 140.0)),
    Kind.PEOPLE: ("persone", {"persone", "people", "count", "n"}, (0.0, 1_000.0)),
}


class Sensor(models.Model):
    """A device in a space. Its MQTT topic is `<comune slug>/<hub slug>/<space id>/<device id>`;
    the broker accepts it with the device's own credentials (deploy/mosquitto/), and the
    ingestion refuses any topic that does not match this registration."""

    space = models.ForeignKey(Space, verbose_name=_("spazio"), on_delete=models.CASCADE, related_name="sensors")
    kind = models.CharField(_("grandezza misurata"), max_length=16, choices=Kind.choices)
    device_id = models.SlugField(
        _("identificativo del dispositivo"),
        max_length=64,
        unique=True,
        help_text=_("Nome utente del dispositivo sul broker MQTT e ultimo livello del suo topic."),
    )
    # The device's broker password, hashed as Mosquitto's password file wants it
    # (PBKDF2-SHA512, "$7$..."): `sensors_broker_files` writes the file from these.
    credential_hash = models.CharField(_("hash della credenziale"), max_length=255, blank=True, editable=False)
    is_active = models.BooleanField(_("attivo"), default=True)
    installed_at = models.DateTimeField(_("installato il"), default=timezone.now)

    # Ingestion state, written by the ingestion service in the same transaction as the readings.
    last_seq = models.BigIntegerField(null=True, blank=True, editable=False)
    last_value = models.FloatField(null=True, blank=True, editable=False)
    last_time = models.DateTimeField(null=True, blank=True, editable=False)
    # CO2 only: since when the readings have stayed above the alert line (None: below it).
    above_since = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("sensore")
        verbose_name_plural = _("sensori")
        ordering = ["space", "kind", "device_id"]

    def __str__(self):
        return f"{self.device_id} ({self.get_kind_display()})"

    @property
    def unit(self) -> str:
        return UNITS[self.kind][0]


class Reading(models.Model):
    """One raw measurement. Append-only and time-ordered, so a BRIN index on `time` is enough
    for the purge and for reading back a recent window; no per-row B-tree slows the inserts."""

    sensor = models.ForeignKey(Sensor, on_delete=models.CASCADE, related_name="+", db_index=False)
    time = models.DateTimeField()
    value = models.FloatField()
    seq = models.BigIntegerField()
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [BrinIndex(fields=["time"], name="sensors_reading_time_brin")]

    def __str__(self):
        return f"{self.sensor_id} {self.time:%Y-%m-%d %H:%M:%S} {self.value}"


class HourlyAggregate(models.Model):
    """A sensor's readings in one hour (UTC hour start), kept for good. Rolled up as the
    readings arrive: count, sum, min and max add up across batches, so late or split
    batches give the same figures."""

    sensor = models.ForeignKey(Sensor, on_delete=models.CASCADE, related_name="hours")
    hour = models.DateTimeField()
    count = models.PositiveIntegerField()
    total = models.FloatField()
    minimum = models.FloatField()
    maximum = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sensor", "hour"], name="sensors_hourly_once")]

    def __str__(self):
        return f"{self.sensor_id} {self.hour:%Y-%m-%d %H}h"

    @property
    def mean(self) -> float:
        return self.total / self.count if self.count else 0.0


class AirAlert(models.Model):
    """One episode of CO2 above the alert line for long enough: the hub's operators are told
    once when it opens; it closes when the air is back below the line, and only then can
    another episode open."""

    sensor = models.ForeignKey(Sensor, on_delete=models.CASCADE, related_name="alerts")
    started_at = models.DateTimeField()  # the first reading above the line
    opened_at = models.DateTimeField()  # when it had stayed above for SENSORS_ALERT_MINUTES
    peak = models.FloatField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("episodio di CO₂ alta")
        verbose_name_plural = _("episodi di CO₂ alta")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["sensor"], condition=Q(ended_at__isnull=True), name="sensors_one_open_alert"
            )
        ]

    def __str__(self):
        return f"{self.sensor_id} {self.started_at:%Y-%m-%d %H:%M}"


class Rejection(models.TextChoices):
    MALFORMED = "malformed", _("messaggio non valido")
    OUT_OF_RANGE = "out_of_range", _("valore fuori intervallo")
    UNKNOWN_DEVICE = "unknown_device", _("dispositivo sconosciuto o topic non suo")
    REPLAYED = "replayed", _("messaggio ripetuto")


class IngestCounter(models.Model):
    """How many messages for this comune's topics were accepted or refused, by reason."""

    reason = models.CharField(max_length=16, unique=True)
    count = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.reason}: {self.count}"
