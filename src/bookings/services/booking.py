"""Writes on bookings: create, confirm, cancel, check in, mark no-show. Every change of state is recorded."""

from datetime import datetime, timedelta
from functools import partial

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg2 import errorcodes
from psycopg2.extras import DateTimeTZRange

from src.bookings import notifications
from src.bookings.models import Booking, BookingTransition
from src.bookings.selectors import local_day, person_active_count_sql, place_taken, policy_get
from src.bookings.services import rules
from src.common import charging
from src.common.codes import code_new, code_normalize
from src.common.contention import run_retrying
from src.common.errors import Conflict, DomainError, NotFound
from src.common.rows import insert_together
from src.common.time import hm, when
from src.hubs.models import Hub, Seat, Space
from src.outbox.services import outbox_written
from tenants.identity.agreements import CoverRefused, agreement_cover_release, agreement_cover_take

State = Booking.State
Channel = Booking.Channel
# Who books for themselves pays online; the front desk collects at the desk.
CHARGED_CHANNELS = (Channel.WEB, Channel.API)


def transition_record(*, booking: Booking, from_state: str, actor, channel: str, at: datetime, note: str = "") -> None:
    _transition_new(booking=booking, from_state=from_state, actor=actor, channel=channel, at=at, note=note).save()


def _transition_new(*, booking: Booking, from_state: str, actor, channel: str, at: datetime, note: str = ""):
    return BookingTransition(
        booking=booking,
        from_state=from_state,
        to_state=booking.state,
        actor=actor if getattr(actor, "pk", None) else None,
        channel=channel,
        at=at,
        note=note[:300],
    )


def booking_move(
    booking: Booking, to_state: str, *, actor, channel: str, at: datetime, note: str = "", **fields
) -> Booking:
    from_state = booking.state
    booking.state = to_state
    for name, value in fields.items():
        setattr(booking, name, value)
    booking.save(update_fields=["state", *fields])
    transition_record(booking=booking, from_state=from_state, actor=actor, channel=channel, at=at, note=note)
    if to_state == State.CANCELLED and booking.agreement_id is not None and from_state != State.CANCELLED:
        # A cancelled booking gives its day back to the employee's allowance, in this transaction.
        agreement_cover_release(booking_code=booking.code, now=at)
    return booking


def _cover(booking: Booking, *, now: datetime, use_agreement: bool) -> None:
    """Record the firm's agreement that covers the booking, taking a day of the allowance
    (tenants/identity/agreements.py); refuse when the month's days are used up."""
    try:
        cover = agreement_cover_take(
            person=booking.person,
            hub_id=booking.hub_id,
            day=local_day(booking.start),
            booking_code=booking.code,
            now=now,
            use_agreement=use_agreement,
        )
    except CoverRefused as refusal:
        raise Conflict(refusal.message, code=refusal.code) from None
    booking.agreement_id = cover.agreement_id if cover else None
    booking.agreement_terms = cover.terms if cover else None


def _conflict_message(space: Space, seat: Seat | None) -> str:
    if seat is not None:
        return _(
            "La postazione %(seat)s è già prenotata in quell'orario: scegli un altro orario o un'altra postazione."
        ) % {"seat": seat.label}
    return _("La sala %(space)s è già occupata, in tutto o in parte, in quell'orario.") % {"space": space.name}


def is_exclusion_violation(exc: IntegrityError) -> bool:
    return getattr(exc.__cause__, "pgcode", None) == errorcodes.EXCLUSION_VIOLATION


def _save_converting_conflicts(booking: Booking, update_fields=None) -> None:
    """Save inside a savepoint; SQLSTATE 23P01 (the exclusion constraint) becomes a Conflict."""
    try:
        with transaction.atomic():
            booking.save(update_fields=update_fields)
    except IntegrityError as exc:
        if is_exclusion_violation(exc):
            raise Conflict(_conflict_message(booking.space, booking.seat)) from exc
        raise


_LOCK = "hashtextextended(current_schema() || %s, 0)"


