"""The appointments' periodic jobs, registered with the comune's job runner (src/common/jobs.py).

Holds: an appointment booked without an account and not confirmed from its e-mail within
APPOINTMENT_HOLD_MINUTES becomes `expired`, and its slot is free again.

Reminders: the e-mail the day before an appointment, in the language it was booked in, sent once.
Run every minute. From 09:00 (Rome)
it reminds the appointments of tomorrow that are still booked; `reminded_at` records
the sending, so a reminder never goes out twice, whoever runs the jobs and how often.
Appointments booked today are left out: their confirmation has just arrived.
"""

from datetime import datetime

from django.utils import timezone

from src.appointments.models import Appointment
from src.appointments.notifications import send_reminder
from src.appointments.services import holds_release
from src.common.delivery import reminder_window, send_once
from src.common.jobs import job


@job("appointment_holds_expired", order=15)
def appointment_holds_expire(*, now: datetime | None = None) -> int:
    """Release the holds nobody confirmed in time; returns how many."""
    return holds_release(now=now or timezone.now())


@job("appointment_reminders", order=60)
def appointment_reminders_send(*, now: datetime | None = None) -> int:
    """Remind tomorrow's booked appointments (booked before today); returns how many."""
    now = now or timezone.now()
    window = reminder_window(now)
    if window is None:
        return 0
    today, tomorrow, day_after = window
    due = Appointment.objects.select_related("desk__hub").filter(
        state=Appointment.State.BOOKED,
        reminded_at__isnull=True,
        period__startswith__gte=tomorrow,
        period__startswith__lt=day_after,
        created_at__lt=today,
    )
    return send_once(due, sent_field="reminded_at", now=now, send=send_reminder)
