"""The waitlist: queue for a full slot; when a place frees, the first in line gets it, held for a while."""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg2 import errorcodes
from psycopg2.extras import DateTimeTZRange

from src.bookings import notifications
from src.bookings.availability import free_seats
from src.bookings.models import Booking, WaitlistEntry
from src.bookings.selectors import (
    local_day,
    overlapping_active,
    person_overlapping_active,
    policy_get,
    spaces_on,
    waiting_entries,
)
from src.bookings.services import rules
from src.bookings.services.booking import booking_cancel, booking_confirm, booking_create
from src.common import charging
from src.common.errors import Conflict, DomainError
from src.common.time import hm
from src.hubs.models import Seat, Space

Entry = WaitlistEntry.State


def waitlist_join(
    *, person, space: Space, seat: Seat | None = None, period, now: datetime | None = None
) -> WaitlistEntry:
    """Queue for `seat` (or any seat of `space`) in `period`: only when it is really full."""
    now = now or timezone.now()
    start, end = rules.period_bounds(period)
    policy = policy_get()
    rules.check_period(policy=policy, space=space, start=start, end=end, now=now)
    # Before the "full" test: one's own booking is what makes the slot look full, and the
    # offer would be one's own place back.
    own = person_overlapping_active(person, space, (start, end))
    if own is not None:
        raise Conflict(
            _(
                "Hai già una prenotazione in quell'orario in %(space)s (codice %(code)s):"
                " non serve metterti in lista d'attesa."
            )
            % {"space": space.name, "code": own.code},
            code="already_booked",
        )
    day = local_day(start)
    if seat is not None:
        rules.check_place(space, seat, day)
        busy = overlapping_active(space, (start, end))
        full = busy.filter(seat__isnull=True).exists() or busy.filter(seat=seat).exists()
    else:
        offer_seats = spaces_on([space], day)[0].seats
        if not offer_seats:
            raise DomainError(
                _("La sala %(space)s quel giorno non ha postazioni singole: non c'è lista d'attesa.")
                % {"space": space.name},
                code="no_waitlist",
            )
        full = not free_seats(space, (start, end), day=day)
    if not full:
        raise DomainError(_("C'è ancora posto in quell'orario: puoi prenotare direttamente."), code="not_full")
    try:
        with transaction.atomic():
            return WaitlistEntry.objects.create(
                person=person, space=space, seat=seat, period=DateTimeTZRange(start, end), created_at=now
            )
    except IntegrityError as exc:
        if getattr(exc.__cause__, "pgcode", None) == errorcodes.UNIQUE_VIOLATION:
            raise Conflict(_("Sei già in lista d'attesa per questo periodo."), code="already_waiting") from exc
        raise


def waitlist_offer_next(*, space: Space, now: datetime | None = None) -> list[WaitlistEntry]:
    """Offer freed places of `space` to the people waiting, first come first served.

    Each offer is a held booking (the exclusion constraint decides who gets a
    place) that lapses after the policy's `waitlist_offer_minutes`; the person
    is told by e-mail and accepts or declines.
    """
    now = now or timezone.now()
    policy = policy_get()
    offered = []
    with transaction.atomic():
        # skip_locked: two jobs (or a job and a cancel) never offer the same entry twice.
        for entry in waiting_entries(space, now).select_for_update(skip_locked=True, of=("self",)):
            start, end = entry.period.lower, entry.period.upper
            if person_overlapping_active(entry.person, space, (start, end)) is not None:
                # They hold a place then already (booked after joining, or just offered through another
                # entry of theirs): a second one would be theirs twice. The entry keeps waiting.
                continue
            candidates = [entry.seat] if entry.seat else free_seats(space, (start, end))
            minutes = min(policy.waitlist_offer_minutes, max(1, int((end - now) / timedelta(minutes=1))))
            for seat in candidates:
                try:
                    booking = booking_create(
                        person=entry.person,
                        space=space,
                        seat=seat,
                        period=(start, end),
                        channel=Booking.Channel.SYSTEM,
                        hold=True,
                        hold_minutes=minutes,
                        now=now,
                    )
                except Conflict:
                    continue  # that seat is still taken: try the next one
                except DomainError:
                    break  # the rules changed (layout, limit): the entry keeps waiting
                entry.state = Entry.OFFERED
                entry.offered_booking = booking
                entry.offered_at = now
                entry.save(update_fields=["state", "offered_booking", "offered_at"])
                notifications.waitlist_offered_later(entry)
                offered.append(entry)
                break
    return offered


