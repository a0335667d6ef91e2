"""Reads about bookings: the policy, a hub's availability grid, a person's bookings, the front desk sheet."""

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg2.extras import DateTimeTZRange

from src.bookings.models import ACTIVE_STATES, Booking, BookingPolicy, WaitlistEntry, event_label
from src.common.cache import cached
from src.common.time import ROME, when
from src.hubs.catalogue_cache import catalogue_cached
from src.hubs.models import Hub, Layout, LayoutSchedule, Seat, Space
from src.hubs.selectors import FloorPlan, PlacedSeat, floor_plans, hub_open_intervals, hub_spaces

Interval = tuple[datetime, datetime]


POLICY_NAMESPACE = "booking-policy"


def policy_get() -> BookingPolicy:
    """The comune's policy; the defaults are created the first time it is read.

    Read on every booking and page, changed a few times a year: cached per comune,
    dropped when it is saved (src/bookings/apps.py)."""
    return cached(POLICY_NAMESPACE, "policy", lambda: BookingPolicy.objects.get_or_create(pk=1)[0])


def local_day(at: datetime) -> date:
    return at.astimezone(ROME).date()


def day_bounds(day: date) -> Interval:
    """Local midnight to midnight, aware: 23 or 25 hours on daylight-saving days."""
    start = datetime.combine(day, datetime.min.time(), tzinfo=ROME)
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=ROME)
    return start, end


def slots_of(intervals: list[Interval], slot_minutes: int) -> list[Interval]:
    """Slots counted from the start of each open interval; a short last slot ends at closing time.

    Counted in real time (in UTC), then shown in Rome, so every slot lasts `slot_minutes`
    on the nights the clocks change too. On the spring night the slot from 01:00 ends at
    03:00 on the wall clock (one hour: 02:00-03:00 does not exist). On the autumn night
    the repeated hour is offered twice, as two distinct slots, 02:00+02:00-02:00+01:00 and
    02:00+01:00-03:00+01:00: both really happen and either can be booked. (Adding a
    timedelta to a Rome datetime works on the wall clock and made a zero-length slot in
    spring and a two-hour one in autumn.)
    """
    step = timedelta(minutes=slot_minutes)
    slots = []
    for start, end in intervals:
        at, closes = start.astimezone(UTC), end.astimezone(UTC)
        while at < closes:
            slot_end = min(at + step, closes)
            slots.append((at.astimezone(ROME), slot_end.astimezone(ROME)))
            at += step
    return slots


# --- Seats of many spaces in constant queries -------------------------------------------------


@dataclass
class SpaceDay:
    """What a space offers on a day: its bookable seats, and whether it can be booked whole."""

    space: Space
    seats: list[Seat]
    whole_room: bool
    layout_id: int | None = None  # the layout in force that day (its plan places the seats)


def spaces_on(spaces: list[Space], day: date) -> list[SpaceDay]:
    """Like `src.hubs.selectors.seats_on` for many spaces at once, in three queries whatever their number.

    Same rules: the layout scheduled that day, else the default layout; none means
    every active seat; a whole-room-only layout has no single seats.
    """
    space_ids = [s.pk for s in spaces]
    by_id = {s.pk: s for s in spaces}
    offers = catalogue_cached("spaces_on", lambda: _spaces_on(spaces, day), day, *space_ids)
    # The caller's own Space objects, not the cached copies (it may hold them with their hub).
    return [
        SpaceDay(space=by_id[o.space.pk], seats=o.seats, whole_room=o.whole_room, layout_id=o.layout_id) for o in offers
    ]


def bookable_on(space: Space, day: date) -> tuple[bool, frozenset[int]]:
    """Whether `space` can be booked whole on `day`, and the ids of its seats that day: what a
    booking checks, without the seats themselves (cached apart: far less to read back)."""

    def build():
        offer = spaces_on([space], day)[0]
        return offer.whole_room, frozenset(seat.pk for seat in offer.seats)

    return catalogue_cached("bookable_on", build, day, space.pk)


def _spaces_on(spaces: list[Space], day: date) -> list[SpaceDay]:
    space_ids = [s.pk for s in spaces]
    scheduled = {
        row.space_id: row.layout
        for row in LayoutSchedule.objects.filter(space_id__in=space_ids, date=day).select_related("layout")
    }
    layout_ids = {s.default_layout_id for s in spaces if s.default_layout_id} | {
        layout.pk for layout in scheduled.values()
    }
    layouts = {layout.pk: layout for layout in scheduled.values()}
    layouts.update({layout.pk: layout for layout in Layout.objects.filter(pk__in=layout_ids - set(layouts))})
    seats_in_layout: dict[int, set[int]] = {}
    for layout_id, seat_id in Layout.seats.through.objects.filter(layout_id__in=layout_ids).values_list(
        "layout_id", "seat_id"
    ):
        seats_in_layout.setdefault(layout_id, set()).add(seat_id)
    seats_by_space: dict[int, list[Seat]] = {}
    for seat in Seat.objects.filter(space_id__in=space_ids, is_active=True).order_by("label"):
        seats_by_space.setdefault(seat.space_id, []).append(seat)

    result = []
    for space in spaces:
        layout = scheduled.get(space.pk) or layouts.get(space.default_layout_id)
        seats = seats_by_space.get(space.pk, [])
        if layout is not None:
            allowed = seats_in_layout.get(layout.pk, set())
            seats = [] if layout.whole_room_only else [s for s in seats if s.pk in allowed]
        whole = space.bookable_whole or bool(layout and layout.whole_room_only)
        result.append(
            SpaceDay(space=space, seats=seats, whole_room=whole, layout_id=layout.pk if layout is not None else None)
        )
    return result


