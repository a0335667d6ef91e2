"""Open data: public, monthly per hub, DCAT-AP_IT metadata, no personal data, small cells suppressed."""

import csv
import io
import json

from django_tenants.utils import tenant_context

from src.hubs.models import Space
from tests.conftest import host_client
from tests.fixtures import UserFactory
from tests.reporting.conftest import book, feb


def _rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def _february(rows, hub):
    return next(r for r in rows if r["mese"] == "2026-02" and r["hub"] == hub)


def test_open_data_csv_is_public_and_suppresses_small_cells(union_data, cesena):
    # Five more people in Cesena's coworking in February: 3 + 5 = 8 people, enough to publish.
    with tenant_context(cesena):
        cowork = Space.objects.get(hub_id=union_data["cesena_hub"], name="Coworking")
        seat = cowork.seats.get(label="P4")
        for n in range(5):
            book(UserFactory(email=f"extra{n}@example.org"), cowork, feb(18 + n), "09:00", "13:00", "completed", seat)

    response = host_client("localhost").get("/statistiche/open-data/utilizzo-hub-mensile.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'rel="license"' in response["Link"] and "creativecommons.org/licenses/by/4.0" in response["Link"]
    rows = _rows(response)

    cesena_feb = _february(rows, "Hub Cesena")
    # 6 February bookings + 5 = 11; people 8 >= 5: published.
    assert cesena_feb["prenotazioni"] == "11"
    assert cesena_feb["persone_distinte"] == "8"
    assert cesena_feb["codice_istat_comune"] == "040007"
    # Occupancy: (26 + 5 x 4) / 916 = 5.0 %.
    assert cesena_feb["tasso_occupazione_pct"] == "5.0"
    # Desk appointments not cancelled: 3 (< 5), suppressed; the row says so.
    assert cesena_feb["appuntamenti_sportelli"] == ""
    assert cesena_feb["dati_soppressi"] == "si"

    sarsina_feb = _february(rows, "Hub Sarsina")
    # Three people in Sarsina in February: every count about people is left empty.
    for column in ("prenotazioni", "ore_prenotate", "tasso_occupazione_pct", "persone_distinte", "presenze_eventi"):
        assert sarsina_feb[column] == "", column
    assert sarsina_feb["eventi"] == "1"  # the programme is public, not personal
    assert sarsina_feb["dati_soppressi"] == "si"

    # Nothing personal anywhere in the file.
    content = response.content.decode()
    for personal in ("@", "Anna", "Bruno", "Rossi", "Mario", "BNCMRA80A01C573X", "extra0"):
        assert personal not in content
    assert set(rows[0]) == {
        "mese",
        "codice_istat_comune",
        "comune",
        "hub",
        "prenotazioni",
        "prenotazioni_annullate",
        "mancate_presentazioni",
        "ore_prenotate",
        "tasso_occupazione_pct",
        "persone_distinte",
        "appuntamenti_sportelli",
        "eventi",
        "presenze_eventi",
        "dati_soppressi",
    }


def test_dcat_ap_it_metadata(db):
    response = host_client("localhost").get("/statistiche/open-data/utilizzo-hub-mensile.jsonld")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    data = json.loads(response.content)
    assert "dcatapit:Dataset" in data["@type"]
    assert data["dct:publisher"]["foaf:name"] == "Unione Valle del Savio"
    assert data["dct:license"]["@id"] == "https://creativecommons.org/licenses/by/4.0/"
    assert data["dct:accrualPeriodicity"]["@id"].endswith("/frequency/MONTHLY")
    assert data["dcat:theme"][0]["@id"].startswith("http://publications.europa.eu/resource/authority/data-theme/")
    assert data["dct:modified"]["@type"] == "xsd:date"
    distribution = data["dcat:distribution"][0]
    assert distribution["dcat:downloadURL"]["@id"].endswith("/statistiche/open-data/utilizzo-hub-mensile.csv")
    assert distribution["dct:format"]["@id"].endswith("/file-type/CSV")
    assert distribution["dct:license"]["@id"] == data["dct:license"]["@id"]


def test_open_data_page_and_api(union_data):
    page = host_client("localhost").get("/statistiche/open-data/")
    assert page.status_code == 200
    assert '<script type="application/ld+json" nonce="' in page.content.decode()  # the CSP's nonce
    api = host_client("localhost").get("/api/v1/reports/open-data/")
    assert api.status_code == 200
    assert any(row["hub"] == "Hub Mercato Saraceno" for row in api.json()["rows"])
