"""Times as a person in the comune reads them: Europe/Rome, 24-hour clock."""

from datetime import date, datetime

from src.hubs.selectors import ROME


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
