"""The e-mail the day before an appointment: once, in the language it was booked in, never for a cancelled one."""

from datetime import datetime, time, timedelta

from django.core import mail
from django.db import connection

from src.appointments.jobs import appointment_reminders_send
from src.appointments.models import Appointment
from src.appointments.services import appointment_book, appointment_cancel
from src.common.jobs import comune_jobs_run
from src.common.time import ROME
from tests.appointments.conftest import confirmed
from tests.conftest import drain_outbox


def _at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=ROME)


def _book(desk, day, hour, minute=0, **fields):
    data = dict(topic="SPID e CIE", applicant_name="Mario Verdi", email="mario.verdi@example.org") | fields
    appointment = appointment_book(desk=desk, start=_at(day, hour, minute), **data)
    return appointment if appointment.state == Appointment.State.BOOKED else confirmed(appointment)


def test_reminder_goes_out_the_day_before_once_in_the_booking_language(
    cesena, cesena_desk, day_after_tomorrow, make_user
):
    english = make_user(first_name="Jane", language="en")
    italian = _book(cesena_desk, day_after_tomorrow, 9)
    guest = _book(
        cesena_desk, day_after_tomorrow, 9, 30, applicant_name="John Smith", email="john@example.org", language="en"
    )
    member = _book(cesena_desk, day_after_tomorrow, 10, email=english.email, person=english, language="it")
    drain_outbox()
    mail.outbox.clear()
    day_before = day_after_tomorrow - timedelta(days=1)

    assert appointment_reminders_send(now=_at(day_before, 9) - timedelta(days=1)) == 0  # two days before
    assert appointment_reminders_send(now=_at(day_before, 7, 30)) == 0  # the day before, but not at dawn
    drain_outbox()
    assert mail.outbox == []

    now = _at(day_before, 9, 5)
    assert appointment_reminders_send(now=now) == 3
    drain_outbox()
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"mario.verdi@example.org", "john@example.org", english.email}

    it = by_address["mario.verdi@example.org"]
    assert it.subject == f"Promemoria: Sportello Facile domani alle 09:00 (codice {italian.code})"
    assert "ti ricordiamo il tuo appuntamento di domani" in it.body and italian.code in it.body
    assert "://cesena.localhost" in it.body and f"/appuntamenti/verifica/?codice={italian.code}" in it.body

    # Booked without an account in English: the e-mail follows the page's language it was booked in.
    en = by_address["john@example.org"]
    assert en.subject == f"Reminder: Sportello Facile tomorrow at 09:30 (code {guest.code})"
    assert "Dear John Smith" in en.body and _at(day_after_tomorrow, 9).strftime("%A") in en.body
    # Booked signed in: the person's own language, whatever the page's.
    assert (
        by_address[english.email].subject.startswith("Reminder:") and member.code in by_address[english.email].subject
    )

    connection.set_tenant(cesena)
    assert set(Appointment.objects.values_list("reminded_at", flat=True)) == {now}
    mail.outbox.clear()
    assert appointment_reminders_send(now=now + timedelta(minutes=1)) == 0
    assert appointment_reminders_send(now=_at(day_before, 18)) == 0
    drain_outbox()
    assert mail.outbox == []


def test_no_reminder_for_cancelled_or_booked_today(cesena, cesena_desk, day_after_tomorrow):
    from django.utils import timezone

    cancelled = _book(cesena_desk, day_after_tomorrow, 9, email="annulla@example.org")
    appointment_cancel(code=cancelled.code, email="annulla@example.org")
    # Tomorrow's appointment booked today: its confirmation has just gone out, no reminder today.
    tomorrow = timezone.localdate() + timedelta(days=1)
    _book(cesena_desk, tomorrow, 10, email="oggi@example.org")
    drain_outbox()
    mail.outbox.clear()
    assert appointment_reminders_send(now=_at(day_after_tomorrow - timedelta(days=1), 10)) == 0
    assert appointment_reminders_send(now=max(timezone.now(), _at(timezone.localdate(), 9, 1))) == 0
    drain_outbox()
    assert mail.outbox == []


def test_the_jobs_round_sends_the_reminders(cesena, cesena_desk, day_after_tomorrow):
    _book(cesena_desk, day_after_tomorrow, 9)
    drain_outbox()  # the confirmation
    mail.outbox.clear()
    counts = comune_jobs_run(now=_at(day_after_tomorrow - timedelta(days=1), 12))  # the round drains too
    assert counts["appointment_reminders"] == 1
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Promemoria"]
