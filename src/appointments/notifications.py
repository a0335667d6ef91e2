"""E-mails about an appointment, in the language of the person who booked it, with an .ics attached.

Sent through the outbox (src/outbox): the services enqueue a message in the transaction
that books or cancels, so it exists only if that commits; the drain, outside the request,
reads the appointment again and sends. A mail server that is down never breaks a booking.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from src.appointments.models import Appointment
from src.appointments.tokens import confirm_token
from src.common.ics import ics_event
from src.outbox.services import outbox_enqueue, outbox_handler
from tenants.comuni.selectors import municipality_url

CONFIRMATION = "appointments.confirmation"
CANCELLATION = "appointments.cancellation"
REMINDER = "appointments.reminder"
HOLD = "appointments.hold"  # the link that confirms a slot held without an account


def _check_url(appointment, municipality) -> str:
    path = reverse("appointments:appointment_check", urlconf=settings.ROOT_URLCONF)
    return municipality_url(municipality, f"{path}?codice={appointment.code}")


def _send(appointment, municipality, *, template: str, cancelled: bool = False, with_calendar: bool = True) -> None:
    hub = appointment.desk.hub
    with translation.override(appointment.language or settings.LANGUAGE_CODE):
        context = {
            "appointment": appointment,
            "desk": appointment.desk,
            "hub": hub,
            "municipality": municipality,
            "check_url": _check_url(appointment, municipality),
            "union_name": settings.UNION_NAME,
        }
        subject = " ".join(render_to_string(f"appointments/email/{template}_subject.txt", context).split())
        body = render_to_string(f"appointments/email/{template}.txt", context)
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
    message = EmailMessage(subject=subject, body=body, to=[appointment.email])
    if with_calendar:
        message.attach(
            "appuntamento.ics", calendar, f"text/calendar; method={'CANCEL' if cancelled else 'PUBLISH'}; charset=UTF-8"
        )
    message.send()


def _fresh(message) -> Appointment:
    return Appointment.objects.select_related("desk__hub").get(pk=message.obj_id)


def confirm_url(appointment, municipality) -> str:
    path = reverse("appointments:appointment_confirm", args=[confirm_token(appointment)], urlconf=settings.ROOT_URLCONF)
    return municipality_url(municipality, path)


@outbox_handler(HOLD)
def send_hold(message, municipality) -> None:
    """Booked without an account: the link that confirms the held slot, and until when. No calendar yet."""
    appointment = _fresh(message)
    with translation.override(appointment.language or settings.LANGUAGE_CODE):
        context = {
            "appointment": appointment,
            "desk": appointment.desk,
            "hub": appointment.desk.hub,
            "municipality": municipality,
            "confirm_url": confirm_url(appointment, municipality),
            "minutes": settings.APPOINTMENT_HOLD_MINUTES,
            "union_name": settings.UNION_NAME,
        }
        subject = " ".join(render_to_string("appointments/email/hold_subject.txt", context).split())
        body = render_to_string("appointments/email/hold.txt", context)
    EmailMessage(subject=subject, body=body, to=[appointment.email]).send()


@outbox_handler(REMINDER)
def send_reminder(message, municipality) -> None:
    _send(_fresh(message), municipality, template="reminder", with_calendar=False)


@outbox_handler(CONFIRMATION)
def send_confirmation(message, municipality) -> None:
    _send(_fresh(message), municipality, template="confirmation", cancelled=False)


@outbox_handler(CANCELLATION)
def send_cancellation(message, municipality) -> None:
    _send(_fresh(message), municipality, template="cancellation", cancelled=True)


# What the services call, inside their transaction.


def appointment_confirmation_later(appointment) -> None:
    outbox_enqueue(kind=CONFIRMATION, obj_id=appointment.pk)


def appointment_hold_later(appointment) -> None:
    outbox_enqueue(kind=HOLD, obj_id=appointment.pk)


def appointment_cancellation_later(appointment) -> None:
    outbox_enqueue(kind=CANCELLATION, obj_id=appointment.pk)
