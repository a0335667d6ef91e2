"""The e-mail the day before an appointment, in the language it was booked in, sent once.

Run every minute by the comune's periodic jobs (`booking_jobs_run`). From 09:00 (Rome)
it reminds the appointments of tomorrow that are still booked; `reminded_at` records
the sending, so a reminder never goes out twice, whoever runs the jobs and how often.
Appointments booked today are left out: their confirmation has just arrived.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from src.bookings.notifications import after_commit
from src.desks.appointments.models import Appointment
from src.desks.appointments.notifications import _check_url
from src.hubs.selectors import ROME

# The day-before reminders go out from this local time on (not at midnight).
REMINDERS_FROM = time(9)


def _tomorrow(now: datetime) -> tuple[datetime, datetime, datetime] | None:
    """(start of today, start of tomorrow, start of the day after), in Rome; None before REMINDERS_FROM."""
    local = now.astimezone(ROME)
    if local.time() < REMINDERS_FROM:
        return None
    today = local.date()
    return tuple(datetime.combine(today + timedelta(days=n), time(0), tzinfo=ROME) for n in (0, 1, 2))


def send_reminder(appointment: Appointment, municipality) -> None:
    desk, hub = appointment.desk, appointment.desk.hub
    with translation.override(appointment.language or settings.LANGUAGE_CODE):
        context = {
            "appointment": appointment,
            "desk": desk,
            "hub": hub,
            "municipality": municipality,
            "check_url": _check_url(appointment, municipality),
            "union_name": settings.UNION_NAME,
        }
        subject = " ".join(render_to_string("desks/appointments/email/reminder_subject.txt", context).split())
        body = render_to_string("desks/appointments/email/reminder.txt", context)
    EmailMessage(subject=subject, body=body, to=[appointment.email]).send()


def appointment_reminders_send(*, now: datetime | None = None) -> int:
    """Remind tomorrow's booked appointments (booked before today); returns how many."""
    now = now or timezone.now()
    window = _tomorrow(now)
    if window is None:
        return 0
    today, tomorrow, day_after = window
    with transaction.atomic():
        due = list(
            Appointment.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("desk__hub")
            .filter(
                state=Appointment.State.BOOKED,
                reminded_at__isnull=True,
                period__startswith__gte=tomorrow,
                period__startswith__lt=day_after,
                created_at__lt=today,
            )
        )
        for appointment in due:
            appointment.reminded_at = now
            appointment.save(update_fields=["reminded_at"])
            after_commit(send_reminder, appointment)
    return len(due)
