"""Who sees what: union dashboard, comune dashboards, CSV downloads and the reports API."""

import csv
import io
import re

import pytest

from tests.conftest import host_client, page_text

FEB = "periodo=month&data=2026-02-01"


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_union_dashboard_shows_the_comuni_side_by_side(union_data, union_staff):
    response = host_client("localhost", union_staff).get(f"/statistiche/?{FEB}")
    assert response.status_code == 200
    text = page_text(response)
    for name in ("Cesena", "Sarsina", "Mercato Saraceno"):
        assert name in text
    assert "Febbraio 2026, a confronto con gennaio 2026" in text  # months in lower case, capitalised at the start
    html = response.content.decode()
    # Every chart has a canvas and is described by the table right after it.
    canvases = re.findall(r'<canvas id="chart-([\w-]+)"[^>]*aria-describedby="caption-([\w-]+)"', html)
    assert len(canvases) >= 8
    for _chart, table in canvases:
        assert f'<table class="table table-sm table-striped" id="table-{table}">' in html
        assert f'<caption id="caption-{table}">' in html
    # Chart.js from our own static files, no CDN.
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert "/static/reporting/vendor/chart.umd.min.js" in scripts
    assert all(src.startswith("/static/") for src in scripts)
    # Source and year of the emission factor are stated on the page.
    assert "163 g CO2/km" in text and "ISPRA" in text and "2021" in text


def test_union_dashboard_is_for_union_staff_only(union_data, cesena_admin):
    anonymous = host_client("localhost").get("/statistiche/")
    assert anonymous.status_code == 302 and "/account/" in anonymous["Location"]
    refused = host_client("localhost", cesena_admin).get("/statistiche/")
    assert refused.status_code == 403
    assert "riservate allo staff dell'Unione" in page_text(refused)


def test_every_table_downloads_as_csv(union_data, union_staff):
    client = host_client("localhost", union_staff)
    html = client.get(f"/statistiche/?{FEB}").content.decode()
    links = sorted(set(re.findall(r'href="(/statistiche/csv/[\w-]+/\?[^"]+)"', html)))
    assert len(links) >= 10
    for link in links:
        response = client.get(link.replace("&amp;", "&"))
        assert response.status_code == 200, link
        assert response["Content-Type"].startswith("text/csv")
        rows = _csv(response)
        assert rows and rows[0]
    comuni = _csv(client.get(f"/statistiche/csv/comuni/?{FEB}"))
    header, cesena = comuni[0], next(r for r in comuni if r[0] == "Cesena")
    assert cesena[header.index("Prenotazioni")] == "6"
    assert client.get("/statistiche/csv/nessuna/").status_code == 404


def test_filters_by_comune_and_hub(union_data, union_staff):
    client = host_client("localhost", union_staff)
    response = client.get(f"/statistiche/?{FEB}&comune=sarsina")
    assert 'data-kpi="bookings">4<' in response.content.decode()
    hub = f"cesena:{union_data['cesena_hub']}"
    response = client.get(f"/statistiche/?{FEB}&hub={hub}")
    assert 'data-kpi="bookings">6<' in response.content.decode()
    bad = client.get("/statistiche/?periodo=anno&comune=atlantide")
    assert bad.status_code == 200
    assert "Periodo non valido" in page_text(bad) and "Comune non disponibile" in page_text(bad)


def test_dates_and_hubs_past_any_range_fall_back_and_say_so(union_data, union_staff, cesena_admin):
    """A day of year 9999 or 1 (its period would end or start past the calendar) and a hub id
    past a bigint: the page shows the period under way and says why, the CSV is the current
    period's, the API refuses with its JSON error."""
    client = host_client("localhost", union_staff)
    for query in ("periodo=day&data=9999-12-31", "periodo=week&data=0001-01-01", "periodo=month&data=9999-12-31"):
        page = client.get(f"/statistiche/?{query}")
        assert page.status_code == 200, query
        assert "Data non valida: mostro il periodo in corso." in page_text(page)
        assert client.get(f"/statistiche/csv/comuni/?{query}").status_code == 200, query
        api = client.get(f"/api/v1/reports/?{query}")
        assert api.status_code == 400 and "Data non valida" in api.json()["detail"], query
    for hub in ("cesena:99999999999999999999", "cesena:\u00b2"):
        page = client.get("/statistiche/", {"hub": hub})
        assert page.status_code == 200 and "Hub non valido: mostro tutti gli hub." in page_text(page)
    comune = host_client("cesena.localhost", cesena_admin).get("/statistiche/?periodo=day&data=9999-12-31")
    assert comune.status_code == 200 and "Data non valida" in page_text(comune)


