"""The operator's front desk: bookings made on a citizen's behalf."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from src.bookings.models import Booking
from src.bookings.services.booking import booking_check_in, booking_create
from src.bookings.services.rules import CHECK_IN_EARLY
from src.hubs.models import Seat, Space
from tenants.identity.models import User


def person_for_email(email: str) -> User:
    """The account of `email`, created (with no password: they can set one by e-mail) if the person has none."""
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        return user
    try:
        with transaction.atomic():
            return User.objects.create_user(email=email, password=None)
    except IntegrityError:  # created meanwhile by another request
        return User.objects.get(email__iexact=email)


def walk_in_book(
    *,
    operator,
    email: str,
    space: Space,
    seat: Seat | None,
    period,
    check_in_now: bool = False,
    now: datetime | None = None,
) -> Booking:
    """Book for the person at the desk (who may have no account yet), optionally checking them in at once."""
    now = now or timezone.now()
    with transaction.atomic():
        # In the booking's transaction: a walk-in refused by any rule (or a place taken
        # meanwhile) rolls the new account back too, so the address stays free to sign up.
        person = person_for_email(email)
        booking = booking_create(
            person=person,
            space=space,
            seat=seat,
            period=period,
            channel=Booking.Channel.FRONT_DESK,
            created_by=operator,
            now=now,
        )
        # Checked in only if it is starting now; a booking for later waits for the person.
        if check_in_now and booking.start - CHECK_IN_EARLY <= now:
            booking = booking_check_in(
                code=booking.code,
                actor=operator,
                channel=Booking.Channel.FRONT_DESK,
                hub=space.hub,
                by_staff=True,
                now=now,
            )
    return booking
