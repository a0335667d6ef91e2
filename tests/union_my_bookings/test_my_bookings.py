"""Le mie prenotazioni on the union site: one person's items from every comune, nobody else's."""

from datetime import datetime, time, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from src.appointments.services import appointment_book
from src.bookings.services.booking import booking_create
from src.events.services import event_register
from tenants.union.my_bookings import my_items
from tests.appointments.conftest import make_desk
from tests.bookings.conftest import build_hub, period
from tests.conftest import host_client, page_text
from tests.events.conftest import make_event


def _slot(hour):
    day = timezone.localdate() + timedelta(days=2)
    return datetime.combine(day, time(hour), tzinfo=timezone.get_default_timezone())


def _book(desk, person, hour, name):
    return appointment_book(
        desk=desk, start=_slot(hour), topic="SPID e CIE", applicant_name=name, email=person.email, person=person
    )


def test_lists_items_of_two_comuni_for_the_person_and_none_of_others(cesena, sarsina, make_user):
    giulia, other = make_user(first_name="Giulia"), make_user(first_name="Altro")
    cesena_desk = make_desk(cesena)
    mine = _book(cesena_desk, giulia, 9, "Giulia Bianchi")
    _book(cesena_desk, other, 10, "Altra Persona")
    sarsina_event = make_event(sarsina, title="Serata di comunità a Sarsina")
    event_register(event=sarsina_event, person=giulia)
    other_event = make_event(sarsina, title="Evento di altri")
    event_register(event=other_event, person=other)
    connection.set_tenant(sarsina)  # a seat booked in Sarsina too
    space = build_hub("hub-posti").spaces.get(name="Coworking")
    day = timezone.localdate() + timedelta(days=2)
    seat_booking = booking_create(
        person=giulia,
        space=space,
        seat=space.seats.get(label="P1"),
        period=period(day, "10:00", "12:00"),
        channel="web",
    )
    booking_create(
        person=other, space=space, seat=space.seats.get(label="P2"), period=period(day, "10:00", "12:00"), channel="web"
    )
    connection.set_schema_to_public()

    response = host_client("localhost", giulia).get("/le-mie-prenotazioni/")
    assert response.status_code == 200
    text, html = page_text(response), response.content.decode()
    assert "Comune di Cesena" in text and "Comune di Sarsina" in text
    assert "Sportello Facile" in text and mine.code in text
    assert "Serata di comunità a Sarsina" in text
    assert seat_booking.code in text and "Coworking · P1" in text and "Coworking · P2" not in text
    assert "Evento di altri" not in text and "Altra Persona" not in text
    assert text.count("Sportello Facile") == 1
    # Each item links to its page on its own comune's subdomain.
    assert f'href="http://cesena.localhost/appuntamenti/verifica/?codice={mine.code}"' in html
    assert f'href="http://sarsina.localhost/eventi/{sarsina_event.pk}/"' in html
    assert f'href="http://sarsina.localhost/prenotazioni/{seat_booking.code}/"' in html
    # And the owner, signed in there, sees the appointment without typing the e-mail.
    check = host_client("cesena.localhost", giulia).get(f"/appuntamenti/verifica/?codice={mine.code}")
    assert "Giulia Bianchi" in page_text(check)


def test_reads_every_comune_in_one_query(cesena, sarsina, make_user):
    person = make_user()
    connection.set_schema_to_public()
    with CaptureQueriesContext(connection) as queries:
        assert my_items(person) == []
    across = [q["sql"] for q in queries if "UNION ALL" in q["sql"]]
    assert len(across) == 1
    assert '"cesena".' in across[0] and '"sarsina".' in across[0]
    reads = [q for q in queries if not q["sql"].startswith("SET search_path")]
    assert len(reads) == 3  # the comuni, their domains, the union of their schemas


def test_sign_in_is_required(union_client):
    response = union_client.get("/le-mie-prenotazioni/")
    assert response.status_code == 302 and "/account/accedi/" in response["Location"]


def test_cancelled_items_move_out_of_the_upcoming_list(cesena, make_user):
    from src.appointments.services import appointment_cancel

    person = make_user()
    desk = make_desk(cesena)
    kept, dropped = _book(desk, person, 9, "Tenuto"), _book(desk, person, 10, "Annullato")
    appointment_cancel(code=dropped.code, email=person.email)
    connection.set_schema_to_public()
    items = my_items(person)
    assert [(i.reference, i.is_upcoming) for i in items] == [(kept.code, True), (dropped.code, False)]
    page = page_text(host_client("localhost", person).get("/le-mie-prenotazioni/"))
    upcoming, past = page.split("Passate e annullate")
    assert kept.code in upcoming and dropped.code in past and "annullato" in past
