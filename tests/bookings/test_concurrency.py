"""Many requests racing for one seat, each on its own thread and database connection:
exactly one wins, every other gets a clean 409 with a message, never a 500.

Threads only see committed rows, so this module uses a comune of its own
(Verghereto), created once and committed, and removes it at the end. It does
not use transactional_db: its flush would empty the public schema, comuni included.
"""

import json
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client

from src.bookings.models import Booking
from src.bookings.selectors import policy_get
from src.common.time import local_today
from tests.bookings.conftest import at, build_hub
from tests.committed import committed_remove, comune_committed, people_committed

RACERS = 12
# 100 requests for one seat through 25 threads (25 connections: CI's PostgreSQL allows 100 in all).
CROWD, CROWD_THREADS = 100, 25
EMAIL = "gara{}@example.org"


@pytest.fixture(scope="module")
def race(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        municipality = comune_committed("verghereto")
        users = people_committed(EMAIL, CROWD)
        connection.set_tenant(municipality)
        hub = build_hub("gara", seats=2)
        space = hub.spaces.get(name="Coworking")
        seat = space.seats.order_by("label").first()
        policy_get()
        connection.set_schema_to_public()
        yield municipality, space, seat, users
        # Clean up what this module committed: the comune's schema, then the accounts and their sessions.
        committed_remove(municipality, emails_like="gara%@example.org", sessions=_sessions)


_sessions: set[str] = set()


def _client(municipality, user) -> Client:
    client = Client(HTTP_HOST=f"{municipality.slug}.localhost")
    client.force_login(user)
    _sessions.add(client.session.session_key)
    return client


def _race(municipality, bodies: list[dict], users, *, threads: int | None = None, extra=None) -> list:
    """POST the bodies at the same instant from `threads` threads (one connection each, one
    request each by default); `extra`, a function of nothing, runs on one more thread at the
    same instant (a cancel racing the rebookers). Returns (status, body) per body."""
    threads = threads or len(bodies)
    barrier = threading.Barrier(threads + (1 if extra else 0))
    results: list = [None] * len(bodies)

    def run(worker):
        try:
            mine = range(worker, len(bodies), threads)
            clients = {i: _client(municipality, users[i]) for i in mine}
            barrier.wait()
            for i in mine:
                response = clients[i].post(
                    "/api/v1/bookings/", data=json.dumps(bodies[i]), content_type="application/json"
                )
                results[i] = (response.status_code, response.json())
        except Exception as exc:  # reported as a failure below, not lost in the thread
            for i in range(worker, len(bodies), threads):
                results[i] = results[i] or (0, {"detail": repr(exc)})
        finally:
            connection.close()

    def run_extra():
        try:
            barrier.wait()
            extra()
        finally:
            connection.close()

    workers = [threading.Thread(target=run, args=(w,)) for w in range(threads)]
    if extra:
        workers.append(threading.Thread(target=run_extra))
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(120)
    return results


def _body(space, seat, day):
    return {
        "space": space.pk,
        "seat": seat.pk if seat else None,
        "start": at(day, "10:00").isoformat(),
        "end": at(day, "11:00").isoformat(),
    }


def _committed_active(municipality, space) -> int:
    connection.set_tenant(municipality)
    try:
        return Booking.objects.filter(space=space, state__in=["held", "confirmed", "checked_in"]).count()
    finally:
        connection.set_schema_to_public()


def _clear(municipality):
    connection.set_tenant(municipality)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM bookings_bookingtransition; DELETE FROM bookings_booking;")
    connection.set_schema_to_public()


@pytest.fixture
def committed(race, django_db_blocker):
    """The main thread in autocommit too (not the rolled-back `db` transaction), so its clean-up sticks."""
    with django_db_blocker.unblock():
        yield race
        _clear(race[0])


def test_many_racing_for_one_seat_one_wins(committed):
    municipality, space, seat, users = committed
    day = local_today() + timedelta(days=1)
    results = _race(municipality, [_body(space, seat, day)] * CROWD, users, threads=CROWD_THREADS)
    statuses = sorted(status for status, _ in results)
    assert statuses == [201] + [409] * (CROWD - 1), results
    refusals = [body for status, body in results if status == 409]
    assert all(b["code"] == "conflict" and "è già prenotata" in b["detail"] for b in refusals), refusals
    assert _committed_active(municipality, space) == 1


def test_whole_room_and_seats_racing_one_wins(committed):
    """Half ask for the whole room, half for a seat: whole room and seat exclude each other."""
    municipality, space, seat, users = committed
    day = local_today() + timedelta(days=2)
    bodies = [_body(space, None if i % 2 else seat, day) for i in range(RACERS)]
    results = _race(municipality, bodies, users)
    statuses = sorted(status for status, _ in results)
    assert statuses == [201] + [409] * (RACERS - 1), results
    assert _committed_active(municipality, space) == 1


def test_a_cancel_racing_ten_rebookers_frees_the_seat_for_one(committed):
    """The seat's owner cancels while ten others ask for it: at most one of them gets it
    (none if every request ran before the cancel committed), the rest a 409, never a 500;
    the database ends with exactly the winners' bookings."""
    municipality, space, seat, users = committed
    day = local_today() + timedelta(days=3)
    owner = _client(municipality, users[-1])
    first = owner.post("/api/v1/bookings/", data=json.dumps(_body(space, seat, day)), content_type="application/json")
    assert first.status_code == 201, first.json()
    code = first.json()["code"]

    def cancel():
        response = owner.post(f"/api/v1/bookings/{code}/cancel/")
        assert response.status_code == 200, response.content

    results = _race(municipality, [_body(space, seat, day)] * 10, users, extra=cancel)
    statuses = [status for status, _ in results]
    assert set(statuses) <= {201, 409} and statuses.count(201) <= 1, results
    assert _committed_active(municipality, space) == statuses.count(201)
