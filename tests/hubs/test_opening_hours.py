"""When a hub is open: weekly hours in Rome's wall-clock time, closures, special openings, DST days."""

from datetime import UTC, date, datetime, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from src.hubs.models import Closure, SpecialOpening
from src.hubs.selectors import (
    hub_closures_ahead,
    hub_is_open,
    hub_list,
    hub_open_intervals,
    hub_week_hours,
    hubs_open_now,
)
from tests.hubs.factories import make_hub

SUNDAY = 6


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def in_utc(intervals):
    return [(start.astimezone(UTC), end.astimezone(UTC)) for start, end in intervals]


# Open through the night of the clock change, when Rome's wall clock jumps.
NIGHT_HOURS = {SUNDAY: [("01:00", "05:00")]}


def test_spring_forward_day_has_one_hour_less(in_cesena):
    hub = make_hub(hours=NIGHT_HOURS)
    # 2026-03-29: 01:00 is CET (+1), 05:00 is CEST (+2): three hours, not four.
    assert in_utc(hub_open_intervals(hub, date(2026, 3, 29))) == [(utc(2026, 3, 29, 0), utc(2026, 3, 29, 3))]


def test_fall_back_day_has_one_hour_more(in_cesena):
    hub = make_hub(hours=NIGHT_HOURS)
    # 2026-10-25: 01:00 is CEST (+2), 05:00 is CET (+1): five hours.
    assert in_utc(hub_open_intervals(hub, date(2026, 10, 25))) == [(utc(2026, 10, 24, 23), utc(2026, 10, 25, 4))]


def test_daytime_hours_shift_in_utc_across_the_change(in_cesena):
    hub = make_hub(hours={SUNDAY: [("09:00", "13:00")]})
    assert in_utc(hub_open_intervals(hub, date(2026, 3, 22))) == [(utc(2026, 3, 22, 8), utc(2026, 3, 22, 12))]
    assert in_utc(hub_open_intervals(hub, date(2026, 3, 29))) == [(utc(2026, 3, 29, 7), utc(2026, 3, 29, 11))]
    start, end = hub_open_intervals(hub, date(2026, 3, 29))[0]
    assert (start.hour, end.hour) == (9, 13) and str(start.tzinfo) == "Europe/Rome"


def test_is_open_on_the_dst_nights(in_cesena):
    hub = make_hub(hours=NIGHT_HOURS)
    assert hub_is_open(hub, utc(2026, 3, 29, 1, 30))  # 03:30 CEST
    assert not hub_is_open(hub, utc(2026, 3, 29, 3, 0))  # 05:00 CEST: closed (end excluded)
    assert hub_is_open(hub, utc(2026, 10, 24, 23, 30))  # 01:30 CEST, Sunday already in Rome
    assert hub_is_open(hub, utc(2026, 10, 25, 3, 59))  # 04:59 CET
    assert not hub_is_open(hub, utc(2026, 10, 24, 22, 30))  # Saturday 00:30 in Rome


def test_naive_datetime_is_refused(in_cesena):
    hub = make_hub(hours=NIGHT_HOURS)
    with pytest.raises(ValueError):
        hub_is_open(hub, datetime(2026, 3, 29, 3, 0))


def test_split_hours_give_two_intervals_and_overlaps_merge(in_cesena):
    hub = make_hub(hours={3: [("15:00", "18:00"), ("09:00", "13:00")], 4: [("09:00", "13:00"), ("12:00", "14:00")]})
    thursday, friday = date(2026, 5, 7), date(2026, 5, 8)
    assert [(s.time(), e.time()) for s, e in hub_open_intervals(hub, thursday)] == [
        (time(9), time(13)),
        (time(15), time(18)),
    ]
    assert [(s.time(), e.time()) for s, e in hub_open_intervals(hub, friday)] == [(time(9), time(14))]
    assert not hub_is_open(hub, utc(2026, 5, 7, 12))  # 14:00 in Rome, between the two


