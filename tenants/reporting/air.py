"""Air quality across the comuni: hours above the CO2 alert line per hub and month (the union
dashboard), and the hourly aggregates as open data (CSV under CC BY 4.0, DCAT-AP_IT metadata).

Both are one SQL statement over every comune's schema (`tenants.comuni.sql.union_all`), run as
the read-only reporting role; table names and the sensor kinds come from the catalogue.
An hour counts "above the line" for a hub when the hourly mean of any of its CO2 sensors is
above SENSORS_CO2_ALERT_PPM (EN 16798-1: 1000 ppm sits between categories II and III).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from src.common.time import day_in_range
from tenants.comuni.sql import union_all
from tenants.reporting.catalogue import SQL
from tenants.reporting.opendata import dcat_metadata
from tenants.reporting.schemas import ComuneSchema, comune_schemas
from tenants.reporting.selectors import run
from tenants.reporting.sql.source import tz_literal

HOURS_ABOVE = """
SELECT {lit}::text AS comune, sp.hub_id AS hub_id, h.name::text AS hub,
       date_trunc('month', a.hour AT TIME ZONE {tz})::date AS month,
       count(DISTINCT a.hour) FILTER (WHERE a.total / a.count > %(line)s) AS hours_above,
       count(DISTINCT a.hour) AS hours_measured,
       max(a.maximum) AS peak
FROM {s}.{table.sensor_hourly} a
JOIN {s}.{table.sensor} se ON se.id = a.sensor_id
JOIN {s}.{table.space} sp ON sp.id = se.space_id
JOIN {s}.{table.hub} h ON h.id = sp.hub_id
WHERE se.kind = {sensor_kind.co2} AND a.count > 0 AND a.hour >= %(start)s AND a.hour < %(end)s
GROUP BY sp.hub_id, h.name, month
"""

HOURLY = """
SELECT {i} AS comune_index, a.hour AS hour, h.name::text AS hub, sp.name::text AS space, se.kind::text AS kind,
       a.count AS count, a.total / a.count AS mean, a.minimum AS minimum, a.maximum AS maximum
FROM {s}.{table.sensor_hourly} a
JOIN {s}.{table.sensor} se ON se.id = a.sensor_id
JOIN {s}.{table.space} sp ON sp.id = se.space_id
JOIN {s}.{table.hub} h ON h.id = sp.hub_id
WHERE h.is_published AND a.count > 0 AND a.hour >= %(start)s AND a.hour < %(end)s
"""

AIR_TEMPLATES = (HOURS_ABOVE, HOURLY)
EMPTY_HOURS = (
    "SELECT NULL::text AS comune, NULL::bigint AS hub_id, NULL::text AS hub, NULL::date AS month, "
    "NULL::bigint AS hours_above, NULL::bigint AS hours_measured, NULL::float AS peak WHERE false"
)
EMPTY_HOURLY = (
    "SELECT NULL::int AS comune_index, NULL::timestamptz AS hour, NULL::text AS hub, NULL::text AS space, "
    "NULL::text AS kind, NULL::int AS count, NULL::float AS mean, NULL::float AS minimum, NULL::float AS maximum "
    "WHERE false"
)


def _instant(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(settings.TIME_ZONE))


@dataclass
class HubAir:
    comune: str
    hub: str
    month: date
    hours_above: int
    hours_measured: int
    peak: float | None

    @property
    def share_pct(self) -> float | None:
        return round(self.hours_above * 100 / self.hours_measured, 1) if self.hours_measured else None


def hours_above_by_hub_month(comuni: list[ComuneSchema], start: date, end: date) -> list[HubAir]:
    """Per hub and local month in [start, end): hours above the CO2 line, hours measured, the peak."""
    names = {c.schema: c.name for c in comuni}
    sql = union_all(HOURS_ABOVE, [c.schema for c in comuni], empty=EMPTY_HOURS, tz=tz_literal(), **SQL)
    rows = run(
        sql + " ORDER BY month, comune, hub",
        {"line": settings.SENSORS_CO2_ALERT_PPM, "start": _instant(start), "end": _instant(end)},
        label="air",
    )
    return [
        HubAir(
            comune=names.get(row["comune"], row["comune"]),
            hub=row["hub"],
            month=row["month"],
            hours_above=int(row["hours_above"]),
            hours_measured=int(row["hours_measured"]),
            peak=row["peak"],
        )
        for row in rows
    ]


def air_chart_rows(rows: list[HubAir]) -> list[dict]:
    """Bars for the dashboard's server-drawn chart: width as a share of the largest value."""
    top = max((r.hours_above for r in rows), default=0) or 1
    return [{"row": r, "width": round(r.hours_above * 100 / top, 1)} for r in rows]