def _lock_person_and_place(person, space: Space, seat: Seat | None) -> None:
    """Serialise, before the insert, the bookings that could collide, in one round trip.

    - the person (in this comune): two requests cannot both pass the active limit;
    - the place: a seat takes its room's lock shared and its own exclusively, a
      whole-room booking takes the room's lock exclusively. So seats of one room are
      booked in parallel, the same seat one at a time, and a whole room waits for its
      seats and they for it. Without this, concurrent inserts deadlock inside the
      exclusion constraint's check (SQLSTATE 40P01) instead of one winning.
    Always in this order (person, room, seat), so these locks never deadlock each other.
    """
    room = f"pg_advisory_xact_lock_shared({_LOCK})" if seat is not None else f"pg_advisory_xact_lock({_LOCK})"
    sql = f"SELECT pg_advisory_xact_lock({_LOCK}), {room}"
    params = [f":booking-person:{person.pk}", f":booking-space:{space.pk}"]
    if seat is not None:
        sql += f", pg_advisory_xact_lock({_LOCK})"
        params.append(f":booking-seat:{seat.pk}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def holds_release(bookings, *, now: datetime) -> list[Booking]:
    """Cancel held bookings whose hold lapsed (the hold time is kept: a late payment can
    revive them) and expire the waitlist offers they carried."""
    released = []
    for booking in bookings:
        booking_move(booking, State.CANCELLED, actor=None, channel=Channel.SYSTEM, at=now, note="riserva scaduta")
        entry = getattr(booking, "waitlist_entry", None)
        if entry is not None and entry.state == entry.State.OFFERED:
            entry.state = entry.State.EXPIRED
            entry.save(update_fields=["state"])
        released.append(booking)
    return released


def _lapsed_holds_on(space: Space, seat: Seat | None, start: datetime, end: datetime, now: datetime):
    lapsed = Booking.objects.filter(
        space=space, state=State.HELD, hold_expires_at__lte=now, period__overlap=DateTimeTZRange(start, end)
    )
    if seat is not None:
        lapsed = lapsed.filter(Q(seat=seat) | Q(seat__isnull=True))
    return lapsed


def booking_create(
    *,
    person,
    space: Space,
    seat: Seat | None = None,
    period,
    channel: str,
    created_by=None,
    hold: bool = False,
    hold_minutes: int | None = None,
    notify: bool = True,
    now: datetime | None = None,
    use_agreement: bool = True,
) -> Booking:
    """Book `seat` (or the whole `space` when seat is None) for `period`, after every rule of the policy.

    An employee enrolled with a firm whose agreement covers the hub books under it: the
    booking records the agreement and takes a day of the month's allowance, or is refused
    (409, `allowance_exhausted`) when the days are used up; `use_agreement=False` books at
    the person's own cost.

    `hold=True` makes a held booking (a payment is open, or a waitlist offer)
    that lapses after `hold_minutes` (default: the policy's) unless confirmed.
    Raises DomainError (400) with a message, or Conflict (409) when
    the place is taken, as decided by the exclusion constraint. `notify=False`:
    no confirmation e-mail (demo and benchmark data).
    """
    now = now or timezone.now()
    start, end = rules.period_bounds(period)
    policy = policy_get()
    rules.check_period(
        policy=policy, space=space, start=start, end=end, now=now, front_desk=channel == Channel.FRONT_DESK
    )
    rules.check_place(space, seat, local_day(start))
    # A place already taken is refused before any lock is waited for and any row written: one
    # indexed read instead of a transaction that ends in the constraint's refusal. A lapsed hold
    # does not count here; the insert below releases it. (The constraint still decides a race.)
    if place_taken(space, seat, (start, end), now):
        raise Conflict(_conflict_message(space, seat))
    # A place with a price (src/common/charging.py): the person booking for themselves is held
    # while the payment is open; a carnet or membership covers it at once. Front-desk bookings
    # are settled at the desk, and the waitlist's offers are priced when accepted.
    quote = charging.FREE
    if channel in CHARGED_CHANNELS and not hold:
        quote = charging.booking_quote(person=person, space=space, seat=seat, start=start, end=end, channel=channel)
    held_to_pay = quote.needs_payment and not hold
    if held_to_pay:
        hold = True
        hold_minutes = max(hold_minutes or policy.hold_minutes, quote.hold_minutes or 0)

    booking = Booking(
        person=person,
        hub=space.hub,
        space=space,
        seat=seat,
        period=DateTimeTZRange(start, end),
        channel=channel,
        # Nobody in particular when the system books (a waitlist offer); else whoever asked.
        created_by=created_by or (None if channel == Channel.SYSTEM else person),
        state=State.HELD if hold else State.CONFIRMED,
        hold_expires_at=now + timedelta(minutes=hold_minutes or policy.hold_minutes) if hold else None,
        created_at=now,
    )
    held_until = booking.hold_expires_at

    def write(release_lapsed: bool) -> Booking:
        booking.pk, booking.code = None, code_new()
        _lock_person_and_place(person, space, seat)
        if release_lapsed:
            # Lapsed holds stop blocking the moment they lapse, jobs or no jobs.
            holds_release(list(_lapsed_holds_on(space, seat, start, end, now).select_for_update(of=("self",))), now=now)
        _cover(booking, now=now, use_agreement=use_agreement)
        # The firm's agreement may pay for it (then it is confirmed now) or lower the price.
        charge = charging.booking_quote_covered(quote=quote, terms=booking.agreement_terms)
        if held_to_pay:
            booking.state = State.HELD if charge.needs_payment else State.CONFIRMED
            booking.hold_expires_at = held_until if charge.needs_payment else None
        # The booking, its first transition and its confirmation e-mail in one statement, which
        # also counts the person's other active bookings (after the person's lock, so none is
        # missed). No savepoint around it: if PostgreSQL refuses the booking, or the count is
        # over the limit, this attempt's block rolls back as a whole.
        transition = _transition_new(booking=booking, from_state="", actor=booking.created_by, channel=channel, at=now)
        followers = [(transition, "booking")]
        confirmation = booking.state == State.CONFIRMED and notify
        if confirmation:
            followers.append((notifications.booking_confirmed_message(), "obj_id"))
        active = insert_together(booking, followers, read=person_active_count_sql(person, now))
        rules.check_active_limit(policy=policy, active=active)
        if confirmation:
            outbox_written()
        # Its order (or the carnet's entry) in the same transaction: never a held booking without one.
        if not charging.booking_charge(booking=booking, quote=charge, now=now):
            booking.money = None  # nothing to read back for its answer (BookingOut.get_payment)
        return booking

    release_lapsed = False
    for _attempt in range(4):
        try:
            return run_retrying(partial(write, release_lapsed), on_give_up=lambda: Conflict(_busy_message(space, seat)))
        except IntegrityError as exc:
            pgcode = getattr(exc.__cause__, "pgcode", None)
            if pgcode == errorcodes.UNIQUE_VIOLATION:
                continue  # another booking drew the same code: draw again
            if pgcode == errorcodes.FOREIGN_KEY_VIOLATION:
                # The room or seat was read from the catalogue cache and removed meanwhile.
                raise DomainError(
                    _("La sala o la postazione indicata non esiste più: aggiorna la pagina e riprova."),
                    code="place_gone",
                ) from exc
            if pgcode != errorcodes.EXCLUSION_VIOLATION:
                raise
            if not release_lapsed and _lapsed_holds_on(space, seat, start, end, now).exists():
                release_lapsed = True  # the place is held by a hold that lapsed: release it and retry
                continue
            raise Conflict(_conflict_message(space, seat)) from exc
    raise DomainError(_("Non è stato possibile completare la prenotazione: riprova."))


def _busy_message(space: Space, seat: Seat | None) -> str:
    return _("Molte persone stanno prenotando %(place)s in questo momento: riprova tra qualche secondo.") % {
        "place": seat.label if seat is not None else space.name
    }


def _not_an_event_hold(booking: Booking) -> Booking:
    if booking.is_event_hold:
        raise DomainError(
            _("%(code)s è la sala riservata per un evento: si sposta o si libera modificando l'evento.")
            % {"code": booking.code},
            code="event_hold",
        )
    return booking


def _locked(booking: Booking) -> Booking:
    try:
        locked = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("hub", "space", "seat", "person")
            .get(pk=booking.pk)
        )
    except Booking.DoesNotExist:
        raise NotFound(_("Prenotazione non trovata.")) from None
    return _not_an_event_hold(locked)


