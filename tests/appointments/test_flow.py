"""The appointment flow, page by page, as a person without an account goes through it."""

import re
from datetime import datetime, time

from django.core import mail
from django.db import connection
from django.utils import timezone

from src.appointments.models import Appointment
from src.appointments.services import appointment_book
from tests.appointments.conftest import confirm_path
from tests.conftest import drain_outbox, host_client, page_text

STEP = "/appuntamenti/prenota/"


def _at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_default_timezone())


def _walk_to_summary(client, desk, day, *, hour=9):
    response = client.get(STEP + "1-luogo/")
    assert response.status_code == 200
    assert "Sportello Facile" in page_text(response) and "1/6" in page_text(response)
    response = client.post(STEP + "1-luogo/", {"desk": desk.pk})
    assert response["Location"] == STEP + "2-data-e-ora/"

    response = client.get(STEP + "2-data-e-ora/", {"giorno": day.isoformat()})
    assert "09:00–09:30" in page_text(response) and "2/6" in page_text(response)
    response = client.post(STEP + "2-data-e-ora/", {"slot": _at(day, hour).isoformat()})
    assert response["Location"] == STEP + "3-dettagli/"

    response = client.post(STEP + "3-dettagli/", {"topic": "SPID e CIE", "details": "Attivare lo SPID per mia madre"})
    assert response["Location"] == STEP + "4-richiedente/"
    response = client.post(
        STEP + "4-richiedente/",
        {
            "applicant_name": "Mario Verdi",
            "email": "Mario.Verdi@example.org",
            "phone": "+39 0547 123456",
            "fiscal_code": "",
        },
    )
    assert response["Location"] == STEP + "5-riepilogo/"
    return client.get(STEP + "5-riepilogo/")


def test_booking_without_an_account_check_and_cancel_with_the_code(cesena, cesena_desk, day_after_tomorrow):
    client = host_client("cesena.localhost")
    summary = page_text(_walk_to_summary(client, cesena_desk, day_after_tomorrow))
    assert "5/6" in summary
    for shown in (
        "Sportello Facile",
        "09:00–09:30",
        "SPID e CIE",
        "Attivare lo SPID per mia madre",
        "Mario Verdi",
        "mario.verdi@example.org",
    ):
        assert shown in summary

    response = client.post(STEP + "5-riepilogo/", {"privacy": "1"})
    drain_outbox(cesena)
    assert response["Location"] == STEP + "6-conferma/"
    done = client.get(STEP + "6-conferma/")
    code = re.search(r'data-element="booking-code">([A-Z0-9-]+)<', done.content.decode()).group(1)
    assert "6/6" in page_text(done) and code in page_text(done)
    assert 'data-element="feedback"' in done.content.decode()
    # Without an account the slot is held: step 6 says to confirm from the e-mail.
    assert "ti abbiamo inviato un'e-mail a mario.verdi@example.org: conferma entro 15 minuti" in page_text(done).lower()

    # The e-mail carries the link that confirms; no calendar entry for what is not booked yet.
    (held,) = mail.outbox
    assert held.to == ["mario.verdi@example.org"] and "Conferma il tuo appuntamento" in held.subject
    assert "entro 15 minuti" in held.body and not held.attachments
    link = confirm_path(held)
    # Opening the link (as a mail scanner would) confirms nothing: a button does.
    page = client.get(link)
    assert page.status_code == 200 and 'data-element="confirm-appointment"' in page.content.decode()
    connection.set_tenant(cesena)
    assert Appointment.objects.get(code=code).state == "held"
    response = host_client("cesena.localhost").post(link)
    assert response.status_code == 200 and "Appuntamento confermato" in page_text(response)
    connection.set_tenant(cesena)
    assert Appointment.objects.get(code=code).state == "booked"
    drain_outbox(cesena)

    # The confirmation e-mail carries the code and the calendar entry.
    message = mail.outbox[-1]
    assert message.to == ["mario.verdi@example.org"] and code in message.subject and code in message.body
    name, ics, mimetype = message.attachments[0]
    assert name.endswith(".ics") and mimetype.startswith("text/calendar") and "BEGIN:VEVENT" in ics

    # Another browser, no account: check with code and e-mail, then cancel.
    stranger = host_client("cesena.localhost")
    response = stranger.post(
        "/appuntamenti/verifica/", {"code": code.lower().replace("-", " "), "email": "MARIO.VERDI@example.org"}
    )
    assert response.status_code == 200
    assert "prenotato" in page_text(response) and "Sportello Facile" in page_text(response)
    response = stranger.post("/appuntamenti/annulla/", {"code": code, "email": "mario.verdi@example.org"})
    drain_outbox(cesena)
    assert "annullato" in page_text(response)
    connection.set_tenant(cesena)
    assert Appointment.objects.get(code=code).state == "cancelled"
    assert "annullato" in mail.outbox[-1].subject.lower()

    # The freed slot is offered again.
    stranger.post(STEP + "1-luogo/", {"desk": cesena_desk.pk})
    assert "09:00–09:30" in page_text(stranger.get(STEP + "2-data-e-ora/", {"giorno": day_after_tomorrow.isoformat()}))


