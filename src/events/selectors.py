"""Reads for events: what is on, places left, a person's registration, the operators' list."""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from src.events.models import Event, EventRegistration


def _with_places(events: QuerySet) -> QuerySet:
    return events.annotate(
        seated=Count("registrations", filter=Q(registrations__state__in=EventRegistration.SEATED_STATES)),
        waiting=Count("registrations", filter=Q(registrations__state=EventRegistration.State.WAITLISTED)),
    )


def event_list(*, upcoming_only: bool = True, hub=None, published_only: bool = True) -> QuerySet[Event]:
    events = Event.objects.select_related("hub", "space")
    if published_only:
        events = events.filter(is_published=True, hub__is_published=True)
    if upcoming_only:
        events = events.filter(ends_at__gte=timezone.now())
    if hub is not None:
        events = events.filter(hub=hub)
    return _with_places(events).order_by("starts_at", "id")


def event_get(pk, *, published_only: bool = True) -> Event | None:
    try:
        return event_list(upcoming_only=False, published_only=published_only).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def places_left(event: Event) -> int:
    seated = getattr(event, "seated", None)
    if seated is None:
        seated = event.registrations.filter(state__in=EventRegistration.SEATED_STATES).count()
    return max(event.capacity - seated, 0)


def registration_of(event: Event, person) -> EventRegistration | None:
    if not getattr(person, "is_authenticated", False):
        return None
    return EventRegistration.objects.filter(
        event=event, person=person, state__in=EventRegistration.ACTIVE_STATES
    ).first()


def waitlist_position(registration: EventRegistration) -> int | None:
    """1 for the first in line; None when not waiting."""
    if registration.state != EventRegistration.State.WAITLISTED:
        return None
    ahead = EventRegistration.objects.filter(
        event_id=registration.event_id, state=EventRegistration.State.WAITLISTED
    ).filter(Q(queued_at__lt=registration.queued_at) | Q(queued_at=registration.queued_at, pk__lt=registration.pk))
    return ahead.count() + 1


def event_registrations(event: Event) -> QuerySet[EventRegistration]:
    """Everyone registered or waiting, for the operators' attendance sheet."""
    return (
        EventRegistration.objects.filter(event=event)
        .exclude(state=EventRegistration.State.CANCELLED)
        .select_related("person")
        .order_by("state", "queued_at", "id")
    )


def registrations_for_person(person) -> QuerySet[EventRegistration]:
    return EventRegistration.objects.filter(person=person).select_related("event__hub").order_by("-event__starts_at")