# --- open data -------------------------------------------------------------------------------

DATASET_SLUG = "qualita-aria-oraria"
COLUMNS = [
    ("ora_inizio_utc", "Inizio dell'ora (UTC, ISO 8601)"),
    ("codice_istat_comune", "Codice ISTAT del comune"),
    ("comune", "Comune"),
    ("hub", "Hub di comunità"),
    ("spazio", "Sala"),
    ("grandezza", "Grandezza (co2, temperature, humidity, noise, people)"),
    ("unita", "Unità di misura"),
    ("misure", "Numero di misure nell'ora"),
    ("media", "Media"),
    ("minimo", "Minimo"),
    ("massimo", "Massimo"),
]
UNITS = {"co2": "ppm", "temperature": "°C", "humidity": "%", "noise": "dB", "people": "persone"}


def air_month_window(month: str | None, today: date | None = None) -> tuple[date, date]:
    """The month asked ("2026-10"), else the last complete one; ValueError if it is not a month."""
    today = today or timezone.localdate()
    if month:
        year, _sep, number = month.partition("-")
        try:
            first = date(int(year), int(number), 1)
        except OverflowError as error:  # a year past any C integer
            raise ValueError(month) from error
        if not day_in_range(first):  # year 9999's December would end past the calendar
            raise ValueError(month)
    else:
        first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following


def air_hourly_rows(start: date, end: date):
    """Every published hub's hourly aggregates in [start, end) across the comuni, as CSV rows."""
    comuni = comune_schemas()
    sql = union_all(HOURLY, [c.schema for c in comuni], empty=EMPTY_HOURLY, **SQL)
    rows = run(sql + " ORDER BY hour, comune_index, hub, space, kind", {"start": _instant(start), "end": _instant(end)})
    for row in rows:
        comune = comuni[row["comune_index"]]
        yield {
            "ora_inizio_utc": row["hour"].astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ"),
            "codice_istat_comune": comune.istat_code,
            "comune": comune.name,
            "hub": row["hub"],
            "spazio": row["space"],
            "grandezza": row["kind"],
            "unita": UNITS.get(row["kind"], ""),
            "misure": row["count"],
            "media": round(row["mean"], 2),
            "minimo": round(row["minimum"], 2),
            "massimo": round(row["maximum"], 2),
        }


def air_dcat_metadata(*, dataset_url: str, csv_url: str, page_url: str, start: date, end: date) -> dict:
    """DCAT-AP_IT for the hourly air dataset: the union's description, with this dataset's words."""
    metadata = dcat_metadata(
        dataset_url=dataset_url,
        csv_url=csv_url,
        page_url=page_url,
        start=start,
        end=end,
        modified=timezone.localdate(),
    )
    union = settings.UNION_NAME
    publisher_id = metadata["dct:identifier"].split(":", 1)[0]
    metadata.update(
        {
            "dct:identifier": f"{publisher_id}:{DATASET_SLUG}",
            "dct:title": {
                "@value": f"Qualità dell'aria negli hub di comunità, medie orarie - {union}",
                "@language": "it",
            },
            "dct:description": {
                "@value": (
                    "Per ogni ora, sala e grandezza misurata dai sensori degli hub di comunità dei comuni "
                    "dell'Unione (CO2 in ppm, temperatura in °C, umidità relativa in %, rumore in dB, persone "
                    "presenti): numero di misure, media, minimo e massimo. Le ore sono in UTC. La CO2 si legge "
                    "con le categorie della norma EN 16798-1; 1000 ppm è la soglia oltre cui cambiare l'aria. "
                    "Nessun dato personale. Un mese per file: ?mese=AAAA-MM."
                ),
                "@language": "it",
            },
            "dcat:theme": [
                {"@id": "http://publications.europa.eu/resource/authority/data-theme/ENVI"},
                {"@id": "http://publications.europa.eu/resource/authority/data-theme/HEAL"},
            ],
            "dcat:keyword": ["qualità dell'aria", "CO2", "sensori", "hub di comunità", "EN 16798-1"],
            "dct:accrualPeriodicity": {"@id": "http://publications.europa.eu/resource/authority/frequency/HOURLY"},
        }
    )
    distribution = metadata["dcat:distribution"][0]
    distribution["dct:title"] = {"@value": "Qualità dell'aria, medie orarie (CSV)", "@language": "it"}
    distribution["dct:description"] = {
        "@value": "CSV UTF-8, separatore virgola, una riga per ora, sala e grandezza; intestazione nella prima riga.",
        "@language": "it",
    }
    return metadata
