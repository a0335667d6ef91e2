"""When reminders about a comune's rows go out. Sending itself goes through the outbox (src/outbox)."""

from datetime import datetime, time, timedelta

from src.common.time import ROME

# Day-before reminders (appointments, events) go out from this local time on, not at midnight.
REMINDERS_FROM = time(9)


def reminder_window(now: datetime) -> tuple[datetime, datetime, datetime] | None:
    """(start of today, of tomorrow, of the day after) in Rome; None before REMINDERS_FROM."""
    local = now.astimezone(ROME)
    if local.time() < REMINDERS_FROM:
        return None
    return tuple(datetime.combine(local.date() + timedelta(days=n), time(0), tzinfo=ROME) for n in (0, 1, 2))
