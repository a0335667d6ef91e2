"""The e-mail the day before an event, to each person with a place, in their language, sent once.

Run every minute by the comune's periodic jobs (`booking_jobs_run`). From 09:00 (Rome)
it reminds the registrations holding a place at tomorrow's published events;
`reminded_at` records the sending, so a reminder never goes out twice. Cancelled
registrations and the waitlist get none; nor do people who registered today (their
confirmation has just arrived).
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from src.bookings.notifications import after_commit
from src.events.models import EventRegistration
from src.events.notifications import event_url
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


def send_reminder(registration: EventRegistration, municipality) -> None:
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
        subject = " ".join(render_to_string("events/email/reminder_subject.txt", context).split())
        body = render_to_string("events/email/reminder.txt", context)
    EmailMessage(subject=subject, body=body, to=[person.email]).send()


def event_reminders_send(*, now: datetime | None = None) -> int:
    """Remind the people with a place at tomorrow's events (registered before today); returns how many."""
    now = now or timezone.now()
    window = _tomorrow(now)
    if window is None:
        return 0
    today, tomorrow, day_after = window
    with transaction.atomic():
        due = list(
            EventRegistration.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("event__hub", "person")
            .filter(
                state=EventRegistration.State.REGISTERED,
                reminded_at__isnull=True,
                event__is_published=True,
                event__starts_at__gte=tomorrow,
                event__starts_at__lt=day_after,
                created_at__lt=today,
            )
        )
        for registration in due:
            registration.reminded_at = now
            registration.save(update_fields=["reminded_at"])
            after_commit(send_reminder, registration)
    return len(due)
