"""The availability grid costs the same number of queries for 2 seats or 40, 0 bookings or 200."""

from datetime import time, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from src.bookings.availability import hub_availability
from src.bookings.models import Booking
from src.bookings.selectors import policy_get
from src.common.time import ROME
from src.hubs.models import Hub, Layout, LayoutSchedule, OpeningHours, Seat, Space
from tests.bookings.conftest import at


def _hub(slug, *, spaces, seats_per_space, bookings_per_seat, person, day):
    hub = Hub.objects.create(slug=slug, name=slug, address="Via Roma 1", town="Cesena", is_published=True)
    for weekday in range(7):
        OpeningHours.objects.create(hub=hub, weekday=weekday, opens=time(8), closes=time(20))
    rows = []
    for s in range(spaces):
        space = Space.objects.create(
            hub=hub, name=f"Sala {s}", kind="coworking", capacity=seats_per_space, bookable_whole=s == 0
        )
        seats = Seat.objects.bulk_create(Seat(space=space, label=f"S{s}-{n}") for n in range(seats_per_space))
        if s == 1:  # one space with a layout scheduled that day
            layout = Layout.objects.create(space=space, name="metà")
            layout.seats.set(seats[::2])
            LayoutSchedule.objects.create(space=space, layout=layout, date=day)
        for seat in seats:
            for b in range(bookings_per_seat):
                start = at(day, "08:00") + timedelta(hours=b)
                rows.append(
                    Booking(
                        code=f"{slug[:2]}{seat.pk:04d}{b:02d}".upper(),
                        person=person,
                        hub=hub,
                        space=space,
                        seat=seat,
                        period=(start, start + timedelta(hours=1)),
                    )
                )
    Booking.objects.bulk_create(rows)
    return hub


def _queries(hub, day) -> int:
    hub = Hub.objects.get(pk=hub.pk)
    with CaptureQueriesContext(connection) as captured:
        grid = hub_availability(hub, day)
    assert grid.slots
    # django-tenants sets the search_path before every query: count the reads only.
    return len([q for q in captured.captured_queries if not q["sql"].startswith("SET search_path")])


def test_query_count_is_constant(in_cesena, citizen, tomorrow):
    hub_availability(Hub.objects.create(slug="warm", name="w", address="x", town="y"), tomorrow)  # policy row exists
    policy_get()  # and is cached (creating it dropped the cache it was read into)
    small = _hub("piccolo", spaces=2, seats_per_space=1, bookings_per_seat=0, person=citizen, day=tomorrow)
    large = _hub("grande", spaces=4, seats_per_space=10, bookings_per_seat=5, person=citizen, day=tomorrow)
    assert _queries(small, tomorrow) == _queries(large, tomorrow)
    assert _queries(large, tomorrow) <= 10


def test_grid_reflects_layout_and_bookings(in_cesena, citizen, tomorrow):
    hub = _hub("grande", spaces=2, seats_per_space=4, bookings_per_seat=2, person=citizen, day=tomorrow)
    grid = hub_availability(hub, tomorrow)
    by_name = {row.space.name: row for row in grid.spaces}
    assert [r.seat.label for r in by_name["Sala 1"].seats] == ["S1-0", "S1-2"]  # the day's layout
    first = by_name["Sala 0"].seats[0]
    assert first.free[:3] == [False, False, True]
    assert by_name["Sala 0"].whole_room.free[:3] == [False, False, True]
    assert by_name["Sala 1"].whole_room is None


def test_days_beyond_the_policy_horizon_are_not_bookable(in_cesena, citizen):
    from src.bookings.services import policy_update
    from src.common.time import local_today

    policy_update(max_days_ahead=3)
    hub = _hub("oltre", spaces=1, seats_per_space=2, bookings_per_seat=0, person=citizen, day=local_today())
    assert any(hub_availability(hub, local_today() + timedelta(days=3)).spaces[0].seats[0].free)
    assert not any(hub_availability(hub, local_today() + timedelta(days=4)).spaces[0].seats[0].free)


def test_each_booking_takes_every_slot_it_touches(in_cesena, citizen, tomorrow):
    """A booking off the slots' edges takes each slot it overlaps; a whole-room booking takes
    every seat of its room and no other room's; a cancelled one takes nothing."""
    from src.bookings.services import booking_cancel, booking_create, policy_update

    policy_update(slot_minutes=30)
    hub = _hub("bordi", spaces=2, seats_per_space=2, bookings_per_seat=0, person=citizen, day=tomorrow)
    sala0, sala1 = hub.spaces.order_by("name")
    first, second = sala0.seats.order_by("label")
    booking_create(
        person=citizen, space=sala0, seat=first, period=(at(tomorrow, "09:00"), at(tomorrow, "10:30")), channel="web"
    )
    booking_create(
        person=citizen, space=sala0, seat=None, period=(at(tomorrow, "12:00"), at(tomorrow, "13:00")), channel="web"
    )
    gone = booking_create(
        person=citizen, space=sala0, seat=second, period=(at(tomorrow, "14:00"), at(tomorrow, "15:00")), channel="web"
    )
    booking_cancel(booking=gone, actor=citizen, channel="web", by_staff=True)
    grid = hub_availability(hub, tomorrow)
    index = {start.astimezone(ROME).strftime("%H:%M"): n for n, (start, _end) in enumerate(grid.slots)}
    rows = {row.space.name: row for row in grid.spaces}

    def taken(free):
        return sorted(time for time, n in index.items() if not free[n])

    assert taken(rows["Sala 0"].seats[0].free) == ["09:00", "09:30", "10:00", "12:00", "12:30"]
    assert taken(rows["Sala 0"].seats[1].free) == ["12:00", "12:30"]
    assert taken(rows["Sala 0"].whole_room.free) == ["09:00", "09:30", "10:00", "12:00", "12:30"]
    assert taken(rows["Sala 1"].seats[0].free) == []
