"""Bookings under a firm's agreement: the interface the comuni's apps call (src/ may import this module).

Firms and agreements live in `tenants/firms/`, which `src/` may not import; the bookings
app asks here, and the firms app answers (it registers its implementation at start-up,
`tenants/firms/apps.py`), as events and bookings do through `src/common/occupancy.py`:

- `agreement_cover_take(*, person, hub_id, day, booking_code, now, use_agreement=True)`:
  inside the caller's transaction, in the comune's schema. If an active agreement of a
  firm where `person` is enrolled covers the hub on `day`, takes the day from the
  employee's allowance for that month (under a row lock: concurrent bookings never
  exceed it; a second booking on a day already taken takes nothing) and returns a
  `Cover` (the agreement's id and what is owed, by whom); None when nothing covers the
  booking or the person booked at their own cost (`use_agreement=False`). Raises
  `CoverRefused` when the allowance of that month is used up.
- `agreement_enrolled(person)`: whether the person is enrolled with a firm at all.
- `agreement_cover_release(*, booking_code, now, schema=None)`: the booking was cancelled: the
  day goes back to the allowance (unless another live booking of that day still uses it).

Without a registered implementation no booking is covered (and nothing is refused).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import connection


class CoverRefused(Exception):
    """The agreement covers the booking but its allowance for the month is used up."""

    code = "allowance_exhausted"

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Cover:
    agreement_id: int
    firm_name: str
    # What the booking owes under the agreement, fixed when it is made (until payments exist):
    # payer ("firm" or "employee"), terms, amount_cents (None: a percentage of a price to come),
    # discount_percent, counts_day (this booking took a day of the allowance).
    terms: dict = field(default_factory=dict)


_implementation: dict[str, Callable] = {}


def agreements_register(*, take: Callable, release: Callable, enrolled: Callable) -> None:
    _implementation.update(take=take, release=release, enrolled=enrolled)


def agreement_enrolled(person) -> bool:
    """Is `person` enrolled with a firm (so a booking page offers "use my firm's agreement")?"""
    enrolled = _implementation.get("enrolled")
    return bool(enrolled and getattr(person, "is_authenticated", False) and enrolled(person=person))


def agreement_cover_take(
    *, person, hub_id: int, day: date, booking_code: str, now: datetime, use_agreement: bool = True
) -> Cover | None:
    take = _implementation.get("take")
    if take is None or person is None or not getattr(person, "pk", None):
        return None
    return take(
        person=person,
        schema=connection.schema_name,
        hub_id=hub_id,
        day=day,
        booking_code=booking_code,
        now=now,
        use_agreement=use_agreement,
    )


def agreement_cover_release(*, booking_code: str, now: datetime, schema: str | None = None) -> None:
    """`schema`: the booking's comune, when the caller is not in it (erasing an account, in public)."""
    release = _implementation.get("release")
    if release is not None:
        release(schema=schema or connection.schema_name, booking_code=booking_code, now=now)


# --- What a firm owes a comune for a month (src/payments: the monthly statement) ------------------


@dataclass(frozen=True)
class BillLine:
    day: date
    days: int  # employees' days taken from the allowance that day
    amount_cents: int


@dataclass(frozen=True)
class AgreementBill:
    """One agreement's month in one comune, as the firm pays it: days its employees used here
    (each counted once per employee and day) at the agreed price, or the monthly fee."""

    agreement_id: int
    title: str
    firm_name: str
    firm_tax_code: str
    terms: str
    price_per_day_cents: int | None
    flat_month_cents: int | None
    days: int
    employees: int
    total_cents: int
    lines: tuple[BillLine, ...] = ()


def agreement_bills(*, month: date) -> list[AgreementBill]:
    """The agreements paid by their firm that have something to bill in the current comune for
    `month` (its first day); empty without the firms app."""
    bills = _implementation.get("bills")
    if bills is None:
        return []
    return bills(schema=connection.schema_name, month=month)


def agreement_bills_register(*, bills: Callable) -> None:
    _implementation.update(bills=bills)
