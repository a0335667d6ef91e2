"""Community events and courses in a comune's hubs, with places, a waitlist and attendance."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from src.common.channels import Channel


class Event(models.Model):
    class Kind(models.TextChoices):
        COURSE = "course", _("corso")
        WORKSHOP = "workshop", _("laboratorio")
        TALK = "talk", _("incontro")
        COMMUNITY = "community", _("evento di comunità")

    hub = models.ForeignKey("hubs.Hub", verbose_name=_("hub"), on_delete=models.PROTECT, related_name="events")
    space = models.ForeignKey(
        "hubs.Space", verbose_name=_("spazio"), null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    title = models.CharField(_("titolo"), max_length=200)
    description = models.TextField(_("descrizione"), blank=True)
    kind = models.CharField(_("tipo"), max_length=12, choices=Kind.choices, default=Kind.COMMUNITY)
    starts_at = models.DateTimeField(_("inizio"))
    ends_at = models.DateTimeField(_("fine"))
    capacity = models.PositiveIntegerField(_("posti"), validators=[MinValueValidator(1)])
    registration_open = models.BooleanField(_("iscrizioni aperte"), default=True)
    is_published = models.BooleanField(_("pubblicato"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evento")
        verbose_name_plural = _("eventi")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="event_capacity_positive"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("La fine dell'evento deve essere successiva all'inizio.")})
        if self.space_id and self.hub_id and self.space.hub_id != self.hub_id:
            raise ValidationError({"space": _("Lo spazio deve appartenere all'hub dell'evento.")})


class EventRegistration(models.Model):
    class State(models.TextChoices):
        REGISTERED = "registered", _("iscritto")
        WAITLISTED = "waitlisted", _("in lista d'attesa")
        CANCELLED = "cancelled", _("annullata")
        ATTENDED = "attended", _("presente")

    # The states that hold a place or a position in the queue.
    ACTIVE_STATES = (State.REGISTERED, State.WAITLISTED, State.ATTENDED)
    # The states that take one of the event's places.
    SEATED_STATES = (State.REGISTERED, State.ATTENDED)

    event = models.ForeignKey(Event, verbose_name=_("evento"), on_delete=models.CASCADE, related_name="registrations")
    # A tenant table may reference the shared user table; never the other way round.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("persona"), on_delete=models.CASCADE, related_name="+"
    )
    state = models.CharField(_("stato"), max_length=12, choices=State.choices, default=State.REGISTERED)
    created_at = models.DateTimeField(_("iscritto il"), auto_now_add=True)
    # The waitlist is served in order of this, not of created_at: a promoted
    # person keeps their row, and a re-registration after cancelling joins the end.
    queued_at = models.DateTimeField(_("in coda dal"), auto_now_add=True)
    # When the reminder of the day before went out (src/events/jobs.py): once only.
    reminded_at = models.DateTimeField(_("promemoria inviato il"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("iscrizione")
        verbose_name_plural = _("iscrizioni")
        ordering = ["queued_at", "id"]
        indexes = [models.Index(fields=["person"], name="registration_person_idx")]
        constraints = [
            # One live registration per person and event; cancelled ones stay as history.
            models.UniqueConstraint(
                fields=["event", "person"],
                condition=Q(state__in=["registered", "waitlisted", "attended"]),
                name="registration_once_per_event",
            ),
        ]

    def __str__(self):
        return f"{self.person_id} · {self.event_id} · {self.state}"


class RegistrationTransition(models.Model):
    """Every change of state of a registration: who, when, from which channel."""

    Channel = Channel  # where a change came from: one enum for every app

    registration = models.ForeignKey(EventRegistration, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=12, choices=EventRegistration.State.choices, blank=True)
    to_state = models.CharField(max_length=12, choices=EventRegistration.State.choices)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    channel = models.CharField(max_length=12, choices=Channel.choices)

    class Meta:
        verbose_name = _("cambio di stato dell'iscrizione")
        verbose_name_plural = _("cambi di stato delle iscrizioni")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.from_state or '-'} → {self.to_state}"