def booking_confirm(
    *, booking: Booking, actor=None, channel: str, now: datetime | None = None, note: str = ""
) -> Booking:
    """A held booking becomes confirmed (payment received, waitlist offer accepted).

    A hold that already lapsed is confirmed again if the place is still free
    (a late payment is never lost); if it was taken meanwhile, Conflict
    tells the caller to refund.
    """
    now = now or timezone.now()
    with transaction.atomic():
        booking = _locked(booking)
        if booking.state == State.CONFIRMED:
            return booking
        lapsed = booking.state == State.CANCELLED and booking.hold_expires_at is not None
        if booking.state != State.HELD and not lapsed:
            raise DomainError(
                _("La prenotazione %(code)s è %(state)s: non si può confermare.")
                % {"code": booking.code, "state": booking.get_state_display()},
                code="bad_state",
            )
        if booking.end <= now:
            raise Conflict(_("Il periodo della prenotazione %(code)s è già passato.") % {"code": booking.code})
        from_state = booking.state
        booking.state = State.CONFIRMED
        booking.hold_expires_at = None
        fields = ["state", "hold_expires_at"]
        if lapsed and booking.agreement_id is not None:
            # The lapsed hold gave its day back: take it again (or book without the agreement).
            _cover(booking, now=now, use_agreement=True)
            fields += ["agreement", "agreement_terms"]
        _save_converting_conflicts(booking, update_fields=fields)
        transition_record(booking=booking, from_state=from_state, actor=actor, channel=channel, at=now, note=note)
        notifications.booking_confirmed_later(booking)
    return booking


