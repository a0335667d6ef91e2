"""Appointment codes: the bookings' alphabet (no look-alike characters), shown as two groups of four."""

from src.bookings.codes import code_new
from src.bookings.codes import code_normalize as _alnum


def code_generate() -> str:
    raw = code_new()
    return f"{raw[:4]}-{raw[4:]}"


def code_normalize(text: str | None) -> str:
    """What the person typed, as stored: "k7qm 3xpd" and "K7QM3XPD" both give "K7QM-3XPD"."""
    raw = _alnum(text or "")
    return f"{raw[:4]}-{raw[4:]}" if len(raw) == 8 else raw
