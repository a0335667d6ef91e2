"""Reads for appointments: the free slots a desk publishes, and appointments by code or person."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db.models import Prefetch
from django.utils import timezone
from psycopg2.extras import DateTimeTZRange

from src.appointments.models import SLOT_TAKING_STATES, Appointment
from src.appointments.tokens import HOLD_EXPIRED, LINK_INVALID, TokenExpired, TokenInvalid, confirm_token_code
from src.common.codes import code_normalize_grouped
from src.desks.models import ServiceDesk
from src.desks.selectors import desk_list, desk_open_intervals
from src.hubs.models import Closure, SpecialOpening

# How far ahead a desk's agenda is open.
BOOKING_HORIZON_DAYS = 60


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime


def desks_taking_appointments():
    """Desks of published hubs that take appointments, with what the slot selectors read."""
    today = timezone.localdate()
    return (
        desk_list()
        .filter(takes_appointments=True)
        .prefetch_related(
            # From today on only: slots are never offered in the past.
            Prefetch("hub__closures", queryset=Closure.objects.filter(ends_on__gte=today)),
            Prefetch("hub__special_openings", queryset=SpecialOpening.objects.filter(date__gte=today)),
        )
    )


def desk_for_booking(desk_id) -> ServiceDesk | None:
    try:
        return desks_taking_appointments().filter(pk=int(desk_id)).first()
    except (TypeError, ValueError):
        return None


def _taken_periods(desk: ServiceDesk, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    rows = Appointment.objects.filter(
        desk=desk, state__in=SLOT_TAKING_STATES, period__overlap=DateTimeTZRange(start, end, "[)")
    ).values_list("period", flat=True)
    return [(p.lower, p.upper) for p in rows]


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    tz = timezone.get_default_timezone()
    start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    return start, end


def desk_slots_by_day(
    *, desk: ServiceDesk, first_day: date, days: int, now: datetime | None = None
) -> dict[date, list[Slot]]:
    """Free slots of `desk` for `days` days from `first_day`: inside its open intervals, in the future, not taken.

    One query for the taken appointments of the whole range, whatever the number of days.
    """
    now = now or timezone.now()
    if not desk.takes_appointments:
        return {first_day + timedelta(days=n): [] for n in range(days)}
    last_day = min(first_day + timedelta(days=days - 1), timezone.localdate(now) + timedelta(days=BOOKING_HORIZON_DAYS))
    step = timedelta(minutes=desk.slot_minutes)
    taken = _taken_periods(desk, _day_bounds(first_day)[0], _day_bounds(max(first_day, last_day))[1])
    result: dict[date, list[Slot]] = {}
    for n in range(days):
        day = first_day + timedelta(days=n)
        result[day] = []
        if day > last_day or day < timezone.localdate(now):
            continue
        for opens, closes in desk_open_intervals(desk, day):
            # In real time (UTC), shown in Rome: every slot lasts slot_minutes on the nights the clocks change.
            start, closes = opens.astimezone(UTC), closes.astimezone(UTC)
            while start + step <= closes:
                end = start + step
                if start > now and not any(t_start < end and start < t_end for t_start, t_end in taken):
                    result[day].append(Slot(start.astimezone(opens.tzinfo), end.astimezone(opens.tzinfo)))
                start = end
    return result


def desk_free_slots(*, desk: ServiceDesk, day: date, now: datetime | None = None) -> list[Slot]:
    return desk_slots_by_day(desk=desk, first_day=day, days=1, now=now)[day]


def desk_free_slot_at(*, desk: ServiceDesk, start: datetime, now: datetime | None = None) -> Slot | None:
    """The free slot starting exactly at `start`, or None (not published, past, or taken)."""
    day = timezone.localtime(start).date()
    return next((s for s in desk_free_slots(desk=desk, day=day, now=now) if s.start == start), None)


def appointment_find(*, code: str, email: str | None = None, person=None) -> Appointment | None:
    """The appointment with `code`, if the caller proves it is theirs: the e-mail it was booked with, or the account."""
    appointment = Appointment.objects.select_related("desk__hub").filter(code=code_normalize_grouped(code)).first()
    if appointment is None:
        return None
    if email and appointment.email.lower() == email.strip().lower():
        return appointment
    if person is not None and person.is_authenticated and appointment.person_id == person.pk:
        return appointment
    return None


def appointment_by_code(code: str) -> Appointment | None:
    """Without proof of ownership: only for the booking's own confirmation page and operators."""
    return Appointment.objects.select_related("desk__hub").filter(code=code_normalize_grouped(code)).first()


def appointment_to_confirm(token: str, *, now: datetime | None = None) -> tuple[Appointment | None, str | None]:
    """The appointment a confirmation link is for, or why the link no longer works."""
    try:
        code = confirm_token_code(token)
    except TokenExpired:
        return None, HOLD_EXPIRED
    except TokenInvalid:
        return None, LINK_INVALID
    appointment = appointment_by_code(code)
    if appointment is None:
        return None, LINK_INVALID
    held = appointment.state == Appointment.State.HELD and appointment.hold_expires_at > (now or timezone.now())
    if not held and appointment.state != Appointment.State.BOOKED:
        return None, HOLD_EXPIRED
    return appointment, None


def desk_agenda(*, desk: ServiceDesk, first_day: date, days: int = 1):
    """A desk's appointments starting in the given days, for the front desk: any state but a lapsed hold."""
    start, end = _day_bounds(first_day)[0], _day_bounds(first_day + timedelta(days=days - 1))[1]
    return (
        Appointment.objects.filter(desk=desk, period__startswith__gte=start, period__startswith__lt=end)
        .exclude(state=Appointment.State.EXPIRED)
        .select_related("desk__hub")
        .order_by("period")
    )


def appointments_for_person(person):
    return Appointment.objects.filter(person=person).select_related("desk__hub").order_by("-period")
