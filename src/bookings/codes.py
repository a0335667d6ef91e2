"""Short booking codes a person can read aloud, type and scan."""

import secrets

# No 0/O, 1/I/L, 5/S, 8/B: the letters people confuse when reading or typing a code.
ALPHABET = "ACDEFGHJKMNPQRTUVWXY234679"
LENGTH = 8  # 26^8 ≈ 2·10^11 codes: collisions are rare, and retried (unique index).


def code_new() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def code_normalize(raw: str) -> str:
    """What a person typed or a scanner read: case, spaces and dashes do not matter."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())
