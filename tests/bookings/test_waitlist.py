"""Waitlist: join only when full; a freed place is offered to the first in line, held, accepted or declined."""

from datetime import timedelta

import pytest
from django.core import mail

from src.bookings.errors import BookingConflict, BookingError
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
    with pytest.raises(BookingError) as info:
        join(citizen, cowork, None, tomorrow)
    assert info.value.code == "not_full"
    assert "C'è ancora posto" in str(info.value)


def test_join_a_taken_seat_once(citizen, full, cowork, seats, tomorrow):
    entry = join(citizen, cowork, seats[0], tomorrow)
    assert entry.state == "waiting"
    with pytest.raises(BookingConflict, match="Sei già in lista d'attesa"):
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
    with pytest.raises(BookingError, match="Non c'è un posto offerto"):
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
