"""Community events and courses in a comune's hubs, with places, a waitlist and attendance."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from src.common import occupancy
from src.common.channels import Channel
from src.common.time import ROME, dmy, hm
from src.hubs.selectors import hub_closure_on, hub_open_intervals

# The fields whose change moves (or frees) the room the event holds.
ROOM_FIELDS = frozenset({"space", "space_id", "hub", "hub_id", "starts_at", "ends_at", "is_published", "title"})


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

    def save(self, *args, **kwargs):
        """Save, and hold the event's room for its period (or free it), in one transaction:
        when the room is taken (`occupancy.SpaceOccupied`, listing the bookings) nothing is saved."""
        update_fields = kwargs.get("update_fields")
        with transaction.atomic():
            super().save(*args, **kwargs)
            if update_fields is None or ROOM_FIELDS.intersection(update_fields):
                self.room_sync()

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("La fine dell'evento deve essere successiva all'inizio.")})
        if self.space_id and self.hub_id and self.space.hub_id != self.hub_id:
            raise ValidationError({"space": _("Lo spazio deve appartenere all'hub dell'evento.")})
        if self.hub_id and self.starts_at and self.ends_at:
            self._check_opening_hours()
        if self._holds_room():
            # Bookings in the way are listed to the administrator. In the admin's transaction the
            # room then stays locked until the save, so the hold below cannot lose a race.
            occupancy.space_check_for_event(space=self.space, start=self.starts_at, end=self.ends_at, event_id=self.pk)

    def _check_opening_hours(self) -> None:
        """An event happens while its hub is open: inside one of the day's opening intervals
        (weekly hours, or the special opening of that day), never on a closure."""
        start, end = self.starts_at.astimezone(ROME), self.ends_at.astimezone(ROME)
        day = start.date()
        intervals = hub_open_intervals(self.hub, day)
        if any(opens <= start and end <= closes for opens, closes in intervals):
            return
        closure = hub_closure_on(self.hub, day)
        if closure is not None:
            message = _("L'hub è chiuso il %(day)s%(reason)s: scegli un giorno in cui è aperto.") % {
                "day": dmy(day),
                "reason": f" ({closure.reason})" if closure.reason else "",
            }
        elif not intervals:
            message = _("L'hub non è aperto il %(day)s: scegli un giorno in cui è aperto.") % {"day": dmy(day)}
        else:
            hours = ", ".join(f"{hm(opens)}–{hm(closes)}" for opens, closes in intervals)
            message = _("L'evento deve svolgersi mentre l'hub è aperto: il %(day)s l'hub è aperto %(hours)s.") % {
                "day": dmy(day),
                "hours": hours,
            }
        raise ValidationError({"starts_at": message})

    def _holds_room(self) -> bool:
        # Cancelling an event is unpublishing it: an unpublished event (or a draft) leaves its room free.
        return bool(self.space_id and self.is_published and self.starts_at and self.ends_at)

    def room_sync(self) -> None:
        """The room held for this event, as the event is now: held for its period, or free."""
        if self._holds_room():
            occupancy.space_hold_for_event(
                space=self.space, start=self.starts_at, end=self.ends_at, event_id=self.pk, label=self.title
            )
        else:
            occupancy.space_release_for_event(event_id=self.pk)


@receiver(post_delete, sender=Event, dispatch_uid="events_free_room")
def _free_room(sender, instance: Event, **kwargs) -> None:
    # A signal, not Event.delete(): the admin's bulk delete deletes a queryset. Same transaction.
    occupancy.space_release_for_event(event_id=instance.pk)


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
    # Empty once the person erased their account (tenants/account/erasure.py): the row stays,
    # so the event's figures keep their counts. DO_NOTHING, as for bookings: Django's cascade
    # would look for this table in the public schema.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("persona"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
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
