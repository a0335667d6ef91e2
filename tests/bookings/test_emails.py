"""E-mails through the outbox, in the person's language: confirmation with .ics and QR, cancellation, reminder."""

from datetime import timedelta

import pytest
from django.core import mail

from src.bookings.ics import booking_ics
from src.bookings.jobs import reminders_send
from src.bookings.services import booking_cancel, booking_create
from src.common.ics import _fold, calendar
from tests.bookings.conftest import at, period
from tests.conftest import drain_outbox


@pytest.fixture
def book(citizen, cowork, seats, tomorrow):
    def make(person=citizen, **kw):
        booking = booking_create(
            person=person,
            space=cowork,
            seat=seats[0],
            period=period(tomorrow, "10:00", "12:00"),
            channel="web",
            **kw,
        )
        drain_outbox()  # what the drain does after the request
        return booking

    return make


def test_confirmation_has_ics_and_qr_in_italian(book, citizen):
    booking = book()
    [message] = mail.outbox
    assert message.to == [citizen.email]
    assert message.subject == f"Prenotazione confermata: {booking.code}"
    assert "la tua prenotazione è confermata" in message.body and booking.code in message.body
    assert f"http://cesena.localhost/prenotazioni/{booking.code}/" in message.body
    html = message.alternatives[0][0]
    assert 'src="cid:qr"' in html
    parts = {part.get_filename(): part for part in message.message().walk() if part.get_filename()}
    ics = parts[f"prenotazione-{booking.code}.ics"]
    assert ics.get_content_type() == "text/calendar"
    text = ics.get_payload(decode=True).decode()
    assert "BEGIN:VEVENT" in text and f"UID:{booking.code}@cesena.localhost" in text and "STATUS:CONFIRMED" in text
    qr = parts[f"{booking.code}.png"]
    assert qr.get_payload(decode=True).startswith(b"\x89PNG") and qr["Content-ID"] == "<qr>"


def test_confirmation_in_english(book, make_user):
    person = make_user(language="en")
    booking = book(person=person)
    [message] = mail.outbox
    assert message.subject == f"Booking confirmed: {booking.code}"
    assert "Your booking is confirmed" in message.body


def test_cancellation_mail_with_cancel_ics(book, citizen, tomorrow):
    booking = book()
    mail.outbox.clear()
    booking_cancel(booking=booking, actor=citizen, channel="web", now=at(tomorrow, "06:00"))
    drain_outbox()
    [message] = mail.outbox
    assert message.subject == f"Prenotazione annullata: {booking.code}"
    ics = next(p for p in message.message().walk() if (p.get_filename() or "").endswith(".ics"))
    text = ics.get_payload(decode=True).decode()
    assert "METHOD:CANCEL" in text and "STATUS:CANCELLED" in text


def test_held_booking_has_no_confirmation_yet(book):
    book(hold=True)
    assert mail.outbox == []


def test_reminder_mail(book, tomorrow):
    booking = book(now=at(tomorrow, "10:00") - timedelta(days=2))
    mail.outbox.clear()
    reminders_send(now=at(tomorrow, "09:00") - timedelta(hours=12))
    drain_outbox()
    [message] = mail.outbox
    assert message.subject.startswith("Promemoria: Hub hub-test") and booking.code in message.body


def test_a_failing_mail_server_does_not_break_the_booking(book, settings, caplog):
    settings.EMAIL_BACKEND = "tests.bookings.test_emails.BrokenBackend"
    booking = book()
    assert booking.pk and "failed" in caplog.text


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_ics_folding_and_escaping():
    long = "X" * 200 + "è"
    folded = _fold("DESCRIPTION:" + long)
    assert all(len(line.encode()) <= 75 for line in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == "DESCRIPTION:" + long
    body = calendar([["BEGIN:VEVENT", "SUMMARY:a\\, b\\; c", "END:VEVENT"]]).decode()
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0") and body.endswith("END:VCALENDAR\r\n")
    assert booking_ics  # used by the mails above
