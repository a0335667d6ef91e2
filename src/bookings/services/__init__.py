"""Writes of the bookings app. Import from here: `from src.bookings.services import booking_create`."""

from src.bookings.services.booking import (
    booking_cancel,
    booking_check_in,
    booking_confirm,
    booking_create,
    booking_mark_no_show,
)
from src.bookings.services.front_desk import person_for_email, walk_in_book
from src.bookings.services.policy import policy_update
from src.bookings.services.series import booking_series_create
from src.bookings.services.waitlist import (
    waitlist_accept,
    waitlist_decline,
    waitlist_join,
    waitlist_leave,
    waitlist_offer_next,
    waitlist_offers_run,
)

__all__ = [
    "booking_cancel",
    "booking_check_in",
    "booking_confirm",
    "booking_create",
    "booking_mark_no_show",
    "booking_series_create",
    "person_for_email",
    "policy_update",
    "waitlist_accept",
    "waitlist_decline",
    "waitlist_join",
    "waitlist_leave",
    "waitlist_offer_next",
    "waitlist_offers_run",
    "walk_in_book",
]
