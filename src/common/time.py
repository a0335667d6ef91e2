"""Time as the comuni live it: Europe/Rome wall clock, aware datetimes, 24-hour display."""

from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone

from tenants.comuni.clock import ROME

Interval = tuple[datetime, datetime]


def local_today() -> date:
    return timezone.now().astimezone(ROME).date()


def local_datetime(day: date, at: time) -> datetime:
    """Wall-clock `at` on `day` in Rome, normalised through UTC.

    A time that does not exist (02:30 on the spring-forward night) is read with
    the offset in force before the change and lands after the gap, as a clock would.
    """
    return datetime.combine(day, at, tzinfo=ROME).astimezone(UTC).astimezone(ROME)


def day_bounds(day: date) -> Interval:
    """Local midnight to the next local midnight: 23, 24 or 25 hours."""
    return local_datetime(day, time(0)), local_datetime(day + timedelta(days=1), time(0))


def parse_day(text: str | None) -> date | None:
    """A YYYY-MM-DD date from a query string or a form, None when missing or malformed."""
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return None


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
