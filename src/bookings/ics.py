"""iCalendar (RFC 5545) for bookings: one event for an e-mail attachment, or a person's feed.

Written by hand: a few properties, escaped and folded as the RFC says; a
dependency would bring more than this needs.
"""

from datetime import UTC, datetime

from django.utils.translation import gettext as _

from src.bookings.models import Booking

PRODID = "-//Unione Valle del Savio//Hub di comunita//IT"


def _escape(text: str) -> str:
    return (
        str(text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _utc(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space, never inside a UTF-8 character."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def _summary(booking: Booking) -> str:
    return _("Hub %(hub)s: %(place)s") % {"hub": booking.hub.name, "place": booking.place_label}


def booking_event(booking: Booking, *, domain: str, url: str = "", stamp: datetime | None = None) -> list[str]:
    cancelled = booking.state in (Booking.State.CANCELLED, Booking.State.NO_SHOW)
    description = _("Codice di prenotazione: %(code)s") % {"code": booking.code}
    if url:
        description += "\n" + url
    lines = [
        "BEGIN:VEVENT",
        f"UID:{booking.code}@{domain}",
        f"DTSTAMP:{_utc(stamp or booking.created_at)}",
        f"DTSTART:{_utc(booking.start)}",
        f"DTEND:{_utc(booking.end)}",
        f"SUMMARY:{_escape(_summary(booking))}",
        f"LOCATION:{_escape(', '.join(p for p in (booking.hub.name, booking.hub.address, booking.hub.town) if p))}",
        f"DESCRIPTION:{_escape(description)}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        # A changed state must win over the copy a calendar already has.
        f"SEQUENCE:{booking.transitions.count() if booking.pk else 0}",
    ]
    if url:
        lines.append(f"URL:{url}")
    lines.append("END:VEVENT")
    return lines


def calendar(events: list[list[str]], *, name: str = "", method: str = "PUBLISH") -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", f"METHOD:{method}"]
    if name:
        lines.append(f"X-WR-CALNAME:{_escape(name)}")
    for event in events:
        lines.extend(event)
    lines.append("END:VCALENDAR")
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode()


def booking_ics(booking: Booking, *, domain: str, url: str = "") -> bytes:
    cancelled = booking.state == Booking.State.CANCELLED
    return calendar([booking_event(booking, domain=domain, url=url)], method="CANCEL" if cancelled else "PUBLISH")
