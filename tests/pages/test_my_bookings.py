"""A comune's "le mie prenotazioni": seats, desk appointments and event registrations of the person
signed in, and nobody else's; an offer from the waitlist can be accepted there; "Annulla" is gone
after the cancellation deadline, with the reason."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from psycopg2.extras import DateTimeTZRange

from src.appointments.models import Appointment
from src.bookings.models import Booking
from src.bookings.services import booking_cancel, booking_create, waitlist_join
from src.events.models import EventRegistration
from tests.bookings.conftest import at, build_hub, period
from tests.conftest import host_client, page_text
from tests.events.conftest import make_event
from tests.pages.builders import add_desk


@pytest.fixture
def cesena_things(cesena, make_user):
    """Anna's and Bruno's seat, appointment and event registration in Cesena."""
    anna, bruno = make_user(), make_user()
    connection.set_tenant(cesena)
    hub = build_hub()
    cowork = hub.spaces.get(name="Coworking")
    seat = cowork.seats.order_by("label").first()
    day = timezone.localdate() + timedelta(days=3)
    booking_create(person=anna, space=cowork, seat=seat, period=period(day, "10:00", "11:00"), channel="web")
    booking_create(person=bruno, space=cowork, seat=seat, period=period(day, "14:00", "15:00"), channel="web")
    desk = add_desk(
        hub, "Sportello Energia", takes_appointments=True, hours={d: [("09:00", "12:00")] for d in range(7)}
    )
    for person, code, start, end in ((anna, "ANNAAPP01", "09:00", "09:30"), (bruno, "BRUNOAP01", "09:30", "10:00")):
        Appointment.objects.create(
            desk=desk,
            code=code,
            period=DateTimeTZRange(at(day, start), at(day, end)),
            topic="bonus energia",
            applicant_name=person.get_full_name(),
            email=person.email,
            person=person,
        )
    event = make_event(cesena, title="Serata sul compostaggio", capacity=10)
    EventRegistration.objects.create(event=event, person=anna)
    other_event = make_event(cesena, title="Corso di Bruno", capacity=10)
    EventRegistration.objects.create(event=other_event, person=bruno)
    connection.set_schema_to_public()
    return anna, bruno


def test_my_bookings_lists_seats_appointments_and_events_of_that_person_only(cesena_things):
    anna, bruno = cesena_things
    response = host_client("cesena.localhost", anna).get("/prenotazioni/")
    assert response.status_code == 200
    text = page_text(response)
    assert "Sportello Energia" in text and "ANNAAPP01" in text  # her appointment
    assert "Serata sul compostaggio" in text  # her event
    assert "P1 · Coworking" in text or "Coworking" in text  # her seat
    assert "BRUNOAP01" not in text and "Corso di Bruno" not in text  # never Bruno's
    html = response.content.decode()
    assert html.count('data-kind="booking"') == 1
    assert html.count('data-kind="appointment"') == 1 and html.count('data-kind="event"') == 1
    assert "/appuntamenti/verifica/?codice=ANNAAPP01" in html


def test_other_comune_shows_none_of_them(cesena_things, sarsina):
    anna, _bruno = cesena_things
    text = page_text(host_client("sarsina.localhost", anna).get("/prenotazioni/"))
    assert "Non hai prenotazioni in programma in questo comune." in text
    assert "ANNAAPP01" not in text and "Serata sul compostaggio" not in text


def test_a_waitlist_offer_shows_its_accept_action(cesena, make_user):
    connection.set_tenant(cesena)
    hub = build_hub(seats=1)
    cowork = hub.spaces.get(name="Coworking")
    seat = cowork.seats.get()
    day = timezone.localdate() + timedelta(days=2)
    holder, waiting = make_user(), make_user()
    taken = booking_create(person=holder, space=cowork, seat=seat, period=period(day, "10:00", "11:00"), channel="web")
    entry = waitlist_join(person=waiting, space=cowork, seat=seat, period=period(day, "10:00", "11:00"))
    booking_cancel(booking=taken, actor=holder, channel="web")
    entry.refresh_from_db()
    assert entry.state == "offered"
    connection.set_schema_to_public()

    client = host_client("cesena.localhost", waiting)
    html = client.get("/prenotazioni/").content.decode()
    assert f"/lista-attesa/{entry.pk}/accetta/" in html and "Accetta il posto" in html
    assert f"/prenotazioni/{entry.offered_booking.code}/annulla/" not in html
    response = client.post(f"/lista-attesa/{entry.pk}/accetta/")
    assert response.status_code == 302
    connection.set_tenant(cesena)
    assert Booking.objects.get(pk=entry.offered_booking_id).state == "confirmed"


def test_cancel_is_hidden_after_the_deadline_with_the_reason(cesena, citizen):
    connection.set_tenant(cesena)
    hub = build_hub()
    cowork = hub.spaces.get(name="Coworking")
    seats = list(cowork.seats.order_by("label"))
    now = timezone.now()
    # Straight into the table: the hub's hours must not decide what this test is about.
    late = Booking.objects.create(
        code="LATE2345",
        person=citizen,
        hub=hub,
        space=cowork,
        seat=seats[0],
        period=DateTimeTZRange(now + timedelta(hours=2), now + timedelta(hours=3)),
        state="confirmed",
        channel="web",
    )
    early = Booking.objects.create(
        code="EARLY234",
        person=citizen,
        hub=hub,
        space=cowork,
        seat=seats[1],
        period=DateTimeTZRange(now + timedelta(days=5), now + timedelta(days=5, hours=1)),
        state="confirmed",
        channel="web",
    )
    connection.set_schema_to_public()

    client = host_client("cesena.localhost", citizen)
    html = client.get("/prenotazioni/").content.decode()
    assert f"/prenotazioni/{early.code}/annulla/" in html
    assert f"/prenotazioni/{late.code}/annulla/" not in html
    assert "Non si può più annullare: andava fatto entro il" in page_text(client.get("/prenotazioni/"))
    detail = client.get(f"/prenotazioni/{late.code}/")
    assert "Annulla la prenotazione" not in page_text(detail)
    assert "Non si può più annullare" in page_text(detail)
    assert "Annulla la prenotazione" in page_text(client.get(f"/prenotazioni/{early.code}/"))