# Plain SQL on the booking path and the availability grid: the ORM compiled these on every
# request, a fifth of a booking's time. The states are the exclusion constraint's (and its
# partial index's).
_OCCUPYING = "state IN ({}) AND NOT (state = 'held' AND hold_expires_at <= %s)".format(
    ", ".join(f"'{state}'" for state in ACTIVE_STATES)
)
_PLACE_TAKEN = (
    f"SELECT EXISTS (SELECT 1 FROM bookings_booking WHERE {_OCCUPYING}"
    " AND int8range(space_id, space_id, '[]') = int8range(%s, %s, '[]')"
    " AND int8range(seat_id, seat_id, '[]') && int8range(%s, %s, '[]')"
    " AND period && tstzrange(%s, %s, '[)'))"
)
# A hub's bookings holding their place during a day (availability): the bounds, not the range
# (psycopg2 parses a range with regular expressions), and the note of events only.
_DAY_OCCUPIED = (
    "SELECT space_id, seat_id, lower(period), upper(period), event_id,"
    " CASE WHEN event_id IS NOT NULL THEN note END"
    f" FROM bookings_booking WHERE hub_id = %s AND {_OCCUPYING} AND period && tstzrange(%s, %s, '[)')"
)
_ACTIVE_COUNT = f"SELECT count(*) FROM bookings_booking WHERE person_id = %s AND {_OCCUPYING} AND upper(period) > %s"


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


# --- A person's bookings ----------------------------------------------------------------------


def bookings_for_person(person, *, upcoming_only: bool = False, now: datetime | None = None) -> list[Booking]:
    """The person's bookings in the current comune, most recent first.

    A list, not a queryset: callers that visit several comuni (the union's
    "my bookings") would otherwise evaluate it after leaving the comune's schema.
    """
    bookings = Booking.objects.filter(person=person).select_related("hub", "space", "seat")
    if upcoming_only:
        bookings = bookings.filter(state__in=ACTIVE_STATES, period__endswith__gt=now or timezone.now())
    return list(bookings.order_by("-period"))


@dataclass(frozen=True)
class CancelCheck:
    """Whether the person may still cancel a booking themselves, and if not, why."""

    allowed: bool
    deadline: datetime | None
    reason: str = ""


def booking_cancel_deadline(booking: Booking, policy: BookingPolicy | None = None) -> datetime:
    """The last moment the person may cancel a confirmed booking (the comune's policy)."""
    policy = policy or policy_get()
    return booking.start - timedelta(hours=policy.cancel_deadline_hours)


def booking_cancel_check(
    booking: Booking, *, policy: BookingPolicy | None = None, now: datetime | None = None
) -> CancelCheck:
    """What booking_cancel would answer the person (not staff), said before they try: pages
    hide "Annulla" when it would be refused, and show the reason instead."""
    policy = policy or policy_get()
    now = now or timezone.now()
    deadline = booking_cancel_deadline(booking, policy)
    if booking.state == "held":
        return CancelCheck(allowed=True, deadline=None)
    if booking.state != "confirmed":
        return CancelCheck(allowed=False, deadline=None)
    if now > deadline:
        reason = _(
            "Non si può più annullare: andava fatto entro il %(deadline)s (%(hours)d ore prima dell'inizio)."
        ) % {"deadline": when(deadline), "hours": policy.cancel_deadline_hours}
        return CancelCheck(allowed=False, deadline=deadline, reason=reason)
    return CancelCheck(allowed=True, deadline=deadline)


def booking_for_person(person, code: str) -> Booking | None:
    return Booking.objects.select_related("hub", "space", "seat").filter(person=person, code=code).first()


def booking_by_code(code: str) -> Booking | None:
    return Booking.objects.select_related("hub", "space", "seat", "person").filter(code=code).first()


def waitlist_offer_for(booking: Booking) -> WaitlistEntry | None:
    """The waitlist offer a held booking stands for (a freed place held for its person), if any."""
    if booking.state != "held" or booking.person_id is None:
        return None
    return WaitlistEntry.objects.filter(offered_booking=booking, person_id=booking.person_id, state="offered").first()


def waitlist_for_person(person) -> list[WaitlistEntry]:
    return list(
        WaitlistEntry.objects.filter(person=person, state__in=["waiting", "offered"])
        .select_related("space", "space__hub", "seat", "offered_booking")
        .order_by("period")
    )


# --- Front desk -------------------------------------------------------------------------------


