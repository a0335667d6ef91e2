"""Short codes a person can read aloud, type and scan (bookings, appointments)."""

import secrets

# No 0/O, 1/I/L, 5/S, 8/B: the letters people confuse when reading or typing a code.
ALPHABET = "ACDEFGHJKMNPQRTUVWXY234679"
LENGTH = 8  # 26^8 ≈ 2·10^11 codes: collisions are rare, and retried (unique index).


def code_new() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def code_normalize(raw: str | None) -> str:
    """What a person typed or a scanner read: case, spaces and dashes do not matter."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


def code_new_grouped() -> str:
    """A code shown as two groups of four ("K7QM-3XPD"), easier to read over the phone."""
    raw = code_new()
    return f"{raw[:4]}-{raw[4:]}"


def code_normalize_grouped(text: str | None) -> str:
    """What the person typed, as stored: "k7qm 3xpd" and "K7QM3XPD" both give "K7QM-3XPD"."""
    raw = code_normalize(text)
    return f"{raw[:4]}-{raw[4:]}" if len(raw) == LENGTH else raw
