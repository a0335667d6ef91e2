"""Which seats exist on a date: the scheduled layout, else the default one, else every active seat."""

from datetime import date

from src.hubs.models import LayoutSchedule
from src.hubs.selectors import active_layout, seats_on
from tests.hubs.factories import make_hub, make_layout, make_space

MONDAY, TUESDAY = date(2026, 6, 8), date(2026, 6, 9)


def labels(seats):
    return [seat.label for seat in seats]


def test_without_layouts_every_active_seat_exists(in_cesena):
    space = make_space(make_hub(), seats=3)
    space.seats.filter(label="P2").update(is_active=False)
    assert active_layout(space, MONDAY) is None
    assert labels(seats_on(space, MONDAY)) == ["P1", "P3"]


def test_default_layout_decides_the_seats(in_cesena):
    space = make_space(make_hub(), seats=4)
    seats = list(space.seats.order_by("label"))
    space.default_layout = make_layout(space, "Postazioni libere: 2 posti", seats[:2])
    space.save()
    assert labels(seats_on(space, MONDAY)) == ["P1", "P2"]


def test_a_scheduled_layout_changes_the_seats_on_that_date_only(in_cesena):
    space = make_space(make_hub(), seats=4)
    seats = list(space.seats.order_by("label"))
    open_desks = make_layout(space, "Postazioni libere: 4 posti", seats)
    meeting = make_layout(space, "Riunione: sala intera", whole_room_only=True)
    pairs = make_layout(space, "A coppie: 2 posti", [seats[0], seats[3]])
    space.default_layout = open_desks
    space.save()
    LayoutSchedule.objects.create(space=space, layout=meeting, date=MONDAY)
    LayoutSchedule.objects.create(space=space, layout=pairs, date=TUESDAY)

    assert active_layout(space, MONDAY) == meeting
    assert seats_on(space, MONDAY) == []  # whole room only: no single seats that day
    assert labels(seats_on(space, TUESDAY)) == ["P1", "P4"]
    assert active_layout(space, date(2026, 6, 10)) == open_desks
    assert labels(seats_on(space, date(2026, 6, 10))) == ["P1", "P2", "P3", "P4"]


def test_inactive_seats_stay_out_of_a_layout(in_cesena):
    space = make_space(make_hub(), seats=2)
    space.default_layout = make_layout(space, "Tutti", space.seats.all())
    space.save()
    space.seats.filter(label="P1").update(is_active=False)
    assert labels(seats_on(space, MONDAY)) == ["P2"]
