"""What the sensors' data looks like to people: the kiosk, the occupancy page for staff, the
SensorThings API, the union's report and open data; and that no comune sees another's."""

import csv
import io
import json
from datetime import datetime, time, timedelta

from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from src.bookings.services.booking import booking_create
from src.hubs.models import HubOperator, OpeningHours
from src.sensors.selectors import co2_category
from tenants.identity.models import Role
from tests.conftest import host_client, page_text
from tests.hubs.factories import make_hub, make_space
from tests.sensors.factories import hours_of, make_sensor
from tests.signin import sign_in_staff


def _mid_last_month():
    first = timezone.localdate().replace(day=1)
    return (first - timedelta(days=20)).replace(day=15)


def _air_hub(municipality, slug="aria-test", *, published=True, last=None, end=None):
    with tenant_context(municipality):
        hub = make_hub(
            slug=slug, name=f"Hub {municipality.name}", published=published, latitude="44.139", longitude="12.243"
        )
        space = make_space(hub, "Sala grande", seats=4)
        co2 = make_sensor(space, "co2", device_id=f"{municipality.slug}-co2-{slug}")
        people = make_sensor(space, "people", device_id=f"{municipality.slug}-people-{slug}")
        now = timezone.now()
        if last is not None:
            for sensor, value in ((co2, last), (people, 1)):
                sensor.last_value, sensor.last_time = value, now - timedelta(minutes=1)
                sensor.save()
        hours_of(co2, [700, 900, 1150, 1300, 980, 820], end=end)
        return hub, space, co2


def test_en_16798_categories_and_the_alert_line():
    assert [co2_category(v).code for v in (600, 950, 951, 1200, 1750, 2500)] == ["I", "I", "II", "II", "III", "IV"]
    assert [co2_category(v).above_line for v in (999, 1000, 1001)] == [False, False, True]


def test_the_kiosk_draws_the_last_24_hours_against_the_alert_line(cesena):
    hub, space, co2 = _air_hub(cesena, last=1240)
    response = host_client("cesena.localhost").get(f"/hub/{hub.slug}/aria/")
    body = response.content.decode()
    text = page_text(response)
    assert "1240 ppm" in text and "Categoria III" in text
    assert "stroke-dasharray" in body  # the 1000 ppm line
    assert "1000 ppm" in text
    assert "<script>" not in body and "style=" not in body and " on" + "load=" not in body
    # The hourly values are there for who cannot see the chart.
    assert "1150" in text and "1300" in text


def test_a_draft_hubs_kiosk_does_not_exist(cesena):
    hub, _space, _co2 = _air_hub(cesena, slug="bozza", published=False)
    assert host_client("cesena.localhost").get(f"/hub/{hub.slug}/aria/").status_code == 404


def test_staff_see_people_counted_beside_seats_booked(cesena, make_user):
    hub, space, _co2 = _air_hub(cesena, last=700)
    operator, other = make_user(), make_user()
    for person in (operator, other):
        Role.objects.create(user=person, kind=Role.Kind.OPERATOR, municipality=cesena)
    connection.set_tenant(cesena)
    for weekday in range(7):
        OpeningHours.objects.create(hub=hub, weekday=weekday, opens="00:00", closes="23:59")
    HubOperator.objects.create(hub=hub, user=operator)
    now = timezone.now()
    seats = list(space.seats.order_by("label"))
    start = now.replace(minute=0, second=0, microsecond=0)
    for person, seat in zip((make_user(), make_user(), make_user()), seats):
        booking_create(
            person=person,
            space=space,
            seat=seat,
            period=(start, start + timedelta(hours=1)),
            channel="web",
            notify=False,
            now=start - timedelta(hours=2),
        )
    connection.set_schema_to_public()
    page = sign_in_staff(host_client("cesena.localhost"), operator).get(f"/accoglienza/{hub.slug}/presenze/")
    assert page.status_code == 200
    text = page_text(page)
    assert "Sala grande 1 3 0 2" in text  # 1 person counted, 3 booked, none checked in: 2 possible ghosts
    assert "Misure accettate: 0." in text  # the comune's ingestion counters
    refused = sign_in_staff(host_client("cesena.localhost"), other).get(f"/accoglienza/{hub.slug}/presenze/")
    assert refused.status_code == 403


