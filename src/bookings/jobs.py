"""The bookings' periodic jobs, registered with the comune's job runner (src/common/jobs.py).

Plain functions of `now`, ordered so that places are freed before they are offered.

The room held for an event (`Booking.event_id`, no person) is left alone: it is
never checked in, so it is no no-show, and it has nobody to remind.

Each picks its rows with SKIP LOCKED, so two runners at once (two workers, or a
job and a person's request) never move the same booking twice.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from src.bookings import notifications
from src.bookings.models import Booking, BookingTransition
from src.bookings.selectors import policy_get
from src.bookings.services.booking import booking_move, holds_release
from src.bookings.services.waitlist import waitlist_offer_next, waitlist_offers_run
from src.common.jobs import job
from src.common.retention import retention_cutoff
from src.outbox.services import outbox_enqueue_once
from tenants.identity.models import Reminder
from tenants.identity.selectors import reminders_refused, walk_in_accounts
from tenants.identity.services import erased_person_get, walk_ins_forget

State = Booking.State
SYSTEM = Booking.Channel.SYSTEM


def _offer_freed(bookings: list[Booking], now: datetime) -> None:
    for space in {b.space_id: b.space for b in bookings if b.end > now}.values():
        waitlist_offer_next(space=space, now=now)


@job("no_shows_released", order=20)
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
            .filter(event_id__isnull=True)  # an event's room is never checked in: it is no no-show
        )
        for booking in late:
            booking_move(booking, State.NO_SHOW, actor=None, channel=SYSTEM, at=now, note="check-in non effettuato")
        _offer_freed(late, now)
    return len(late)


@job("holds_expired", order=10)
def holds_expire(*, now: datetime | None = None) -> int:
    """Held bookings whose hold lapsed are cancelled (the hold time is kept: a late payment can revive them)."""
    now = now or timezone.now()
    with transaction.atomic():
        lapsed = list(
            Booking.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("space")
            .filter(state=State.HELD, hold_expires_at__lte=now)
        )
        holds_release(lapsed, now=now)
        _offer_freed(lapsed, now)
    return len(lapsed)


@job("completed", order=30)
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
            booking_move(booking, State.COMPLETED, actor=None, channel=SYSTEM, at=now)
    return len(over)


@job("reminders", order=50)
def reminders_send(*, now: datetime | None = None) -> int:
    """A reminder `reminder_hours` before the start, for bookings made earlier than that
    (a booking made the same afternoon has just had its confirmation)."""
    now = now or timezone.now()
    ahead = timedelta(hours=policy_get().reminder_hours)
    due = (
        Booking.objects.select_related("person", "hub", "space", "seat")
        .filter(
            state=State.CONFIRMED,
            event_id__isnull=True,  # an event's room: nobody to remind
            reminder_sent_at__isnull=True,
            period__startswith__gt=now,
            period__startswith__lte=now + ahead,
            created_at__lt=F("period__startswith") - ahead,
        )
        .exclude(person_id__in=reminders_refused(Reminder.BOOKING))  # turned off in the personal area
    )
    return outbox_enqueue_once(due, sent_field="reminder_sent_at", now=now, kind=notifications.REMINDER)


# Waitlist offers run after the jobs above have freed what they free.
job("waitlist_offers", order=40)(waitlist_offers_run)


@job("walk_ins_anonymised", order=90)
def walk_ins_anonymise(*, now: datetime | None = None) -> int:
    """Bookings made at the front desk for someone without an account (created on the spot,
    never signed in) lose their person GDPR_RETENTION_MONTHS after they ended: they point at
    the "utente cancellato" account, keeping hub, place, period and state for the statistics,
    and the operators' notes on them go. The walk-in account itself (an e-mail address) is
    deleted once nothing refers to it in any comune. Returns how many bookings changed."""
    now = now or timezone.now()
    with transaction.atomic():
        due = Booking.objects.filter(
            channel=Booking.Channel.FRONT_DESK,
            person_id__in=walk_in_accounts().values("pk"),
            period__endswith__lt=retention_cutoff(now),
        )
        people = set(due.values_list("person_id", flat=True))
        if not people:
            return 0
        history = BookingTransition.objects.filter(booking__in=due)
        history.filter(actor_id__in=people).update(actor=None)
        history.exclude(note="").update(note="")
        changed = due.update(person=erased_person_get())
        walk_ins_forget(people)
    return changed
