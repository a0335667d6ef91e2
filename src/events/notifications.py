"""E-mails about event registrations, in the person's language; a place comes with an .ics."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from src.desks.appointments.ics import ics_event
from tenants.comuni.selectors import municipality_url


def event_url(event) -> str:
    # Sent after the request (on commit): the link goes to the comune's primary domain.
    path = reverse("events:event_detail", args=[event.pk], urlconf=settings.ROOT_URLCONF)
    return municipality_url(connection.tenant, path)


def _send(registration, template: str, *, with_calendar: bool, cancelled: bool = False) -> None:
    event, person = registration.event, registration.person
    municipality = connection.tenant
    with translation.override(person.language or settings.LANGUAGE_CODE):
        context = {
            "registration": registration,
            "event": event,
            "hub": event.hub,
            "person": person,
            "municipality": municipality,
            "event_url": event_url(event),
            "union_name": settings.UNION_NAME,
        }
        subject = " ".join(render_to_string(f"events/email/{template}_subject.txt", context).split())
        body = render_to_string(f"events/email/{template}.txt", context)
        message = EmailMessage(subject=subject, body=body, to=[person.email])
        if with_calendar:
            message.attach(
                "evento.ics",
                ics_event(
                    uid=f"event-{event.pk}-{registration.pk}@{municipality.schema_name}.{settings.UNION_DOMAIN}",
                    start=event.starts_at,
                    end=event.ends_at,
                    summary=event.title,
                    location=f"{event.hub.name}, {event.hub.address}, {event.hub.town}",
                    description=event.description,
                    url=context["event_url"],
                    cancelled=cancelled,
                    sequence=1 if cancelled else 0,
                ),
                f"text/calendar; method={'CANCEL' if cancelled else 'PUBLISH'}; charset=UTF-8",
            )
    message.send()


def registration_send(registration) -> None:
    if registration.state == registration.State.WAITLISTED:
        _send(registration, "waitlisted", with_calendar=False)
    else:
        _send(registration, "registered", with_calendar=True)


def promotion_send(registration) -> None:
    _send(registration, "promoted", with_calendar=True)


def cancellation_send(registration) -> None:
    _send(registration, "cancelled", with_calendar=True, cancelled=True)
