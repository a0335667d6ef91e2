"""Dashboards open on the period under way, and the CO2 card compares CO2 with CO2."""

import re

from django.utils import timezone
from django.utils.formats import date_format

from tests.conftest import host_client, page_text
from tests.signin import sign_in_staff

FEB = "periodo=month&data=2026-02-01"


def test_the_dashboard_opens_on_the_current_month(cesena, cesena_admin):
    response = sign_in_staff(host_client("cesena.localhost"), cesena_admin).get("/statistiche/")
    assert response.status_code == 200
    this_month = date_format(timezone.localdate(), "F Y")
    assert page_text(response).split("a confronto con")[0].strip().endswith(this_month.capitalize() + ",")
    assert f'value="{timezone.localdate().replace(day=1):%Y-%m-%d}"' in response.content.decode()


def test_the_co2_card_shows_kg_and_its_change_in_percent_not_km(union_data, union_staff):
    html = sign_in_staff(host_client("localhost"), union_staff).get(f"/statistiche/?{FEB}").content.decode()
    card = html[html.index('data-kpi="co2"') :]
    card = card[: card.index("</div>")]
    value = re.search(r'data-kpi="co2">([^<]+)<', html).group(1)
    change = re.search(r'<p class="kpi-change">.*?</span>([^<]+)</p>', card, re.S).group(1).strip()
    assert value.endswith(" kg")
    assert change == "—" or change.endswith(" %")
    assert "km" not in change
    assert re.search(r'data-kpi-note="co2">[\d.,]+ km non percorsi<', card)
