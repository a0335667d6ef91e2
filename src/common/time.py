"""Time as the comuni live it: Europe/Rome wall clock, aware datetimes, 24-hour display.

Arithmetic on aware datetimes is done in UTC: Python adds a timedelta to a Rome datetime
on the wall clock and subtracts two of them ignoring their offsets, which is wrong on the
nights the clocks change (an hour added at 01:30 on the spring night would last none).
"""

from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.comuni.clock import ROME

Interval = tuple[datetime, datetime]

# The days that input (a query string, a form, an API call) may name: a sane range, far
# from the ends of Python's calendar, where "the day after" would overflow.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)


def local_today() -> date:
    return timezone.now().astimezone(ROME).date()


def local_datetime(day: date, at: time) -> datetime:
    """Wall-clock `at` on `day` in Rome, normalised through UTC.

    A time that does not exist (02:30 on the spring-forward night) is read with
    the offset in force before the change and lands after the gap, as a clock would.
    """
    return datetime.combine(day, at, tzinfo=ROME).astimezone(UTC).astimezone(ROME)


def local_time_problem(day: date, at: time) -> str | None:
    """Why `at` on `day` does not name one instant in Rome, or None when it does.

    On the spring night the wall-clock hour from 02:00 to 03:00 does not exist; on the
    autumn night the hour from 02:00 to 03:00 happens twice (first at +02:00, then at
    +01:00). A person's input that falls there is refused with this message, rather than
    silently moved: an API client can always send the offset it means.
    """
    naive = datetime.combine(day, at)
    first, second = naive.replace(tzinfo=ROME, fold=0), naive.replace(tzinfo=ROME, fold=1)
    if first.utcoffset() == second.utcoffset():
        return None
    values = {"time": at.strftime("%H:%M"), "day": dmy(day)}
    if first.astimezone(UTC).astimezone(ROME).replace(tzinfo=None) != naive:
        return (
            _(
                "L'orario %(time)s del %(day)s non esiste: quella notte, con il passaggio all'ora legale, gli orologi saltano avanti di un'ora."
            )
            % values
        )
    offsets = {"first": _offset(first), "second": _offset(second)}
    return _(
        "L'orario %(time)s del %(day)s è ambiguo: quella notte, con il ritorno all'ora solare, si ripete due volte (prima con %(first)s, poi con %(second)s)."
    ) % (values | offsets)


def _offset(at: datetime) -> str:
    minutes = int(at.utcoffset().total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def day_bounds(day: date) -> Interval:
    """Local midnight to the next local midnight: 23, 24 or 25 hours."""
    return local_datetime(day, time(0)), local_datetime(day + timedelta(days=1), time(0))


def day_in_range(day: date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY


def parse_day(text: str | None) -> date | None:
    """A YYYY-MM-DD date from a query string or a form, None when missing, malformed or out of range."""
    try:
        day = date.fromisoformat(text or "")
    except ValueError:
        return None
    return day if day_in_range(day) else None


def hm(at: datetime) -> str:
    return at.astimezone(ROME).strftime("%H:%M")


def dmy(day: date | datetime) -> str:
    if isinstance(day, datetime):
        day = day.astimezone(ROME).date()
    return day.strftime("%d/%m/%Y")


def when(at: datetime) -> str:
    return f"{dmy(at)} {hm(at)}"


def span(start: datetime, end: datetime) -> str:
    """ "12/03/2026 09:00–13:00" (both ends on one day, as bookings are)."""
    return f"{dmy(start)} {hm(start)}–{hm(end)}"
