"""iCalendar (RFC 5545): events for e-mail attachments and personal feeds.

Written by hand: a few properties, escaped and folded as the RFC says; a
dependency would bring more than this needs.
"""

from datetime import UTC, datetime

from django.utils import timezone

PRODID = "-//Unione Valle del Savio//Hub di comunita//IT"


def _escape(text: str) -> str:
    return (
        str(text or "")
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


def vevent(
    *,
    uid: str,
    start: datetime,
    end: datetime,
    summary: str,
    location: str = "",
    description: str = "",
    url: str = "",
    cancelled: bool = False,
    sequence: int = 0,
    stamp: datetime | None = None,
) -> list[str]:
    """One VEVENT's lines. `sequence` grows with every change, so a changed state wins over
    the copy a calendar already has."""
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{_utc(stamp or timezone.now())}",
        f"DTSTART:{_utc(start)}",
        f"DTEND:{_utc(end)}",
        f"SUMMARY:{_escape(summary)}",
    ]
    if location:
        lines.append(f"LOCATION:{_escape(location)}")
    if description:
        lines.append(f"DESCRIPTION:{_escape(description)}")
    lines += [f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}", f"SEQUENCE:{sequence}"]
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


def ics_event(*, cancelled: bool = False, **event) -> bytes:
    """A calendar of one event, for an e-mail attachment: CANCEL when it was cancelled."""
    return calendar([vevent(cancelled=cancelled, **event)], method="CANCEL" if cancelled else "PUBLISH")
