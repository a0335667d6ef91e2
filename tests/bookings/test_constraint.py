"""The exclusion constraint alone (raw SQL, no service) refuses every double booking."""

import pytest
from django.db import IntegrityError, transaction

from tests.bookings.conftest import at, raw_booking


def _refused(**kwargs) -> bool:
    try:
        with transaction.atomic():
            raw_booking(**kwargs)
    except IntegrityError as exc:
        assert exc.__cause__.pgcode == "23P01", exc
        return True
    return False


@pytest.fixture
def booked(citizen, cowork, seats, tomorrow):
    """P1 taken 10:00–12:00 tomorrow."""
    raw_booking(person=citizen, space=cowork, seat=seats[0], start=at(tomorrow, "10:00"), end=at(tomorrow, "12:00"))


def test_same_seat_overlapping_is_refused(booked, citizen, cowork, seats, tomorrow):
    assert _refused(
        person=citizen, space=cowork, seat=seats[0], start=at(tomorrow, "11:00"), end=at(tomorrow, "13:00"), code="B"
    )


def test_other_seat_same_time_is_allowed(booked, citizen, cowork, seats, tomorrow):
    assert not _refused(
        person=citizen, space=cowork, seat=seats[1], start=at(tomorrow, "10:00"), end=at(tomorrow, "12:00"), code="B"
    )


def test_back_to_back_is_allowed(booked, citizen, cowork, seats, tomorrow):
    assert not _refused(
        person=citizen, space=cowork, seat=seats[0], start=at(tomorrow, "12:00"), end=at(tomorrow, "13:00"), code="B"
    )
    assert not _refused(
        person=citizen, space=cowork, seat=seats[0], start=at(tomorrow, "09:00"), end=at(tomorrow, "10:00"), code="C"
    )


def test_whole_room_over_a_booked_seat_is_refused(booked, citizen, cowork, tomorrow):
    assert _refused(
        person=citizen, space=cowork, seat=None, start=at(tomorrow, "11:30"), end=at(tomorrow, "13:00"), code="B"
    )


def test_seat_inside_a_whole_room_booking_is_refused(citizen, cowork, seats, tomorrow):
    raw_booking(person=citizen, space=cowork, seat=None, start=at(tomorrow, "10:00"), end=at(tomorrow, "12:00"))
    for index, seat in enumerate(seats):
        assert _refused(
            person=citizen,
            space=cowork,
            seat=seat,
            start=at(tomorrow, "11:00"),
            end=at(tomorrow, "11:30"),
            code=f"S{index}",
        )
    assert _refused(
        person=citizen, space=cowork, seat=None, start=at(tomorrow, "09:00"), end=at(tomorrow, "10:30"), code="W"
    )


def test_whole_room_of_another_space_is_independent(booked, citizen, meeting, tomorrow):
    assert not _refused(
        person=citizen, space=meeting, seat=None, start=at(tomorrow, "10:00"), end=at(tomorrow, "12:00"), code="B"
    )


@pytest.mark.parametrize("state", ["cancelled", "no_show", "completed"])
def test_states_that_free_the_seat_do_not_block(state, citizen, cowork, seats, tomorrow):
    raw_booking(
        person=citizen, space=cowork, seat=seats[0], start=at(tomorrow, "10:00"), end=at(tomorrow, "12:00"), state=state
    )
    assert not _refused(
        person=citizen, space=cowork, seat=seats[0], start=at(tomorrow, "10:00"), end=at(tomorrow, "12:00"), code="B"
    )


@pytest.mark.parametrize("state", ["held", "checked_in"])
def test_held_and_checked_in_block(state, citizen, cowork, seats, tomorrow):
    # A held row needs its expiry (check constraint); set one through SQL too.
    raw_booking(
        person=citizen,
        space=cowork,
        seat=seats[0],
        start=at(tomorrow, "10:00"),
        end=at(tomorrow, "12:00"),
        state="confirmed",
    )
    from src.bookings.models import Booking

    Booking.objects.filter(code="RAWRAW00").update(state=state, hold_expires_at=at(tomorrow, "09:00"))
    assert _refused(
        person=citizen, space=cowork, seat=seats[0], start=at(tomorrow, "10:00"), end=at(tomorrow, "12:00"), code="B"
    )