def test_wrong_email_reveals_nothing_and_cancels_nothing(cesena_desk, day_after_tomorrow):
    appointment = appointment_book(
        desk=cesena_desk,
        start=_at(day_after_tomorrow, 10),
        topic="Pagamenti pagoPA",
        applicant_name="Luca Neri",
        email="luca@example.org",
    )
    client = host_client("cesena.localhost")
    response = client.post("/appuntamenti/verifica/", {"code": appointment.code, "email": "altro@example.org"})
    assert response.status_code == 404
    assert "Nessun appuntamento corrisponde" in page_text(response) and "Luca Neri" not in page_text(response)
    response = client.post("/appuntamenti/annulla/", {"code": appointment.code, "email": "altro@example.org"})
    assert response.status_code == 404
    appointment.refresh_from_db()
    assert appointment.state == "held"


def test_slot_taken_meanwhile_goes_back_to_step_2_keeping_the_rest(cesena, cesena_desk, day_after_tomorrow):
    client = host_client("cesena.localhost")
    _walk_to_summary(client, cesena_desk, day_after_tomorrow, hour=9)
    # Someone else books 09:00 while this person reads the summary.
    connection.set_tenant(cesena)
    appointment_book(
        desk=cesena_desk,
        start=_at(day_after_tomorrow, 9),
        topic="Altro",
        applicant_name="Altra Persona",
        email="altra@example.org",
    )
    response = client.post(STEP + "5-riepilogo/", {"privacy": "1"}, follow=True)
    assert response.redirect_chain[-1][0].startswith(STEP + "2-data-e-ora/")
    text = page_text(response)
    assert "L'orario scelto non è più disponibile" in text
    assert "09:00–09:30" not in text and "09:30–10:00" in text

    # Nothing else is lost: a new time leads straight to the summary, details still filled in.
    response = client.post(STEP + "2-data-e-ora/", {"slot": _at(day_after_tomorrow, 9, 30).isoformat()})
    assert response["Location"] == STEP + "5-riepilogo/"
    assert "Attivare lo SPID per mia madre" in page_text(client.get(STEP + "3-dettagli/"))
    summary = page_text(client.get(STEP + "5-riepilogo/"))
    assert "09:30–10:00" in summary and "Mario Verdi" in summary and "SPID e CIE" in summary
    response = client.post(STEP + "5-riepilogo/", {"privacy": "1"})
    assert response["Location"] == STEP + "6-conferma/"


