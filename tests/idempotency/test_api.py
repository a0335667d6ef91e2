"""Idempotency-Key on the creates of the API: a retry gets the first answer and creates nothing more."""

from datetime import datetime, time, timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from src.appointments.models import Appointment
from src.bookings.models import Booking
from src.bookings.services import booking_create
from src.events.models import EventRegistration
from src.idempotency import api as idempotency_api
from src.idempotency.jobs import idempotency_records_expire
from src.idempotency.models import IdempotencyRecord
from tests.bookings.conftest import period
from tests.conftest import host_client
from tests.events.threads import in_thread
from tests.idempotency.conftest import place, post

BOOKINGS = "/api/v1/bookings/"
APPOINTMENTS = "/api/v1/appointments/"


def test_a_repeated_key_returns_the_first_booking(cesena, citizen, cowork, seat, tomorrow):
    api = host_client("cesena.localhost", citizen)
    first = post(api, BOOKINGS, place(cowork, seat, tomorrow), key="prenota-1")
    assert first.status_code == 201, first.content
    assert "Idempotent-Replayed" not in first

    again = post(api, BOOKINGS, place(cowork, seat, tomorrow), key="prenota-1")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    with tenant_context(cesena):
        assert list(Booking.objects.values_list("code", flat=True)) == [first.json()["code"]]

    # Without the key the same request is what it always was: a conflict with the booking just made.
    assert post(api, BOOKINGS, place(cowork, seat, tomorrow)).status_code == 409


def test_the_same_key_with_another_body_is_refused(cesena, citizen, cowork, seat, tomorrow):
    api = host_client("cesena.localhost", citizen)
    assert post(api, BOOKINGS, place(cowork, seat, tomorrow), key="k").status_code == 201
    other = post(api, BOOKINGS, place(cowork, seat, tomorrow, "14:00", "15:00"), key="k")
    assert other.status_code == 422
    assert other.json() == {
        "detail": "Questa Idempotency-Key è già stata usata per una richiesta diversa: "
        "per una nuova richiesta usa una nuova chiave.",
        "code": "idempotency_key_reused",
        "fields": {},
    }
    with tenant_context(cesena):
        assert Booking.objects.count() == 1


def test_a_refusal_is_the_first_answer_too(cesena, citizen, make_user, cowork, seat, tomorrow):
    """The first answer stands, whatever it was: the retry of a 409 is the same 409, not a new attempt."""
    with tenant_context(cesena):
        taken = booking_create(
            person=make_user(), space=cowork, seat=seat, period=period(tomorrow, "10:00", "11:00"), channel="web"
        )
    api = host_client("cesena.localhost", citizen)
    first = post(api, BOOKINGS, place(cowork, seat, tomorrow), key="k")
    assert first.status_code == 409
    with tenant_context(cesena):
        Booking.objects.filter(pk=taken.pk).update(state="cancelled")
    again = post(api, BOOKINGS, place(cowork, seat, tomorrow), key="k")
    assert (again.status_code, again.json(), again["Idempotent-Replayed"]) == (409, first.json(), "true")


def test_a_key_does_not_replay_in_another_comune(cesena, sarsina, citizen, cowork, seat, sarsina_place, tomorrow):
    in_cesena = post(host_client("cesena.localhost", citizen), BOOKINGS, place(cowork, seat, tomorrow), key="k")
    assert in_cesena.status_code == 201
    # Same person, same key, in Sarsina.
    in_sarsina = post(host_client("sarsina.localhost", citizen), BOOKINGS, sarsina_place, key="k")
    assert in_sarsina.status_code == 201 and "Idempotent-Replayed" not in in_sarsina
    assert in_sarsina.json()["code"] != in_cesena.json()["code"]
    with tenant_context(sarsina):
        assert Booking.objects.get().code == in_sarsina.json()["code"]


def test_a_key_does_not_replay_for_another_person(cesena, citizen, make_user, cowork, seat, tomorrow):
    mine = post(host_client("cesena.localhost", citizen), BOOKINGS, place(cowork, seat, tomorrow), key="k")
    assert mine.status_code == 201
    # Another person with the same key and body runs the create (and finds the seat taken): never my booking.
    theirs = post(host_client("cesena.localhost", make_user()), BOOKINGS, place(cowork, seat, tomorrow), key="k")
    assert theirs.status_code == 409 and "Idempotent-Replayed" not in theirs
    assert mine.json()["code"] not in theirs.content.decode()


def _appointment(desk, day, **overrides):
    start = datetime.combine(day, time(9), tzinfo=timezone.get_default_timezone())
    return {
        "desk": desk.pk,
        "start": start.isoformat(),
        "topic": "SPID e CIE",
        "applicant_name": "Mario Verdi",
        "email": "mario@example.org",
        **overrides,
    }


def test_an_anonymous_appointment_replays_only_for_the_same_body(cesena, desk, tomorrow):
    api = host_client("cesena.localhost")
    day = tomorrow + timedelta(days=1)
    first = post(api, APPOINTMENTS, _appointment(desk, day), key="appuntamento")
    assert first.status_code == 201, first.content
    again = post(host_client("cesena.localhost"), APPOINTMENTS, _appointment(desk, day), key="appuntamento")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json()["code"] == first.json()["code"]

    # A stranger with the same key but other data is another caller: their own answer, not Mario's.
    start = datetime.combine(day, time(10), tzinfo=timezone.get_default_timezone()).isoformat()
    body = _appointment(desk, day, applicant_name="Lucia Neri", email="lucia@example.org", start=start)
    stranger = post(host_client("cesena.localhost"), APPOINTMENTS, body, key="appuntamento")
    assert stranger.status_code == 201 and "Idempotent-Replayed" not in stranger
    assert stranger.json()["email"] == "lucia@example.org"
    with tenant_context(cesena):
        assert Appointment.objects.filter(desk=desk).count() == 2


