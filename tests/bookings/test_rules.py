"""booking_create refuses what the hub and the comune's policy do not allow, saying why."""

from datetime import timedelta

import pytest

from src.bookings.models import Booking, BookingPolicy
from src.bookings.services import booking_create, policy_update
from src.common.errors import Conflict, DomainError
from src.common.time import local_today
from src.hubs.models import Closure, Layout, LayoutSchedule, SpecialOpening
from tests.bookings.conftest import at, period
from tests.fixtures import UserFactory


def book(person, space, seat, p, **kw):
    return booking_create(person=person, space=space, seat=seat, period=p, channel="web", **kw)


def refusal(person, space, seat, p, **kw) -> DomainError:
    with pytest.raises(DomainError) as info:
        book(person, space, seat, p, **kw)
    return info.value


def test_a_valid_booking_is_confirmed_with_a_code_and_a_transition(citizen, cowork, seats, tomorrow):
    booking = book(citizen, cowork, seats[0], period(tomorrow, "10:00", "12:00"))
    assert booking.state == "confirmed" and len(booking.code) == 8
    assert booking.hub_id == cowork.hub_id
    transition = booking.transitions.get()
    assert (transition.from_state, transition.to_state, transition.actor, transition.channel) == (
        "",
        "confirmed",
        citizen,
        "web",
    )


def test_the_second_booking_of_a_seat_is_a_conflict_with_a_message(citizen, make_user, cowork, seats, tomorrow):
    book(citizen, cowork, seats[0], period(tomorrow, "10:00", "12:00"))
    with pytest.raises(Conflict) as info:
        book(make_user(), cowork, seats[0], period(tomorrow, "11:00", "12:00"))
    assert info.value.status == 409
    assert "La postazione P1 è già prenotata" in str(info.value)


def test_whole_room_conflicts_both_ways(citizen, make_user, cowork, seats, tomorrow):
    book(citizen, cowork, seats[0], period(tomorrow, "10:00", "11:00"))
    with pytest.raises(Conflict, match="La sala Coworking è già occupata"):
        book(make_user(), cowork, None, period(tomorrow, "10:00", "12:00"))
    book(make_user(), cowork, None, period(tomorrow, "14:00", "16:00"))
    with pytest.raises(Conflict):
        book(make_user(), cowork, seats[3], period(tomorrow, "15:00", "16:00"))


def test_outside_opening_hours(citizen, cowork, seats, tomorrow):
    error = refusal(citizen, cowork, seats[0], period(tomorrow, "12:00", "14:00"))
    assert error.code == "outside_opening_hours"
    assert "fuori dall'orario di apertura" in str(error) and "09:00–13:00, 14:00–19:00" in str(error)
    assert refusal(citizen, cowork, seats[0], period(tomorrow, "08:00", "09:00")).code == "outside_opening_hours"


def test_closure_says_why(citizen, hub, cowork, seats, tomorrow):
    Closure.objects.create(hub=hub, starts_on=tomorrow, ends_on=tomorrow, reason="festa del patrono")
    error = refusal(citizen, cowork, seats[0], period(tomorrow, "10:00", "11:00"))
    assert error.code == "hub_closed"
    assert str(error) == f"L'hub è chiuso il {tomorrow:%d/%m/%Y} (festa del patrono)."


def test_special_opening_replaces_weekly_hours(citizen, hub, cowork, seats, tomorrow):
    from datetime import time

    SpecialOpening.objects.create(hub=hub, date=tomorrow, opens=time(15), closes=time(17))
    assert refusal(citizen, cowork, seats[0], period(tomorrow, "10:00", "11:00")).code == "outside_opening_hours"
    assert book(citizen, cowork, seats[0], period(tomorrow, "15:00", "17:00")).state == "confirmed"


def test_seat_not_in_the_days_layout(citizen, cowork, seats, tomorrow):
    layout = Layout.objects.create(space=cowork, name="Due postazioni")
    layout.seats.set(seats[:2])
    LayoutSchedule.objects.create(space=cowork, layout=layout, date=tomorrow)
    error = refusal(citizen, cowork, seats[3], period(tomorrow, "10:00", "11:00"))
    assert error.code == "seat_not_in_layout"
    assert "La postazione P4 non c'è nell'allestimento della sala Coworking" in str(error)
    assert book(citizen, cowork, seats[1], period(tomorrow, "10:00", "11:00")).seat == seats[1]
    # The day after, the default (no layout: every seat) is back.
    assert book(citizen, cowork, seats[3], period(tomorrow + timedelta(days=1), "10:00", "11:00"))


def test_whole_room_only_layout_refuses_seats(citizen, cowork, seats, tomorrow):
    layout = Layout.objects.create(space=cowork, name="Riunione", whole_room_only=True)
    LayoutSchedule.objects.create(space=cowork, layout=layout, date=tomorrow)
    error = refusal(citizen, cowork, seats[0], period(tomorrow, "10:00", "11:00"))
    assert "allestita per essere prenotata solo per intero" in str(error)


