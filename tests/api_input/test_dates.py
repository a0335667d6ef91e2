"""Days in query strings: one shared field (src/common/fields.DayField), 01/01/2000 to 31/12/2099.

`date=9999-12-31` was a 500 on availability and desk slots ("the day after" overflowed).
"""

import pytest

from src.appointments.selectors import desk_slots_by_day
from src.bookings.availability import hub_availability
from src.common.time import parse_day
from tests.api_input.conftest import refusal

RANGE_MESSAGE = "Indica una data tra il 01/01/2000 e il 31/12/2099."


def day_paths(place):
    hub, desk = place["hub"].pk, place["desk"].pk
    return [
        f"/api/v1/availability/?hub={hub}&date={{day}}",
        f"/api/v1/desks/{desk}/slots/?date={{day}}",
        f"/api/v1/desks/{desk}/slots/?date={{day}}&days=31",
        f"/api/v1/hubs/{hub}/open-intervals/?date={{day}}",
        f"/api/v1/desks/{desk}/open-intervals/?date={{day}}",
    ]


@pytest.mark.parametrize("day", ["9999-12-31", "2100-01-01", "1999-12-31", "0001-01-01"])
def test_a_day_out_of_range_is_a_400_with_a_message(anonymous, place, day):
    for path in day_paths(place):
        text = refusal(anonymous.get(path.format(day=day)))
        assert RANGE_MESSAGE in text, path


@pytest.mark.parametrize("day", ["2000-01-01", "2099-12-31"])
def test_the_ends_of_the_range_are_accepted(anonymous, place, day):
    for path in day_paths(place):
        assert anonymous.get(path.format(day=day)).status_code == 200, path


def test_the_range_message_speaks_english_too(anonymous, place):
    response = anonymous.get(f"/api/v1/availability/?hub={place['hub'].pk}&date=9999-12-31", HTTP_ACCEPT_LANGUAGE="en")
    assert "Give a date between 01/01/2000 and 31/12/2099." in refusal(response)


def test_the_front_desk_agenda_takes_the_same_field(place, cesena_admin):
    from tests.conftest import host_client

    client = host_client("cesena.localhost", cesena_admin)
    response = client.get(f"/api/v1/desks/{place['desk'].pk}/appointments/?date=9999-12-31")
    assert RANGE_MESSAGE in refusal(response)
    response = client.get(f"/api/v1/front-desk/sheet/?hub={place['hub'].pk}&date=9999-12-31")
    assert RANGE_MESSAGE in refusal(response)


def test_pages_ignore_a_day_out_of_range_and_show_today(anonymous, place):
    assert parse_day("9999-12-31") is None and parse_day("2030-05-01") is not None
    assert anonymous.get(f"/prenota/{place['hub'].slug}/?giorno=9999-12-31").status_code == 200
    anonymous.get(f"/appuntamenti/prenota/1-luogo/?sportello={place['desk'].pk}")  # the flow's first step
    for query in ("giorno=9999-12-31", "dal=9999-12-31", "dal=0001-01-01", "giorno=2100-01-01"):
        assert anonymous.get(f"/appuntamenti/prenota/2-data-e-ora/?{query}").status_code == 200, query


def test_selectors_still_answer_for_the_last_day(cesena, place):
    from datetime import date

    from django.db import connection

    connection.set_tenant(cesena)
    assert hub_availability(place["hub"], date(2099, 12, 31)).day == date(2099, 12, 31)
    assert list(desk_slots_by_day(desk=place["desk"], first_day=date(2099, 12, 31), days=31))[-1].year == 2100
