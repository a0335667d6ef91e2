"""Booking codes people can read aloud and type back: no 0/O, 1/I/L look-alikes."""

import re
import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_NOT_CODE = re.compile(r"[^A-Z0-9]")


def code_generate() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def code_normalize(text: str | None) -> str:
    """What the person typed, as stored: "k7qm 3xpd" and "K7QM3XPD" both give "K7QM-3XPD"."""
    raw = _NOT_CODE.sub("", (text or "").upper())
    return f"{raw[:4]}-{raw[4:]}" if len(raw) == 8 else raw
