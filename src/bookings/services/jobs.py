"""Periodic work of one comune: plain functions of `now`, run by `run_booking_jobs` every minute.

Each picks its rows with SKIP LOCKED, so two runners at once (two workers, or a
job and a person's request) never move the same booking twice.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from src.bookings import notifications
from src.bookings.models import Booking
from src.bookings.selectors import policy_get
from src.bookings.services.booking import _move
from src.bookings.services.waitlist import waitlist_offer_next, waitlist_offers_run
from src.desks.appointments.reminders import appointment_reminders_send
from src.events.reminders import event_reminders_send

State = Booking.State
SYSTEM = Booking.Channel.SYSTEM


def _offer_freed(bookings: list[Booking], now: datetime) -> None:
    for space in {b.space_id: b.space for b in bookings if b.end > now}.values():
        waitlist_offer_next(space=space, now=now)


def bookings_release_no_shows(*, now: datetime | None = None) -> int:
    """Confirmed bookings not checked in by the end of their window become no-shows; their seat frees."""
    now = now or timezone.now()
    window = timedelta(minutes=policy_get().checkin_window_minutes)
    with transaction.atomic():
        # The window runs from the later of start and creation (rules.check_in_window):
        # max(start, created) + window < now  ⇔  both start and created < now - window.
        late = list(
            Booking.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("space")
            .filter(state=State.CONFIRMED, period__startswith__lt=now - window, created_at__lt=now - window)
        )
        for booking in late:
            _move(booking, State.NO_SHOW, actor=None, channel=SYSTEM, at=now, note="check-in non effettuato")
        _offer_freed(late, now)
    return len(late)


def holds_expire(*, now: datetime | None = None) -> int:
    """Held bookings whose hold lapsed are cancelled (the hold time is kept: a late payment can revive them)."""
    now = now or timezone.now()
    with transaction.atomic():
        lapsed = list(
            Booking.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("space")
            .filter(state=State.HELD, hold_expires_at__lte=now)
        )
        for booking in lapsed:
            _move(booking, State.CANCELLED, actor=None, channel=SYSTEM, at=now, note="riserva scaduta")
            entry = getattr(booking, "waitlist_entry", None)
            if entry is not None and entry.state == entry.State.OFFERED:
                entry.state = entry.State.EXPIRED
                entry.save(update_fields=["state"])
        _offer_freed(lapsed, now)
    return len(lapsed)


def bookings_complete(*, now: datetime | None = None) -> int:
    """Checked-in bookings that are over become completed."""
    now = now or timezone.now()
    with transaction.atomic():
        over = list(
            Booking.objects.select_for_update(skip_locked=True, of=("self",)).filter(
                state=State.CHECKED_IN, period__endswith__lte=now
            )
        )
        for booking in over:
            _move(booking, State.COMPLETED, actor=None, channel=SYSTEM, at=now)
    return len(over)


def reminders_send(*, now: datetime | None = None) -> int:
    """A reminder `reminder_hours` before the start, for bookings made earlier than that
    (a booking made the same afternoon has just had its confirmation)."""
    now = now or timezone.now()
    ahead = timedelta(hours=policy_get().reminder_hours)
    due = Booking.objects.select_related("person", "hub", "space", "seat").filter(
        state=State.CONFIRMED,
        reminder_sent_at__isnull=True,
        period__startswith__gt=now,
        period__startswith__lte=now + ahead,
        created_at__lt=F("period__startswith") - ahead,
    )
    return notifications.send_once(due, sent_field="reminder_sent_at", now=now, send=notifications.booking_reminder)


def booking_jobs_run(*, now: datetime | None = None) -> dict[str, int]:
    """Everything periodic in a comune, in the order that frees places before offering them:
    the one entry point of the jobs (run_booking_jobs, the Celery task src/bookings/tasks.py),
    desk appointments' and events' reminders included."""
    now = now or timezone.now()
    return {
        "holds_expired": holds_expire(now=now),
        "no_shows_released": bookings_release_no_shows(now=now),
        "completed": bookings_complete(now=now),
        "waitlist_offers": waitlist_offers_run(now=now),
        "reminders": reminders_send(now=now),
        "appointment_reminders": appointment_reminders_send(now=now),
        "event_reminders": event_reminders_send(now=now),
    }
