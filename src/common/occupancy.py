"""A room taken by something other than a booking (an event), through the bookings' own table.

Only the bookings' exclusion constraint makes "no double booking" hold, race-free
(docs/domain.md). So an event that uses a room occupies it with a row in that
table: a whole-room booking of the event's space and period, with the event's id
and no person. Events and bookings are siblings that never import each other, so
the event side calls the functions below, and the bookings app plugs its
implementation in when it loads (`src/bookings/apps.py`):

- `space_check_for_event(*, space, start, end, event_id=None)`: refuse
  (`SpaceOccupied`) when active bookings overlap, listing them; it also locks the
  room until the transaction ends, so nobody books it between the check and the hold;
- `space_hold_for_event(*, space, start, end, event_id, label)`: create or move the
  event's row (`label`, e.g. the event's title, is what the front desk shows);
  `SpaceOccupied` when the room is taken, and nothing is written;
- `space_release_for_event(*, event_id)`: free the room (nothing to free: no-op).
"""

from collections.abc import Callable
from datetime import datetime

from django.core.exceptions import ValidationError


class SpaceOccupied(ValidationError):
    """The room is taken in that period. A ValidationError, so a form shows it as its error;
    `status` is the HTTP answer (409 Conflict) for an API that writes events."""

    status = 409
    code = "space_occupied"

    def __init__(self, message, *, taken: list[str] | tuple[str, ...] = ()):
        super().__init__(message, code=self.code)
        self.taken = list(taken)  # one description per booking in the way (code, place, time)


_implementation: dict[str, Callable] = {}


def occupancy_register(*, check: Callable, hold: Callable, release: Callable) -> None:
    """Called once by the app that owns the bookings table (src/bookings/apps.py)."""
    _implementation.update(check=check, hold=hold, release=release)


def _call(name: str, **kwargs):
    try:
        function = _implementation[name]
    except KeyError:
        # Never silently: an event that does not hold its room is the bug this module exists for.
        raise RuntimeError("No room occupancy registered: is src.bookings in INSTALLED_APPS?") from None
    return function(**kwargs)


def space_check_for_event(*, space, start: datetime, end: datetime, event_id: int | None = None) -> None:
    _call("check", space=space, start=start, end=end, event_id=event_id)


def space_hold_for_event(*, space, start: datetime, end: datetime, event_id: int, label: str) -> None:
    _call("hold", space=space, start=start, end=end, event_id=event_id, label=label)


def space_release_for_event(*, event_id: int) -> None:
    _call("release", event_id=event_id)
