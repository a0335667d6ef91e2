"""The outbox: a booking's e-mail is written in its transaction and sent later by the drain,
never in the request; failures are retried with backoff and given up on, without holding
up the other messages; each comune's drain sends its own messages only."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from src.bookings.models import Booking
from src.bookings.services import booking_create
from src.outbox.models import OutboxMessage
from src.outbox.services import MAX_ATTEMPTS, outbox_drain, outbox_enqueue
from tests.bookings.conftest import at, build_hub, period
from tests.conftest import drain_outbox, host_client


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError(111, "Connection refused by mail.example.org for anna@example.org")


@pytest.fixture
def tomorrow():
    return timezone.localdate() + timedelta(days=1)


def _book(person, tomorrow):
    space = build_hub().spaces.get(name="Coworking")
    return booking_create(
        person=person, space=space, seat=space.seats.first(), period=period(tomorrow, "10:00", "11:00"), channel="web"
    )


@pytest.mark.parametrize("language, subject", [("it", "Prenotazione confermata"), ("en", "Booking confirmed")])
def test_a_booking_through_the_api_is_mailed_by_the_drain_not_the_request(
    cesena, make_user, tomorrow, django_capture_on_commit_callbacks, language, subject
):
    connection.set_tenant(cesena)
    space = build_hub().spaces.get(name="Coworking")
    person = make_user(language=language)
    body = {
        "space": space.pk,
        "seat": space.seats.first().pk,
        "start": at(tomorrow, "10:00").isoformat(),
        "end": at(tomorrow, "11:00").isoformat(),
    }
    # Run what the request leaves for after its commit too: nothing of it may send a mail.
    with django_capture_on_commit_callbacks(execute=True):
        response = host_client("cesena.localhost", person).post(
            "/api/v1/bookings/", json.dumps(body), content_type="application/json"
        )
    assert response.status_code == 201, response.content
    assert mail.outbox == []

    connection.set_tenant(cesena)
    booking = Booking.objects.get(code=response.json()["code"])
    [message] = OutboxMessage.objects.all()
    assert (message.kind, message.obj_id, message.state, message.attempts) == (
        "bookings.confirmed",
        booking.pk,
        "pending",
        0,
    )

    assert drain_outbox(cesena) == 1
    [email] = mail.outbox
    assert email.to == [person.email] and email.subject == f"{subject}: {booking.code}"
    parts = {part.get_filename(): part for part in email.message().walk() if part.get_filename()}
    ics = parts[f"prenotazione-{booking.code}.ics"].get_payload(decode=True).decode()
    assert f"UID:{booking.code}@cesena.localhost" in ics and "STATUS:CONFIRMED" in ics
    assert parts[f"{booking.code}.png"].get_payload(decode=True).startswith(b"\x89PNG")
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error) == ("sent", 1, "")
    assert message.sent_at is not None

    assert drain_outbox(cesena) == 0 and len(mail.outbox) == 1  # sent once, not at every drain


def test_a_rolled_back_booking_leaves_no_message(cesena, citizen, tomorrow):
    connection.set_tenant(cesena)
    with pytest.raises(RuntimeError), transaction.atomic():
        _book(citizen, tomorrow)
        assert OutboxMessage.objects.count() == 1  # written in the booking's own transaction...
        raise RuntimeError("something later in the same transaction fails")
    assert not Booking.objects.exists() and not OutboxMessage.objects.exists()  # ...and gone with it
    assert drain_outbox() == 0 and mail.outbox == []


def test_a_mail_server_outage_delays_the_confirmation_and_loses_nothing(cesena, citizen, tomorrow, settings, caplog):
    connection.set_tenant(cesena)
    booking = _book(citizen, tomorrow)
    settings.EMAIL_BACKEND = "tests.outbox.test_outbox.BrokenBackend"
    now = timezone.now()
    assert outbox_drain(now=now) == 0
    message = OutboxMessage.objects.get()
    assert (message.state, message.attempts, message.next_attempt_at) == ("pending", 1, now + timedelta(minutes=1))
    # What went wrong, without the address the error text carried.
    assert message.last_error == "ConnectionRefusedError (111)"
    assert "failed (attempt 1 of 8)" in caplog.text

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the server is back
    assert outbox_drain(now=now + timedelta(seconds=59)) == 0  # not due yet
    assert outbox_drain(now=now + timedelta(minutes=1)) == 1
    [email] = mail.outbox
    assert email.subject == f"Prenotazione confermata: {booking.code}"


def test_a_failing_handler_backs_off_then_gives_up_without_holding_up_the_others(cesena, handlers, caplog):
    connection.set_tenant(cesena)
    sent = []

    @handlers("tests.flaky")
    def flaky(message, municipality):
        if message.obj_id == 1:
            raise ConnectionRefusedError(111, "refused")
        sent.append((message.obj_id, municipality.slug))

    broken = outbox_enqueue(kind="tests.flaky", obj_id=1)  # first in line
    outbox_enqueue(kind="tests.flaky", obj_id=2)
    outbox_enqueue(kind="tests.flaky", obj_id=3)

    now = timezone.now()
    assert outbox_drain(now=now) == 2
    assert sent == [(2, "cesena"), (3, "cesena")]

    # 1, 2, 4 ... minutes after each failure, at most an hour; the eighth failure gives up.
    waits = [1, 2, 4, 8, 16, 32, 60]
    for attempt, minutes in enumerate(waits, start=1):
        broken.refresh_from_db()
        assert (broken.state, broken.attempts) == ("pending", attempt)
        assert broken.next_attempt_at == now + timedelta(minutes=minutes)
        outbox_enqueue(kind="tests.flaky", obj_id=100 + attempt)  # a newcomer while it waits
        assert outbox_drain(now=now + timedelta(minutes=minutes) - timedelta(seconds=1)) == 1  # only the newcomer
        now += timedelta(minutes=minutes)
        assert outbox_drain(now=now) == 0
    broken.refresh_from_db()
    assert (broken.state, broken.attempts) == ("failed", MAX_ATTEMPTS)
    assert "given up" in caplog.text
    assert outbox_drain(now=now + timedelta(days=1)) == 0
    broken.refresh_from_db()
    assert broken.attempts == MAX_ATTEMPTS
    assert [obj_id for obj_id, _ in sent] == [2, 3, *range(101, 101 + len(waits))]


def test_a_message_about_a_deleted_row_fails_at_once(cesena, citizen, tomorrow):
    connection.set_tenant(cesena)
    booking = _book(citizen, tomorrow)
    Booking.objects.filter(pk=booking.pk).delete()  # its transitions go with it
    assert drain_outbox() == 0
    message = OutboxMessage.objects.get()
    # No later try would find it: no retries, no e-mail.
    assert (message.state, message.attempts, message.last_error) == ("failed", 1, "DoesNotExist")
    assert mail.outbox == []


def test_an_unregistered_kind_is_refused_when_written(cesena):
    connection.set_tenant(cesena)
    with pytest.raises(LookupError):
        outbox_enqueue(kind="bookings.confimred", obj_id=1)


def test_each_comune_drains_its_own_messages_only(cesena, sarsina, make_user, tomorrow):
    anna, bruno = make_user(), make_user()
    connection.set_tenant(cesena)
    in_cesena = _book(anna, tomorrow)
    connection.set_tenant(sarsina)
    in_sarsina = _book(bruno, tomorrow)

    assert drain_outbox(cesena) == 1
    [email] = mail.outbox
    assert email.to == [anna.email] and in_cesena.code in email.subject
    assert f"http://cesena.localhost/prenotazioni/{in_cesena.code}/" in email.body
    connection.set_tenant(sarsina)
    assert OutboxMessage.objects.get().state == "pending"  # Sarsina's waits for Sarsina's drain

    assert drain_outbox(sarsina) == 1
    assert [m.to for m in mail.outbox] == [[anna.email], [bruno.email]]
    assert f"http://sarsina.localhost/prenotazioni/{in_sarsina.code}/" in mail.outbox[1].body


def test_sent_messages_are_purged_after_the_retention_failed_and_pending_ones_are_kept(cesena, sarsina, settings):
    from src.common.jobs import comune_jobs_run

    settings.OUTBOX_SENT_RETENTION_DAYS = 30
    now = timezone.now()
    connection.set_tenant(cesena)

    def message(state, sent_days_ago=None, created_days_ago=60):
        sent_at = now - timedelta(days=sent_days_ago) if sent_days_ago is not None else None
        return OutboxMessage.objects.create(
            kind="bookings.confirmed",
            obj_id=1,
            state=state,
            created_at=now - timedelta(days=created_days_ago),
            sent_at=sent_at,
            next_attempt_at=now + timedelta(days=1),  # not due: the round's drain leaves them be
        ).pk

    old_sent = message("sent", sent_days_ago=31)
    recent_sent = message("sent", sent_days_ago=29)
    old_failed = message("failed")
    old_pending = message("pending")
    connection.set_tenant(sarsina)
    sarsina_old_sent = message("sent", sent_days_ago=31)

    connection.set_tenant(cesena)
    assert comune_jobs_run(now=now, only={"outbox_purged"}) == {"outbox_purged": 1}
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {recent_sent, old_failed, old_pending}
    assert old_sent not in OutboxMessage.objects.values_list("pk", flat=True)
    connection.set_tenant(sarsina)
    assert OutboxMessage.objects.filter(pk=sarsina_old_sent).exists()  # Sarsina's round purges Sarsina's

    # A shorter retention, set by the installer, purges sooner.
    connection.set_tenant(cesena)
    settings.OUTBOX_SENT_RETENTION_DAYS = 7
    comune_jobs_run(now=now, only={"outbox_purged"})
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {old_failed, old_pending}
