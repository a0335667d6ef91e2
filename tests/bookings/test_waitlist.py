"""Waitlist: join only when full; a freed place is offered to the first in line, held, accepted or declined."""

from datetime import timedelta

import pytest
from django.core import mail

from src.bookings.jobs import bookings_release_no_shows, holds_expire
from src.bookings.models import Booking, WaitlistEntry
from src.bookings.services import (
    booking_cancel,
    booking_create,
    policy_update,
    waitlist_accept,
    waitlist_decline,
    waitlist_join,
    waitlist_leave,
    waitlist_offers_run,
)
from src.common.errors import Conflict, DomainError
from tests.bookings.conftest import at, period
from tests.conftest import drain_outbox


@pytest.fixture
def full(cowork, seats, tomorrow, make_user):
    """Every seat of the coworking room taken 10:00–11:00 tomorrow."""
    return [
        booking_create(
            person=make_user(), space=cowork, seat=seat, period=period(tomorrow, "10:00", "11:00"), channel="web"
        )
        for seat in seats
    ]


def join(person, space, seat, day, minutes_ago=0, **kw):
    return waitlist_join(person=person, space=space, seat=seat, period=period(day, "10:00", "11:00"), **kw)


def test_join_only_when_full(citizen, cowork, seats, tomorrow):
    with pytest.raises(DomainError) as info:
        join(citizen, cowork, None, tomorrow)
    assert info.value.code == "not_full"
    assert "C'è ancora posto" in str(info.value)


def test_join_a_taken_seat_once(citizen, full, cowork, seats, tomorrow):
    entry = join(citizen, cowork, seats[0], tomorrow)
    assert entry.state == "waiting"
    with pytest.raises(Conflict, match="Sei già in lista d'attesa"):
        join(citizen, cowork, seats[0], tomorrow)


def test_freed_seat_goes_to_the_first_in_line_held_and_mailed(full, make_user, cowork, seats, tomorrow):
    first, second = make_user(), make_user()
    now = at(tomorrow, "07:00")
    e1 = waitlist_join(person=first, space=cowork, seat=None, period=period(tomorrow, "10:00", "11:00"), now=now)
    e2 = waitlist_join(
        person=second,
        space=cowork,
        seat=None,
        period=period(tomorrow, "10:00", "11:00"),
        now=now + timedelta(seconds=1),
    )
    booking_cancel(booking=full[2], actor=full[2].person, channel="web", now=now + timedelta(minutes=5))
    drain_outbox()
    e1.refresh_from_db()
    e2.refresh_from_db()
    assert (e1.state, e2.state) == ("offered", "waiting")
    offer = e1.offered_booking
    assert (offer.state, offer.seat, offer.person) == ("held", seats[2], first)
    assert offer.hold_expires_at == now + timedelta(minutes=35)  # policy: 30 minutes to accept
    offer_mail = [m for m in mail.outbox if m.to == [first.email]]
    assert offer_mail and "Si è liberato un posto" in offer_mail[0].subject

    booking = waitlist_accept(entry=e1, actor=first, channel="web", now=now + timedelta(minutes=10))
    assert booking.state == "confirmed"
    e1.refresh_from_db()
    assert e1.state == "accepted"


def test_declined_offer_passes_to_the_next(full, make_user, cowork, seats, tomorrow):
    first, second = make_user(), make_user()
    now = at(tomorrow, "07:00")
    e1 = waitlist_join(person=first, space=cowork, seat=seats[1], period=period(tomorrow, "10:00", "11:00"), now=now)
    e2 = waitlist_join(
        person=second,
        space=cowork,
        seat=None,
        period=period(tomorrow, "10:00", "11:00"),
        now=now + timedelta(seconds=1),
    )
    booking_cancel(booking=full[1], actor=full[1].person, channel="web", now=now)
    e1.refresh_from_db()
    assert e1.state == "offered"
    waitlist_decline(entry=e1, actor=first, channel="web", now=now + timedelta(minutes=1))
    e1.refresh_from_db()
    e2.refresh_from_db()
    assert (e1.state, e2.state) == ("declined", "offered")
    assert e2.offered_booking.seat == seats[1]


