"""E-mails about event registrations, in the person's language; a place comes with an .ics.

Scheduled with the bookings' `after_commit`: sent once the change is committed, in
the event's comune, and a failing mail server never undoes a registration.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from src.common.delivery import after_commit
from src.common.ics import ics_event
from tenants.comuni.selectors import municipality_url


def event_url(event, municipality) -> str:
    # Sent after the request: the link goes to the comune's primary domain.
    path = reverse("events:event_detail", args=[event.pk], urlconf=settings.ROOT_URLCONF)
    return municipality_url(municipality, path)


def _send(registration, municipality, template: str, *, with_calendar: bool, cancelled: bool = False) -> None:
    event, person = registration.event, registration.person
    with translation.override(person.language or settings.LANGUAGE_CODE):
        context = {
            "registration": registration,
            "event": event,
            "hub": event.hub,
            "person": person,
            "municipality": municipality,
            "event_url": event_url(event, municipality),
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


def send_reminder(registration, municipality) -> None:
    _send(registration, municipality, "reminder", with_calendar=False)


def send_registration(registration, municipality) -> None:
    if registration.state == registration.State.WAITLISTED:
        _send(registration, municipality, "waitlisted", with_calendar=False)
    else:
        _send(registration, municipality, "registered", with_calendar=True)


def send_promotion(registration, municipality) -> None:
    _send(registration, municipality, "promoted", with_calendar=True)


def send_cancellation(registration, municipality) -> None:
    _send(registration, municipality, "cancelled", with_calendar=True, cancelled=True)


def registration_later(registration) -> None:
    after_commit(send_registration, registration)


def promotion_later(registration) -> None:
    after_commit(send_promotion, registration)


def cancellation_later(registration) -> None:
    after_commit(send_cancellation, registration)
