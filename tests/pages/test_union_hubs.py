"""The union's page of every hub: one SQL query across the comuni's schemas, filtered by GET."""

from datetime import datetime, time, timedelta

import pytest
from django_tenants.utils import tenant_context

from src.common.time import ROME, local_today
from src.hubs.models import SpecialOpening
from src.hubs.selectors import hub_is_open
from tenants.union.hub_directory import hub_map, union_hubs
from tests.conftest import page_text
from tests.pages.builders import ALL_WEEK, add_closure, add_desk, build_hub


@pytest.fixture
def two_comuni_hubs(cesena, sarsina):
    with tenant_context(cesena):
        hub = build_hub(
            "hub-cesena", "Hub di Cesena", town="Cesena", latitude="44.139000", longitude="12.246000", hours=ALL_WEEK
        )
        add_desk(hub, "Sportello Energia", kind="energia")
        build_hub("hub-bozza", "Hub in bozza", town="Cesena", published=False, hours=ALL_WEEK)
    with tenant_context(sarsina):
        # No opening hours: never open.
        hub = build_hub("hub-sarsina", "Hub di Sarsina", town="Sarsina", latitude="43.919000", longitude="12.143000")
        add_desk(hub, "Sportello Facile", kind="sportello_facile")


def test_lists_the_hubs_of_every_comune_on_a_map(union_client, two_comuni_hubs):
    response = union_client.get("/hub/")
    assert response.status_code == 200
    text, html = page_text(response), response.content.decode()
    assert "Hub di Cesena" in text and "Hub di Sarsina" in text
    assert "Hub in bozza" not in text
    assert "http://cesena.localhost/hub/hub-cesena/" in html
    assert "http://sarsina.localhost/hub/hub-sarsina/" in html
    assert "<svg" in html and html.count('class="hub-map__point') == 2
    assert "Servizi: Sportello Energia" in text


def test_filters_by_comune(union_client, two_comuni_hubs):
    text = page_text(union_client.get("/hub/", {"comune": "sarsina"}))
    assert "Hub di Sarsina" in text and "Hub di Cesena" not in text
    assert "1 hub trovato" in text


def test_filters_by_open_now(union_client, two_comuni_hubs):
    text = page_text(union_client.get("/hub/", {"aperto": "1"}))
    assert "Hub di Cesena" in text and "Hub di Sarsina" not in text


def test_filters_by_service(union_client, two_comuni_hubs):
    text = page_text(union_client.get("/hub/", {"servizio": "sportello_facile"}))
    assert "Hub di Sarsina" in text and "Hub di Cesena" not in text


def test_an_unknown_filter_value_is_ignored_with_a_message(union_client, two_comuni_hubs):
    text = page_text(union_client.get("/hub/", {"comune": "atlantide"}))
    assert "Un filtro non era valido" in text
    assert "Hub di Cesena" in text and "Hub di Sarsina" in text


def test_union_home_links_to_the_hubs_page(union_client):
    assert 'href="/hub/"' in union_client.get("/").content.decode()


def test_open_now_in_sql_agrees_with_the_selector(cesena):
    """The union page computes "open now" in SQL; it must say what hub_is_open says."""
    monday = local_today() - timedelta(days=local_today().weekday()) + timedelta(days=7)
    with tenant_context(cesena):
        split = build_hub(
            "orari-spezzati", "Orari spezzati", town="Cesena", hours={0: [("09:00", "13:00"), ("14:30", "18:00")]}
        )
        closed = build_hub("chiuso-lunedi", "Chiuso per ferie", town="Cesena", hours={0: [("09:00", "18:00")]})
        add_closure(closed, monday, reason="Ferie")
        special = build_hub("apertura-speciale", "Apertura speciale", town="Cesena", hours={0: [("09:00", "18:00")]})
        SpecialOpening.objects.create(hub=special, date=monday, opens=time(20), closes=time(23))
        future = build_hub(
            "non-ancora",
            "Non ancora aperto",
            town="Cesena",
            hours={0: [("09:00", "18:00")]},
            opened_on=monday + timedelta(days=1),
        )
        hubs = [split, closed, special, future]
        moments = [
            datetime.combine(monday, time(h, m), tzinfo=ROME)
            for h, m in ((8, 59), (9, 0), (13, 0), (14, 30), (17, 59), (18, 0), (21, 0))
        ]
        for at in moments:
            expected = {hub.slug for hub in hubs if hub_is_open(hub, at)}
            from_sql = {row.slug for row in union_hubs(comune_slug="cesena", open_only=True, at=at)}
            assert from_sql == expected, at


def test_the_union_reads_opening_hours_in_the_selectors_time_zone():
    # tenants/ keeps its own copy of the zone (it imports no src/ selectors): the same one.
    from tenants.comuni.clock import ROME as UNION_ROME

    assert UNION_ROME is ROME


def test_map_projection_keeps_north_up_and_east_right():
    class Point:
        def __init__(self, number, lat, lon):
            self.number, self.latitude, self.longitude = number, lat, lon

    north_west, south_east = Point(1, 44.2, 12.0), Point(2, 43.8, 12.3)
    drawn = hub_map([north_west, south_east])
    a, b = drawn.points
    assert a.y < b.y and a.x < b.x
    assert all(0 < p.x < drawn.width and 0 < p.y < drawn.height for p in drawn.points)
    assert hub_map([Point(1, None, None)]) is None


def test_no_map_without_coordinates_but_the_list_is_there(union_client, cesena):
    with tenant_context(cesena):
        build_hub("senza-coordinate", "Hub senza coordinate", town="Cesena")
    html = union_client.get("/hub/").content.decode()
    assert "Hub senza coordinate" in html and "hub-map__svg" not in html
