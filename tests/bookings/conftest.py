"""A small hub in Cesena to book in: open every day 09:00–13:00 and 14:00–19:00,
a coworking room with four seats (bookable whole too) and a meeting room booked whole only.

Everything is created in the rolled-back test transaction (the `db` fixture).
"""

from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from psycopg2.extras import DateTimeTZRange

from src.bookings.models import Booking
from src.common.time import ROME, local_today
from src.hubs.models import Hub, HubOperator, OpeningHours, Seat, Space
from tenants.identity.models import Role
from tests.fixtures import UserFactory


def at(day, hhmm: str) -> datetime:
    """An aware datetime: `hhmm` on `day` in Rome."""
    return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=ROME)


def period(day, start: str, end: str) -> DateTimeTZRange:
    return DateTimeTZRange(at(day, start), at(day, end))


def build_hub(slug="hub-test", *, seats=4, published=True) -> Hub:
    hub = Hub.objects.create(slug=slug, name=f"Hub {slug}", address="Via Roma 1", town="Cesena", is_published=published)
    for weekday in range(7):
        OpeningHours.objects.create(hub=hub, weekday=weekday, opens=time(9), closes=time(13))
        OpeningHours.objects.create(hub=hub, weekday=weekday, opens=time(14), closes=time(19))
    cowork = Space.objects.create(hub=hub, name="Coworking", kind="coworking", capacity=seats, bookable_whole=True)
    for n in range(1, seats + 1):
        Seat.objects.create(space=cowork, label=f"P{n}")
    Space.objects.create(hub=hub, name="Riunioni", kind="meeting", capacity=8, bookable_whole=True)
    return hub


@pytest.fixture
def in_cesena(cesena):
    connection.set_tenant(cesena)
    yield cesena
    connection.set_schema_to_public()


@pytest.fixture
def in_sarsina(sarsina):
    connection.set_tenant(sarsina)
    yield sarsina
    connection.set_schema_to_public()


@pytest.fixture
def hub(in_cesena):
    return build_hub()


@pytest.fixture
def cowork(hub):
    return hub.spaces.get(name="Coworking")


@pytest.fixture
def meeting(hub):
    return hub.spaces.get(name="Riunioni")


@pytest.fixture
def seats(cowork):
    return list(cowork.seats.order_by("label"))


@pytest.fixture
def tomorrow():
    return local_today() + timedelta(days=1)


@pytest.fixture
def cesena_operator(hub, cesena):
    user = UserFactory(email="operatore.cesena@example.org")
    Role.objects.create(user=user, kind=Role.Kind.OPERATOR, municipality=cesena)
    HubOperator.objects.create(hub=hub, user=user)
    return user


def raw_booking(*, person, space, seat, start, end, state="confirmed", code="RAWRAW00"):
    """Insert with plain SQL, past every service check: the database alone must refuse overlaps."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bookings_booking (code, person_id, hub_id, space_id, seat_id, period, state, channel, created_at)"
            " VALUES (%s, %s, %s, %s, %s, tstzrange(%s, %s, '[)'), %s, 'web', now())",
            [code, person.pk, space.hub_id, space.pk, seat.pk if seat else None, start, end, state],
        )


def states(bookings: list[Booking]) -> list[str]:
    return [Booking.objects.get(pk=b.pk).state for b in bookings]