@dataclass
class FrontDeskSheet:
    hub: Hub
    day: date
    expected: list[Booking]  # confirmed (or held), not arrived yet
    checked_in: list[Booking]
    closed: list[Booking]  # completed, no-show, cancelled
    free_now: list[tuple[Space, list[Seat]]]  # seats free at this moment, by space
    seats_total: int
    events: list[Booking] = field(default_factory=list)  # rooms held for events (no person, no check-in)

    @property
    def free_now_count(self) -> int:
        return sum(len(seats) for _, seats in self.free_now)


def front_desk_sheet(hub: Hub, day: date, *, now: datetime | None = None) -> FrontDeskSheet:
    """Today's sheet of a hub: who is expected, who is in, which seats are free right now."""
    now = now or timezone.now()
    start, end = day_bounds(day)
    bookings = list(
        Booking.objects.filter(hub=hub, period__overlap=DateTimeTZRange(start, end))
        .select_related("person", "space", "seat")
        .order_by("period", "space__name", "seat__label")
    )
    events = [b for b in bookings if b.is_event_hold and b.is_active]
    people = [b for b in bookings if not b.is_event_hold]
    expected = [b for b in people if b.state in ("held", "confirmed")]
    checked_in = [b for b in people if b.state == "checked_in"]
    closed = [b for b in people if b.state not in ACTIVE_STATES]

    busy_now = [b for b in bookings if b.is_active and b.period.lower <= now < b.period.upper]
    whole_taken = {b.space_id for b in busy_now if b.seat_id is None}
    seats_taken = {b.seat_id for b in busy_now if b.seat_id}
    free_now = []
    seats_total = 0
    for offer in spaces_on(list(hub.spaces.order_by("name")), day):
        seats_total += len(offer.seats)
        if offer.space.pk in whole_taken:
            free_now.append((offer.space, []))
        else:
            free_now.append((offer.space, [s for s in offer.seats if s.pk not in seats_taken]))
    return FrontDeskSheet(
        hub=hub,
        day=day,
        expected=expected,
        checked_in=checked_in,
        closed=closed,
        free_now=free_now,
        seats_total=seats_total,
        events=events,
    )


def overlapping_active(space: Space, period: Interval, now: datetime | None = None):
    return Booking.objects.occupying(now or timezone.now()).filter(
        space=space, period__overlap=DateTimeTZRange(*period)
    )


def place_taken(space: Space, seat: Seat | None, period: Interval, now: datetime) -> bool:
    """Whether a booking that holds its place at `now` (not a lapsed hold) takes `seat`, or any
    part of `space` when `seat` is None, for part of `period`: what the exclusion constraint
    would refuse, read without a lock. Written with the constraint's own expressions (a
    missing seat id is the range of every id), so its GiST index answers."""
    seat_id = seat.pk if seat is not None else None
    with connection.cursor() as cursor:
        cursor.execute(_PLACE_TAKEN, [now, space.pk, space.pk, seat_id, seat_id, *period])
        return cursor.fetchone()[0]


def person_overlapping_active(person, space: Space, period: Interval) -> Booking | None:
    """The person's own held, confirmed or checked-in booking of `space` overlapping `period`, if any."""
    return overlapping_active(space, period).filter(person=person).order_by("id").first()


def person_active_count(person, now: datetime) -> int:
    """The person's bookings that hold their place at `now` and are not over (as
    `Booking.objects.occupying(now).filter(person=person, period__endswith__gt=now).count()`)."""
    with connection.cursor() as cursor:
        cursor.execute(*person_active_count_sql(person, now))
        return cursor.fetchone()[0]


def person_active_count_sql(person, now: datetime) -> tuple[str, list]:
    """`person_active_count` as SQL and params, for a statement that reads it with others."""
    return _ACTIVE_COUNT, [person.pk, now, now]


def waiting_entries(space: Space, now: datetime):
    return (
        WaitlistEntry.objects.filter(space=space, state="waiting", period__endswith__gt=now)
        .select_related("person", "space", "space__hub", "seat")
        .order_by("created_at", "id")
    )


__all__ = [
    "Availability",
    "FrontDeskSheet",
    "booking_by_code",
    "booking_for_person",
    "bookings_for_person",
    "free_seats",
    "front_desk_sheet",
    "hub_availability",
    "hub_seat_plans",
    "space_week",
    "policy_get",
    "spaces_on",
    "waitlist_for_person",
]


@dataclass
class SpaceBookedNow:
    booked: int  # people's bookings holding a seat (or the whole room) at this moment
    checked_in: int


def hub_booked_now(hub: Hub, *, now: datetime | None = None) -> dict[int, SpaceBookedNow]:
    """Per space of `hub`: the people's bookings in progress now and how many have checked in
    (rooms held for events left out). Beside the people the sensors count, it shows ghost bookings."""
    now = now or timezone.now()
    rows = (
        Booking.objects.occupying(now)
        .filter(hub=hub, event_id__isnull=True, period__contains=now)
        .values_list("space_id", "state")
    )
    booked: dict[int, SpaceBookedNow] = {}
    for space_id, state in rows:
        entry = booked.setdefault(space_id, SpaceBookedNow(0, 0))
        entry.booked += 1
        entry.checked_in += state == Booking.State.CHECKED_IN
    return booked
