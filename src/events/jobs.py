"""The e-mail the day before an event, to each person with a place, in their language, sent once.

A registered comune job (src/common/jobs.py), run every minute. From 09:00 (Rome)
it reminds the registrations holding a place at tomorrow's published events;
`reminded_at` records the sending, so a reminder never goes out twice. Cancelled
registrations and the waitlist get none; nor do people who registered today (their
confirmation has just arrived).
"""

from datetime import datetime

from django.db.models import Count, F, Q
from django.utils import timezone

from src.common.delivery import reminder_window
from src.common.jobs import job
from src.events.models import Event, EventRegistration
from src.events.notifications import REMINDER
from src.events.services import event_places_refill
from src.outbox.services import outbox_enqueue_once
from tenants.identity.models import Reminder
from tenants.identity.selectors import reminders_refused


@job("event_reminders", order=60)
def event_reminders_send(*, now: datetime | None = None) -> int:
    """Remind the people with a place at tomorrow's events (registered before today); returns how many."""
    now = now or timezone.now()
    window = reminder_window(now)
    if window is None:
        return 0
    today, tomorrow, day_after = window
    due = (
        EventRegistration.objects.select_related("event__hub", "person")
        .filter(
            state=EventRegistration.State.REGISTERED,
            reminded_at__isnull=True,
            event__is_published=True,
            event__starts_at__gte=tomorrow,
            event__starts_at__lt=day_after,
            created_at__lt=today,
        )
        .exclude(person_id__in=reminders_refused(Reminder.EVENT))  # turned off in the personal area
    )
    return outbox_enqueue_once(due, sent_field="reminded_at", now=now, kind=REMINDER)


@job("event_places_refilled", order=45)
def event_places_refill_all(*, now: datetime | None = None) -> int:
    """Places freed without going through the events' services (a person erasing their account
    cancels their registrations in SQL: tenants/account/erasure.py) go to the first in the
    waitlist at the next round, as `event_unregister` would have done. Returns how many moved up."""
    now = now or timezone.now()
    events = (
        Event.objects.filter(starts_at__gt=now, is_published=True)
        .annotate(
            seated=Count("registrations", filter=Q(registrations__state__in=EventRegistration.SEATED_STATES)),
            waiting=Count("registrations", filter=Q(registrations__state=EventRegistration.State.WAITLISTED)),
        )
        .filter(waiting__gt=0, seated__lt=F("capacity"))
    )
    return sum(len(event_places_refill(event=event)) for event in events)
