"""A hub named like a spreadsheet formula reaches every CSV as text, never as a live formula."""

import csv
import io
import re

from django_tenants.utils import tenant_context

from src.hubs.models import Hub
from tenants.reporting.csv_export import neutralise
from tests.conftest import host_client

FEB = "periodo=month&data=2026-02-01"
HOSTILE = '=HYPERLINK("http://example.org/x","Clicca")'


def _cells(response) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for cell in row]


def test_every_formula_start_is_neutralised():
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert neutralise(f"{start}1+1") == f"'{start}1+1"
    assert neutralise("Hub Cesena") == "Hub Cesena"
    assert neutralise(-3) == -3 and neutralise(12.5) == 12.5
    assert neutralise(None) == ""


def test_a_formula_like_hub_name_is_text_in_every_csv(union_data, union_staff, cesena):
    with tenant_context(cesena):
        Hub.objects.filter(pk=union_data["cesena_hub"]).update(name=HOSTILE)
    client = host_client("localhost", union_staff)
    html = client.get(f"/statistiche/?{FEB}").content.decode()
    links = sorted(set(re.findall(r'href="(/statistiche/csv/[\w-]+/\?[^"]+)"', html)))
    seen = False
    for link in links:
        cells = _cells(client.get(link.replace("&amp;", "&")))
        assert not any(cell.startswith(("=", "+", "@")) for cell in cells), link
        seen = seen or f"'{HOSTILE}" in cells
    assert seen, "the hub's name appears, neutralised, in at least one table"
    open_data = _cells(host_client("localhost").get("/statistiche/open-data/utilizzo-hub-mensile.csv"))
    assert not any(cell.startswith(("=", "+", "@")) for cell in open_data)