def test_going_back_keeps_entered_data_and_steps_cannot_be_skipped(cesena_desk, day_after_tomorrow):
    client = host_client("cesena.localhost")
    assert client.get(STEP + "4-richiedente/")["Location"] == STEP + "1-luogo/"
    _walk_to_summary(client, cesena_desk, day_after_tomorrow)
    assert 'value="Mario Verdi"' in client.get(STEP + "4-richiedente/").content.decode()
    step2 = client.get(STEP + "2-data-e-ora/").content.decode()
    assert re.search(r'value="[^"]+T09:00:00\+0[12]:00"\s+checked', step2)


def test_signed_in_person_finds_the_applicant_prefilled(cesena_desk, day_after_tomorrow, make_user):
    person = make_user(first_name="Giulia", last_name="Bianchi", email="giulia@example.org", phone="333 1234567")
    client = host_client("cesena.localhost", user=person)
    client.post(STEP + "1-luogo/", {"desk": cesena_desk.pk})
    client.post(STEP + "2-data-e-ora/", {"slot": _at(day_after_tomorrow, 9).isoformat()})
    client.post(STEP + "3-dettagli/", {"topic": "SPID e CIE"})
    page = client.get(STEP + "4-richiedente/").content.decode()
    assert 'value="Giulia Bianchi"' in page and 'value="giulia@example.org"' in page and 'value="333 1234567"' in page


def test_past_closed_and_out_of_hours_slots_are_not_offered(cesena, cesena_desk, day_after_tomorrow):
    from src.hubs.models import Closure

    client = host_client("cesena.localhost")
    client.post(STEP + "1-luogo/", {"desk": cesena_desk.pk})
    connection.set_tenant(cesena)
    Closure.objects.create(
        hub=cesena_desk.hub, starts_on=day_after_tomorrow, ends_on=day_after_tomorrow, reason="Lavori"
    )
    text = page_text(client.get(STEP + "2-data-e-ora/", {"giorno": day_after_tomorrow.isoformat()}))
    assert "Nessun orario libero in questo giorno" in text
    response = client.post(STEP + "2-data-e-ora/", {"slot": _at(day_after_tomorrow, 9).isoformat()}, follow=True)
    assert "L'orario scelto non è disponibile" in page_text(response)
    yesterday = timezone.localdate() - timezone.timedelta(days=1)
    response = client.post(STEP + "2-data-e-ora/", {"slot": _at(yesterday, 9).isoformat()}, follow=True)
    assert "L'orario scelto non è disponibile" in page_text(response)
    response = client.post(STEP + "2-data-e-ora/", {"slot": "not-a-date"}, follow=True)
    assert "L'orario scelto non è disponibile" in page_text(response)


def test_confirmation_email_is_in_the_language_of_the_person(cesena_desk, day_after_tomorrow, make_user):
    person = make_user(language="en")
    appointment_book(
        desk=cesena_desk,
        start=_at(day_after_tomorrow, 9),
        topic="SPID e CIE",
        applicant_name="Jane Doe",
        email=person.email,
        person=person,
        language="it",
    )
    drain_outbox()
    (message,) = mail.outbox
    english_day = _at(day_after_tomorrow, 9).strftime("%A")  # the C locale's English day name
    assert english_day in message.body


def test_a_desk_page_link_starts_the_flow_at_the_date_step(cesena, cesena_desk):
    client = host_client("cesena.localhost")
    response = client.get(STEP, {"sportello": cesena_desk.pk})
    assert response["Location"] == STEP + "2-data-e-ora/"
    assert "Sportello Facile" in page_text(client.get(STEP + "2-data-e-ora/"))
    # A desk of an unpublished hub is not offered.
    connection.set_tenant(cesena)
    cesena_desk.hub.is_published = False
    cesena_desk.hub.save()
    other = host_client("cesena.localhost")
    assert other.get(STEP, {"sportello": cesena_desk.pk}).status_code == 200
    assert "nessuno sportello" in page_text(other.get(STEP + "1-luogo/"))
