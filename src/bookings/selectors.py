"""Reads about bookings: the policy, the seats of a day, a person's bookings, the front desk sheet (the grids of what is free: availability.py)."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg2.extras import DateTimeTZRange

from src.bookings.models import ACTIVE_STATES, Booking, BookingPolicy, WaitlistEntry
from src.common.cache import cached
from src.common.time import ROME, when
from src.hubs.catalogue_cache import catalogue_cached
from src.hubs.models import Hub, Layout, LayoutSchedule, Seat, Space

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
OCCUPYING_SQL = "state IN ({}) AND NOT (state = 'held' AND hold_expires_at <= %s)".format(
    ", ".join(f"'{state}'" for state in ACTIVE_STATES)
)
_PLACE_TAKEN = (
    f"SELECT EXISTS (SELECT 1 FROM bookings_booking WHERE {OCCUPYING_SQL}"
    " AND int8range(space_id, space_id, '[]') = int8range(%s, %s, '[]')"
    " AND int8range(seat_id, seat_id, '[]') && int8range(%s, %s, '[]')"
    " AND period && tstzrange(%s, %s, '[)'))"
)
_ACTIVE_COUNT = f"SELECT count(*) FROM bookings_booking WHERE person_id = %s AND {OCCUPYING_SQL} AND upper(period) > %s"


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
    "FrontDeskSheet",
    "booking_by_code",
    "booking_for_person",
    "bookings_for_person",
    "front_desk_sheet",
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
