"""A booking, its first transition and its e-mail are written by one statement
(src/common/rows.py): all three or none, each with its id, the e-mail pointing at the booking."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from src.bookings.models import Booking, BookingTransition
from src.common.rows import insert_together
from src.outbox.models import OutboxMessage
from tests.bookings.conftest import period


def _booking(citizen, cowork, seat, day, start="10:00", end="11:00") -> Booking:
    now = timezone.now()
    return Booking(
        code=f"T{start[:2]}{seat.pk}"[:8],
        person=citizen,
        hub=cowork.hub,
        space=cowork,
        seat=seat,
        period=period(day, start, end),
        state=Booking.State.CONFIRMED,
        channel=Booking.Channel.WEB,
        created_at=now,
    )


def _followers(booking):
    transition = BookingTransition(
        booking=booking, from_state="", to_state="confirmed", channel="web", at=booking.created_at
    )
    message = OutboxMessage(kind="bookings.confirmed", payload={})
    return transition, message


def test_all_three_rows_with_their_ids(citizen, cowork, seats, tomorrow):
    for start in ("10:00", "11:00"):  # the second reuses the statement written for the first
        booking = _booking(citizen, cowork, seats[0], tomorrow, start, f"{int(start[:2]) + 1}:00")
        transition, message = _followers(booking)
        other_active = insert_together(
            booking,
            [(transition, "booking"), (message, "obj_id")],
            read=("SELECT count(*) FROM bookings_booking WHERE person_id = %s", [citizen.pk]),
        )
        assert other_active == (0 if start == "10:00" else 1)  # the statement does not see its own row
        assert Booking.objects.get(pk=booking.pk).code == booking.code
        assert BookingTransition.objects.get(pk=transition.pk).booking_id == booking.pk
        assert OutboxMessage.objects.get(pk=message.pk).obj_id == booking.pk
        assert Booking.objects.get(pk=booking.pk).note == ""  # a column left to its database default


def test_a_refused_booking_writes_nothing(citizen, cowork, seats, tomorrow):
    first = _booking(citizen, cowork, seats[0], tomorrow)
    insert_together(first, [(_followers(first)[0], "booking")])
    transitions, messages = BookingTransition.objects.count(), OutboxMessage.objects.count()

    overlapping = _booking(citizen, cowork, seats[0], tomorrow, "10:30", "11:30")
    overlapping.code = "OVERLAP1"
    transition, message = _followers(overlapping)
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_together(overlapping, [(transition, "booking"), (message, "obj_id")])
    assert not Booking.objects.filter(code="OVERLAP1").exists()
    assert (BookingTransition.objects.count(), OutboxMessage.objects.count()) == (transitions, messages)
