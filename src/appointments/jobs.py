"""The appointments' periodic jobs, registered with the comune's job runner (src/common/jobs.py):
the reminder the day before, the release of unconfirmed holds, the anonymisation of old appointments.

Holds: an appointment booked without an account and not confirmed from its e-mail within
APPOINTMENT_HOLD_MINUTES becomes `expired`, and its slot is free again.

Reminders: the e-mail the day before an appointment, in the language it was booked in, sent once.
Run every minute. From 09:00 (Rome)
it reminds the appointments of tomorrow that are still booked; `reminded_at` records
the sending, so a reminder never goes out twice, whoever runs the jobs and how often.
Appointments booked today are left out: their confirmation has just arrived.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from src.appointments.models import Appointment, AppointmentTransition
from src.appointments.notifications import REMINDER
from src.appointments.services import holds_release
from src.common.delivery import reminder_window
from src.common.jobs import job
from src.common.retention import retention_cutoff
from src.outbox.services import outbox_enqueue_once
from tenants.identity.models import Reminder
from tenants.identity.selectors import reminders_refused


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
    due = (
        Appointment.objects.select_related("desk__hub")
        .filter(
            state=Appointment.State.BOOKED,
            reminded_at__isnull=True,
            period__startswith__gte=tomorrow,
            period__startswith__lt=day_after,
            created_at__lt=today,
        )
        .exclude(person_id__in=reminders_refused(Reminder.APPOINTMENT))  # turned off in the personal area
    )
    return outbox_enqueue_once(due, sent_field="reminded_at", now=now, kind=REMINDER)


@job("appointments_anonymised", order=90)
def appointments_anonymise(*, now: datetime | None = None) -> int:
    """Appointments over for more than GDPR_RETENTION_MONTHS lose the applicant's personal data:
    name, e-mail, phone, fiscal code, details, and the link to their account (also on the
    history rows they wrote themselves). Desk, topic, time and state stay, for the statistics.
    Returns how many appointments changed."""
    now = now or timezone.now()
    due = Appointment.objects.filter(period__endswith__lt=retention_cutoff(now)).exclude(
        applicant_name=Appointment.ANONYMISED, person__isnull=True
    )
    with transaction.atomic():
        AppointmentTransition.objects.filter(appointment__in=due, by_id=F("appointment__person_id")).update(by=None)
        return due.update(
            applicant_name=Appointment.ANONYMISED, email="", phone="", fiscal_code="", details="", person=None
        )
