"""The room an event holds: the bookings' side of `src/common/occupancy.py`.

An event with a room occupies it with one row of the bookings table, so the same
exclusion constraint that keeps two bookings apart keeps bookings off the event
(and the event off them), whatever path writes: a whole-room booking of the
event's space and period, confirmed, channel "system", with `event_id` and the
event's title in `note`, and no person. The row is never checked in, reminded,
released as a no-show or offered; it moves with the event and is cancelled when
the event is deleted, unpublished or loses its room (the events app calls these
functions; they are registered in `src/bookings/apps.py`).

A refusal (`SpaceOccupied`) lists the active bookings in the way, so the
administrator knows whom to call.
"""

from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg2 import errorcodes
from psycopg2.extras import DateTimeTZRange

from src.bookings.models import ACTIVE_STATES, Booking
from src.bookings.selectors import local_day
from src.bookings.services.booking import _LOCK, booking_move, holds_release, is_exclusion_violation, transition_record
from src.common.codes import code_new
from src.common.occupancy import SpaceOccupied
from src.common.time import dmy, hm
from src.hubs.models import Space

State = Booking.State
SYSTEM = Booking.Channel.SYSTEM
LISTED = 10  # bookings named in a refusal; the rest are counted


def _lock_room(space: Space) -> None:
    """The room's lock, exclusively, as a whole-room booking takes it (booking._lock_person_and_place):
    until the transaction ends nobody books the room, so a check is still true at the hold."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_advisory_xact_lock({_LOCK})", [f":booking-space:{space.pk}"])


def _in_the_way(space: Space, start: datetime, end: datetime, event_id: int | None, now: datetime) -> list[Booking]:
    """Active bookings of `space` overlapping [start, end), the event's own row aside.

    Lapsed holds among them are released now (as a booking would release them);
    one being changed at this moment by someone else stays in the way.
    """
    overlapping = Booking.objects.filter(
        space=space, state__in=ACTIVE_STATES, period__overlap=DateTimeTZRange(start, end)
    )
    if event_id is not None:
        overlapping = overlapping.exclude(event_id=event_id)
    lapsed = list(
        overlapping.filter(state=State.HELD, hold_expires_at__lte=now).select_for_update(skip_locked=True, of=("self",))
    )
    holds_release(lapsed, now=now)
    return list(
        overlapping.exclude(pk__in=[b.pk for b in lapsed]).select_related("seat").order_by("period", "seat__label")
    )


def _describe(booking: Booking, day) -> str:
    if booking.is_event_hold:
        place = _("evento «%(title)s»") % {"title": booking.note}
    elif booking.seat_id:
        place = _("postazione %(seat)s") % {"seat": booking.seat.label}
    else:
        place = _("sala intera")
    times = f"{hm(booking.start)}–{hm(booking.end)}"
    if local_day(booking.start) != day:
        times = f"{dmy(booking.start)} {times}"
    return f"{booking.code} ({place}, {times})"


def _occupied(taken: list[Booking], start: datetime) -> SpaceOccupied:
    day = local_day(start)
    listed = [_describe(b, day) for b in taken]
    shown = ", ".join(listed[:LISTED])
    if len(listed) > LISTED:
        shown += " " + _("e altre %(n)d") % {"n": len(listed) - LISTED}
    return SpaceOccupied(
        _(
            "Lo spazio è già prenotato: %(bookings)s. Scegli un altro orario o un altro spazio, oppure annulla prima queste prenotazioni."
        )
        % {"bookings": shown},
        taken=listed,
    )


def space_check_for_event(*, space: Space, start: datetime, end: datetime, event_id: int | None = None) -> None:
    """Refuse (SpaceOccupied, listing them) when active bookings are in the way of the event.

    Inside the caller's transaction, the room stays locked until it ends, so the
    hold that follows finds the room as checked.
    """
    now = timezone.now()
    with transaction.atomic():
        _lock_room(space)
        taken = _in_the_way(space, start, end, event_id, now)
    if taken:
        raise _occupied(taken, start)


def _save(row: Booking, start: datetime, *, update_fields=None) -> None:
    """Insert (drawing a code) or update the row; the exclusion constraint's refusal becomes SpaceOccupied."""
    for _attempt in range(5):
        if row.pk is None:
            row.code = code_new()
        try:
            with transaction.atomic():
                row.save(update_fields=update_fields)
            return
        except IntegrityError as exc:
            if is_exclusion_violation(exc):
                # Another writer did not take the room's lock (raw SQL): say who is in the way.
                taken = _in_the_way(row.space, row.start, row.end, row.event_id, timezone.now())
                raise (_occupied(taken, start) if taken else SpaceOccupied(_("Lo spazio è già prenotato."))) from exc
            cause = exc.__cause__
            if (
                row.pk is None
                and getattr(cause, "pgcode", None) == errorcodes.UNIQUE_VIOLATION
                and getattr(getattr(cause, "diag", None), "constraint_name", "") != "booking_one_hold_per_event"
            ):
                continue  # another booking drew the same code: draw again
            raise
    raise SpaceOccupied(_("Non è stato possibile riservare lo spazio: riprova."))


def space_hold_for_event(*, space: Space, start: datetime, end: datetime, event_id: int, label: str) -> None:
    """Create, or move, the row that holds `space` for the event over [start, end)."""
    now = timezone.now()
    label = label[: Booking._meta.get_field("note").max_length]
    with transaction.atomic():
        _lock_room(space)
        taken = _in_the_way(space, start, end, event_id, now)
        if taken:
            raise _occupied(taken, start)
        period = DateTimeTZRange(start, end)
        row = Booking.objects.select_for_update().filter(event_id=event_id, state__in=ACTIVE_STATES).first()
        if row is None:
            row = Booking(
                event_id=event_id,
                person=None,
                hub_id=space.hub_id,
                space=space,
                seat=None,
                period=period,
                state=State.CONFIRMED,
                channel=SYSTEM,
                created_at=now,
                note=label,
            )
            _save(row, start)
            transition_record(booking=row, from_state="", actor=None, channel=SYSTEM, at=now, note="sala dell'evento")
            return
        if (row.space_id, row.start, row.end, row.note) == (space.pk, start, end, label):
            return
        row.space, row.hub_id, row.period, row.note = space, space.hub_id, period, label
        _save(row, start, update_fields=["space", "hub", "period", "note"])


def space_release_for_event(*, event_id: int) -> None:
    """Free the room the event held (its row is cancelled, kept as history). Nothing held: nothing done.

    Whoever waits for that room gets it from the waitlist's next periodic round.
    """
    now = timezone.now()
    with transaction.atomic():
        for row in Booking.objects.select_for_update().filter(event_id=event_id, state__in=ACTIVE_STATES):
            booking_move(row, State.CANCELLED, actor=None, channel=SYSTEM, at=now, note="sala dell'evento liberata")