def booking_cancel(
    *, booking: Booking, actor, channel: str, now: datetime | None = None, note: str = "", by_staff: bool = False
) -> Booking:
    """Cancel a held or confirmed booking; the person must do it before the policy's deadline
    (`by_staff`: an operator or administrator, who may cancel later). The freed place goes
    to the waitlist."""
    now = now or timezone.now()
    policy = policy_get()
    with transaction.atomic():
        booking = _locked(booking)
        if booking.state not in (State.HELD, State.CONFIRMED):
            raise DomainError(
                _("La prenotazione %(code)s è %(state)s: non si può annullare.")
                % {"code": booking.code, "state": booking.get_state_display()},
                code="bad_state",
            )
        deadline = booking.start - timedelta(hours=policy.cancel_deadline_hours)
        if booking.state == State.CONFIRMED and not by_staff and now > deadline:
            raise DomainError(
                _(
                    "Non è più possibile annullare la prenotazione %(code)s: andava fatto entro il %(deadline)s (%(hours)d ore prima dell'inizio)."
                )
                % {"code": booking.code, "deadline": when(deadline), "hours": policy.cancel_deadline_hours},
                code="too_late_to_cancel",
            )
        was_confirmed = booking.state == State.CONFIRMED
        # An explicit cancel is final: clearing the hold means a late payment will not revive it.
        booking_move(booking, State.CANCELLED, actor=actor, channel=channel, at=now, note=note, hold_expires_at=None)
        # What was paid comes back as the payments' policy says, in this transaction.
        charging.booking_cancelled(booking=booking, now=now, by_staff=by_staff)
        if was_confirmed:
            notifications.booking_cancelled_later(booking)
        _offer_freed_place(booking, now)
    return booking


