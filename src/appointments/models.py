"""An appointment is one slot at one desk; PostgreSQL refuses a second one on the same slot.

The tables keep the names they had when appointments were part of the desks app
(`desks_appointment`, `desks_appointmenttransition`): the move to their own app
changed no schema and no reporting SQL.
"""

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.db import models
from django.db.models import F, Func, Q, Value
from django.utils.translation import gettext_lazy as _

from src.common.channels import Channel
from src.common.periods import PeriodMixin


class Appointment(PeriodMixin, models.Model):
    class State(models.TextChoices):
        # Booked without an account: the slot is held until the link sent to the e-mail confirms it.
        HELD = "held", _("in attesa di conferma")
        BOOKED = "booked", _("prenotato")
        CANCELLED = "cancelled", _("annullato")
        ATTENDED = "attended", _("svolto")
        NO_SHOW = "no_show", _("mancata presentazione")
        # A hold nobody confirmed in time: released by the comune's jobs; no appointment ever was.
        EXPIRED = "expired", _("non confermato")

    # What the applicant's name becomes when the appointment is anonymised (the person's erasure,
    # or GDPR_RETENTION_MONTHS after it: jobs.py); e-mail, phone, fiscal code and details become empty.
    ANONYMISED = "(dati anonimizzati)"

    desk = models.ForeignKey(
        "desks.ServiceDesk", verbose_name=_("sportello"), on_delete=models.PROTECT, related_name="appointments"
    )
    # Short and unambiguous: read over the phone, typed from a printed e-mail.
    code = models.CharField(_("codice di prenotazione"), max_length=9, unique=True, editable=False)
    period = DateTimeRangeField(_("orario"))
    topic = models.CharField(_("motivo"), max_length=120)
    details = models.TextField(_("dettagli"), max_length=2000, blank=True)
    applicant_name = models.CharField(_("nome e cognome"), max_length=200)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("telefono"), max_length=30, blank=True)
    fiscal_code = models.CharField(_("codice fiscale"), max_length=16, blank=True)
    # Booking works without an account; a tenant table may point at the shared user table.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("persona"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The language the e-mails go out in: the person's, or the page's when booked without an account.
    language = models.CharField(_("lingua"), max_length=8, choices=settings.LANGUAGES, default="it")
    state = models.CharField(_("stato"), max_length=12, choices=State.choices, default=State.BOOKED)
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    # Until when a held slot waits for its confirmation (src/appointments/jobs.py releases it after).
    hold_expires_at = models.DateTimeField(_("in attesa fino al"), null=True, blank=True, editable=False)
    # When the reminder of the day before went out (src/appointments/jobs.py): once only.
    reminded_at = models.DateTimeField(_("promemoria inviato il"), null=True, blank=True, editable=False)

    class Meta:
        db_table = "desks_appointment"
        verbose_name = _("appuntamento")
        verbose_name_plural = _("appuntamenti")
        ordering = ["period"]
        indexes = [
            models.Index(fields=["person"], name="appointment_person_idx"),
            # The job releasing lapsed holds reads only these.
            models.Index(fields=["hold_expires_at"], condition=Q(state="held"), name="appointment_hold_idx"),
        ]
        constraints = [
            # No btree_gist on the embedded PostgreSQL: the desk joins the GiST
            # index as a one-element range, so "=" on ranges means "same desk".
            # (Like src.bookings.periods.id_range, without its output_field, which
            # would only rebuild this constraint in a migration for the same SQL.)
            ExclusionConstraint(
                name="appointment_one_per_desk_slot",
                expressions=[
                    (Func(F("desk"), F("desk"), Value("[]"), function="int8range"), RangeOperators.EQUAL),
                    ("period", RangeOperators.OVERLAPS),
                ],
                # A held slot is taken too: two people never hold or book the same one.
                condition=Q(state__in=["held", "booked"]),
            ),
            models.CheckConstraint(
                condition=Q(period__isempty=False, period__lower_inf=False, period__upper_inf=False),
                name="appointment_period_bounded",
            ),
        ]

    def __str__(self):
        return f"{self.code} · {self.desk_id}"

    @property
    def is_active(self) -> bool:
        return self.state == self.State.BOOKED

    @property
    def is_held(self) -> bool:
        return self.state == self.State.HELD

    def can_be_cancelled(self, now) -> bool:
        """Booked, or held and not lapsed (the applicant changed their mind before confirming), and not begun."""
        live = self.is_active or (self.is_held and self.hold_expires_at is not None and self.hold_expires_at > now)
        return live and self.start > now


# The states that take a slot (the exclusion constraint's condition).
SLOT_TAKING_STATES = (Appointment.State.HELD, Appointment.State.BOOKED)


class AppointmentTransition(models.Model):
    """Every change of state: who, when, from which channel."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=12, choices=Appointment.State.choices, blank=True)
    to_state = models.CharField(max_length=12, choices=Appointment.State.choices)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    channel = models.CharField(max_length=12, choices=Channel.choices)

    class Meta:
        db_table = "desks_appointmenttransition"
        verbose_name = _("cambio di stato dell'appuntamento")
        verbose_name_plural = _("cambi di stato degli appuntamenti")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.from_state or '-'} → {self.to_state}"
