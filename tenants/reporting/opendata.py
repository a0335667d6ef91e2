"""Open data: a monthly aggregate per hub, CSV under CC-BY 4.0, described in DCAT-AP_IT (JSON-LD).

No personal data: only counts per hub and month, and any count about people
below the threshold is left empty (with the row marked), so that a month with
one or two users cannot point at them. Computed with the same measure SQL and
the same read-only role as the dashboards.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone

from tenants.reporting.periods import Period, _add_months
from tenants.reporting.schemas import comune_schemas
from tenants.reporting.selectors import ReportQuery, report_dimensions, run, source_for
from tenants.reporting.sql import measures

# Cells counting fewer people than this are suppressed.
SUPPRESSION_THRESHOLD = 5
DATASET_SLUG = "utilizzo-hub-mensile"
LICENCE_URI = "https://creativecommons.org/licenses/by/4.0/"

COLUMNS = [
    ("mese", "Mese (AAAA-MM)"),
    ("codice_istat_comune", "Codice ISTAT del comune"),
    ("comune", "Comune"),
    ("hub", "Hub di comunità"),
    ("prenotazioni", "Prenotazioni effettuate"),
    ("prenotazioni_annullate", "Prenotazioni annullate"),
    ("mancate_presentazioni", "Mancate presentazioni"),
    ("ore_prenotate", "Ore prenotate"),
    ("tasso_occupazione_pct", "Tasso di occupazione (%)"),
    ("persone_distinte", "Persone distinte"),
    ("appuntamenti_sportelli", "Appuntamenti agli sportelli (non annullati)"),
    ("eventi", "Eventi"),
    ("presenze_eventi", "Presenze agli eventi"),
    ("dati_soppressi", "Celle soppresse per riservatezza (si/no)"),
]
PEOPLE_CELLS = (
    "prenotazioni",
    "prenotazioni_annullate",
    "mancate_presentazioni",
    "ore_prenotate",
    "tasso_occupazione_pct",
    "persone_distinte",
)


@dataclass
class OpenData:
    start: date
    end: date
    rows: list[dict]


def open_data_window(today: date | None = None, months: int | None = None) -> tuple[date, date]:
    """Complete months only (the current month is published once it is over), from January of last
    year by default: the span the nightly full rollup refresh keeps."""
    today = today or timezone.localdate()
    end = today.replace(day=1)
    start = _add_months(end, -months) if months else date(today.year - 1, 1, 1)
    return start, end


def suppressed(row: dict) -> dict:
    people = row["persone_distinte"]
    hidden = False
    if people < SUPPRESSION_THRESHOLD:
        for key in PEOPLE_CELLS:
            row[key] = None
        hidden = True
    for key in ("appuntamenti_sportelli", "presenze_eventi"):
        if row[key] is not None and 0 < row[key] < SUPPRESSION_THRESHOLD:
            row[key] = None
            hidden = True
    row["dati_soppressi"] = "si" if hidden else "no"
    return row


def open_data_monthly(*, today: date | None = None, months: int | None = None) -> OpenData:
    start, end = open_data_window(today, months)
    comuni = comune_schemas()
    query = ReportQuery(comuni=comuni, period=Period("month", start, end))
    dims = report_dimensions(query)
    source = source_for(query, start, end)
    by_schema = {c.schema: c for c in comuni}
    rows = []
    for row in run(*measures.monthly_by_hub_sql(source, start=start, end=end)):
        if not (row["open_unit_hours"] or row["bookings"] or row["appointments"] or row["events"]):
            continue  # a hub not open yet, or with nothing at all that month
        comune = by_schema[row["comune"]]
        opened = float(row["open_unit_hours"] or 0)
        rows.append(
            suppressed(
                {
                    "mese": row["month"].strftime("%Y-%m"),
                    "codice_istat_comune": comune.istat_code,
                    "comune": comune.name,
                    "hub": dims["hub"].get((row["comune"], row["hub_id"]), {}).get("name", ""),
                    "prenotazioni": int(row["bookings"]),
                    "prenotazioni_annullate": int(row["cancelled"]),
                    "mancate_presentazioni": int(row["no_show"]),
                    "ore_prenotate": round(float(row["booked_hours"]), 1),
                    "tasso_occupazione_pct": round(float(row["booked_unit_hours"]) * 100 / opened, 1)
                    if opened
                    else None,
                    "persone_distinte": int(row["people"]),
                    "appuntamenti_sportelli": int(row["appointments"]),
                    "eventi": int(row["events"]),
                    "presenze_eventi": int(row["event_attendance"]),
                }
            )
        )
    return OpenData(start=start, end=end, rows=rows)


def dcat_metadata(*, dataset_url: str, csv_url: str, page_url: str, start: date, end: date, modified: date) -> dict:
    """DCAT-AP_IT description of the dataset and its CSV distribution, as JSON-LD."""
    publisher_id = getattr(settings, "OPEN_DATA_PUBLISHER_IPA", "") or settings.UNION_DOMAIN
    union = settings.UNION_NAME
    publisher = {
        "@type": ["foaf:Agent", "dcatapit:Agent"],
        "foaf:name": union,
        "dct:identifier": publisher_id,
    }
    licence = {
        "@id": LICENCE_URI,
        "@type": ["dct:LicenseDocument", "dcatapit:LicenseDocument"],
        "dct:type": {"@id": "http://purl.org/adms/licencetype/Attribution"},
        "foaf:name": "Creative Commons Attribuzione 4.0 Internazionale (CC BY 4.0)",
    }
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "dcatapit": "http://dati.gov.it/onto/dcatapit#",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "vcard": "http://www.w3.org/2006/vcard/ns#",
            "locn": "http://www.w3.org/ns/locn#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": dataset_url,
        "@type": ["dcat:Dataset", "dcatapit:Dataset"],
        "dct:identifier": f"{publisher_id}:{DATASET_SLUG}",
        "dct:title": {"@value": f"Utilizzo mensile degli hub di comunità - {union}", "@language": "it"},
        "dct:description": {
            "@value": (
                "Per ogni mese e per ogni hub di comunità dei comuni dell'Unione: prenotazioni di postazioni e sale, "
                "annullamenti, mancate presentazioni, ore prenotate, tasso di occupazione, persone distinte, "
                "appuntamenti agli sportelli, eventi e presenze. Dati aggregati, senza dati personali: le celle "
                f"che riguardano meno di {SUPPRESSION_THRESHOLD} persone sono lasciate vuote (colonna dati_soppressi)."
            ),
            "@language": "it",
        },
        "dct:publisher": publisher,
        "dct:rightsHolder": publisher,
        "dcat:theme": [
            {"@id": "http://publications.europa.eu/resource/authority/data-theme/SOCI"},
            {"@id": "http://publications.europa.eu/resource/authority/data-theme/GOVE"},
        ],
        "dcat:keyword": ["hub di comunità", "coworking", "servizi pubblici", "sportelli", "smart working"],
        "dct:accrualPeriodicity": {"@id": "http://publications.europa.eu/resource/authority/frequency/MONTHLY"},
        "dct:language": {"@id": "http://publications.europa.eu/resource/authority/language/ITA"},
        "dct:modified": {"@value": modified.isoformat(), "@type": "xsd:date"},
        "dct:temporal": {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": {"@value": start.isoformat(), "@type": "xsd:date"},
            "dcat:endDate": {"@value": date.fromordinal(end.toordinal() - 1).isoformat(), "@type": "xsd:date"},
        },
        "dct:spatial": {"@type": "dct:Location", "locn:geographicalName": union},
        "dcat:landingPage": {"@id": page_url},
        "dcat:contactPoint": {
            "@type": ["vcard:Organization", "dcatapit:Organization"],
            "vcard:fn": union,
            "vcard:hasEmail": {
                "@id": f"mailto:{getattr(settings, 'OPEN_DATA_CONTACT_EMAIL', settings.DEFAULT_FROM_EMAIL)}"
            },
        },
        "dct:license": licence,
        "dcat:distribution": [
            {
                "@id": csv_url,
                "@type": ["dcat:Distribution", "dcatapit:Distribution"],
                "dct:title": {"@value": "Utilizzo mensile degli hub di comunità (CSV)", "@language": "it"},
                "dct:description": {
                    "@value": "CSV UTF-8, separatore virgola, una riga per mese e hub; intestazione nella prima riga.",
                    "@language": "it",
                },
                "dcat:accessURL": {"@id": csv_url},
                "dcat:downloadURL": {"@id": csv_url},
                "dct:format": {"@id": "http://publications.europa.eu/resource/authority/file-type/CSV"},
                "dcat:mediaType": "text/csv",
                "dct:license": licence,
                "dct:modified": {"@value": modified.isoformat(), "@type": "xsd:date"},
            }
        ],
    }
