"""Writes for appointments: book, confirm, cancel, mark attended or no-show. Every change is recorded.

Booked without an account, an appointment is first held: the slot is taken for
APPOINTMENT_HOLD_MINUTES and the e-mail carries the link that confirms it (`appointment_confirm`);
unconfirmed, the comune's jobs release it (jobs.py). Such holds are limited per e-mail address and
per client address a day, across the union. A signed-in person's appointment is booked at once.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from psycopg2.extras import DateTimeTZRange

from src.appointments import notifications
from src.appointments.models import Appointment, AppointmentTransition, Channel
from src.appointments.selectors import appointment_find, desk_free_slot_at
from src.appointments.tokens import HOLD_EXPIRED, LINK_INVALID, TokenExpired, TokenInvalid, confirm_token_code
from src.common.codes import code_new_grouped, code_normalize_grouped
from src.common.errors import Conflict, DomainError, NotFound
from src.desks.models import ServiceDesk
from tenants.identity.fiscal_code import normalize_fiscal_code, validate_fiscal_code
from tenants.identity.throttling import quota_give_back, quota_take

EXCLUSION_VIOLATION = "23P01"
UNIQUE_VIOLATION = "23505"


# Pages show these too (lazy: a module constant, translated when shown).
APPOINTMENT_NOT_FOUND = gettext_lazy("Nessun appuntamento corrisponde a questo codice e a questo indirizzo e-mail.")
SLOT_UNAVAILABLE = gettext_lazy("L'orario scelto non è più disponibile: scegline un altro.")
CANCELLED_BEFORE_CONFIRMING = gettext_lazy(
    "Questo appuntamento è stato annullato prima della conferma: se ti serve ancora, prenotane un altro."
)


class DailyLimitReached(DomainError):
    """Too many appointments booked without an account today, by one e-mail address or one client address."""

    status = 429
    code = "appointment_daily_limit"


def _slot_unavailable() -> Conflict:
    """The slot is no longer free (taken meanwhile, past, or outside the desk's hours)."""
    return Conflict(SLOT_UNAVAILABLE, code="slot_unavailable")


def _record(appointment: Appointment, *, from_state: str, by, channel: str) -> None:
    AppointmentTransition.objects.create(
        appointment=appointment,
        from_state=from_state,
        to_state=appointment.state,
        by=by if getattr(by, "is_authenticated", False) else None,
        channel=channel,
    )


def _clean_applicant(*, topic, details, applicant_name, email, phone, fiscal_code) -> dict:
    errors = {}
    topic, details = (topic or "").strip(), (details or "").strip()
    applicant_name, email, phone = (applicant_name or "").strip(), (email or "").strip().lower(), (phone or "").strip()
    fiscal_code = normalize_fiscal_code(fiscal_code)
    if not topic:
        errors["topic"] = _("Indica il motivo dell'appuntamento.")
    elif len(topic) > 120:
        errors["topic"] = _("Il motivo può avere al massimo 120 caratteri.")
    if len(details) > 2000:
        errors["details"] = _("I dettagli possono avere al massimo 2000 caratteri.")
    if not applicant_name:
        errors["applicant_name"] = _("Indica nome e cognome.")
    elif len(applicant_name) > 200:
        errors["applicant_name"] = _("Nome e cognome possono avere al massimo 200 caratteri.")
    try:
        EmailValidator()(email)
    except ValidationError:
        errors["email"] = _("Indica un indirizzo e-mail valido.")
    if phone and (len(phone) > 30 or not all(c.isdigit() or c in "+ -./()" for c in phone)):
        errors["phone"] = _("Indica un numero di telefono valido.")
    if fiscal_code:
        try:
            validate_fiscal_code(fiscal_code)
        except ValidationError as error:
            errors["fiscal_code"] = error.messages[0]
    if errors:
        raise ValidationError(errors)
    return dict(
        topic=topic, details=details, applicant_name=applicant_name, email=email, phone=phone, fiscal_code=fiscal_code
    )


def _confirms_at_once(person) -> bool:
    """A signed-in person's appointment is booked at once, as the e-mail of their account is theirs.

    Accounts record no e-mail verification yet; when they do, an account whose e-mail is not
    verified should hold and confirm by the link like a booking without an account.
    """
    return getattr(person, "is_authenticated", False)


def _quotas(email: str, client_address: str | None) -> list[tuple[str, str]]:
    quotas = [("appointment_email", email)]
    if client_address:
        quotas.append(("appointment_address", client_address))
    return quotas


def _take_quotas(quotas: list[tuple[str, str]]) -> None:
    limit = settings.APPOINTMENT_ANON_DAILY_LIMIT
    taken = []
    for scope, ident in quotas:
        if not quota_take(scope, ident, limit=limit):
            for given in taken:
                quota_give_back(*given)
            raise DailyLimitReached(
                _(
                    "Oggi sono già stati prenotati %(limit)d appuntamenti senza account con questo indirizzo "
                    "e-mail o da questa connessione: è il massimo. Riprova domani, oppure accedi con il tuo "
                    "account per prenotare subito."
                )
                % {"limit": limit},
                field="email" if scope == "appointment_email" else None,
            )
        taken.append((scope, ident))


def appointment_book(
    *,
    desk: ServiceDesk,
    start: datetime,
    topic: str,
    details: str = "",
    applicant_name: str,
    email: str,
    phone: str = "",
    fiscal_code: str = "",
    person=None,
    language: str = "it",
    channel: str = Channel.WEB,
    client_address: str | None = None,
) -> Appointment:
    """Book the free slot of `desk` starting at `start`, with or without an account.

    Signed in: booked at once, confirmation e-mailed. Without an account: held until the link
    e-mailed confirms it, within the day's limits per e-mail and per `client_address`.
    Raises ValidationError for bad data, Conflict ("slot_unavailable") when the slot is not
    (or no longer) free (the exclusion constraint settles two requests racing for it), and
    DailyLimitReached past the day's limits.
    """
    if not desk.takes_appointments:
        raise ValidationError({"desk": _("Questo sportello non riceve su appuntamento.")})
    data = _clean_applicant(
        topic=topic, details=details, applicant_name=applicant_name, email=email, phone=phone, fiscal_code=fiscal_code
    )
    slot = desk_free_slot_at(desk=desk, start=start)
    if slot is None:
        raise _slot_unavailable()
    person = person if getattr(person, "is_authenticated", False) else None
    at_once = _confirms_at_once(person)
    quotas = [] if at_once else _quotas(data["email"], client_address)
    _take_quotas(quotas)
    try:
        appointment = _insert(
            desk=desk, slot=slot, person=person, language=language, channel=channel, data=data, at_once=at_once
        )
    except Exception:
        for quota in quotas:
            quota_give_back(*quota)
        raise
    return appointment


def _insert(*, desk, slot, person, language, channel, data, at_once) -> Appointment:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                appointment = Appointment.objects.create(
                    desk=desk,
                    code=code_new_grouped(),
                    period=DateTimeTZRange(slot.start, slot.end, "[)"),
                    person=person,
                    language=(person.language if person else language) or "it",
                    state=Appointment.State.BOOKED if at_once else Appointment.State.HELD,
                    hold_expires_at=None
                    if at_once
                    else timezone.now() + timedelta(minutes=settings.APPOINTMENT_HOLD_MINUTES),
                    **data,
                )
                _record(appointment, from_state="", by=person, channel=channel)
                # In the same transaction (the outbox): the confirmation, or the link that confirms a hold.
                if at_once:
                    notifications.appointment_confirmation_later(appointment)
                else:
                    notifications.appointment_hold_later(appointment)
        except IntegrityError as error:
            pgcode = getattr(error.__cause__, "pgcode", None)
            if pgcode == EXCLUSION_VIOLATION:
                raise _slot_unavailable() from error
            if pgcode == UNIQUE_VIOLATION and "code" in str(error):
                continue  # a code collision: draw another
            raise
        return appointment
    raise RuntimeError("Could not draw a free booking code")


def appointment_confirm(*, token: str, channel: str = Channel.WEB) -> Appointment:
    """Confirm a held appointment from the link e-mailed to its applicant; confirming twice is harmless.

    Raises DomainError ("confirm_link_invalid") for a link not ours, and ("hold_expired") once
    the hold has lapsed: the slot may be someone else's by then.
    """
    try:
        code = confirm_token_code(token)
    except TokenExpired:
        raise DomainError(HOLD_EXPIRED, code="hold_expired")
    except TokenInvalid:
        raise DomainError(LINK_INVALID, code="confirm_link_invalid")
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update()
            .select_related("desk__hub")
            .filter(code=code_normalize_grouped(code))
            .first()
        )
        if appointment is None:
            raise DomainError(LINK_INVALID, code="confirm_link_invalid")
        if appointment.state == Appointment.State.BOOKED:
            return appointment
        if appointment.state == Appointment.State.CANCELLED:
            raise DomainError(CANCELLED_BEFORE_CONFIRMING, code="appointment_cancelled")
        if appointment.state != Appointment.State.HELD or appointment.hold_expires_at <= timezone.now():
            raise DomainError(HOLD_EXPIRED, code="hold_expired")
        appointment.state = Appointment.State.BOOKED
        appointment.hold_expires_at = None
        appointment.save(update_fields=["state", "hold_expires_at"])
        _record(appointment, from_state=Appointment.State.HELD, by=None, channel=channel)
    notifications.appointment_confirmation_later(appointment)
    return appointment


