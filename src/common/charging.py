"""What a booking costs and how its payment confirms it: the interface between bookings and payments.

Bookings and payments are siblings that never import each other (docs/architecture.md).
Each side plugs its half in when it loads:

- `src/payments/apps.py` registers the *charging* side (`charging_register`): what a place
  costs for a person (`booking_quote`), the order written in the booking's own transaction
  (`booking_charge`, which may consume a carnet or membership entry under a row lock), what
  a cancellation gives back (`booking_cancelled`), and what "le mie prenotazioni" shows of
  the money (`booking_payments`);
- `src/bookings/apps.py` registers the *booking* side (`bookings_register`): confirming a
  held booking once its payment arrived (`booking_paid`), which is also how a payment that
  arrives after the hold lapsed re-confirms the booking when the place is still free
  (`PlaceTaken` otherwise: the payments app then refunds it), and moving a hold's expiry.

Without the payments app installed every place is free (`FREE`), as it was before.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from src.common.errors import Conflict


@dataclass(frozen=True)
class Quote:
    """What booking a place costs one person, decided before the booking is written."""

    amount_cents: int = 0
    label: str = ""  # "Giornata intera · tariffa residenti", shown before the person confirms
    # The payment is open while the booking is held: at least this long (a provider's minimum).
    hold_minutes: int | None = None
    # Covered by one of the person's carnets or memberships (one entry used), or by the firm's
    # agreement the booking records (the firm pays, by the month's statement): no payment.
    covered_by: str = ""
    data: dict = field(default_factory=dict)  # the charging side's own details, handed back to booking_charge
    # Why this payment could not go through (pagoPA needs a verified identity, say): raised by
    # the booking only if, once any agreement is applied, there is still something to pay.
    problem: Exception | None = None

    @property
    def needs_payment(self) -> bool:
        return self.amount_cents > 0 and not self.covered_by


FREE = Quote()


@dataclass(frozen=True)
class BookingMoney:
    """What "le mie prenotazioni" shows of one booking: paid, owed, refunded, where to pay."""

    paid_cents: int = 0
    owed_cents: int = 0
    refunded_cents: int = 0
    label: str = ""
    pay_url: str = ""
    order_url: str = ""


class PlaceTaken(Conflict):
    """A payment arrived for a booking whose place was taken after its hold lapsed."""

    code = "place_taken"


_charging: dict[str, Callable] = {}
_booking: dict[str, Callable] = {}


def charging_register(
    *, quote: Callable, covered: Callable, charge: Callable, cancelled: Callable, money: Callable
) -> None:
    """Called once by the payments app (src/payments/apps.py)."""
    _charging.update(quote=quote, covered=covered, charge=charge, cancelled=cancelled, money=money)


def bookings_register(*, paid: Callable, hold_extend: Callable) -> None:
    """Called once by the bookings app (src/bookings/apps.py)."""
    _booking.update(paid=paid, hold_extend=hold_extend)


# --- what bookings call -----------------------------------------------------------------------


def booking_quote(*, person, space, seat, start: datetime, end: datetime, channel: str) -> Quote:
    """The price of `seat` (or the whole `space`) for `person` in that period; FREE without payments.

    A payment that cannot go through is told in `problem`, not raised: an agreement may still cover it."""
    if "quote" not in _charging:
        return FREE
    return _charging["quote"](person=person, space=space, seat=seat, start=start, end=end, channel=channel)


def booking_quote_covered(*, quote: Quote, terms: dict | None) -> Quote:
    """The quote once the firm's agreement the booking records is applied (`terms` as recorded
    on the booking: who pays, a discount): a firm that pays leaves nothing to pay now."""
    if not terms or "covered" not in _charging:
        return quote
    return _charging["covered"](quote=quote, terms=terms)


def booking_charge(*, booking, quote: Quote, now: datetime) -> bool:
    """Inside the booking's transaction: write its order (held booking) or use the pass (covered).

    False when the booking involves no money at all (then `booking_money` has nothing to show for it)."""
    if "charge" not in _charging or not (quote.needs_payment or quote.covered_by):
        return False
    _charging["charge"](booking=booking, quote=quote, now=now)
    return True


def booking_cancelled(*, booking, now: datetime, by_staff: bool) -> None:
    """Inside the cancel's transaction: refund what the policy gives back, return a pass entry."""
    if "cancelled" in _charging:
        _charging["cancelled"](booking=booking, now=now, by_staff=by_staff)


def booking_money(booking_ids: list[int]) -> dict[int, BookingMoney]:
    """{booking id: BookingMoney} for the bookings that involve money; empty without payments."""
    if "money" not in _charging or not booking_ids:
        return {}
    return _charging["money"](booking_ids)


# --- what payments call -----------------------------------------------------------------------


def _call(name: str, **kwargs):
    try:
        function = _booking[name]
    except KeyError:
        raise RuntimeError("No booking side registered: is src.bookings in INSTALLED_APPS?") from None
    return function(**kwargs)


def booking_paid(*, booking_id: int, now: datetime, note: str = "") -> bool:
    """Confirm the booking its payment was for (held, or lapsed and the place still free);
    True when it had lapsed (the payment came late and revived it).

    Raises PlaceTaken when the place went to someone else, or the period is over: refund."""
    return _call("paid", booking_id=booking_id, now=now, note=note)


def booking_hold_extend(*, booking_id: int, until: datetime) -> None:
    """A held booking waits until `until` for its payment (a provider's minimum window)."""
    _call("hold_extend", booking_id=booking_id, until=until)