def test_unanswered_offer_expires_and_passes_on(full, make_user, cowork, tomorrow):
    first, second = make_user(), make_user()
    now = at(tomorrow, "07:00")
    e1 = waitlist_join(person=first, space=cowork, seat=None, period=period(tomorrow, "10:00", "11:00"), now=now)
    e2 = waitlist_join(
        person=second,
        space=cowork,
        seat=None,
        period=period(tomorrow, "10:00", "11:00"),
        now=now + timedelta(seconds=1),
    )
    booking_cancel(booking=full[0], actor=full[0].person, channel="web", now=now)
    assert holds_expire(now=now + timedelta(minutes=31)) == 1
    e1.refresh_from_db()
    e2.refresh_from_db()
    assert (e1.state, e2.state) == ("expired", "offered")
    with pytest.raises(DomainError, match="Non c'è un posto offerto"):
        waitlist_accept(entry=e1, actor=first, channel="web", now=now + timedelta(minutes=32))


def test_no_show_release_offers_the_seat(full, citizen, cowork, tomorrow):
    entry = waitlist_join(
        person=citizen, space=cowork, seat=None, period=period(tomorrow, "10:00", "11:00"), now=at(tomorrow, "07:00")
    )
    assert bookings_release_no_shows(now=at(tomorrow, "10:31")) == 4
    entry.refresh_from_db()
    assert entry.state == "offered"
    # Offered at 10:31 with 29 minutes left: the hold ends with the period, not after it.
    assert entry.offered_booking.hold_expires_at == at(tomorrow, "11:00")


def test_periodic_pass_offers_and_expires(full, citizen, make_user, cowork, tomorrow):
    entry = waitlist_join(
        person=citizen, space=cowork, seat=None, period=period(tomorrow, "10:00", "11:00"), now=at(tomorrow, "07:00")
    )
    # A place freed without going through a service (e.g. a seat added): the pass finds it.
    Booking.objects.filter(pk=full[3].pk).update(state="cancelled")
    assert waitlist_offers_run(now=at(tomorrow, "08:00")) == 1
    entry.refresh_from_db()
    assert entry.state == "offered"
    late = waitlist_join(
        person=make_user(),
        space=cowork,
        seat=None,
        period=period(tomorrow, "10:00", "11:00"),
        now=at(tomorrow, "08:01"),
    )
    waitlist_offers_run(now=at(tomorrow, "11:00"))
    late.refresh_from_db()
    assert late.state == "expired"


def test_leave_the_line(full, citizen, cowork, tomorrow):
    entry = join(citizen, cowork, None, tomorrow)
    waitlist_leave(entry=entry, actor=citizen, channel="web")
    assert WaitlistEntry.objects.get(pk=entry.pk).state == "cancelled"


def test_offer_respects_the_active_limit(full, citizen, cowork, seats, tomorrow):
    policy_update(max_active_per_person=1)
    entry = waitlist_join(
        person=citizen, space=cowork, seat=None, period=period(tomorrow, "10:00", "11:00"), now=at(tomorrow, "07:00")
    )
    booking_create(
        person=citizen, space=cowork, seat=seats[0], period=period(tomorrow, "14:00", "15:00"), channel="web"
    )
    booking_cancel(booking=full[0], actor=full[0].person, channel="web", now=at(tomorrow, "07:00"))
    entry.refresh_from_db()
    assert entry.state == "waiting"


# --- One's own place is never waited for, nor offered twice ------------------------------------


def test_cannot_join_for_a_slot_you_already_hold(full, cowork, seats, tomorrow):
    mine = full[0]
    for seat, hours in ((seats[0], ("10:00", "11:00")), (None, ("10:00", "11:00")), (seats[1], ("10:00", "12:00"))):
        with pytest.raises(Conflict) as info:
            waitlist_join(person=mine.person, space=cowork, seat=seat, period=period(tomorrow, *hours))
        assert info.value.code == "already_booked"
        assert str(info.value) == (
            f"Hai già una prenotazione in quell'orario in Coworking (codice {mine.code}):"
            " non serve metterti in lista d'attesa."
        )
    assert not WaitlistEntry.objects.exists()


