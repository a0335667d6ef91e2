"""Writes for event registrations. Places are counted under a lock on the event row,
so two people racing for the last place never both get it; a freed place goes to
the first in the waitlist, who is told by e-mail."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from src.common.errors import Conflict, DomainError, NotFound
from src.events import notifications
from src.events.models import Event, EventRegistration, RegistrationTransition

Channel = RegistrationTransition.Channel
State = EventRegistration.State


def _record(registration, *, from_state: str, by, channel: str) -> None:
    RegistrationTransition.objects.create(
        registration=registration,
        from_state=from_state,
        to_state=registration.state,
        by=by if getattr(by, "is_authenticated", False) else None,
        channel=channel,
    )


def _locked(event: Event) -> Event:
    # Every write that changes who holds a place takes this lock first: the count is then exact.
    return Event.objects.select_for_update().get(pk=event.pk)


def _seated(event: Event) -> int:
    return EventRegistration.objects.filter(event=event, state__in=EventRegistration.SEATED_STATES).count()


def event_register(*, event: Event, person, channel: str = Channel.WEB) -> EventRegistration:
    """A place if one is left, else a place in the waitlist."""
    if not getattr(person, "is_authenticated", False):
        raise DomainError(_("Per iscriverti a un evento devi accedere."))
    with transaction.atomic():
        event = _locked(event)
        if not event.registration_open:
            raise DomainError(_("Le iscrizioni a questo evento sono chiuse."))
        if event.starts_at <= timezone.now():
            raise DomainError(_("L'evento è già iniziato: non ci si può più iscrivere."))
        existing = EventRegistration.objects.filter(
            event=event, person=person, state__in=EventRegistration.ACTIVE_STATES
        ).first()
        if existing is not None:
            if existing.state == State.WAITLISTED:
                raise Conflict(_("Sei già in lista d'attesa per questo evento."))
            raise Conflict(_("Sei già iscritto a questo evento."))
        state = State.REGISTERED if _seated(event) < event.capacity else State.WAITLISTED
        try:
            with transaction.atomic():
                registration = EventRegistration.objects.create(event=event, person=person, state=state)
        except IntegrityError as error:  # the partial unique index: a double click from two tabs
            raise Conflict(_("Sei già iscritto a questo evento.")) from error
        _record(registration, from_state="", by=person, channel=channel)
        notifications.registration_later(registration)
    return registration


def _promote_waitlist(event: Event) -> list[EventRegistration]:
    """Give free places to the first in line. The caller holds the event lock."""
    free = event.capacity - _seated(event)
    if free <= 0:
        return []
    promoted = list(
        EventRegistration.objects.filter(event=event, state=State.WAITLISTED).order_by("queued_at", "id")[:free]
    )
    for registration in promoted:
        registration.state = State.REGISTERED
        registration.save(update_fields=["state"])
        _record(registration, from_state=State.WAITLISTED, by=None, channel=Channel.SYSTEM)
    return promoted


def event_unregister(*, event: Event, person, by=None, channel: str = Channel.WEB) -> EventRegistration:
    """Cancel `person`'s registration (or waitlist place); a freed place goes to the first in line."""
    with transaction.atomic():
        event = _locked(event)
        registration = (
            EventRegistration.objects.select_for_update()
            .filter(event=event, person=person, state__in=(State.REGISTERED, State.WAITLISTED))
            .first()
        )
        if registration is None:
            raise NotFound(_("Non risulti iscritto a questo evento."))
        if event.starts_at <= timezone.now():
            raise DomainError(_("L'evento è già iniziato: l'iscrizione non si può più annullare."))
        previous = registration.state
        registration.state = State.CANCELLED
        registration.save(update_fields=["state"])
        _record(registration, from_state=previous, by=by or person, channel=channel)
        promoted = _promote_waitlist(event) if previous == State.REGISTERED else []
        notifications.cancellation_later(registration)
        for lucky in promoted:
            notifications.promotion_later(lucky)
    return registration


def event_places_refill(*, event: Event) -> list[EventRegistration]:
    """After the capacity grows (administrators' edit): seat the waitlist in the new places."""
    with transaction.atomic():
        promoted = _promote_waitlist(_locked(event))
        for lucky in promoted:
            notifications.promotion_later(lucky)
    return promoted


def registration_mark_attendance(
    *, registration: EventRegistration, attended: bool, by, channel: str = Channel.FRONT_DESK
) -> EventRegistration:
    """Operators mark who came. The caller checks the operator's powers over the event's hub."""
    with transaction.atomic():
        locked = EventRegistration.objects.select_for_update().select_related("event").get(pk=registration.pk)
        if locked.state not in EventRegistration.SEATED_STATES:
            raise DomainError(_("Si può segnare la presenza solo di chi ha un posto all'evento."))
        if timezone.localdate(locked.event.starts_at) > timezone.localdate():
            raise DomainError(_("Le presenze si segnano dal giorno dell'evento."))
        target = State.ATTENDED if attended else State.REGISTERED
        if locked.state != target:
            previous = locked.state
            locked.state = target
            locked.save(update_fields=["state"])
            _record(locked, from_state=previous, by=by, channel=channel)
    return locked
