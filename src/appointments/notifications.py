"""E-mails about an appointment, in the language of the person who booked it, with an .ics attached.

Scheduled with the bookings' `after_commit`: sent only once the booking is committed,
in the comune it belongs to, and a mail server that is down never breaks the booking.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from src.appointments.tokens import confirm_token
from src.common.delivery import after_commit
from src.common.ics import ics_event
from tenants.comuni.selectors import municipality_url


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


def confirm_url(appointment, municipality) -> str:
    path = reverse("appointments:appointment_confirm", args=[confirm_token(appointment)], urlconf=settings.ROOT_URLCONF)
    return municipality_url(municipality, path)


def send_hold(appointment, municipality) -> None:
    """Booked without an account: the link that confirms the held slot, and until when. No calendar yet."""
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


def send_reminder(appointment, municipality) -> None:
    _send(appointment, municipality, template="reminder", with_calendar=False)


def send_confirmation(appointment, municipality) -> None:
    _send(appointment, municipality, template="confirmation", cancelled=False)


def send_cancellation(appointment, municipality) -> None:
    _send(appointment, municipality, template="cancellation", cancelled=True)


def appointment_confirmation_later(appointment) -> None:
    after_commit(send_confirmation, appointment)


def appointment_hold_later(appointment) -> None:
    after_commit(send_hold, appointment)


def appointment_cancellation_later(appointment) -> None:
    after_commit(send_cancellation, appointment)
