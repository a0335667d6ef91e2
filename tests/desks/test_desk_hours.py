"""A desk receives during its own hours, and only while its hub is open."""

from datetime import UTC, date, time

from src.desks.models import DeskHours, ServiceDesk
from src.desks.selectors import desk_list, desk_open_intervals
from src.hubs.models import Closure, SpecialOpening
from tests.hubs.factories import make_hub

TUESDAY = date(2026, 6, 9)


def clock(intervals):
    return [(start.time(), end.time()) for start, end in intervals]


def make_desk(hub, *hours, kind=ServiceDesk.Kind.ENERGIA, name="Sportello Energia"):
    desk = ServiceDesk.objects.create(hub=hub, kind=kind, name=name, takes_appointments=True)
    for weekday, opens, closes in hours:
        DeskHours.objects.create(
            desk=desk, weekday=weekday, opens=time.fromisoformat(opens), closes=time.fromisoformat(closes)
        )
    return desk


def test_desk_hours_are_cut_to_the_hub_hours(in_cesena):
    hub = make_hub(hours={1: [("09:00", "13:00")]})
    desk = make_desk(hub, (1, "08:00", "10:00"), (1, "12:00", "15:00"))
    assert clock(desk_open_intervals(desk, TUESDAY)) == [(time(9), time(10)), (time(12), time(13))]
    assert desk_open_intervals(desk, date(2026, 6, 10)) == []  # no desk hours on Wednesday


def test_a_closure_of_the_hub_closes_the_desk(in_cesena):
    hub = make_hub(hours={1: [("09:00", "19:00")]})
    desk = make_desk(hub, (1, "09:00", "12:00"))
    Closure.objects.create(hub=hub, starts_on=TUESDAY, ends_on=TUESDAY, reason="Sciopero")
    assert desk_open_intervals(desk, TUESDAY) == []


def test_special_opening_of_the_hub_limits_the_desk(in_cesena):
    hub = make_hub(hours={1: [("09:00", "19:00")]})
    desk = make_desk(hub, (1, "09:00", "12:00"))
    SpecialOpening.objects.create(hub=hub, date=TUESDAY, opens=time(11), closes=time(13))
    assert clock(desk_open_intervals(desk, TUESDAY)) == [(time(11), time(12))]


def test_desk_intervals_are_right_in_utc_on_the_dst_day(in_cesena):
    hub = make_hub(hours={6: [("09:00", "13:00")]})
    desk = make_desk(hub, (6, "10:00", "12:00"))
    ((start, end),) = desk_open_intervals(desk, date(2026, 3, 29))
    assert (start.astimezone(UTC).hour, end.astimezone(UTC).hour) == (8, 10)


def test_desk_list_shows_desks_of_published_hubs(in_cesena):
    shown = make_hub("visibile", "Hub visibile")
    hidden = make_hub("bozza", "Hub bozza", published=False)
    make_desk(shown, name="Sportello Facile", kind=ServiceDesk.Kind.SPORTELLO_FACILE)
    make_desk(hidden, name="Sportello nascosto")
    assert [d.name for d in desk_list()] == ["Sportello Facile"]
    assert [d.name for d in desk_list(hub=hidden, published_only=False)] == ["Sportello nascosto"]
