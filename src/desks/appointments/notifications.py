"""E-mails about an appointment, in the language of the person who booked it, with an .ics attached."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from src.desks.appointments.ics import ics_event
from tenants.comuni.selectors import municipality_url


def _check_url(appointment) -> str:
    # Sent after the request (on commit): build the link from the comune's primary domain.
    path = reverse("desks:appointment_check", urlconf=settings.ROOT_URLCONF)
    return municipality_url(connection.tenant, f"{path}?codice={appointment.code}")


def _send(appointment, *, template: str, cancelled: bool) -> None:
    municipality = connection.tenant
    with translation.override(appointment.language or settings.LANGUAGE_CODE):
        context = {
            "appointment": appointment,
            "desk": appointment.desk,
            "hub": appointment.desk.hub,
            "municipality": municipality,
            "check_url": _check_url(appointment),
            "union_name": settings.UNION_NAME,
        }
        subject = render_to_string(f"desks/appointments/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"desks/appointments/email/{template}.txt", context)
        hub = appointment.desk.hub
        calendar = ics_event(
            uid=f"appointment-{appointment.code}@{municipality.schema_name}.{settings.UNION_DOMAIN}",
            start=appointment.start,
            end=appointment.end,
            summary=f"{appointment.desk.name}: {appointment.topic}",
            location=f"{hub.name}, {hub.address}, {hub.town}",
            description=body,
            url=context["check_url"],
            cancelled=cancelled,
            sequence=1 if cancelled else 0,
        )
    message = EmailMessage(subject=" ".join(subject.split()), body=body, to=[appointment.email])
    message.attach(
        "appuntamento.ics", calendar, f"text/calendar; method={'CANCEL' if cancelled else 'PUBLISH'}; charset=UTF-8"
    )
    message.send()


def appointment_confirmation_send(appointment) -> None:
    _send(appointment, template="confirmation", cancelled=False)


def appointment_cancellation_send(appointment) -> None:
    _send(appointment, template="cancellation", cancelled=True)
