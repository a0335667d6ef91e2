"""Instants in API input: ISO 8601 with an offset, one shared field (src/common/fields.AwareDateTimeField).

A date and time without offset was taken as Rome's wall clock; on the nights the clocks
change that names no instant or two, so it is now a 400 that says what to add.
"""

import pytest

from src.bookings.models import Booking
from tests.api_input.conftest import refusal, send
from tests.conftest import host_client

NAIVE_MESSAGE = "Data e ora senza fuso orario: indica il fuso orario, per esempio +01:00."


def booking_body(place, start, end):
    return {"space": place["space"].pk, "start": start, "end": end}


@pytest.mark.parametrize("path", ["/api/v1/bookings/", "/api/v1/waitlist/"])
def test_a_booking_period_without_offset_is_a_400(signed_in, place, path):
    text = refusal(send(signed_in, path, booking_body(place, "2030-01-08T10:00:00", "2030-01-08T11:00:00")))
    assert NAIVE_MESSAGE in text and '"start"' in text and '"end"' in text
    assert not Booking.objects.exists()


def test_an_appointment_without_offset_is_a_400(anonymous, place):
    body = {
        "desk": place["desk"].pk,
        "start": "2030-01-08T09:30:00",
        "topic": "SPID e CIE",
        "applicant_name": "Anna Rossi",
        "email": "anna@example.org",
    }
    assert NAIVE_MESSAGE in refusal(send(anonymous, "/api/v1/appointments/", body))


def test_a_walk_in_without_offset_is_a_400(place, cesena_admin):
    client = host_client("cesena.localhost", cesena_admin)
    body = {**booking_body(place, "2030-01-08T10:00", "2030-01-08T11:00"), "hub": place["hub"].pk, "email": "a@b.it"}
    assert NAIVE_MESSAGE in refusal(send(client, "/api/v1/front-desk/bookings/", body))


def test_the_message_speaks_english_too(signed_in, place):
    body = booking_body(place, "2030-01-08T10:00:00", "2030-01-08T11:00:00+01:00")
    response = send(signed_in, "/api/v1/bookings/", body, HTTP_ACCEPT_LANGUAGE="en")
    assert "Date and time without a time zone: give the time zone, for example +01:00." in refusal(response)


@pytest.mark.parametrize(
    "start, end",
    [
        ("9999-12-31T23:00:00+00:00", "9999-12-31T23:30:00+00:00"),
        ("9999-12-31T23:00:00-05:00", "9999-12-31T23:30:00-05:00"),  # beyond year 9999 in UTC
        ("0001-01-01T00:00:00+01:00", "0001-01-01T01:00:00+01:00"),
        ("2100-01-01T10:00:00+01:00", "2100-01-01T11:00:00+01:00"),
    ],
)
def test_instants_out_of_range_are_a_400(signed_in, place, start, end):
    refusal(send(signed_in, "/api/v1/bookings/", booking_body(place, start, end)))


def test_an_appointment_in_year_9999_is_a_400_not_a_500(anonymous, place):
    body = {
        "desk": place["desk"].pk,
        "start": "9999-12-31T09:30:00+01:00",
        "topic": "SPID e CIE",
        "applicant_name": "Anna Rossi",
        "email": "anna@example.org",
    }
    assert "Indica una data tra il 01/01/2000 e il 31/12/2099." in refusal(
        send(anonymous, "/api/v1/appointments/", body)
    )


def test_with_an_offset_the_instant_is_taken_as_sent(signed_in, place):
    from datetime import UTC, datetime, timedelta

    from src.common.time import local_today

    day = local_today() + timedelta(days=1)
    start = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)  # 10:00 or 11:00 in Rome
    body = booking_body(place, start.isoformat().replace("+00:00", "Z"), (start + timedelta(hours=1)).isoformat())
    response = send(signed_in, "/api/v1/bookings/", body)
    assert response.status_code == 201, response.content
    from django_tenants.utils import schema_context

    with schema_context("cesena"):
        period = Booking.objects.get(code=response.json()["code"]).period
    assert (period.lower, period.upper) == (start, start + timedelta(hours=1))