def test_comune_dashboard_for_its_administrator(union_data, cesena_admin):
    response = host_client("cesena.localhost", cesena_admin).get(f"/statistiche/?{FEB}")
    assert response.status_code == 200
    text = page_text(response)
    assert "Comune di Cesena" in text and "Hub Cesena" in text
    assert "Hub Sarsina" not in text and "Mercato Saraceno" not in text
    assert 'data-kpi="bookings">6<' in response.content.decode()
    csv_rows = _csv(host_client("cesena.localhost", cesena_admin).get(f"/statistiche/csv/hub/?{FEB}"))
    assert [row[1] for row in csv_rows[1:]] == ["Hub Cesena"]


def test_cesena_administrator_cannot_see_sarsina(union_data, cesena_admin):
    client = host_client("sarsina.localhost", cesena_admin)
    page = client.get(f"/statistiche/?{FEB}")
    assert page.status_code == 403
    assert "Non hai accesso alle statistiche del Comune di Sarsina" in page_text(page)
    assert client.get(f"/statistiche/csv/comuni/?{FEB}").status_code == 403
    api = client.get(f"/api/v1/reports/?{FEB}")
    assert api.status_code == 403
    assert api.json()["detail"] == "Non hai accesso alle statistiche del Comune di Sarsina."
    # Nor through the union site's API.
    union_api = host_client("localhost", cesena_admin).get(f"/api/v1/reports/?{FEB}&comune=sarsina")
    assert union_api.status_code == 403
    assert "Sarsina" in union_api.json()["detail"]


def test_union_api_is_scoped_by_role(union_data, union_staff, cesena_admin):
    everything = host_client("localhost", union_staff).get(f"/api/v1/reports/?{FEB}").json()
    assert [c["slug"] for c in everything["meta"]["comuni"]] == ["cesena", "mercato-saraceno", "sarsina"]
    assert everything["summary"]["union"]["current"]["bookings"] == 13
    assert everything["commuting"]["union"]["current"]["km"] == 592
    own = host_client("localhost", cesena_admin).get(f"/api/v1/reports/?{FEB}").json()
    assert [c["slug"] for c in own["meta"]["comuni"]] == ["cesena"]
    assert own["summary"]["union"]["current"]["bookings"] == 6
    assert host_client("localhost").get("/api/v1/reports/").status_code == 401
    bad = host_client("localhost", union_staff).get("/api/v1/reports/?periodo=anno")
    assert bad.status_code == 400


def test_comune_api_on_the_subdomain(union_data, sarsina_admin, citizen):
    data = host_client("sarsina.localhost", sarsina_admin).get(f"/api/v1/reports/?{FEB}").json()
    assert data["summary"]["union"]["current"]["occupancy"] == pytest.approx(14 / 240)
    assert host_client("sarsina.localhost", citizen).get("/api/v1/reports/").status_code == 403


def test_many_comuni_read_the_rollups_and_say_when_they_were_refreshed(union_data, union_staff, settings):
    from datetime import date

    from tenants.reporting.rollup import rollup_refresh
    from tenants.reporting.sql.source import Window

    settings.REPORTING_LIVE_MAX_COMUNI = 2  # three comuni count as "many" here
    client = host_client("localhost", union_staff)
    # No rollups yet: still live, still right.
    assert client.get(f"/api/v1/reports/?{FEB}").json()["meta"]["source"] == "live"
    rollup_refresh(window=Window(date(2025, 1, 1), date(2026, 6, 1)))
    data = client.get(f"/api/v1/reports/?{FEB}").json()
    assert data["meta"]["source"] == "rollup"
    assert data["summary"]["union"]["current"]["bookings"] == 13
    assert "Dati dalle tabelle di riepilogo, aggiornate il" in page_text(client.get(f"/statistiche/?{FEB}"))
