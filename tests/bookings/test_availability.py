"""The availability grid costs the same number of queries for 2 seats or 40, 0 bookings or 200."""

from datetime import time, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from src.bookings.models import Booking
from src.bookings.selectors import hub_availability, policy_get
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
