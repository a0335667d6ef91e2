"""The reporting SQL's open seat-hours (the denominator of occupancy) agree with src/hubs/selectors.py.

Two pieces of code say when a hub is open: the selectors (Python, for the pages
and the booking grid) and the `capacity_day` fact (SQL, for the reports across
comuni). Here both read the same hub, over two weeks that include the night the
clocks go forward (Sunday 29 March 2026), and must give the same unit-hours day
by day and in the summary measure.

The hub is open by day, as every hub of the union is: the SQL counts opening
hours as wall-clock time (see CAPACITY_DAY in tenants/reporting/sql/facts.py), so
hours that span the change itself (say 00:30-06:00 that Sunday) would come out
one hour longer there than in the selectors' real intervals.
"""

from datetime import UTC, date, time, timedelta

import pytest
from django_tenants.utils import tenant_context

from src.hubs.models import Closure, LayoutSchedule, SpecialOpening
from src.hubs.selectors import active_layout, hub_open_intervals, seats_on
from tenants.reporting.schemas import comune_schemas
from tenants.reporting.selectors import run
from tenants.reporting.sql import measures
from tenants.reporting.sql.source import LIVE, Source, Window
from tests.hubs.factories import make_hub, make_layout, make_space

START, END = date(2026, 3, 23), date(2026, 4, 6)  # Monday to Monday, end excluded
DST_SUNDAY = date(2026, 3, 29)
WEEKDAYS, SATURDAY, SUNDAY = range(5), 5, 6


def _days():
    return [START + timedelta(days=n) for n in range((END - START).days)]


@pytest.fixture
def dst_hub(cesena):
    with tenant_context(cesena):
        hub = make_hub(
            "hub-ora-legale",
            "Hub dell'ora legale",
            hours={
                **{d: [("09:00", "13:00"), ("14:00", "18:00")] for d in WEEKDAYS},
                SATURDAY: [("09:00", "13:00")],
                SUNDAY: [("10:00", "12:30")],
            },
            opened_on=START + timedelta(days=1),  # the Monday before it opened counts nothing
        )
        # An overlapping row on Tuesdays (12-15 bridges the lunch break): 9-18, not counted twice.
        hub.opening_hours.create(weekday=1, opens=time(12), closes=time(15))
        Closure.objects.create(hub=hub, starts_on=date(2026, 4, 1), ends_on=date(2026, 4, 2), reason="Inventario")
        # Special openings replace that day's weekly hours: overlapping on the Monday after
        # the change, and Easter Sunday's afternoon instead of the Sunday morning.
        SpecialOpening.objects.create(hub=hub, date=date(2026, 3, 30), opens=time(8), closes=time(12))
        SpecialOpening.objects.create(hub=hub, date=date(2026, 3, 30), opens=time(11), closes=time(13, 30))
        SpecialOpening.objects.create(hub=hub, date=date(2026, 4, 5), opens=time(15), closes=time(19))
        cowork = make_space(hub, "Coworking", seats=4, bookable_whole=True)
        seats = list(cowork.seats.order_by("label"))
        seats[3].is_active = False
        seats[3].save()
        # Fewer seats on the DST Sunday, the room booked only whole on the Tuesday after it.
        LayoutSchedule.objects.create(space=cowork, layout=make_layout(cowork, "Ridotto", seats[:2]), date=DST_SUNDAY)
        LayoutSchedule.objects.create(
            space=cowork,
            layout=make_layout(cowork, "Plenaria", whole_room_only=True),
            date=DST_SUNDAY + timedelta(days=2),
        )
        make_space(hub, "Sala riunioni", seats=0, kind="meeting", bookable_whole=True)
        yield hub


def _units(space, day) -> int:
    """Bookable units (README, "Definitions"): the day's seats, else 1 for a room booked whole."""
    seats = len(seats_on(space, day))
    if seats:
        return seats
    layout = active_layout(space, day)
    return 1 if (layout is not None and layout.whole_room_only) or space.bookable_whole else 0


def _selectors_unit_hours(hub) -> dict:
    """Per (space, day): open hours from the selectors' aware intervals x units.

    Lengths are taken in UTC: Python subtracts two datetimes of the same tzinfo as
    wall-clock times, which would hide an hour lost or gained to daylight saving.
    """
    result = {}
    for space in hub.spaces.all():
        for day in _days():
            intervals = hub_open_intervals(hub, day)
            hours = (
                sum((end.astimezone(UTC) - start.astimezone(UTC)).total_seconds() for start, end in intervals) / 3600
            )
            result[(space.pk, day)] = hours * _units(space, day)
    return result


def test_open_unit_hours_in_sql_agree_with_the_selectors(dst_hub, cesena):
    with tenant_context(cesena):
        expected = _selectors_unit_hours(dst_hub)
        # The data say what they should: the DST day is open, the closure and the day before opening are not.
        intervals = hub_open_intervals(dst_hub, DST_SUNDAY)
        assert [(s.utcoffset(), e.utcoffset()) for s, e in intervals] == [(timedelta(hours=2),) * 2]
        assert hub_open_intervals(dst_hub, START) == hub_open_intervals(dst_hub, date(2026, 4, 1)) == []
        cowork = dst_hub.spaces.get(name="Coworking").pk

    source = Source(comuni=comune_schemas(["cesena"]), window=Window(START, END), mode=LIVE)
    rows = run(
        f"SELECT space_id, day, open_hours * units AS unit_hours FROM {source.relation('capacity_day')} AS c"
        " WHERE hub_id = %(hub)s",
        {**source.params(), "hub": dst_hub.pk},
    )
    from_sql = {(row["space_id"], row["day"]): row["unit_hours"] for row in rows}
    assert from_sql == pytest.approx(expected)
    assert from_sql[(cowork, DST_SUNDAY)] == 2.5 * 2  # 10:00-12:30, two seats in that day's layout

    # The summary measure, which divides booked by open unit-hours for occupancy, adds up the same.
    sql, params = measures.summary_sql(source, start=START, prev_start=START, end=END, hub=("cesena", dst_hub.pk))
    union = next(row for row in run(sql, params) if row["level"] == 7 and row["period"] == "current")
    assert union["open_unit_hours"] == pytest.approx(sum(expected.values()))
