"""Reads of the sensors app: the air in a hub now, the last 24 hours, people counted, counters."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from src.hubs.models import Hub, HubOperator, Space
from src.sensors.models import AirAlert, HourlyAggregate, IngestCounter, Kind, Rejection, Sensor
from tenants.identity.models import Role, User

# EN 16798-1 (annex B), CO2 above outdoor air for the indoor environment categories, with
# outdoor air taken as 400 ppm: I up to +550, II up to +800, III up to +1350, IV beyond.
OUTDOOR_PPM = 400
CATEGORIES = [
    ("I", OUTDOOR_PPM + 550, _("Categoria I: aria ottima")),
    ("II", OUTDOOR_PPM + 800, _("Categoria II: aria buona")),
    ("III", OUTDOOR_PPM + 1350, _("Categoria III: aria accettabile, da cambiare")),
    ("IV", None, _("Categoria IV: aria da cambiare subito")),
]


@dataclass
class Co2Category:
    code: str
    label: str
    above_line: bool  # above the alert line (1000 ppm by default)


def co2_category(ppm: float) -> Co2Category:
    above = ppm > settings.SENSORS_CO2_ALERT_PPM
    for code, upper, label in CATEGORIES:
        if upper is None or ppm <= upper:
            return Co2Category(code, str(label), above)
    raise AssertionError("unreachable")


@dataclass
class Measure:
    kind: str
    label: str
    value: float
    unit: str
    at: datetime

    @property
    def digits(self) -> int:
        return 1 if self.kind == Kind.TEMPERATURE else 0


@dataclass
class SpaceAir:
    space: Space
    recent: bool  # at least one reading newer than SENSORS_RECENT_MINUTES
    measures: dict[str, Measure] = field(default_factory=dict)
    co2: Co2Category | None = None
    last_at: datetime | None = None
    hours: dict[str, list[float | None]] = field(default_factory=dict)  # the last 24 hourly means per kind
    alert_open: bool = False


def recent_cutoff(now: datetime) -> datetime:
    return now - timedelta(minutes=settings.SENSORS_RECENT_MINUTES)


def hour_slots(now: datetime, hours: int = 24) -> list[datetime]:
    """The starts of the last `hours` UTC hours, the current one last."""
    current = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    return [current - timedelta(hours=hours - 1 - i) for i in range(hours)]


def hub_air_quality(hub: Hub, *, now: datetime | None = None) -> list[SpaceAir]:
    """Per space of `hub` that has sensors: the latest value of each kind, the CO2 category, and
    the hourly means of the last 24 hours. Three queries, whatever the number of sensors."""
    now = now or timezone.now()
    sensors = list(
        Sensor.objects.filter(space__hub=hub, is_active=True).select_related("space").order_by("space__name", "kind")
    )
    if not sensors:
        return []
    slots = hour_slots(now)
    index = {slot: i for i, slot in enumerate(slots)}
    aggregates = HourlyAggregate.objects.filter(
        sensor__in=[s.pk for s in sensors], hour__gte=slots[0], hour__lte=slots[-1]
    )
    means: dict[int, list[float | None]] = {s.pk: [None] * len(slots) for s in sensors}
    for row in aggregates.values_list("sensor_id", "hour", "count", "total"):
        sensor_id, hour, count, total = row
        if count:
            means[sensor_id][index[hour]] = total / count
    open_alerts = set(
        AirAlert.objects.filter(sensor__in=[s.pk for s in sensors], ended_at__isnull=True).values_list(
            "sensor_id", flat=True
        )
    )
    cutoff = recent_cutoff(now)
    spaces: dict[int, SpaceAir] = {}
    for sensor in sensors:
        air = spaces.setdefault(sensor.space_id, SpaceAir(space=sensor.space, recent=False))
        air.hours.setdefault(sensor.kind, means[sensor.pk])
        air.alert_open |= sensor.pk in open_alerts
        if sensor.last_time is None or sensor.last_time < cutoff:
            continue
        air.recent = True
        air.last_at = max(air.last_at or sensor.last_time, sensor.last_time)
        current = air.measures.get(sensor.kind)
        if current is None or sensor.last_time > current.at:
            air.measures[sensor.kind] = Measure(
                sensor.kind, str(Kind(sensor.kind).label), sensor.last_value, sensor.unit, sensor.last_time
            )
    for air in spaces.values():
        if Kind.CO2 in air.measures:
            air.co2 = co2_category(air.measures[Kind.CO2].value)
    return list(spaces.values())


def hub_has_sensors(hub: Hub) -> bool:
    return Sensor.objects.filter(space__hub=hub, is_active=True).exists()


def people_counted(hub: Hub, *, now: datetime | None = None) -> dict[int, int]:
    """People the counters see now in each space of `hub` (space id -> count); only recent readings."""
    now = now or timezone.now()
    counted: dict[int, int] = {}
    rows = Sensor.objects.filter(
        space__hub=hub, kind=Kind.PEOPLE, is_active=True, last_time__gte=recent_cutoff(now)
    ).values_list("space_id", "last_value")
    for space_id, value in rows:
        counted[space_id] = counted.get(space_id, 0) + int(round(value))
    return counted


def hub_alert_recipients(hub: Hub) -> list[User]:
    """Who hears of bad air in `hub`: its operators who still hold the operator role here, else
    the comune's administrators (a hub nobody is assigned to still has someone responsible)."""
    here = Q(municipality__schema_name=connection.schema_name)
    operators = User.objects.filter(
        is_active=True,
        pk__in=HubOperator.objects.filter(hub=hub).values("user_id"),
        roles__in=Role.objects.filter(here, kind=Role.Kind.OPERATOR),
    ).distinct()
    people = list(operators.order_by("pk"))
    if people:
        return people
    return list(
        User.objects.filter(is_active=True, roles__in=Role.objects.filter(here, kind=Role.Kind.ADMINISTRATOR))
        .distinct()
        .order_by("pk")
    )


