"""Reminders a person turned off are not sent; confirmations cannot be turned off."""

from datetime import datetime, time, timedelta

from django.core import mail
from django.utils import timezone

from src.appointments.jobs import appointment_reminders_send
from src.appointments.services import appointment_book
from src.bookings.jobs import reminders_send
from src.bookings.services.booking import booking_create
from src.common.time import ROME
from src.events.jobs import event_reminders_send
from src.events.services import event_register
from tenants.identity.models import PersonalSettings
from tests.appointments.conftest import make_desk
from tests.bookings.conftest import at, build_hub, period
from tests.conftest import drain_outbox, host_client, page_text
from tests.events.conftest import make_event


def _turn_off(user, **fields):
    response = host_client("localhost", user).post(
        "/account/notifiche/",
        {"booking_reminders": "on", "appointment_reminders": "on", "event_reminders": "on"}
        | {name: "" for name in fields},
    )
    assert response.status_code == 302


def test_the_page_saves_the_choices_and_shows_confirmations_always_on(citizen):
    client = host_client("cesena.localhost", citizen)
    page = client.get("/account/notifiche/").content.decode()
    assert 'data-element="always-sent"' in page and "arrivano sempre" in page
    client.post("/account/notifiche/", {"appointment_reminders": "on"})
    choices = PersonalSettings.objects.get(user=citizen)
    assert (choices.booking_reminders, choices.appointment_reminders, choices.event_reminders) == (False, True, False)
    assert "Preferenze delle notifiche salvate." in page_text(client.get("/account/notifiche/"))


def test_a_booking_reminder_is_not_sent_to_who_turned_them_off(cesena, make_user, django_capture_on_commit_callbacks):
    quiet, keen = make_user(first_name="Quieta"), make_user(first_name="Attenta")
    _turn_off(quiet, booking_reminders=False)
    from django.db import connection

    connection.set_tenant(cesena)
    cowork = build_hub().spaces.get(name="Coworking")
    seats = list(cowork.seats.order_by("label"))
    day = timezone.localdate() + timedelta(days=1)
    for person, seat in ((quiet, seats[0]), (keen, seats[1])):
        booking_create(
            person=person,
            space=cowork,
            seat=seat,
            period=period(day, "10:00", "11:00"),
            channel="web",
            notify=False,
            now=at(day, "10:00") - timedelta(hours=30),
        )
    drain_outbox()  # the confirmations; only the reminders are looked at below
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(now=at(day, "10:00") - timedelta(hours=2)) == 1
        drain_outbox()
    assert [message.to for message in mail.outbox] == [[keen.email]]


def test_an_appointment_reminder_is_not_sent_to_who_turned_them_off(
    cesena, make_user, django_capture_on_commit_callbacks
):
    quiet, keen = make_user(first_name="Quieta"), make_user(first_name="Attenta")
    _turn_off(quiet, appointment_reminders=False)
    desk = make_desk(cesena)
    day = timezone.localdate() + timedelta(days=2)
    start = datetime.combine(day, time(9), tzinfo=ROME)
    appointment_book(desk=desk, start=start, topic="SPID e CIE", applicant_name="Q", email=quiet.email, person=quiet)
    appointment_book(
        desk=desk,
        start=start + timedelta(minutes=30),
        topic="SPID e CIE",
        applicant_name="A",
        email=keen.email,
        person=keen,
    )
    mail.outbox.clear()
    drain_outbox()  # the confirmations; only the reminders are looked at below
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert appointment_reminders_send(now=datetime.combine(day - timedelta(days=1), time(9, 5), tzinfo=ROME)) == 1
        drain_outbox()
    assert [message.to for message in mail.outbox] == [[keen.email]]


def test_an_event_reminder_is_not_sent_to_who_turned_them_off(cesena, make_user, django_capture_on_commit_callbacks):
    quiet, keen = make_user(first_name="Quieta"), make_user(first_name="Attenta")
    _turn_off(quiet, event_reminders=False)
    day = timezone.localdate() + timedelta(days=2)
    start = datetime.combine(day, time(18), tzinfo=ROME)
    event = make_event(cesena, capacity=5, starts_at=start, ends_at=start + timedelta(hours=2))
    event_register(event=event, person=quiet)
    event_register(event=event, person=keen)
    mail.outbox.clear()
    drain_outbox()  # the confirmations; only the reminders are looked at below
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert event_reminders_send(now=datetime.combine(day - timedelta(days=1), time(9, 5), tzinfo=ROME)) == 1
        drain_outbox()
    assert [message.to for message in mail.outbox] == [[keen.email]]
