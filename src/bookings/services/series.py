"""Recurring bookings: the same place and hours every day or every week, a number of times.

Each occurrence is an ordinary booking made by `booking_create`, under every rule of the
policy, in its own transaction: the ones refused (a closed day, a taken seat, too far
ahead, too many active bookings...) are reported with the reason, the others are kept.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from src.bookings.models import Booking
from src.bookings.services.booking import booking_create
from src.bookings.services.rules import period_bounds
from src.common.errors import DomainError
from src.common.time import ROME, local_datetime
from src.hubs.models import Seat, Space

MAX_OCCURRENCES = 26  # half a year of weeks


@dataclass
class Refusal:
    start: datetime
    end: datetime
    message: str
    code: str

    @property
    def day(self) -> date:
        return self.start.astimezone(ROME).date()


@dataclass
class SeriesResult:
    created: list[Booking] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)


def series_periods(first_period, *, every: timedelta, count: int) -> list[tuple[datetime, datetime]]:
    """The occurrences' periods: the same wall-clock hours in Rome, `every` whole days apart
    (so a weekly booking keeps its hours across the change to summer time)."""
    if every.days < 1 or every.seconds or every.microseconds:
        raise DomainError(_("Una prenotazione si ripete ogni giorno o più giorni interi."), code="series_every")
    if not 1 <= count <= MAX_OCCURRENCES:
        raise DomainError(
            ngettext(
                "Una serie può avere da 1 a %(max)d prenotazione.",
                "Una serie può avere da 1 a %(max)d prenotazioni.",
                MAX_OCCURRENCES,
            )
            % {"max": MAX_OCCURRENCES},
            code="series_count",
            field="count",
        )
    start, end = (at.astimezone(ROME) for at in period_bounds(first_period))
    length_days = (end.date() - start.date()).days
    periods = []
    for n in range(count):
        day = start.date() + every * n
        periods.append(
            (local_datetime(day, start.time()), local_datetime(day + timedelta(days=length_days), end.time()))
        )
    return periods


def booking_series_create(
    *,
    person,
    space: Space,
    seat: Seat | None = None,
    first_period,
    every: timedelta,
    count: int,
    channel: str,
    now: datetime | None = None,
) -> SeriesResult:
    """Book `seat` (or the whole `space`) for `first_period` and the `count - 1` after it, `every` apart.

    Not one transaction: each occurrence is booked, or refused, on its own (a refusal
    never undoes the others). Raises DomainError only when the series itself is malformed."""
    result = SeriesResult()
    for start, end in series_periods(first_period, every=every, count=count):
        try:
            booking = booking_create(
                person=person, space=space, seat=seat, period=(start, end), channel=channel, now=now
            )
        except DomainError as error:
            result.refused.append(Refusal(start, end, error.message, error.code))
        else:
            result.created.append(booking)
    return result
