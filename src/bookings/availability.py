"""What is free when: a hub's availability grid for a day, the seat plan for a chosen time, a
space's week. Read-only, in a constant number of queries whatever the seats and bookings."""

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection
from django.utils import timezone
from psycopg2.extras import DateTimeTZRange

from src.bookings.models import Booking, BookingPolicy, event_label
from src.bookings.selectors import (
    OCCUPYING_SQL,
    Interval,
    day_bounds,
    local_day,
    policy_get,
    slots_of,
    spaces_on,
)
from src.common.time import ROME
from src.hubs.models import Hub, Seat, Space
from src.hubs.selectors import FloorPlan, PlacedSeat, floor_plans, hub_open_intervals, hub_spaces

# A hub's bookings holding their place during a day (availability): the bounds, not the range
# (psycopg2 parses a range with regular expressions), and the note of events only.
_DAY_OCCUPIED = (
    "SELECT space_id, seat_id, lower(period), upper(period), event_id,"
    " CASE WHEN event_id IS NOT NULL THEN note END"
    f" FROM bookings_booking WHERE hub_id = %s AND {OCCUPYING_SQL} AND period && tstzrange(%s, %s, '[)')"
)


# --- Availability grid ------------------------------------------------------------------------


@dataclass
class SeatRow:
    seat: Seat | None  # None: the whole room
    free: list[bool]


@dataclass
class EventHold:
    """The room held for an event (`Booking.event_id`): taken, and shown as "Evento: <title>"."""

    label: str
    start: datetime
    end: datetime


@dataclass
class SpaceRow:
    space: Space
    whole_room: SeatRow | None
    seats: list[SeatRow]
    events: list[EventHold] = field(default_factory=list)


@dataclass
class Availability:
    hub: Hub
    day: date
    policy: BookingPolicy
    intervals: list[Interval]
    slots: list[Interval]
    spaces: list[SpaceRow] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return bool(self.intervals)


def hub_availability(hub: Hub, day: date, *, now: datetime | None = None) -> Availability:
    """Every seat (and whole room) of `hub` × every slot of `day`: free or taken.

    A constant number of queries whatever the number of spaces, seats and bookings:
    the day's active bookings, read on every call; the policy, the hub's calendar, its
    spaces and their layouts and seats come from the caches (src/common/cache.py).
    Slots already over, and days further ahead than the policy allows, count as taken.
    """
    now = now or timezone.now()
    policy = policy_get()
    intervals = hub_open_intervals(hub, day)
    slots = slots_of(intervals, policy.slot_minutes)
    availability = Availability(hub=hub, day=day, policy=policy, intervals=intervals, slots=slots)
    if not slots:
        return availability

    # Each booking marks the slots it overlaps (slots are sorted and do not overlap): a
    # bisection per booking, on POSIX timestamps, not a comparison per booking × seat × slot.
    starts = [s.timestamp() for s, _e in slots]
    ends = [e.timestamp() for _s, e in slots]
    taken_seat: dict[int, set[int]] = {}
    taken_room: dict[int, set[int]] = {}  # whole-room bookings, and any booking of the room
    taken_whole: dict[int, set[int]] = {}  # whole-room bookings only
    events: dict[int, list[EventHold]] = {}  # rooms held for events (whole-room rows too)
    with connection.cursor() as cursor:
        cursor.execute(_DAY_OCCUPIED, [hub.pk, now, *day_bounds(day)])
        for space_id, seat_id, lower, upper, event_id, note in cursor.fetchall():
            if event_id is not None:
                events.setdefault(space_id, []).append(EventHold(event_label(note), lower, upper))
            hit = range(bisect_right(ends, lower.timestamp()), bisect_left(starts, upper.timestamp()))
            taken_room.setdefault(space_id, set()).update(hit)
            if seat_id is None:
                taken_whole.setdefault(space_id, set()).update(hit)
            else:
                taken_seat.setdefault(seat_id, set()).update(hit)

    # Past slots, and days beyond the policy's horizon, show as not bookable.
    bookable = day <= local_day(now) + timedelta(days=policy.max_days_ahead)
    open_slots = [bookable and e > now for _s, e in slots]
    nothing: set[int] = set()

    def free(*taken: set[int]) -> list[bool]:
        row = list(open_slots)
        for busy in taken:
            for index in busy:
                row[index] = False
        return row

    for offer in spaces_on(hub_spaces(hub), day):
        whole_busy = taken_whole.get(offer.space.pk, nothing)
        rows = [SeatRow(seat=seat, free=free(taken_seat.get(seat.pk, nothing), whole_busy)) for seat in offer.seats]
        whole = None
        if offer.whole_room:
            whole = SeatRow(seat=None, free=free(taken_room.get(offer.space.pk, nothing)))
        if rows or whole:
            held = sorted(events.get(offer.space.pk, []), key=lambda e: e.start)
            availability.spaces.append(SpaceRow(space=offer.space, whole_room=whole, seats=rows, events=held))
    return availability


