"""Reads about hubs: when they are open, what they offer, which seats exist on a date.

Opening hours are wall-clock times in Europe/Rome. Every interval returned here
is a pair of aware datetimes in Europe/Rome built for that calendar date, so a
daylight-saving day (23 or 25 hours) comes out right once converted to UTC.
"""

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Prefetch, QuerySet, Value
from django.db.models.fields import DateField
from django.utils import timezone

from src.common.cache import namespace_version
from src.common.time import ROME, Interval, local_datetime, local_today
from src.hubs.catalogue_cache import NAMESPACE, catalogue_cached
from src.hubs.models import (
    Closure,
    Hub,
    Layout,
    LayoutSchedule,
    OpeningHours,
    Seat,
    SeatPlacement,
    Space,
    SpecialOpening,
)


def merge_intervals(intervals: list[Interval]) -> list[Interval]:
    """Sorted, with overlapping or touching intervals joined (split hours entered with overlaps)."""
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def intersect_intervals(left: list[Interval], right: list[Interval]) -> list[Interval]:
    result = []
    for a_start, a_end in left:
        for b_start, b_end in right:
            start, end = max(a_start, b_start), min(a_end, b_end)
            if start < end:
                result.append((start, end))
    return merge_intervals(result)


def _prefetched(hub: Hub, relation: str, day: date):
    """The hub's prefetched rows for `relation`, or None when they cannot answer for `day`.

    `hub_list()` prefetches calendars only from a date onwards (annotated as
    `calendar_since`), so older days go back to the database. A hub that was not
    prefetched (a booking's) reads its calendar from the catalogue cache, which
    holds it from yesterday on.
    """
    rows = getattr(hub, "_prefetched_objects_cache", {}).get(relation)
    since = getattr(hub, "calendar_since", None)
    if rows is None:
        since, calendar = _hub_calendar(hub)
        rows = calendar[relation]
    if since is not None and day < since:
        return None
    return rows


def _calendar(hub_id: int, since: date) -> dict[str, list]:
    def build():
        return {
            "opening_hours": list(OpeningHours.objects.filter(hub_id=hub_id)),
            "closures": list(Closure.objects.filter(hub_id=hub_id, ends_on__gte=since).order_by("starts_on")),
            "special_openings": list(SpecialOpening.objects.filter(hub_id=hub_id, date__gte=since)),
        }

    return catalogue_cached("calendar", build, hub_id, since)


def _hub_calendar(hub: Hub) -> tuple[date, dict[str, list]]:
    """The hub's calendar from yesterday on, from the catalogue cache, read once per hub object
    while the catalogue does not change (a day's open hours ask for it three times)."""
    since = local_today() - timedelta(days=1)
    stamp = (namespace_version(NAMESPACE), since)
    memo = hub.__dict__.get("_calendar_memo")
    if memo is None or memo[0] != stamp:
        memo = hub.__dict__["_calendar_memo"] = (stamp, _calendar(hub.pk, since))
    return since, memo[1]


def hub_closure_on(hub: Hub, day: date) -> Closure | None:
    rows = _prefetched(hub, "closures", day)
    if rows is None:
        # Not hub.closures: on a prefetched hub it would keep the prefetch's date filter.
        return Closure.objects.filter(hub=hub, starts_on__lte=day, ends_on__gte=day).order_by("starts_on").first()
    return next((c for c in sorted(rows, key=lambda c: c.starts_on) if c.starts_on <= day <= c.ends_on), None)


def _special_openings_on(hub: Hub, day: date) -> list[SpecialOpening]:
    rows = _prefetched(hub, "special_openings", day)
    if rows is None:
        return list(SpecialOpening.objects.filter(hub=hub, date=day))
    return [s for s in rows if s.date == day]


def _weekly_hours_on(hub: Hub, day: date) -> list[OpeningHours]:
    # Weekly hours are few: filtering in Python lets prefetched (or cached) rows answer without a query.
    rows = getattr(hub, "_prefetched_objects_cache", {}).get("opening_hours")
    if rows is None:
        rows = _hub_calendar(hub)[1]["opening_hours"]
    return [h for h in rows if h.weekday == day.weekday()]