def ingest_counters() -> dict[str, int]:
    """Messages for this comune's topics, accepted and refused by reason (all reasons, zeros included)."""
    counts = dict(IngestCounter.objects.values_list("reason", "count"))
    return {"accepted": counts.get("accepted", 0), **{reason: counts.get(reason, 0) for reason in Rejection.values}}


def sensors_of(hub: Hub | None = None):
    queryset = Sensor.objects.select_related("space__hub").filter(is_active=True, space__hub__is_published=True)
    return queryset.filter(space__hub=hub) if hub else queryset


@dataclass(frozen=True)
class BrokerAccount:
    comune: str
    device_id: str
    credential_hash: str
    topic: str


def broker_accounts() -> list[BrokerAccount]:
    """Every comune's active devices with their topic, in one SQL statement across the schemas."""
    from tenants.comuni.models import Municipality
    from tenants.comuni.sql import quote_ident, union_all

    comuni = dict(
        Municipality.objects.exclude(
            schema_name__in=[settings.PUBLIC_SCHEMA_NAME, settings.TENANT_BASE_SCHEMA]
        ).values_list("schema_name", "slug")
    )
    if not comuni:
        return []
    template = (
        "SELECT {lit}::text AS schema, se.device_id::text, se.credential_hash::text, h.slug::text, sp.id "
        "FROM {s}.{sensor} se JOIN {s}.{space} sp ON sp.id = se.space_id JOIN {s}.{hub} h ON h.id = sp.hub_id "
        "WHERE se.is_active"
    )
    sql = union_all(
        template,
        sorted(comuni),
        sensor=quote_ident(Sensor._meta.db_table),
        space=quote_ident(Space._meta.db_table),
        hub=quote_ident(Hub._meta.db_table),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql + " ORDER BY 1, 2")
        rows = cursor.fetchall()
    return [
        BrokerAccount(schema, device, credential, f"{comuni[schema]}/{hub}/{space}/{device}")
        for schema, device, credential, hub, space in rows
    ]
