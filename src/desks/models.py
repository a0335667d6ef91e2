"""Service desks (sportelli) inside a comune's hubs, and their weekly hours.

Appointments at a desk are their own app (src/appointments/), above this one.
"""

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from src.hubs.models import Hub, TimeRangeMixin, closes_after_opens, weekday_field


class ServiceDesk(models.Model):
    class Kind(models.TextChoices):
        SPORTELLO_FACILE = "sportello_facile", _("Sportello Facile")
        COMUNITA = "comunita", _("Sportello di Comunità")
        ENERGIA = "energia", _("Sportello Energia")
        BIBLIOTECA = "biblioteca", _("Biblioteca")

    hub = models.ForeignKey(Hub, verbose_name=_("hub"), on_delete=models.CASCADE, related_name="desks")
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("nome"), max_length=200)
    description = models.TextField(_("descrizione"), blank=True)
    topics = ArrayField(models.CharField(max_length=120), verbose_name=_("argomenti"), default=list, blank=True)
    how_to_reach = models.TextField(_("come raggiungerlo"), blank=True)
    takes_appointments = models.BooleanField(_("riceve su appuntamento"), default=False)
    slot_minutes = models.PositiveSmallIntegerField(
        _("durata dell'appuntamento (minuti)"), default=30, validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telefono"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("sportello")
        verbose_name_plural = _("sportelli")
        ordering = ["hub", "name"]

    def __str__(self):
        return self.name


class DeskHours(TimeRangeMixin, models.Model):
    """Weekly hours of a desk; the desk is open only when its hub is open too (see selectors)."""

    desk = models.ForeignKey(ServiceDesk, verbose_name=_("sportello"), on_delete=models.CASCADE, related_name="hours")
    weekday = weekday_field()
    opens = models.TimeField(_("apre"))
    closes = models.TimeField(_("chiude"))

    class Meta:
        verbose_name = _("orario dello sportello")
        verbose_name_plural = _("orari dello sportello")
        ordering = ["weekday", "opens"]
        constraints = [
            closes_after_opens("desk_hours_closes_after_opens"),
            models.CheckConstraint(condition=models.Q(weekday__gte=0, weekday__lte=6), name="desk_hours_weekday_range"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"