def _open_intervals(hub: Hub, day: date, closure: Closure | None) -> list[Interval]:
    if closure is not None:
        return []
    if hub.opened_on and day < hub.opened_on:
        return []
    rows = _special_openings_on(hub, day) or _weekly_hours_on(hub, day)
    return merge_intervals([(local_datetime(day, r.opens), local_datetime(day, r.closes)) for r in rows])


def hub_open_intervals(hub: Hub, day: date) -> list[Interval]:
    """When `hub` is open on `day`: [] on a closure (or before it opened);
    special openings that day replace the weekly hours."""
    return _open_intervals(hub, day, hub_closure_on(hub, day))


def hub_is_open(hub: Hub, at: datetime) -> bool:
    if timezone.is_naive(at):
        raise ValueError("hub_is_open needs an aware datetime")
    local = at.astimezone(ROME)
    return any(start <= local < end for start, end in hub_open_intervals(hub, local.date()))


def hub_week_hours(hub: Hub, start: date) -> list[tuple[date, list[Interval], Closure | None]]:
    """Seven days from `start`: the day, its open intervals, and the closure that day, if any."""
    week = []
    for offset in range(7):
        day = start + timedelta(days=offset)
        closure = hub_closure_on(hub, day)
        week.append((day, _open_intervals(hub, day, closure), closure))
    return week


def hub_closures_ahead(hub: Hub, today: date | None = None, limit: int = 5) -> list[Closure]:
    """Closures not yet over, soonest first (for the notice on the hub's page)."""
    today = today or local_today()
    return list(Closure.objects.filter(hub=hub, ends_on__gte=today).order_by("starts_on", "ends_on")[:limit])


def hub_list(*, published_only: bool = True, today: date | None = None, prefetch: tuple = ()) -> QuerySet[Hub]:
    """Hubs with what their pages show, in a constant number of queries.

    Closures and special openings are prefetched from `today` on; the
    open-hours selectors query the database for earlier days. `prefetch` adds
    what apps above hubs hang on a hub (a page with its desks passes theirs).
    """
    today = today or local_today()
    hubs = Hub.objects.all()
    if published_only:
        hubs = hubs.filter(is_published=True)
    return hubs.annotate(calendar_since=Value(today, output_field=DateField())).prefetch_related(
        "photos",
        "opening_hours",
        Prefetch("closures", queryset=Closure.objects.filter(ends_on__gte=today).order_by("starts_on")),
        Prefetch("special_openings", queryset=SpecialOpening.objects.filter(date__gte=today)),
        Prefetch("spaces", queryset=Space.objects.order_by("name")),
        *prefetch,
    )


def hub_get(*, slug: str, published_only: bool = True, prefetch: tuple = ()) -> Hub | None:
    return hub_list(published_only=published_only, prefetch=prefetch).filter(slug=slug).first()


def hubs_open_now(at: datetime | None = None) -> list[Hub]:
    """Published hubs open at `at` (default: now)."""
    at = at or timezone.now()
    return [hub for hub in hub_list(today=at.astimezone(ROME).date()) if hub_is_open(hub, at)]


# --- Rows by id from the catalogue cache (the booking path reads them on every request) --------


def hub_by_id(pk: int) -> Hub | None:
    """The hub with this id, from the catalogue cache; None if there is none (a miss is not kept)."""
    return catalogue_cached("hub", lambda: Hub.objects.filter(pk=pk).first(), pk, keep_none=False)


def space_by_id(pk: int) -> Space | None:
    """The space with this id and its hub, from the catalogue cache; None if there is none."""
    return catalogue_cached(
        "space", lambda: Space.objects.select_related("hub").filter(pk=pk).first(), pk, keep_none=False
    )


def seat_by_id(pk: int) -> Seat | None:
    """The seat with this id (active or not), from the catalogue cache; None if there is none."""
    return catalogue_cached("seat", lambda: Seat.objects.filter(pk=pk).first(), pk, keep_none=False)


def hub_spaces(hub: Hub) -> list[Space]:
    """The hub's spaces by name, from the catalogue cache."""
    return catalogue_cached("hub-spaces", lambda: list(Space.objects.filter(hub_id=hub.pk).order_by("name")), hub.pk)


def active_layout(space: Space, day: date) -> Layout | None:
    """The layout scheduled for `day`, else the space's default layout, else None."""
    scheduled = LayoutSchedule.objects.filter(space=space, date=day).select_related("layout").first()
    if scheduled is not None:
        return scheduled.layout
    return space.default_layout