def free_seats(space: Space, period: Interval, *, day: date | None = None) -> list[Seat]:
    """Seats of `space` free for the whole of `period` (two queries plus the layout's)."""
    day = day or local_day(period[0])
    offer = spaces_on([space], day)[0]
    busy = Booking.objects.occupying(timezone.now()).filter(space=space, period__overlap=DateTimeTZRange(*period))
    busy_seats = set(busy.values_list("seat_id", flat=True))
    if None in busy_seats:  # the whole room is taken
        return []
    return [s for s in offer.seats if s.pk not in busy_seats]


# --- The seat plan for a chosen time ----------------------------------------------------------


FREE, TAKEN, YOURS = "free", "taken", "yours"


@dataclass
class PlanSeat:
    placed: PlacedSeat
    state: str  # FREE, TAKEN or YOURS

    @property
    def seat(self) -> Seat:
        return self.placed.seat


@dataclass
class SpacePlan:
    space: Space
    plan: FloorPlan
    seats: list[PlanSeat]
    whole_room: str | None  # the whole room's state, None when it is not booked whole
    events: list[EventHold] = field(default_factory=list)

    @property
    def free_count(self) -> int:
        return sum(1 for s in self.seats if s.state == FREE)


def hub_seat_plans(hub: Hub, period: Interval, *, person=None, now: datetime | None = None) -> list[SpacePlan]:
    """Each room of `hub` drawn as its layout places it on that day, each seat free, taken or the
    person's own for `period`. A constant number of queries, whatever the rooms and seats."""
    now = now or timezone.now()
    start, end = period
    day = local_day(start)
    spaces = list(hub.spaces.order_by("name"))
    offers = [o for o in spaces_on(spaces, day) if o.seats or o.whole_room]
    plans = floor_plans([(o.space, o.layout_id, o.seats) for o in offers])
    taken_seats: set[int] = set()
    mine_seats: set[int] = set()
    room_busy: dict[int, str] = {}  # space id -> TAKEN or YOURS for whole-room bookings
    any_busy: set[int] = set()
    events: dict[int, list[EventHold]] = {}
    person_id = getattr(person, "pk", None)
    for space_id, seat_id, owner_id, booked, event_id, note in (
        Booking.objects.occupying(now)
        .filter(hub=hub, period__overlap=DateTimeTZRange(start, end))
        .values_list("space_id", "seat_id", "person_id", "period", "event_id", "note")
    ):
        any_busy.add(space_id)
        if event_id is not None:
            events.setdefault(space_id, []).append(EventHold(event_label(note), booked.lower, booked.upper))
        mine = person_id is not None and owner_id == person_id
        if seat_id is None:
            if room_busy.get(space_id) != YOURS:
                room_busy[space_id] = YOURS if mine else TAKEN
        elif mine:
            mine_seats.add(seat_id)
        else:
            taken_seats.add(seat_id)
    result = []
    for offer in offers:
        room = room_busy.get(offer.space.pk)
        seats = []
        for placed in plans[offer.space.pk].seats:
            if placed.seat.pk in mine_seats:
                state = YOURS
            elif room is not None or placed.seat.pk in taken_seats:
                state = room or TAKEN
            else:
                state = FREE
            seats.append(PlanSeat(placed, state))
        whole = None
        if offer.whole_room:
            whole = room or (TAKEN if offer.space.pk in any_busy else FREE)
        result.append(
            SpacePlan(
                space=offer.space,
                plan=plans[offer.space.pk],
                seats=seats,
                whole_room=whole,
                events=events.get(offer.space.pk, []),
            )
        )
    return result


# --- A space's week -------------------------------------------------------------------------


@dataclass
class WeekCell:
    start: datetime
    end: datetime
    free: int
    total: int


@dataclass
class SpaceWeek:
    space: Space
    days: list[date]
    # One row per time of day ("09:00"), one cell per day: None when that day has no such slot.
    rows: list[tuple[str, list[WeekCell | None]]]

    @property
    def is_empty(self) -> bool:
        return not self.rows


def space_week(space: Space, first_day: date, *, now: datetime | None = None) -> SpaceWeek:
    """Seven days from `first_day` × the slots of each: how many of the room's places are free.

    A place is a seat of the day's layout, or the whole room when it is booked only whole.
    Past slots and days beyond the policy's horizon count as taken, as in the grid."""
    now = now or timezone.now()
    days = [first_day + timedelta(days=n) for n in range(7)]
    by_time: dict[str, list[WeekCell | None]] = {}
    for index, day in enumerate(days):
        grid = hub_availability(space.hub, day, now=now)
        row = next((r for r in grid.spaces if r.space.pk == space.pk), None)
        if row is None:
            continue
        places = [seat_row.free for seat_row in row.seats] or ([row.whole_room.free] if row.whole_room else [])
        for n, (slot_start, slot_end) in enumerate(grid.slots):
            label = slot_start.astimezone(ROME).strftime("%H:%M")
            cells = by_time.setdefault(label, [None] * 7)
            if cells[index] is None:  # the repeated hour of the autumn night: its first slot
                free = sum(1 for place in places if place[n])
                cells[index] = WeekCell(slot_start, slot_end, free, len(places))
    return SpaceWeek(space=space, days=days, rows=sorted(by_time.items()))
