"""Seat and room bookings of a comune: the policy, the bookings, their history, the waitlist.

The rule that matters most, "no double booking", is enforced by PostgreSQL
(see `Booking.Meta.constraints` and docs/domain.md), so it holds whatever code
path writes a booking, raw SQL included.
"""

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from src.common.channels import Channel
from src.common.periods import PeriodMixin, id_range

# States that occupy a seat: only these take part in the exclusion constraint.
ACTIVE_STATES = ("held", "confirmed", "checked_in")
ALL_STATES = (*ACTIVE_STATES, "completed", "cancelled", "no_show")


class BookingPolicy(models.Model):
    """The comune's booking rules: one row per schema, edited by the comune's administrator."""

    # A fixed primary key keeps it to one row (see the check constraint).
    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    slot_minutes = models.PositiveIntegerField(
        _("durata di uno slot (minuti)"),
        default=60,
        validators=[MinValueValidator(15), MaxValueValidator(24 * 60)],
        help_text=_(
            "Le prenotazioni iniziano e finiscono a multipli di questa durata dall'apertura (es. 60, 240 per mezza giornata)."
        ),
    )
    max_days_ahead = models.PositiveIntegerField(
        _("giorni di anticipo massimo"), default=14, validators=[MinValueValidator(0), MaxValueValidator(365)]
    )
    max_hours = models.PositiveIntegerField(
        _("durata massima di una prenotazione (ore)"),
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    max_active_per_person = models.PositiveIntegerField(
        _("prenotazioni attive per persona"), default=3, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    cancel_deadline_hours = models.PositiveIntegerField(
        _("preavviso minimo per annullare (ore)"), default=2, validators=[MaxValueValidator(24 * 14)]
    )
    checkin_window_minutes = models.PositiveIntegerField(
        _("finestra di check-in dopo l'inizio (minuti)"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(24 * 60)],
        help_text=_("Chi non fa il check-in entro questo tempo perde la prenotazione (mancata presentazione)."),
    )
    hold_minutes = models.PositiveIntegerField(
        _("durata della riserva in attesa di pagamento (minuti)"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
    )
    waitlist_offer_minutes = models.PositiveIntegerField(
        _("tempo per accettare un posto dalla lista d'attesa (minuti)"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(24 * 60)],
    )
    reminder_hours = models.PositiveIntegerField(
        _("promemoria: ore prima dell'inizio"), default=24, validators=[MinValueValidator(1), MaxValueValidator(24 * 7)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("regole di prenotazione")
        verbose_name_plural = _("regole di prenotazione")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="booking_policy_single_row"),
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=15, slot_minutes__lte=1440), name="booking_policy_slot_range"
            ),
        ]

    def __str__(self):
        return str(_("Regole di prenotazione"))

    def clean(self):
        super().clean()
        if self.slot_minutes and self.max_hours and self.slot_minutes > self.max_hours * 60:
            raise ValidationError({"max_hours": _("La durata massima non può essere più breve di uno slot.")})


def event_label(title: str) -> str:
    """How a room held for an event shows where a person's name would be."""
    return _("Evento: %(title)s") % {"title": title}


class BookingQuerySet(models.QuerySet):
    def occupying(self, now):
        """Bookings that hold their place at `now`: active, and not a hold that has lapsed.

        A lapsed hold stays 'held' until the jobs cancel it, but must not block the
        seat or count against the person meanwhile (the jobs may be late or down).
        """
        return self.filter(state__in=ACTIVE_STATES).exclude(state="held", hold_expires_at__lte=now)


class Booking(PeriodMixin, models.Model):
    class State(models.TextChoices):
        HELD = "held", _("in attesa di conferma")
        CONFIRMED = "confirmed", _("confermata")
        CHECKED_IN = "checked_in", _("presente")
        COMPLETED = "completed", _("conclusa")
        CANCELLED = "cancelled", _("annullata")
        NO_SHOW = "no_show", _("mancata presentazione")

    Channel = Channel  # where a change came from: one enum for every app

    code = models.CharField(_("codice"), max_length=8, unique=True, editable=False)
    # DO_NOTHING on rows in the public schema: Django's cascade would look for this table
    # in the public schema and fail; the foreign key still refuses deleting a person
    # who has bookings. A person who erases their account (tenants/account/erasure.py)
    # is replaced here by the one "utente cancellato" account, so the row keeps hub,
    # place, period and state for the statistics and the check below still holds.
    # Empty only on an event's row (see `event_id`).
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("persona"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
    )
    hub = models.ForeignKey("hubs.Hub", verbose_name=_("hub"), on_delete=models.PROTECT, related_name="bookings")
    space = models.ForeignKey("hubs.Space", verbose_name=_("spazio"), on_delete=models.PROTECT, related_name="bookings")
    seat = models.ForeignKey(
        "hubs.Seat",
        verbose_name=_("postazione"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bookings",
        help_text=_("Vuota: tutta la sala."),
    )
    period = DateTimeRangeField(_("periodo"))
    state = models.CharField(_("stato"), max_length=16, choices=State.choices, default=State.CONFIRMED)
    channel = models.CharField(_("canale"), max_length=16, choices=Channel.choices, default=Channel.WEB)
    # Set by the service to its `now` (the check-in window of a late booking counts from it).
    created_at = models.DateTimeField(_("creata il"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("creata da"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
    )
    checked_in_at = models.DateTimeField(_("check-in alle"), null=True, blank=True)
    hold_expires_at = models.DateTimeField(_("riserva valida fino a"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("promemoria inviato il"), null=True, blank=True)
    # An event that uses the room occupies it with a row here, so the exclusion constraint
    # covers it too: whole room, confirmed, channel "system", no person, the event's id
    # and title. No foreign key: bookings never depend on events (src/common/occupancy.py).
    event_id = models.BigIntegerField(_("evento"), null=True, blank=True, db_index=True, editable=False)
    # db_default: plain INSERTs that name no note (scripts, benchmarks) still work.
    note = models.CharField(
        _("nota"),
        max_length=200,
        blank=True,
        default="",
        db_default="",
        editable=False,
        help_text=_("Per la sala di un evento: il suo titolo."),
    )

    # The firm's agreement (convenzione, public schema) that covers this booking, and what it
    # owed when made: {"firm", "payer", "terms", "amount_cents", "discount_percent",
    # "flat_month_cents", "counts_day"} (tenants/identity/agreements.py). A comune row pointing
    # at a public row: the allowed direction. DO_NOTHING for the reason given at `person`.
    agreement = models.ForeignKey(
        "firms.Agreement",
        verbose_name=_("convenzione"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        editable=False,
    )
    agreement_terms = models.JSONField(_("condizioni della convenzione"), null=True, blank=True, editable=False)

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("prenotazione")
        verbose_name_plural = _("prenotazioni")
        ordering = ["period"]
        indexes = [
            models.Index(fields=["person", "state"], name="booking_person_state"),
            models.Index(fields=["hub", "state"], name="booking_hub_state"),
        ]
        constraints = [
            ExclusionConstraint(
                name="booking_no_overlap",
                index_type="gist",
                expressions=[
                    (id_range("space"), RangeOperators.EQUAL),
                    (id_range("seat"), RangeOperators.OVERLAPS),
                    ("period", RangeOperators.OVERLAPS),
                ],
                condition=Q(state__in=ACTIVE_STATES),
            ),
            models.CheckConstraint(
                condition=Q(period__isempty=False, period__lower_inf=False, period__upper_inf=False),
                name="booking_period_bounded",
            ),
            models.CheckConstraint(condition=Q(state__in=ALL_STATES), name="booking_state_known"),
            models.CheckConstraint(
                condition=~Q(state="held") | Q(hold_expires_at__isnull=False), name="booking_held_has_expiry"
            ),
            # A person's booking, or the room held for an event.
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(event_id__isnull=False), name="booking_person_or_event"
            ),
            # One live hold of the room per event: moving an event moves its row.
            models.UniqueConstraint(
                fields=["event_id"], condition=Q(state__in=ACTIVE_STATES), name="booking_one_hold_per_event"
            ),
        ]

    def __str__(self):
        return self.code

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def is_event_hold(self) -> bool:
        """The room held for an event (no person): changed only through the event."""
        return self.event_id is not None

    @property
    def holder_label(self) -> str:
        """Who has the place: the person, or "Evento: <title>"."""
        if self.is_event_hold:
            return event_label(self.note)
        return self.person.get_full_name() or self.person.email

    @property
    def agreement_firm(self) -> str:
        """The firm whose agreement covers the booking ("" when none)."""
        return (self.agreement_terms or {}).get("firm", "") if self.agreement_id else ""

    @property
    def place_label(self) -> str:
        return f"{self.seat.label} · {self.space.name}" if self.seat_id else f"{self.space.name} ({_('sala intera')})"


class BookingTransition(models.Model):
    """One change of a booking's state: who, when, through which channel. Never edited."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(_("da"), max_length=16, blank=True, help_text=_("Vuoto alla creazione."))
    to_state = models.CharField(_("a"), max_length=16, choices=Booking.State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chi"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
    )
    at = models.DateTimeField(_("quando"))
    channel = models.CharField(_("canale"), max_length=16, choices=Booking.Channel.choices)
    note = models.CharField(_("nota"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("cambio di stato")
        verbose_name_plural = _("cambi di stato")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.booking_id}: {self.from_state or '∅'} → {self.to_state}"

    def get_from_state_display(self) -> str:
        return str(dict(Booking.State.choices).get(self.from_state, self.from_state))


class WaitlistEntry(models.Model):
    """A person queueing for a full slot: a given seat, or any seat of the space (seat empty)."""

    class State(models.TextChoices):
        WAITING = "waiting", _("in attesa")
        OFFERED = "offered", _("posto offerto")
        ACCEPTED = "accepted", _("accettata")
        DECLINED = "declined", _("rifiutata")
        EXPIRED = "expired", _("scaduta")
        CANCELLED = "cancelled", _("ritirata")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("persona"), on_delete=models.DO_NOTHING, related_name="+"
    )
    space = models.ForeignKey("hubs.Space", verbose_name=_("spazio"), on_delete=models.CASCADE, related_name="waitlist")
    seat = models.ForeignKey(
        "hubs.Seat",
        verbose_name=_("postazione"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="waitlist",
        help_text=_("Vuota: qualsiasi postazione della sala."),
    )
    period = DateTimeRangeField(_("periodo"))
    state = models.CharField(_("stato"), max_length=16, choices=State.choices, default=State.WAITING)
    created_at = models.DateTimeField(_("in lista dal"), default=timezone.now)
    offered_booking = models.OneToOneField(
        Booking,
        verbose_name=_("posto offerto"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="waitlist_entry",
    )
    offered_at = models.DateTimeField(_("offerto il"), null=True, blank=True)

    class Meta:
        verbose_name = _("iscrizione alla lista d'attesa")
        verbose_name_plural = _("lista d'attesa")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["space", "state"], name="waitlist_space_state")]
        constraints = [
            # One live place in the queue per person and slot.
            models.UniqueConstraint(
                fields=["person", "space", "seat", "period"],
                condition=Q(state__in=["waiting", "offered"]),
                nulls_distinct=False,
                name="waitlist_once_per_slot",
            ),
            models.CheckConstraint(
                condition=Q(period__isempty=False, period__lower_inf=False, period__upper_inf=False),
                name="waitlist_period_bounded",
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.space} · {self.period.lower:%Y-%m-%d %H:%M}"