def test_closure_closes_every_day_it_covers(in_cesena):
    hub = make_hub(hours={day: [("09:00", "19:00")] for day in range(1, 7)})
    closure = Closure.objects.create(
        hub=hub, starts_on=date(2026, 8, 11), ends_on=date(2026, 8, 15), reason="Ferragosto"
    )
    assert hub_open_intervals(hub, date(2026, 8, 11)) == []
    assert hub_open_intervals(hub, date(2026, 8, 15)) == []  # the last day is included
    assert len(hub_open_intervals(hub, date(2026, 8, 16))) == 1
    assert not hub_is_open(hub, utc(2026, 8, 12, 10))

    week = hub_week_hours(hub, date(2026, 8, 10))
    assert [day for day, _, _ in week] == [date(2026, 8, d) for d in range(10, 17)]
    assert [c for _, _, c in week] == [None, closure, closure, closure, closure, closure, None]
    monday, sunday = week[0], week[6]
    assert monday[1] == [] and len(sunday[1]) == 1


def test_closures_ahead_lists_the_next_ones_only(in_cesena):
    hub = make_hub()
    Closure.objects.create(hub=hub, starts_on=date(2026, 1, 1), ends_on=date(2026, 1, 1), reason="Capodanno")
    current = Closure.objects.create(hub=hub, starts_on=date(2026, 4, 30), ends_on=date(2026, 5, 2), reason="Ponte")
    later = Closure.objects.create(hub=hub, starts_on=date(2026, 8, 15), ends_on=date(2026, 8, 15), reason="Ferragosto")
    assert hub_closures_ahead(hub, date(2026, 5, 1)) == [current, later]
    assert hub_closures_ahead(hub, date(2026, 5, 1), limit=1) == [current]


def test_special_opening_replaces_the_weekly_hours(in_cesena):
    hub = make_hub(hours={1: [("09:00", "19:00")]})  # Tuesdays only
    monday, tuesday = date(2026, 6, 1), date(2026, 6, 2)
    assert hub_open_intervals(hub, monday) == []
    SpecialOpening.objects.create(hub=hub, date=monday, opens=time(10), closes=time(12), note="Festa della Repubblica")
    SpecialOpening.objects.create(hub=hub, date=tuesday, opens=time(9), closes=time(13))
    assert [(s.time(), e.time()) for s, e in hub_open_intervals(hub, monday)] == [(time(10), time(12))]
    assert [(s.time(), e.time()) for s, e in hub_open_intervals(hub, tuesday)] == [(time(9), time(13))]
    assert not hub_is_open(hub, utc(2026, 6, 2, 14))  # 16:00 in Rome: normally open, not that day


def test_closure_wins_over_a_special_opening(in_cesena):
    hub = make_hub()
    day = date(2026, 6, 1)
    SpecialOpening.objects.create(hub=hub, date=day, opens=time(10), closes=time(12))
    Closure.objects.create(hub=hub, starts_on=day, ends_on=day)
    assert hub_open_intervals(hub, day) == []


def test_hub_not_yet_opened_has_no_hours(in_cesena):
    hub = make_hub(hours={1: [("09:00", "19:00")]}, opened_on=date(2022, 1, 8))
    assert hub_open_intervals(hub, date(2022, 1, 4)) == []
    assert len(hub_open_intervals(hub, date(2022, 1, 11))) == 1


def test_hubs_open_now_lists_published_open_hubs_in_constant_queries(in_cesena):
    tuesday_10 = utc(2026, 6, 9, 8)  # 10:00 in Rome
    make_hub("aperto", hours={1: [("09:00", "19:00")]})
    make_hub("chiuso", hours={2: [("09:00", "19:00")]})
    make_hub("bozza", published=False, hours={1: [("09:00", "19:00")]})
    assert [h.slug for h in hubs_open_now(tuesday_10)] == ["aperto"]

    with CaptureQueriesContext(connection) as few:
        hubs_open_now(tuesday_10)
    for n in range(5):
        hub = make_hub(f"altro-{n}", hours={1: [("09:00", "19:00")]})
        Closure.objects.create(hub=hub, starts_on=date(2026, 6, 9), ends_on=date(2026, 6, 9))
    with CaptureQueriesContext(connection) as many:
        assert [h.slug for h in hubs_open_now(tuesday_10)] == ["aperto"]
    assert len(many) == len(few)


def test_prefetched_hub_still_answers_for_past_days(in_cesena):
    hub = make_hub(hours={1: [("09:00", "19:00")]})
    Closure.objects.create(hub=hub, starts_on=date(2026, 6, 2), ends_on=date(2026, 6, 2))
    listed = hub_list(today=date(2026, 6, 9)).get(pk=hub.pk)
    assert hub_open_intervals(listed, date(2026, 6, 2)) == []  # before the prefetch window: asks the database
    assert len(hub_open_intervals(listed, date(2026, 6, 9))) == 1
