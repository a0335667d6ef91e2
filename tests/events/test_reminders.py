"""The e-mail the day before an event: once, to the people with a place, each in their language;
none for cancelled registrations, the waitlist or an event taken off the site."""

from datetime import datetime, time, timedelta

from django.core import mail
from django.db import connection
from django.utils import timezone

from src.common.jobs import comune_jobs_run
from src.common.time import ROME
from src.events.jobs import event_reminders_send
from src.events.models import EventRegistration
from src.events.services import event_register, event_unregister
from tests.conftest import drain_outbox
from tests.events.conftest import make_event


def _at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=ROME)


def test_reminder_the_day_before_once_each_in_their_language(cesena, make_user):
    day = timezone.localdate() + timedelta(days=2)
    event = make_event(cesena, capacity=2, starts_at=_at(day, 18), ends_at=_at(day, 20))
    anna, jane, carla = (
        make_user(first_name="Anna"),
        make_user(first_name="Jane", language="en"),
        make_user(first_name="Carla"),
    )
    event_register(event=event, person=anna)
    event_register(event=event, person=jane)
    waiting = event_register(event=event, person=carla)
    drain_outbox()
    assert waiting.state == EventRegistration.State.WAITLISTED
    mail.outbox.clear()

    day_before = day - timedelta(days=1)
    assert event_reminders_send(now=_at(day_before, 8)) == 0  # not before nine
    assert event_reminders_send(now=_at(day_before - timedelta(days=1), 12)) == 0  # two days before
    drain_outbox()
    assert mail.outbox == []

    now = _at(day_before, 9, 30)
    assert event_reminders_send(now=now) == 2
    drain_outbox()
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {anna.email, jane.email}  # not Carla: she is on the waitlist
    title = "Corso di competenze digitali: SPID, CIE e servizi pubblici online"
    assert by_address[anna.email].subject == f"Promemoria: {title}, domani alle 18:00"
    assert "Ciao Anna" in by_address[anna.email].body and "domani partecipi" in by_address[anna.email].body
    assert by_address[jane.email].subject == f"Reminder: {title}, tomorrow at 18:00"
    assert "Hello Jane" in by_address[jane.email].body and day.strftime("%A") in by_address[jane.email].body
    assert f"/eventi/{event.pk}/" in by_address[jane.email].body

    connection.set_tenant(cesena)
    reminded = dict(EventRegistration.objects.values_list("person_id", "reminded_at"))
    assert reminded == {anna.pk: now, jane.pk: now, carla.pk: None}
    mail.outbox.clear()
    assert event_reminders_send(now=now + timedelta(hours=3)) == 0
    drain_outbox()
    assert mail.outbox == []


def test_no_reminder_for_cancelled_registrations_or_unpublished_events(cesena, make_user):
    day = timezone.localdate() + timedelta(days=2)
    event = make_event(cesena, capacity=5, starts_at=_at(day, 18), ends_at=_at(day, 20))
    hidden = make_event(cesena, capacity=5, title="Evento ritirato", starts_at=_at(day, 17), ends_at=_at(day, 19))
    person = make_user()
    event_register(event=event, person=person)
    event_unregister(event=event, person=person)
    event_register(event=hidden, person=person)
    drain_outbox()
    hidden.is_published = False
    hidden.save()
    mail.outbox.clear()
    assert event_reminders_send(now=_at(day - timedelta(days=1), 10)) == 0
    counts = comune_jobs_run(now=_at(day - timedelta(days=1), 10))
    drain_outbox()
    assert counts["event_reminders"] == 0
    assert mail.outbox == []


def test_the_jobs_round_sends_the_event_reminders(cesena, make_user):
    day = timezone.localdate() + timedelta(days=3)
    event = make_event(cesena, starts_at=_at(day, 10), ends_at=_at(day, 12))
    event_register(event=event, person=make_user())
    drain_outbox()  # the confirmation
    mail.outbox.clear()
    counts = comune_jobs_run(now=_at(day - timedelta(days=1), 9))  # the round drains too
    assert counts["event_reminders"] == 1 and len(mail.outbox) == 1
