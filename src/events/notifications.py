"""E-mails about event registrations, in the person's language; a place comes with an .ics.

Sent through the outbox (src/outbox): the services enqueue a message in the transaction
of the change, so it exists only if that commits; the drain, outside the request, reads
the registration again and sends. A failing mail server never undoes a registration.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from src.common.ics import ics_event
from src.events.models import EventRegistration
from src.outbox.services import outbox_enqueue, outbox_handler
from tenants.comuni.selectors import municipality_url

REGISTRATION = "events.registration"
PROMOTION = "events.promotion"
CANCELLATION = "events.cancellation"
REMINDER = "events.reminder"


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


def _fresh(message) -> EventRegistration:
    return EventRegistration.objects.select_related("event__hub", "person").get(pk=message.obj_id)


@outbox_handler(REMINDER)
def send_reminder(message, municipality) -> None:
    _send(_fresh(message), municipality, "reminder", with_calendar=False)


@outbox_handler(REGISTRATION)
def send_registration(message, municipality) -> None:
    # The state it had when it was made: a promotion since then has its own e-mail.
    if message.payload.get("waitlisted"):
        _send(_fresh(message), municipality, "waitlisted", with_calendar=False)
    else:
        _send(_fresh(message), municipality, "registered", with_calendar=True)


@outbox_handler(PROMOTION)
def send_promotion(message, municipality) -> None:
    _send(_fresh(message), municipality, "promoted", with_calendar=True)


@outbox_handler(CANCELLATION)
def send_cancellation(message, municipality) -> None:
    _send(_fresh(message), municipality, "cancelled", with_calendar=True, cancelled=True)


# What the services call, inside their transaction.


def registration_later(registration) -> None:
    waitlisted = registration.state == EventRegistration.State.WAITLISTED
    outbox_enqueue(kind=REGISTRATION, obj_id=registration.pk, payload={"waitlisted": waitlisted})


def promotion_later(registration) -> None:
    outbox_enqueue(kind=PROMOTION, obj_id=registration.pk)


def cancellation_later(registration) -> None:
    outbox_enqueue(kind=CANCELLATION, obj_id=registration.pk)
