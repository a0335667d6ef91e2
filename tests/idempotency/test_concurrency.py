"""Two requests with the same Idempotency-Key at once (a client retrying while its first attempt still runs):
the second waits for the first and replays its answer; exactly one booking is made.

Threads see only committed rows, so the hub and the person are committed in Cesena's
schema and removed at the end (the pattern of tests/events/test_concurrency.py).
"""

import json
import threading
import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.utils import timezone

from src.bookings import services
from src.bookings.models import Booking, BookingTransition
from src.common.time import local_today
from src.hubs.models import Hub
from src.idempotency.models import IdempotencyRecord
from src.outbox.models import OutboxMessage
from tests.bookings.conftest import build_hub
from tests.events.threads import in_thread
from tests.idempotency.conftest import place

EMAIL = "idem-gara@example.org"


@pytest.fixture
def committed(cesena):
    def create():
        # Booking through the API: the address is confirmed (tests/identity).
        person = get_user_model().objects.create_user(
            email=EMAIL, email_verified_address=EMAIL, email_verified_at=timezone.now()
        )
        connection.set_tenant(cesena)
        space = build_hub("idem-gara").spaces.get(name="Coworking")
        seat = space.seats.order_by("label").first()
        return person, space, seat

    person, space, seat = in_thread(create)
    sessions: list[str] = []
    yield person, space, seat, sessions

    def clean():
        connection.set_tenant(cesena)
        bookings = list(Booking.objects.filter(space=space).values_list("pk", flat=True))
        OutboxMessage.objects.filter(kind__startswith="bookings.", obj_id__in=bookings).delete()
        BookingTransition.objects.filter(booking__space=space).delete()
        Booking.objects.filter(space=space).delete()
        IdempotencyRecord.objects.filter(scope=f"user:{person.pk}").delete()
        Hub.objects.filter(pk=space.hub_id).delete()
        connection.set_schema_to_public()
        with connection.cursor() as cursor:  # raw: the ORM's cascade would look for tenant tables in public
            cursor.execute("DELETE FROM django_session WHERE session_key = ANY(%s)", [sessions])
            cursor.execute("DELETE FROM identity_user WHERE email = %s", [EMAIL])

    in_thread(clean)


def test_two_requests_with_one_key_make_one_booking_and_get_one_answer(cesena, committed, monkeypatch):
    person, space, seat, sessions = committed
    body = json.dumps(place(space, seat, local_today() + timedelta(days=1)))
    calls = []
    create = services.booking_create

    def slow_create(**kwargs):
        # Slow enough that the second request surely arrives while the first is still inside the create.
        calls.append(1)
        time.sleep(0.5)
        return create(**kwargs)

    monkeypatch.setattr(services, "booking_create", slow_create)
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def request(index):
        try:
            client = Client(HTTP_HOST="cesena.localhost")
            client.force_login(person)
            sessions.append(client.session.session_key)
            barrier.wait()
            if index:
                time.sleep(0.1)  # the retry: a moment after the first
            response = client.post(
                "/api/v1/bookings/", data=body, content_type="application/json", headers={"Idempotency-Key": "gara"}
            )
            results[index] = (response.status_code, response.json(), response.get("Idempotent-Replayed"))
        except Exception as exc:  # reported below, not lost in the thread
            results[index] = (0, repr(exc), None)
        finally:
            connection.close()

    threads = [threading.Thread(target=request, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    (first_status, first_body, first_replayed), (second_status, second_body, second_replayed) = results
    assert (first_status, second_status) == (201, 201), results
    assert first_body == second_body
    assert (first_replayed, second_replayed) == (None, "true")
    assert len(calls) == 1  # the create ran once

    def booked():
        connection.set_tenant(cesena)
        return list(Booking.objects.filter(space=space).values_list("code", flat=True))

    assert in_thread(booked) == [first_body["code"]]
