"""Changing the comune's booking policy (its administrator, from the admin or the API)."""

from django.core.exceptions import ValidationError

from src.bookings.models import BookingPolicy
from src.bookings.selectors import policy_get
from src.common.errors import DomainError

EDITABLE = (
    "slot_minutes",
    "max_days_ahead",
    "max_hours",
    "max_active_per_person",
    "cancel_deadline_hours",
    "checkin_window_minutes",
    "hold_minutes",
    "waitlist_offer_minutes",
    "reminder_hours",
)


def policy_update(**changes) -> BookingPolicy:
    """Apply `changes` (any of EDITABLE) after the model's validation; existing bookings are not touched."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise DomainError(f"Campi sconosciuti: {', '.join(sorted(unknown))}.")
    policy = policy_get()
    for name, value in changes.items():
        setattr(policy, name, value)
    try:
        policy.full_clean()
    except ValidationError as exc:
        first_field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(messages[0], field=first_field) from exc
    policy.save()
    return policy