def test_whole_room_only_where_allowed(citizen, cowork, seats, tomorrow):
    cowork.bookable_whole = False
    cowork.save()
    error = refusal(citizen, cowork, None, period(tomorrow, "10:00", "11:00"))
    assert error.code == "whole_room_not_bookable"
    assert "non si prenota per intero" in str(error)


def test_seat_of_another_space(citizen, meeting, seats, tomorrow):
    assert "non appartiene a questa sala" in str(
        refusal(citizen, meeting, seats[0], period(tomorrow, "10:00", "11:00"))
    )


def test_slots_are_aligned_from_opening(citizen, cowork, seats, tomorrow):
    error = refusal(citizen, cowork, seats[0], period(tomorrow, "10:30", "11:30"))
    assert error.code == "not_on_slots"
    assert "slot di 60 minuti a partire dalle 09:00" in str(error)
    policy_update(slot_minutes=240)
    assert book(citizen, cowork, seats[0], period(tomorrow, "09:00", "13:00"))
    assert refusal(citizen, cowork, seats[1], period(tomorrow, "09:00", "11:00")).code == "not_on_slots"
    # The afternoon counts its slots from 14:00 and may end at closing time (a short last slot).
    assert book(citizen, cowork, seats[1], period(tomorrow, "14:00", "18:00"))
    assert book(citizen, cowork, seats[2], period(tomorrow, "18:00", "19:00"))


def test_too_far_ahead(citizen, cowork, seats):
    policy_update(max_days_ahead=7)
    far = local_today() + timedelta(days=8)
    error = refusal(citizen, cowork, seats[0], period(far, "10:00", "11:00"))
    assert error.code == "too_far_ahead"
    assert f"al massimo 7 giorni in anticipo (fino al {local_today() + timedelta(days=7):%d/%m/%Y})" in str(error)
    assert book(citizen, cowork, seats[0], period(far - timedelta(days=1), "10:00", "11:00"))


def test_too_long(citizen, cowork, seats, tomorrow):
    policy_update(max_hours=2)
    error = refusal(citizen, cowork, seats[0], period(tomorrow, "09:00", "12:00"))
    assert (error.code, str(error)) == ("too_long", "Una prenotazione può durare al massimo 2 ore.")


def test_in_the_past(citizen, cowork, seats):
    yesterday = local_today() - timedelta(days=1)
    assert refusal(citizen, cowork, seats[0], period(yesterday, "10:00", "11:00")).code == "in_the_past"


def test_end_before_start_and_naive_times(citizen, cowork, seats, tomorrow):
    assert "successiva all'inizio" in str(
        refusal(citizen, cowork, seats[0], (at(tomorrow, "11:00"), at(tomorrow, "10:00")))
    )
    naive = (at(tomorrow, "10:00").replace(tzinfo=None), at(tomorrow, "11:00").replace(tzinfo=None))
    assert "fuso orario" in str(refusal(citizen, cowork, seats[0], naive))


def test_most_active_per_person(citizen, cowork, seats, tomorrow):
    policy_update(max_active_per_person=2)
    book(citizen, cowork, seats[0], period(tomorrow, "09:00", "10:00"))
    book(citizen, cowork, seats[0], period(tomorrow, "10:00", "11:00"))
    error = refusal(citizen, cowork, seats[0], period(tomorrow, "11:00", "12:00"))
    assert error.code == "too_many_active"
    assert "Hai già 2 prenotazioni attive: in questo comune se ne possono avere al massimo 2." == str(error)
    # Someone else is not affected.
    assert book(UserFactory(), cowork, seats[0], period(tomorrow, "11:00", "12:00"))


def test_unpublished_hub_only_at_the_front_desk(citizen, cowork, seats, tomorrow, cesena_operator):
    cowork.hub.is_published = False
    cowork.hub.save()
    assert refusal(citizen, cowork, seats[0], period(tomorrow, "10:00", "11:00")).code == "hub_not_published"
    booking = booking_create(
        person=citizen,
        space=cowork,
        seat=seats[0],
        period=period(tomorrow, "10:00", "11:00"),
        channel="front_desk",
        created_by=cesena_operator,
    )
    assert booking.created_by == cesena_operator


def test_daylight_saving_day(citizen, cowork, seats):
    """On the last Sunday of October the day has 25 hours; slots stay on the wall clock."""
    from datetime import date

    from src.bookings.selectors import slots_of
    from src.hubs.selectors import hub_open_intervals

    day = date(2026, 10, 25)
    intervals = hub_open_intervals(cowork.hub, day)
    slots = slots_of(intervals, 60)
    assert [s[0].strftime("%H:%M") for s in slots][:2] == ["09:00", "10:00"]
    assert all((end - start) == timedelta(hours=1) for start, end in slots)


def test_policy_validation(in_cesena):
    with pytest.raises(DomainError):
        policy_update(slot_minutes=5)
    with pytest.raises(DomainError):
        policy_update(unknown=1)
    assert BookingPolicy.objects.get().slot_minutes == 60
    assert Booking.objects.count() == 0
