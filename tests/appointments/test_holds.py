"""Booking without an account: the slot is held until the link e-mailed confirms it, released by the
comune's jobs if nobody does, and an e-mail address or a client address holds at most three a day
across the union. Signed in, an appointment is booked at once."""

from datetime import datetime, time, timedelta

from django.core import mail
from django.db import connection
from django.utils import timezone

from src.appointments.models import Appointment
from src.appointments.selectors import desk_free_slots
from src.appointments.services import appointment_book
from src.common.jobs import comune_jobs_run
from tests.api_errors.contract import error_of
from tests.appointments.conftest import confirm_path
from tests.conftest import host_client, page_text

STEP = "/appuntamenti/prenota/"


def _at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_default_timezone())


def _post(client, desk, start, email="mario@example.org", **extra):
    body = {"desk": desk.pk, "start": start.isoformat(), "topic": "SPID e CIE", "applicant_name": "Mario Verdi"}
    return client.post("/api/v1/appointments/", {**body, "email": email}, content_type="application/json", **extra)


def _hold(desk, start):
    """Booked without an account: held until the e-mailed link confirms it."""
    return appointment_book(
        desk=desk, start=start, topic="SPID e CIE", applicant_name="Mario Verdi", email="mario@example.org"
    )


def test_an_unconfirmed_hold_is_released_by_the_comunes_jobs(
    cesena, cesena_desk, day_after_tomorrow, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        held = _hold(cesena_desk, _at(day_after_tomorrow, 9))
    assert held.state == "held"
    assert timedelta(minutes=14) < held.hold_expires_at - timezone.now() <= timedelta(minutes=15)
    assert _at(day_after_tomorrow, 9) not in [
        s.start for s in desk_free_slots(desk=cesena_desk, day=day_after_tomorrow)
    ]

    assert comune_jobs_run(now=timezone.now())["appointment_holds_expired"] == 0
    assert comune_jobs_run(now=held.hold_expires_at + timedelta(seconds=1))["appointment_holds_expired"] == 1
    held.refresh_from_db()
    assert held.state == "expired" and held.transitions.last().channel == "system"
    assert _at(day_after_tomorrow, 9) in [s.start for s in desk_free_slots(desk=cesena_desk, day=day_after_tomorrow)]

    # The link, once the hold is gone, says so and confirms nothing.
    link = confirm_path(mail.outbox[0])
    page = host_client("cesena.localhost").get(link)
    assert page.status_code == 400 and "Il link di conferma è scaduto" in page_text(page)
    response = host_client("cesena.localhost").post(link)
    assert response.status_code == 400 and "l'orario è tornato libero" in page_text(response)
    connection.set_tenant(cesena)
    held.refresh_from_db()
    assert held.state == "expired" and len(mail.outbox) == 1


def test_a_confirmation_link_works_only_in_its_own_comune(
    cesena, sarsina, cesena_desk, day_after_tomorrow, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert _post(host_client("cesena.localhost"), cesena_desk, _at(day_after_tomorrow, 9)).status_code == 201
    link = confirm_path(mail.outbox[0])
    response = host_client("sarsina.localhost").post(link)
    assert response.status_code == 400 and "Il link di conferma non è valido" in page_text(response)
    tampered = host_client("cesena.localhost").post(link[:-3] + "xx/")
    assert tampered.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        assert host_client("cesena.localhost").post(link).status_code == 200
        again = host_client("cesena.localhost").post(link)  # a second click is harmless
    assert again.status_code == 200 and "Appuntamento confermato" in page_text(again)
    assert len(mail.outbox) == 2  # the hold's e-mail, one confirmation


def test_one_email_address_holds_three_a_day_the_fourth_is_refused(
    cesena, cesena_desk, day_after_tomorrow, django_capture_on_commit_callbacks
):
    api = host_client("cesena.localhost")
    with django_capture_on_commit_callbacks(execute=True):
        for n, minute in enumerate((0, 30, 60)):
            start = _at(day_after_tomorrow, 9) + timedelta(minutes=minute)
            response = _post(api, cesena_desk, start, email="Vittima@example.org", REMOTE_ADDR=f"10.0.0.{n}")
            assert response.status_code == 201 and response.json()["state"] == "held"
        refused = _post(api, cesena_desk, _at(day_after_tomorrow, 10, 30), email="vittima@example.org")
    body = error_of(refused, 429, "appointment_daily_limit")
    assert "Oggi sono già stati prenotati 3 appuntamenti senza account" in body["detail"]
    assert body["fields"] == {"email": [body["detail"]]}
    assert len(mail.outbox) == 3
    connection.set_tenant(cesena)
    assert Appointment.objects.count() == 3

    # The web flow says it too, and keeps what was entered.
    client = host_client("cesena.localhost")
    client.post(STEP + "1-luogo/", {"desk": cesena_desk.pk})
    client.post(STEP + "2-data-e-ora/", {"slot": _at(day_after_tomorrow, 10, 30).isoformat()})
    client.post(STEP + "3-dettagli/", {"topic": "SPID e CIE"})
    client.post(STEP + "4-richiedente/", {"applicant_name": "Mario Verdi", "email": "vittima@example.org"})
    response = client.post(STEP + "5-riepilogo/", {"privacy": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == STEP + "5-riepilogo/"
    assert "Oggi sono già stati prenotati 3 appuntamenti senza account" in page_text(response)
    assert Appointment.objects.count() == 3 and len(mail.outbox) == 3


def test_one_client_address_holds_three_a_day_across_comuni(
    cesena, sarsina, cesena_desk, sarsina_desk, day_after_tomorrow
):
    cesena_api, sarsina_api = host_client("cesena.localhost"), host_client("sarsina.localhost")
    assert _post(cesena_api, cesena_desk, _at(day_after_tomorrow, 9), email="a@example.org").status_code == 201
    assert _post(cesena_api, cesena_desk, _at(day_after_tomorrow, 9, 30), email="b@example.org").status_code == 201
    assert _post(sarsina_api, sarsina_desk, _at(day_after_tomorrow, 9), email="c@example.org").status_code == 201
    refused = _post(sarsina_api, sarsina_desk, _at(day_after_tomorrow, 9, 30), email="d@example.org")
    body = error_of(refused, 429, "appointment_daily_limit")
    assert body["fields"] == {}
    # Another address is not refused; a slot lost to someone quicker uses up nothing.
    assert _post(sarsina_api, sarsina_desk, _at(day_after_tomorrow, 9), REMOTE_ADDR="10.9.9.9").status_code == 409
    assert _post(sarsina_api, sarsina_desk, _at(day_after_tomorrow, 9, 30), REMOTE_ADDR="10.9.9.9").status_code == 201


def test_signed_in_people_book_at_once_without_daily_limit(
    cesena, cesena_desk, day_after_tomorrow, make_user, django_capture_on_commit_callbacks
):
    person = make_user()
    api = host_client("cesena.localhost", person)
    with django_capture_on_commit_callbacks(execute=True):
        for minute in (0, 30, 60, 90):
            response = _post(
                api, cesena_desk, _at(day_after_tomorrow, 9) + timedelta(minutes=minute), email=person.email
            )
            assert response.status_code == 201 and response.json()["state"] == "booked"
            assert response.json()["hold_expires_at"] is None
    assert all(message.attachments for message in mail.outbox) and len(mail.outbox) == 4


def test_booking_without_an_account_has_its_own_rate(settings, cesena, cesena_desk, day_after_tomorrow):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "appointment_anon": "1/h"}
    api = host_client("cesena.localhost")
    assert _post(api, cesena_desk, _at(day_after_tomorrow, 9)).status_code == 201
    response = _post(api, cesena_desk, _at(day_after_tomorrow, 9, 30), email="altro@example.org")
    assert error_of(response, 429, "throttled")["detail"].startswith("Troppe richieste")
    assert 0 < int(response["Retry-After"]) <= 3600


def test_a_hold_can_be_cancelled_before_it_is_confirmed(
    cesena, cesena_desk, day_after_tomorrow, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        held = _hold(cesena_desk, _at(day_after_tomorrow, 10))
    assert held.state == "held"
    connection.set_schema_to_public()
    browser = host_client("cesena.localhost")
    page = browser.post("/appuntamenti/verifica/", {"code": held.code, "email": "mario@example.org"})
    assert page.status_code == 200 and "Annulla l'appuntamento" in page_text(page)
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post("/appuntamenti/annulla/", {"code": held.code, "email": "mario@example.org"})
    assert response.status_code == 200 and "è stato annullato" in page_text(response)
    assert len(mail.outbox) == sent  # the address was never confirmed: nothing sent to it

    connection.set_tenant(cesena)
    held.refresh_from_db()
    assert held.state == "cancelled"
    assert _at(day_after_tomorrow, 10) in [s.start for s in desk_free_slots(desk=cesena_desk, day=day_after_tomorrow)]
    # The link in the e-mail then says what happened, and confirms nothing.
    link = confirm_path(mail.outbox[0])
    connection.set_schema_to_public()
    response = host_client("cesena.localhost").post(link)
    assert response.status_code == 400 and "annullato prima della conferma" in page_text(response)
    connection.set_tenant(cesena)
