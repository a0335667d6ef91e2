"""The checks a booking (or a place in the waitlist) must pass before it is written.

Each refusal is a `DomainError` whose message tells the person what to change.
The database still has the last word on overlaps (the exclusion constraint).
"""

from datetime import UTC, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from psycopg2.extras import DateTimeTZRange

from src.bookings.models import Booking, BookingPolicy
from src.bookings.selectors import Interval, bookable_on, local_day
from src.common.errors import DomainError
from src.common.time import dmy, hm, local_today, span
from src.hubs.models import Seat, Space
from src.hubs.selectors import hub_closure_on, hub_open_intervals


def period_bounds(period) -> Interval:
    """(start, end) from a DateTimeTZRange or a pair; both aware, start before end, in UTC.

    In UTC, so that every sum and difference below is real time: two Rome datetimes are
    subtracted on the wall clock, and 01:00+01:00 to 03:00+02:00 on the spring night (one
    hour) would count as two.
    """
    if isinstance(period, DateTimeTZRange):
        if period.isempty or period.lower is None or period.upper is None:
            raise DomainError(_("Indica un inizio e una fine."), field="period")
        start, end = period.lower, period.upper
    else:
        try:
            start, end = period
        except (TypeError, ValueError):
            raise DomainError(_("Indica un inizio e una fine."), field="period") from None
    if not isinstance(start, datetime) or not isinstance(end, datetime):
        raise DomainError(_("Indica un inizio e una fine."), field="period")
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise DomainError(_("Inizio e fine devono indicare il fuso orario."), field="period")
    if end <= start:
        raise DomainError(_("La fine deve essere successiva all'inizio."), field="period")
    return start.astimezone(UTC), end.astimezone(UTC)


def check_place(space: Space, seat: Seat | None, day) -> None:
    """The seat exists in the layout of that day, or the room may be booked whole."""
    if seat is not None and seat.space_id != space.pk:
        raise DomainError(_("La postazione indicata non appartiene a questa sala."), field="seat")
    whole_room, seat_ids = bookable_on(space, day)
    if seat is None:
        if not whole_room:
            raise DomainError(
                _("La sala %(space)s non si prenota per intero: scegli una postazione.") % {"space": space.name},
                code="whole_room_not_bookable",
                field="seat",
            )
        return
    if seat.pk not in seat_ids:
        if whole_room and not seat_ids:
            message = _("Il %(day)s la sala %(space)s è allestita per essere prenotata solo per intero.")
        else:
            message = _("La postazione %(seat)s non c'è nell'allestimento della sala %(space)s del %(day)s.")
        raise DomainError(
            message % {"seat": seat.label, "space": space.name, "day": dmy(day)},
            code="seat_not_in_layout",
            field="seat",
        )


def check_period(
    *, policy: BookingPolicy, space: Space, start: datetime, end: datetime, now: datetime, front_desk: bool = False
) -> None:
    """Timing rules: not over, not too far ahead, not too long, inside opening hours, on slots."""
    hub = space.hub
    if not hub.is_published and not front_desk:
        raise DomainError(_("Questo hub non accetta ancora prenotazioni online."), code="hub_not_published")
    if end <= now:
        raise DomainError(_("Il periodo scelto è già passato."), code="in_the_past", field="period")
    day = local_day(start)
    last_day = local_today() + timedelta(days=policy.max_days_ahead)
    if day > last_day:
        raise DomainError(
            ngettext(
                "Si può prenotare al massimo %(days)d giorno in anticipo (fino al %(last)s).",
                "Si può prenotare al massimo %(days)d giorni in anticipo (fino al %(last)s).",
                policy.max_days_ahead,
            )
            % {"days": policy.max_days_ahead, "last": dmy(last_day)},
            code="too_far_ahead",
            field="period",
        )
    if end - start > timedelta(hours=policy.max_hours):
        raise DomainError(
            ngettext(
                "Una prenotazione può durare al massimo %(hours)d ora.",
                "Una prenotazione può durare al massimo %(hours)d ore.",
                policy.max_hours,
            )
            % {"hours": policy.max_hours},
            code="too_long",
            field="period",
        )

    intervals = hub_open_intervals(hub, day)
    if not intervals:
        closure = hub_closure_on(hub, day)
        if closure is not None and closure.reason:
            message = _("L'hub è chiuso il %(day)s (%(reason)s).") % {"day": dmy(day), "reason": closure.reason}
        else:
            message = _("L'hub è chiuso il %(day)s.") % {"day": dmy(day)}
        raise DomainError(message, code="hub_closed", field="period")
    opening = next(((a, b) for a, b in intervals if a <= start and end <= b), None)
    if opening is None:
        hours = ", ".join(f"{hm(a)}–{hm(b)}" for a, b in intervals)
        raise DomainError(
            _("Il periodo %(period)s è fuori dall'orario di apertura dell'hub (quel giorno: %(hours)s).")
            % {"period": span(start, end), "hours": hours},
            code="outside_opening_hours",
            field="period",
        )
    opens, closes = opening
    step = timedelta(minutes=policy.slot_minutes)
    if (start - opens) % step or ((end - opens) % step and end != closes):
        raise DomainError(
            _(
                "Le prenotazioni seguono slot di %(minutes)d minuti a partire dalle %(opens)s: scegli inizio e fine su questi orari."
            )
            % {"minutes": policy.slot_minutes, "opens": hm(opens)},
            code="not_on_slots",
            field="period",
        )


def check_active_limit(*, policy: BookingPolicy, active: int) -> None:
    """`active`: the person's other active bookings (selectors.person_active_count)."""
    if active >= policy.max_active_per_person:
        raise DomainError(
            ngettext(
                "Hai già %(count)d prenotazione attiva: in questo comune se ne possono avere al massimo %(max)d.",
                "Hai già %(count)d prenotazioni attive: in questo comune se ne possono avere al massimo %(max)d.",
                active,
            )
            % {"count": active, "max": policy.max_active_per_person},
            code="too_many_active",
        )


def check_in_window(booking: Booking, policy: BookingPolicy) -> tuple[datetime, datetime]:
    """When a citizen may check in: from CHECK_IN_EARLY before the start to the end of the window.

    A booking made after its start (a walk-in, a late offer) gets its window from
    the moment it was made, so it is not released the minute it exists.
    """
    opens = booking.start - CHECK_IN_EARLY
    closes = max(booking.start, booking.created_at) + timedelta(minutes=policy.checkin_window_minutes)
    return opens, closes


CHECK_IN_EARLY = timedelta(minutes=30)
