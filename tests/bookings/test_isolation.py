"""A Sarsina booking is invisible and unchangeable from Cesena, by page and by API."""

import json

import pytest
from django.db import connection

from src.bookings.models import Booking
from src.bookings.services import booking_create
from tests.bookings.conftest import build_hub, period
from tests.conftest import host_client


@pytest.fixture
def sarsina_booking(sarsina, cesena, citizen, tomorrow):
    """The same citizen books in Sarsina; Cesena has a hub too (ids may coincide across schemas)."""
    connection.set_tenant(sarsina)
    hub = build_hub("hub-sarsina")
    space = hub.spaces.get(name="Coworking")
    booking = booking_create(
        person=citizen, space=space, seat=space.seats.first(), period=period(tomorrow, "10:00", "11:00"), channel="web"
    )
    connection.set_tenant(cesena)
    build_hub("hub-cesena")
    connection.set_schema_to_public()
    return booking


def test_pages_of_cesena_do_not_show_or_touch_it(sarsina_booking, citizen, sarsina):
    cesena = host_client("cesena.localhost", citizen)
    assert sarsina_booking.code not in cesena.get("/prenotazioni/").content.decode()
    assert cesena.get(f"/prenotazioni/{sarsina_booking.code}/").status_code == 404
    assert cesena.post(f"/prenotazioni/{sarsina_booking.code}/annulla/").status_code == 404
    assert cesena.post(f"/prenotazioni/{sarsina_booking.code}/check-in/").status_code == 404
    # Sarsina's own pages show it.
    sarsina_client = host_client("sarsina.localhost", citizen)
    assert sarsina_booking.code in sarsina_client.get("/prenotazioni/").content.decode()
    connection.set_tenant(sarsina)
    assert Booking.objects.get(pk=sarsina_booking.pk).state == "confirmed"


def test_api_of_cesena_does_not_show_or_touch_it(sarsina_booking, citizen, sarsina, cesena_admin):
    cesena = host_client("cesena.localhost", citizen)
    assert cesena.get("/api/v1/bookings/").json() == []
    assert cesena.get(f"/api/v1/bookings/{sarsina_booking.code}/").status_code == 404
    assert cesena.post(f"/api/v1/bookings/{sarsina_booking.code}/cancel/").status_code == 404
    # Not even Cesena's administrator at Cesena's front desk.
    admin = host_client("cesena.localhost", cesena_admin)
    connection.set_tenant(sarsina)
    sarsina_hub_id = sarsina_booking.hub_id
    connection.set_schema_to_public()
    response = admin.post(
        "/api/v1/front-desk/check-in/",
        data=json.dumps({"code": sarsina_booking.code, "hub": sarsina_hub_id}),
        content_type="application/json",
    )
    assert response.status_code in (400, 404)
    assert admin.post(f"/api/v1/front-desk/bookings/{sarsina_booking.code}/no-show/").status_code == 404
    assert host_client("sarsina.localhost", citizen).get("/api/v1/bookings/").json()[0]["code"] == sarsina_booking.code
    connection.set_tenant(sarsina)
    assert Booking.objects.get(pk=sarsina_booking.pk).state == "confirmed"


def test_cesena_administrator_cannot_change_sarsina_policy(sarsina, cesena_admin):
    admin = host_client("sarsina.localhost", cesena_admin)
    response = admin.patch(
        "/api/v1/booking-policy/", data=json.dumps({"slot_minutes": 30}), content_type="application/json"
    )
    assert response.status_code == 403