def holds_release(*, now: datetime) -> int:
    """Holds nobody confirmed in time become `expired`: the slot is free again. Returns how many."""
    with transaction.atomic():
        lapsed = list(
            Appointment.objects.select_for_update(skip_locked=True).filter(
                state=Appointment.State.HELD, hold_expires_at__lte=now
            )
        )
        for appointment in lapsed:
            appointment.state = Appointment.State.EXPIRED
            appointment.save(update_fields=["state"])
            _record(appointment, from_state=Appointment.State.HELD, by=None, channel=Channel.SYSTEM)
    return len(lapsed)


def appointment_cancel(*, code: str, email: str | None = None, by=None, channel: str = Channel.WEB) -> Appointment:
    """Cancel with the booking code and the e-mail it was booked with (or as the signed-in owner)."""
    found = appointment_find(code=code, email=email, person=by)
    if found is None:
        raise NotFound(APPOINTMENT_NOT_FOUND)
    with transaction.atomic():
        appointment = Appointment.objects.select_for_update().select_related("desk__hub").get(pk=found.pk)
        if not appointment.can_be_cancelled(timezone.now()):
            if appointment.start <= timezone.now():
                raise ValidationError(_("L'appuntamento è già iniziato o passato: non si può più annullare."))
            raise ValidationError(_("L'appuntamento non è più attivo: non si può annullare."))
        from_state = appointment.state
        appointment.state = Appointment.State.CANCELLED
        appointment.save(update_fields=["state"])
        _record(appointment, from_state=from_state, by=by, channel=channel)
        # A hold never confirmed: its address was never proven, so nothing is sent to it.
        if from_state == Appointment.State.BOOKED:
            notifications.appointment_cancellation_later(appointment)
    return appointment


def appointment_mark(*, appointment: Appointment, state: str, by, channel: str = Channel.FRONT_DESK) -> Appointment:
    """Front desk: the person came (attended) or did not (no_show). The caller checks the operator's powers."""
    if state not in (Appointment.State.ATTENDED, Appointment.State.NO_SHOW):
        raise ValidationError({"state": _("Stato non valido: usa «attended» o «no_show».")})
    with transaction.atomic():
        locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if locked.state == Appointment.State.CANCELLED:
            raise ValidationError(_("L'appuntamento è stato annullato."))
        if locked.start > timezone.now():
            raise ValidationError(_("L'appuntamento non è ancora iniziato."))
        previous = locked.state
        locked.state = state
        locked.save(update_fields=["state"])
        _record(locked, from_state=previous, by=by, channel=channel)
    return locked