def test_a_held_offer_counts_as_holding_the_place(full, citizen, cowork, seats, tomorrow):
    entry = join(citizen, cowork, None, tomorrow, now=at(tomorrow, "07:00"))
    booking_cancel(booking=full[0], actor=full[0].person, channel="web", now=at(tomorrow, "07:05"))
    entry.refresh_from_db()
    assert entry.offered_booking.state == "held"
    with pytest.raises(Conflict, match="Hai già una prenotazione in quell'orario"):
        join(citizen, cowork, seats[1], tomorrow, now=at(tomorrow, "07:06"))


def test_a_booking_elsewhere_does_not_stop_joining(full, citizen, cowork, meeting, seats, tomorrow):
    booking_create(person=citizen, space=meeting, period=period(tomorrow, "10:00", "11:00"), channel="web")
    assert join(citizen, cowork, seats[0], tomorrow).state == "waiting"


def test_pages_and_api_refuse_joining_for_your_own_slot(full, cowork, seats, tomorrow):
    import json

    from tests.conftest import host_client, page_text

    client = host_client("cesena.localhost", full[0].person)
    body = {
        "space": cowork.pk,
        "seat": seats[0].pk,
        "start": at(tomorrow, "10:00").isoformat(),
        "end": at(tomorrow, "11:00").isoformat(),
    }
    response = client.post("/api/v1/waitlist/", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 409
    assert response.json()["detail"].startswith("Hai già una prenotazione in quell'orario")
    page = page_text(client.post("/lista-attesa/", body, follow=True))
    assert "Hai già una prenotazione in quell'orario" in page and "Sei in lista d'attesa:" not in page
    assert not WaitlistEntry.objects.exists()


def test_the_offer_skips_whoever_already_holds_a_place_then(full, citizen, make_user, cowork, seats, tomorrow):
    """Waiting for seat P1, the citizen booked P2 when it freed; P1 freeing later goes to the next in line."""
    now = at(tomorrow, "07:00")
    waiting_for_p1 = join(citizen, cowork, seats[0], tomorrow, now=now)
    booking_cancel(booking=full[1], actor=full[1].person, channel="web", now=now + timedelta(minutes=1))
    booking_create(
        person=citizen,
        space=cowork,
        seat=seats[1],
        period=period(tomorrow, "10:00", "11:00"),
        channel="web",
        now=now + timedelta(minutes=2),
    )
    other = make_user()
    next_in_line = join(other, cowork, None, tomorrow, now=now + timedelta(minutes=3))

    booking_cancel(booking=full[0], actor=full[0].person, channel="web", now=now + timedelta(minutes=4))
    waiting_for_p1.refresh_from_db()
    next_in_line.refresh_from_db()
    assert waiting_for_p1.state == "waiting" and waiting_for_p1.offered_booking is None
    assert next_in_line.state == "offered" and next_in_line.offered_booking.seat == seats[0]
    assert Booking.objects.filter(person=citizen, state__in=["held", "confirmed"]).count() == 1


def test_two_entries_of_one_person_get_one_offer(full, citizen, cowork, seats, tomorrow):
    now = at(tomorrow, "07:00")
    for_p1 = join(citizen, cowork, seats[0], tomorrow, now=now)
    for_any = join(citizen, cowork, None, tomorrow, now=now + timedelta(minutes=1))
    # Two seats free at once (a place freed without a service): one pass, one offer for the citizen.
    Booking.objects.filter(pk__in=[full[0].pk, full[1].pk]).update(state="cancelled")
    assert waitlist_offers_run(now=now + timedelta(minutes=2)) == 1
    for_p1.refresh_from_db()
    for_any.refresh_from_db()
    assert (for_p1.state, for_any.state) == ("offered", "waiting")