def test_sensorthings_api_reads_the_hourly_aggregates(cesena):
    hub, space, co2 = _air_hub(cesena)
    client = host_client("cesena.localhost")
    things = client.get("/api/v1/sensorthings/v1.1/Things").json()
    assert things["@iot.count"] == 1
    [thing] = things["value"]
    assert thing["@iot.id"] == space.pk and thing["Locations"][0]["location"]["coordinates"] == [12.243, 44.139]
    streams = client.get(f"/api/v1/sensorthings/v1.1/Things({space.pk})/Datastreams").json()
    assert {d["ObservedProperty"]["name"] for d in streams["value"]} == {"co2", "people"}
    observations = client.get(f"/api/v1/sensorthings/v1.1/Datastreams({co2.pk})/Observations?$top=2").json()
    assert observations["@iot.count"] == 6
    assert [o["result"] for o in observations["value"]] == [820, 980]  # newest first
    assert observations["value"][0]["parameters"] == {"count": 4, "min": 810, "max": 830}
    assert "$skip=2" in observations["@iot.nextLink"]
    bad = client.get(f"/api/v1/sensorthings/v1.1/Datastreams({co2.pk})/Observations?$top=lots")
    assert bad.status_code == 400 and bad.json()["code"]
    assert client.get("/api/v1/sensorthings/v1.1/Datastreams(999999)").status_code == 404


def test_another_comunes_sensors_are_not_in_this_comunes_api_or_pages(cesena, sarsina):
    _hub, _space, co2 = _air_hub(cesena, slug="solo-cesena", last=700)
    sarsina_client = host_client("sarsina.localhost")
    assert sarsina_client.get("/api/v1/sensorthings/v1.1/Things").json()["@iot.count"] == 0
    assert sarsina_client.get(f"/api/v1/sensorthings/v1.1/Datastreams({co2.pk})").status_code == 404
    assert sarsina_client.get(f"/api/v1/sensorthings/v1.1/Datastreams({co2.pk})/Observations").status_code == 404
    assert sarsina_client.get("/hub/solo-cesena/aria/").status_code == 404


def test_draft_hubs_sensors_are_not_published(cesena):
    _air_hub(cesena, slug="bozza-api", published=False)
    assert host_client("cesena.localhost").get("/api/v1/sensorthings/v1.1/Things").json()["@iot.count"] == 0


def test_the_union_dashboard_shows_hours_above_the_line_per_hub_and_month(cesena, sarsina, union_staff):
    day = _mid_last_month()
    noon = timezone.make_aware(datetime.combine(day, time(12)))
    _air_hub(cesena, end=noon)
    _air_hub(sarsina, end=noon)
    client = sign_in_staff(host_client("localhost"), union_staff)
    response = client.get(f"/statistiche/?periodo=month&data={day.isoformat()}")
    assert response.status_code == 200
    rows = response.context["air_rows"]
    hours = {(item["row"].comune, item["row"].hub): item["row"] for item in rows}
    # Two hours above 1000 ppm (1150, 1300) of six, in each comune.
    assert [(r.hours_above, r.hours_measured, r.peak) for r in hours.values()] == [(2, 6, 1310), (2, 6, 1310)]
    assert set(hours) == {("Cesena", "Hub Cesena"), ("Sarsina", "Hub Sarsina")}
    assert "Qualità dell'aria negli hub" in page_text(response)


def test_the_open_data_csv_and_its_dcat_ap_it_metadata(cesena):
    day = _mid_last_month()
    _air_hub(cesena, end=timezone.make_aware(datetime.combine(day, time(12))))
    month = day.strftime("%Y-%m")
    client = host_client("localhost")
    response = client.get(f"/statistiche/open-data/qualita-aria-oraria.csv?mese={month}")
    assert response.status_code == 200 and "creativecommons.org/licenses/by/4.0" in response["Link"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    co2 = [r for r in rows if r["grandezza"] == "co2"]
    assert {r["comune"] for r in co2} == {"Cesena"} and {r["unita"] for r in co2} == {"ppm"}
    assert [float(r["media"]) for r in co2] == [700, 900, 1150, 1300, 980, 820]
    # The last complete month is the default.
    assert client.get("/statistiche/open-data/qualita-aria-oraria.csv").content == response.content
    metadata = json.loads(client.get("/statistiche/open-data/qualita-aria-oraria.jsonld").content)
    assert metadata["dct:license"]["@id"] == "https://creativecommons.org/licenses/by/4.0/"
    assert metadata["dct:identifier"].endswith(":qualita-aria-oraria")
    assert metadata["dcat:distribution"][0]["dcat:mediaType"] == "text/csv"
    assert client.get("/statistiche/open-data/qualita-aria-oraria.csv?mese=ieri").status_code == 400
    for month in ("9999-12", "0001-01", "99999999999999999999-01"):  # past the years kept, past any integer
        refused = client.get(f"/statistiche/open-data/qualita-aria-oraria.csv?mese={month}")
        assert refused.status_code == 400 and "AAAA-MM" in refused.content.decode(), month
    assert "qualita-aria-oraria.csv" in client.get("/statistiche/open-data/").content.decode()