def test_a_signed_in_appointment_replays(cesena, desk, tomorrow, citizen):
    api = host_client("cesena.localhost", citizen)
    body = _appointment(desk, tomorrow + timedelta(days=1), email=citizen.email)
    first = post(api, APPOINTMENTS, body, key="a")
    again = post(api, APPOINTMENTS, body, key="a")
    assert (first.status_code, again.status_code, again["Idempotent-Replayed"]) == (201, 201, "true")
    assert again.json() == first.json()
    with tenant_context(cesena):
        assert Appointment.objects.filter(desk=desk).count() == 1


def test_an_event_registration_replays(cesena, event, citizen):
    api = host_client("cesena.localhost", citizen)
    path = f"/api/v1/events/{event.pk}/registration/"
    first = post(api, path, key="iscrizione")
    again = post(api, path, key="iscrizione")
    assert (first.status_code, again.status_code, again["Idempotent-Replayed"]) == (201, 201, "true")
    assert again.json() == first.json()
    # Another key is another request: already registered.
    assert post(api, path, key="un'altra").status_code == 409
    with tenant_context(cesena):
        assert EventRegistration.objects.filter(event=event).count() == 1


@pytest.mark.parametrize("key", ["", "   ", "x" * 256])
def test_a_key_must_be_1_to_255_characters(cesena, citizen, cowork, tomorrow, key):
    api = host_client("cesena.localhost", citizen)
    response = post(api, BOOKINGS, place(cowork, None, tomorrow), key=key)
    assert response.status_code == 400 and response.json()["code"] == "idempotency_key_invalid"
    with tenant_context(cesena):
        assert Booking.objects.count() == 0


def test_a_quoted_key_is_the_same_key(cesena, citizen, cowork, tomorrow):
    """The IETF draft sends a structured-field string ("..."); Stripe's clients a bare token."""
    api = host_client("cesena.localhost", citizen)
    first = post(api, BOOKINGS, place(cowork, None, tomorrow), key='"8e03978e-40d5-43e8"')
    again = post(api, BOOKINGS, place(cowork, None, tomorrow), key="8e03978e-40d5-43e8")
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()


def test_a_key_is_forgotten_after_24_hours(cesena, citizen, cowork, seat, tomorrow):
    api = host_client("cesena.localhost", citizen)
    first = post(api, BOOKINGS, place(cowork, seat, tomorrow), key="k")
    with tenant_context(cesena):
        IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))
    # Not yet removed by the job, yet expired: the request runs again (and the seat is now taken).
    again = post(api, BOOKINGS, place(cowork, seat, tomorrow), key="k")
    assert again.status_code == 409 and "Idempotent-Replayed" not in again
    assert first.json()["code"] not in again.content.decode()


def test_the_periodic_job_removes_expired_keys(cesena, citizen, cowork, tomorrow):
    api = host_client("cesena.localhost", citizen)
    post(api, BOOKINGS, place(cowork, None, tomorrow), key="vecchia")
    post(api, BOOKINGS, place(cowork, None, tomorrow, "14:00", "15:00"), key="nuova")
    with tenant_context(cesena):
        IdempotencyRecord.objects.filter(key="vecchia").update(
            created_at=timezone.now() - timedelta(hours=24, seconds=1)
        )
        assert idempotency_records_expire() == 1
        assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["nuova"]


def test_a_retry_while_the_first_runs_gets_409_after_waiting(cesena, citizen, cowork, tomorrow, monkeypatch):
    """Another connection holds the key (as a first request still running would): the retry waits, then 409."""
    import threading
    import time as time_module

    monkeypatch.setattr(idempotency_api, "WAIT_MS", 300)
    held, done = threading.Event(), threading.Event()

    def first_request_running():
        connection.set_tenant(cesena)
        with transaction.atomic():
            idempotency_api._wait_for_key(f"user:{citizen.pk}", "k")
            held.set()
            done.wait(10)

    thread = threading.Thread(target=lambda: in_thread(first_request_running))
    thread.start()
    try:
        assert held.wait(10)
        started = time_module.monotonic()
        response = post(host_client("cesena.localhost", citizen), BOOKINGS, place(cowork, None, tomorrow), key="k")
        waited = time_module.monotonic() - started
    finally:
        done.set()
        thread.join()
    assert response.status_code == 409 and waited >= 0.3
    assert response.json()["code"] == "idempotency_in_progress"
    assert response.json()["detail"].startswith("Richiesta già in corso")
    with tenant_context(cesena):
        assert Booking.objects.count() == 0 and IdempotencyRecord.objects.count() == 0


def test_the_header_is_in_the_openapi_schema(cesena):
    paths = host_client("cesena.localhost").get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    for path in ("/api/v1/bookings/", "/api/v1/appointments/", "/api/v1/events/{id}/registration/"):
        headers = [p["name"] for p in paths[path]["post"].get("parameters", []) if p["in"] == "header"]
        assert headers == ["Idempotency-Key"], path
    assert not any(p["in"] == "header" for p in paths["/api/v1/bookings/"]["get"].get("parameters", []))
