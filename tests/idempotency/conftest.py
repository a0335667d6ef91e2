"""A hub to book in Cesena and one in Sarsina, a desk and an event in Cesena; requests carry an Idempotency-Key."""

import json
from datetime import timedelta

import pytest
from django.db import connection

from src.common.time import local_today
from tests.appointments.conftest import make_desk
from tests.bookings.conftest import at, build_hub
from tests.events.conftest import make_event


def place(space, seat, day, start="10:00", end="11:00") -> dict:
    return {
        "space": space.pk,
        "seat": seat.pk if seat else None,
        "start": at(day, start).isoformat(),
        "end": at(day, end).isoformat(),
    }


def post(client, path, body=None, *, key=None):
    headers = {"Idempotency-Key": key} if key is not None else {}
    data = json.dumps(body) if body is not None else None
    return client.post(path, data=data, content_type="application/json", headers=headers)


@pytest.fixture
def tomorrow():
    return local_today() + timedelta(days=1)


@pytest.fixture
def cowork(cesena):
    connection.set_tenant(cesena)
    space = build_hub("idem").spaces.get(name="Coworking")
    yield space
    connection.set_schema_to_public()


@pytest.fixture
def seat(cowork):
    return cowork.seats.order_by("label").first()


@pytest.fixture
def sarsina_place(sarsina, tomorrow):
    """The body of a booking in Sarsina: ids are per schema, so it may well equal one in Cesena."""
    connection.set_tenant(sarsina)
    space = build_hub("idem-sarsina").spaces.get(name="Coworking")
    body = place(space, space.seats.order_by("label").first(), tomorrow)
    connection.set_schema_to_public()
    return body


@pytest.fixture
def desk(cesena):
    return make_desk(cesena)


@pytest.fixture
def event(cesena):
    return make_event(cesena)