def seats_on(space: Space, day: date) -> list[Seat]:
    """Seats that exist and can be booked one by one in `space` on `day`.

    With no layout, every active seat; a whole-room-only layout has none (the
    room is booked as a whole).
    """
    layout = active_layout(space, day)
    if layout is None:
        return list(space.seats.filter(is_active=True).order_by("label"))
    if layout.whole_room_only:
        return []
    return list(layout.seats.filter(is_active=True, space=space).order_by("label"))


# --- Floor plans ----------------------------------------------------------------------------

# A desk as the plan draws it (metres), and the spacing of the automatic arrangement.
DESK_WIDTH, DESK_DEPTH = 1.2, 0.8
AUTO_PITCH = 1.8


@dataclass(frozen=True)
class PlacedSeat:
    seat: Seat
    x: float  # centre, metres from the room's left wall
    y: float  # centre, metres from the room's top wall
    rotation: int  # degrees, clockwise
    placed: bool  # False: put there by the automatic arrangement


@dataclass
class FloorPlan:
    space: Space
    layout: Layout | None
    width: float  # metres
    depth: float
    seats: list[PlacedSeat] = field(default_factory=list)

    @property
    def view_box(self) -> str:
        """The SVG's viewBox, in centimetres (whole numbers draw crisply)."""
        return f"0 0 {round(self.width * 100)} {round(self.depth * 100)}"


def _grid_of(count: int) -> tuple[int, int]:
    columns = max(1, min(count, math.ceil(math.sqrt(count * 1.5))))
    return columns, max(1, math.ceil(count / columns))


def plan_size(space: Space, seat_count: int) -> tuple[float, float]:
    """The room's sides in metres: as entered, else enough for its seats in rows."""
    columns, rows = _grid_of(seat_count)
    width = float(space.width_m) if space.width_m else round(columns * AUTO_PITCH + 0.6, 1)
    depth = float(space.depth_m) if space.depth_m else round(rows * AUTO_PITCH + 0.6, 1)
    return width, depth


def auto_positions(count: int, width: float, depth: float) -> list[tuple[float, float]]:
    """Centres of `count` desks in even rows across a `width` × `depth` room."""
    columns, rows = _grid_of(count)
    return [
        (round((n % columns + 0.5) * width / columns, 2), round((n // columns + 0.5) * depth / rows, 2))
        for n in range(count)
    ]


def floor_plans(offers: list[tuple[Space, int | None, list[Seat]]]) -> dict[int, FloorPlan]:
    """The plan of each (space, active layout id, seats drawn): one query for every placement.

    Seats the layout has not placed (or every seat, with no layout) take the automatic
    arrangement, so a room is always drawn."""
    layout_ids = {layout_id for _space, layout_id, _seats in offers if layout_id}
    placements = {(p.layout_id, p.seat_id): p for p in SeatPlacement.objects.filter(layout_id__in=layout_ids)}
    layouts = {layout.pk: layout for layout in Layout.objects.filter(pk__in=layout_ids)}
    plans = {}
    for space, layout_id, seats in offers:
        width, depth = plan_size(space, len(seats))
        auto = iter(auto_positions(len(seats), width, depth))
        placed = []
        for seat in seats:
            spot = next(auto)
            row = placements.get((layout_id, seat.pk))
            if row is not None:
                placed.append(PlacedSeat(seat, min(float(row.x), width), min(float(row.y), depth), row.rotation, True))
            else:
                placed.append(PlacedSeat(seat, spot[0], spot[1], 0, False))
        plans[space.pk] = FloorPlan(space, layouts.get(layout_id), width, depth, placed)
    return plans


def layout_editor_plan(space: Space, layout: Layout | None) -> tuple[FloorPlan, set[int]]:
    """Every active seat of `space` placed as in `layout` (a new layout: as the default one, or
    in rows), and the ids of the seats `layout` includes."""
    seats = list(space.seats.filter(is_active=True).order_by("label"))
    source = layout or space.default_layout
    included = {s.pk for s in source.seats.all()} if source is not None else {s.pk for s in seats}
    plan = floor_plans([(space, source.pk if source else None, seats)])[space.pk]
    plan.layout = layout
    return plan, included


def space_layouts(space: Space) -> list[Layout]:
    return list(Layout.objects.filter(space=space).order_by("name"))