def booking_check_in(
    *,
    code: str,
    actor,
    channel: str,
    hub: Hub | None = None,
    by_staff: bool = False,
    now: datetime | None = None,
) -> Booking:
    """Check in by the booking's code: the citizen at the hub (own booking, inside the window)
    or an operator at `hub`'s front desk (until the booking ends)."""
    now = now or timezone.now()
    code = code_normalize(code)
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("hub", "space", "seat", "person")
            .filter(code=code)
            .first()
        )
        if booking is None or (not by_staff and booking.person_id != getattr(actor, "pk", None)):
            raise NotFound(_("Nessuna prenotazione con il codice %(code)s.") % {"code": code or "—"})
        _not_an_event_hold(booking)
        if hub is not None and booking.hub_id != hub.pk:
            raise DomainError(
                _("La prenotazione %(code)s è per l'hub %(hub)s.") % {"code": code, "hub": booking.hub.name},
                code="other_hub",
            )
        if booking.state == State.CHECKED_IN:
            raise DomainError(
                _("Check-in della prenotazione %(code)s già fatto alle %(at)s.")
                % {"code": code, "at": hm(booking.checked_in_at)},
                code="already_checked_in",
            )
        if booking.state != State.CONFIRMED:
            raise DomainError(
                _("La prenotazione %(code)s è %(state)s: il check-in non è possibile.")
                % {"code": code, "state": booking.get_state_display()},
                code="bad_state",
            )
        opens, closes = rules.check_in_window(booking, policy_get())
        if by_staff:
            closes = booking.end
        if now < opens:
            raise DomainError(_("Il check-in apre alle %(at)s.") % {"at": hm(opens)}, code="check_in_not_open")
        if now >= closes:
            raise DomainError(_("Il check-in si è chiuso alle %(at)s.") % {"at": hm(closes)}, code="check_in_closed")
        booking_move(booking, State.CHECKED_IN, actor=actor, channel=channel, at=now, checked_in_at=now)
    return booking


def booking_mark_no_show(
    *, booking: Booking, actor, channel: str, now: datetime | None = None, note: str = ""
) -> Booking:
    """An operator records that the person did not come; the place is freed for the rest of the period."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = _locked(booking)
        if booking.state != State.CONFIRMED:
            raise DomainError(
                _("La prenotazione %(code)s è %(state)s: non si può segnare come mancata presentazione.")
                % {"code": booking.code, "state": booking.get_state_display()},
                code="bad_state",
            )
        if now < booking.start:
            raise DomainError(
                _("La prenotazione %(code)s inizia alle %(at)s: non si può ancora segnare come mancata presentazione.")
                % {"code": booking.code, "at": hm(booking.start)},
                code="not_started",
            )
        booking_move(booking, State.NO_SHOW, actor=actor, channel=channel, at=now, note=note)
        _offer_freed_place(booking, now)
    return booking


def _offer_freed_place(booking: Booking, now: datetime) -> None:
    from src.bookings.services.waitlist import waitlist_offer_next  # the waitlist books through this module

    if booking.end > now:
        waitlist_offer_next(space=booking.space, now=now)


# --- The booking side of src/common/charging.py (registered in src/bookings/apps.py) ----------


def booking_paid(*, booking_id: int, now: datetime, note: str = "") -> bool:
    """The payment of a held booking arrived: confirm it. A hold that lapsed is confirmed again
    when the place is still free (returns True); otherwise (taken, cancelled by the person,
    period over) PlaceTaken tells the payments app to refund."""
    booking = Booking.objects.filter(pk=booking_id).first()
    if booking is None:
        raise charging.PlaceTaken(_("La prenotazione pagata non esiste più."))
    lapsed = booking.state == State.CANCELLED
    try:
        booking_confirm(booking=booking, actor=None, channel=Channel.SYSTEM, now=now, note=note or "pagamento ricevuto")
    except DomainError as error:
        if isinstance(error, charging.PlaceTaken):
            raise
        raise charging.PlaceTaken(error.message) from error
    return lapsed


def booking_hold_extend(*, booking_id: int, until: datetime) -> None:
    """A held booking waits for its payment until `until` (never shorter than it was)."""
    Booking.objects.filter(pk=booking_id, state=State.HELD, hold_expires_at__lt=until).update(hold_expires_at=until)
