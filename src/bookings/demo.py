"""Demo bookings for `make run`: a few seats taken in Cesena's hub today and on its next open day,
one of them by the demo citizen. Safe to run again: a person with a booking that day is skipped."""

from datetime import timedelta

from django.utils import timezone
from django_tenants.utils import tenant_context

from src.bookings.availability import hub_availability
from src.bookings.models import Booking
from src.bookings.selectors import day_bounds
from src.bookings.services import booking_create
from src.common.errors import DomainError
from src.common.time import local_today
from src.hubs.models import Hub
from src.hubs.selectors import hub_open_intervals
from tenants.identity.models import User

CITIZEN_EMAIL = "cittadino@example.org"  # created by tenants.union.demo
NEIGHBOURS = ["marco.demo@example.org", "sara.demo@example.org", "luca.demo@example.org"]


def _person(email: str) -> User:
    user = User.objects.filter(email=email).first()
    return user or User.objects.create_user(email=email, password=None, first_name=email.split(".")[0].title())


def _free_places(grid, offset: int):
    """(space, seat, slot) of every seat's `offset`-th free slot: spreads the demo people over the day."""
    for row in grid.spaces:
        for seat_row in row.seats:
            free = [i for i, ok in enumerate(seat_row.free) if ok]
            if len(free) > offset:
                yield row.space, seat_row.seat, grid.slots[free[offset]]


def _book_free_slots(hub: Hub, day, people: list[User], now) -> int:
    made = 0
    day_start, day_end = day_bounds(day)
    for offset, person in enumerate(people):
        if Booking.objects.filter(
            person=person, hub=hub, period__startswith__gte=day_start, period__startswith__lt=day_end
        ).exists():
            continue
        for space, seat, slot in _free_places(hub_availability(hub, day, now=now), offset):
            try:
                booking_create(person=person, space=space, seat=seat, period=slot, channel="web", notify=False)
            except DomainError:
                continue  # e.g. the person's active limit: try no further for them
            made += 1
            break
    return made


def load_bookings(comuni, stdout) -> None:
    cesena = next((m for m in comuni if m.slug == "cesena"), None)
    if cesena is None:
        return
    people = [_person(CITIZEN_EMAIL)] + [_person(email) for email in NEIGHBOURS]
    now = timezone.now()
    with tenant_context(cesena):
        hub = Hub.objects.filter(is_published=True).order_by("pk").first()
        if hub is None:
            return
        made = _book_free_slots(hub, local_today(), people, now)
        # And the next day the hub opens (tomorrow, unless it is the weekly closing day).
        for ahead in range(1, 8):
            day = local_today() + timedelta(days=ahead)
            if hub_open_intervals(hub, day):
                made += _book_free_slots(hub, day, people, now)
                break
    stdout.write(f"  Cesena: {made} demo bookings at {hub.name}" if made else "  Cesena: demo bookings already there")