def _locked_entry(entry: WaitlistEntry) -> WaitlistEntry:
    return (
        WaitlistEntry.objects.select_for_update(of=("self",))
        .select_related("offered_booking", "space")
        .get(pk=entry.pk)
    )


def waitlist_accept(*, entry: WaitlistEntry, actor, channel: str, now: datetime | None = None) -> Booking:
    now = now or timezone.now()
    with transaction.atomic():
        entry = _locked_entry(entry)
        booking = entry.offered_booking
        if entry.state != Entry.OFFERED or booking is None:
            raise DomainError(_("Non c'è un posto offerto da accettare."), code="no_offer")
        if booking.state != Booking.State.HELD or booking.hold_expires_at <= now:
            raise DomainError(
                _("L'offerta è scaduta alle %(at)s.") % {"at": hm(booking.hold_expires_at or now)}, code="offer_expired"
            )
        # A place with a price: accepting opens its payment (the booking stays held until it
        # arrives, src/common/charging.py); a carnet or membership covers it at once.
        quote = charging.booking_quote(
            person=booking.person,
            space=booking.space,
            seat=booking.seat,
            start=booking.start,
            end=booking.end,
            channel=channel,
        )
        quote = charging.booking_quote_covered(quote=quote, terms=booking.agreement_terms)
        if quote.needs_payment:
            until = now + timedelta(minutes=max(quote.hold_minutes or 0, policy_get().hold_minutes))
            charging.booking_hold_extend(booking_id=booking.pk, until=until)
            booking.refresh_from_db()
        charging.booking_charge(booking=booking, quote=quote, now=now)
        if not quote.needs_payment:
            booking = booking_confirm(booking=booking, actor=actor, channel=channel, now=now, note="lista d'attesa")
        entry.state = Entry.ACCEPTED
        entry.save(update_fields=["state"])
    return booking


def waitlist_decline(*, entry: WaitlistEntry, actor, channel: str, now: datetime | None = None) -> WaitlistEntry:
    now = now or timezone.now()
    with transaction.atomic():
        entry = _locked_entry(entry)
        if entry.state != Entry.OFFERED:
            raise DomainError(_("Non c'è un posto offerto da rifiutare."), code="no_offer")
        entry.state = Entry.DECLINED
        entry.save(update_fields=["state"])
        booking = entry.offered_booking
        if booking is not None and booking.state == Booking.State.HELD:
            # Cancelling offers the place to the next in line.
            booking_cancel(
                booking=booking, actor=actor, channel=channel, now=now, note="offerta rifiutata", by_staff=True
            )
    return entry


def waitlist_leave(*, entry: WaitlistEntry, actor, channel: str, now: datetime | None = None) -> WaitlistEntry:
    if entry.state == Entry.OFFERED:
        return waitlist_decline(entry=entry, actor=actor, channel=channel, now=now)
    with transaction.atomic():
        entry = _locked_entry(entry)
        if entry.state != Entry.WAITING:
            raise DomainError(_("Non sei più in lista d'attesa per questo periodo."), code="bad_state")
        entry.state = Entry.CANCELLED
        entry.save(update_fields=["state"])
    return entry


def waitlist_offers_run(*, now: datetime | None = None) -> int:
    """The periodic pass: drop entries whose period is over, offer whatever is free. Returns offers made."""
    now = now or timezone.now()
    WaitlistEntry.objects.filter(state=Entry.WAITING, period__endswith__lte=now).update(state=Entry.EXPIRED)
    space_ids = WaitlistEntry.objects.filter(state=Entry.WAITING).values_list("space_id", flat=True).distinct()
    offered = 0
    for space in Space.objects.filter(pk__in=list(space_ids)).select_related("hub"):
        offered += len(waitlist_offer_next(space=space, now=now))
    return offered
