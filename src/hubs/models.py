"""A comune's hubs: where they are, when they open, what rooms and seats they offer.

Opening hours are local wall-clock times (Europe/Rome); `selectors.py` turns
them into aware intervals for a date, so daylight-saving days still work.
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from src.common.time import local_time_problem
from src.hubs.photos import photo_path


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("lunedì")
    TUESDAY = 1, _("martedì")
    WEDNESDAY = 2, _("mercoledì")
    THURSDAY = 3, _("giovedì")
    FRIDAY = 4, _("venerdì")
    SATURDAY = 5, _("sabato")
    SUNDAY = 6, _("domenica")


def weekday_field():
    return models.PositiveSmallIntegerField(
        _("giorno della settimana"),
        choices=Weekday.choices,
        validators=[MinValueValidator(0), MaxValueValidator(6)],
    )


def closes_after_opens(name: str) -> models.CheckConstraint:
    """Database guard for every "opens/closes" pair: an interval must not be empty or reversed."""
    return models.CheckConstraint(condition=Q(closes__gt=F("opens")), name=name)


class TimeRangeMixin:
    """Friendly validation for the same rule the check constraint enforces."""

    def clean(self):
        super().clean()
        if self.opens is not None and self.closes is not None and self.closes <= self.opens:
            raise ValidationError({"closes": _("L'orario di chiusura deve essere successivo a quello di apertura.")})


class Hub(models.Model):
    name = models.CharField(_("nome"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    address = models.CharField(_("indirizzo"), max_length=255)
    postal_code = models.CharField(_("CAP"), max_length=5, blank=True)
    town = models.CharField(_("località"), max_length=120)
    latitude = models.DecimalField(
        _("latitudine"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitudine"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    description = models.TextField(_("descrizione"), blank=True)
    accessibility_notes = models.TextField(_("note sull'accessibilità"), blank=True)
    phone = models.CharField(_("telefono"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    opened_on = models.DateField(_("aperto dal"), null=True, blank=True)
    is_published = models.BooleanField(_("pubblicato"), default=False)

    class Meta:
        verbose_name = _("hub di comunità")
        verbose_name_plural = _("hub di comunità")
        ordering = ["name"]

    def __str__(self):
        return self.name


class HubPhoto(models.Model):
    """A photo uploaded to the platform (src/hubs/photos.py: checked, re-encoded, stored in the
    comune's own folder). Never an external address: third parties must not see the visitors."""

    hub = models.ForeignKey(Hub, verbose_name=_("hub"), on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(
        _("immagine"),
        max_length=300,
        upload_to=photo_path,
        help_text=_(
            "Foto JPEG, PNG o WebP, al massimo 8 MB e 4000 × 4000 pixel; viene ridimensionata e ripulita dai metadati."
        ),
    )
    alt_text = models.CharField(
        _("testo alternativo"), max_length=300, help_text=_("Descrive la foto a chi non la vede.")
    )
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)

    class Meta:
        verbose_name = _("foto")
        verbose_name_plural = _("foto")
        ordering = ["order", "id"]

    def __str__(self):
        return self.alt_text

    @property
    def url(self) -> str:
        """Where a page or the app loads the image: our own media files, in the comune's folder."""
        return self.image.url if self.image else ""

    def clean(self):
        super().clean()
        if not (self.alt_text or "").strip():
            raise ValidationError({"alt_text": _("Il testo alternativo è obbligatorio.")})


class OpeningHours(TimeRangeMixin, models.Model):
    """Weekly hours; several rows on one weekday make split hours (morning and afternoon)."""

    hub = models.ForeignKey(Hub, verbose_name=_("hub"), on_delete=models.CASCADE, related_name="opening_hours")
    weekday = weekday_field()
    opens = models.TimeField(_("apre"))
    closes = models.TimeField(_("chiude"))

    class Meta:
        verbose_name = _("orario di apertura")
        verbose_name_plural = _("orari di apertura")
        ordering = ["weekday", "opens"]
        constraints = [
            closes_after_opens("opening_hours_closes_after_opens"),
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="opening_hours_weekday_range"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Closure(models.Model):
    """Days the hub stays closed (holidays, works); both ends included."""

    hub = models.ForeignKey(Hub, verbose_name=_("hub"), on_delete=models.CASCADE, related_name="closures")
    starts_on = models.DateField(_("dal"))
    ends_on = models.DateField(_("al (compreso)"))
    reason = models.CharField(_("motivo"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("chiusura")
        verbose_name_plural = _("chiusure")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="closure_ends_after_start")
        ]

    def __str__(self):
        return f"{self.starts_on}–{self.ends_on} {self.reason}".strip()

    def clean(self):
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("La fine della chiusura non può precedere l'inizio.")})


class SpecialOpening(TimeRangeMixin, models.Model):
    """Hours for one date that replace the weekly hours of that day (or open a day normally closed)."""

    hub = models.ForeignKey(Hub, verbose_name=_("hub"), on_delete=models.CASCADE, related_name="special_openings")
    date = models.DateField(_("data"))
    opens = models.TimeField(_("apre"))
    closes = models.TimeField(_("chiude"))
    note = models.CharField(_("nota"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("apertura straordinaria")
        verbose_name_plural = _("aperture straordinarie")
        ordering = ["date", "opens"]
        constraints = [closes_after_opens("special_opening_closes_after_opens")]

    def __str__(self):
        return f"{self.date} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self):
        super().clean()
        # A date and wall-clock times: on the nights the clocks change a time may not exist or happen twice.
        if self.date is not None:
            problems = {
                name: problem
                for name in ("opens", "closes")
                if getattr(self, name) is not None and (problem := local_time_problem(self.date, getattr(self, name)))
            }
            if problems:
                raise ValidationError(problems)


class Space(models.Model):
    class Kind(models.TextChoices):
        COWORKING = "coworking", _("sala coworking")
        MEETING = "meeting", _("sala riunioni")
        PHONE_BOOTH = "phone_booth", _("cabina telefonica")
        EVENT = "event", _("sala eventi")
        READING_ROOM = "reading_room", _("sala lettura")

    class Amenity(models.TextChoices):
        SOUND_ABSORBING_PANELS = "sound_absorbing_panels", _("pannelli fonoassorbenti")
        SCREEN = "screen", _("schermo")
        POWER_AT_EVERY_DESK = "power_at_every_desk", _("presa elettrica a ogni postazione")
        WIFI = "wifi", _("wi-fi")
        WHITEBOARD = "whiteboard", _("lavagna")
        MOVABLE_FURNITURE = "movable_furniture", _("arredi mobili")
        ACCESSIBLE = "accessible", _("accessibile")

    hub = models.ForeignKey(Hub, verbose_name=_("hub"), on_delete=models.CASCADE, related_name="spaces")
    name = models.CharField(_("nome"), max_length=200)
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    capacity = models.PositiveIntegerField(_("capienza"))
    amenities = ArrayField(
        models.CharField(max_length=32, choices=Amenity.choices), verbose_name=_("dotazioni"), default=list, blank=True
    )
    bookable_whole = models.BooleanField(_("prenotabile per intero"), default=False)
    description = models.TextField(_("descrizione"), blank=True)
    # The room's outline on the floor plan: a rectangle of these sides, in metres.
    width_m = models.DecimalField(
        _("larghezza (m)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("60"))],
        help_text=_("Per disegnare la pianta della sala; se vuota, è calcolata dal numero di postazioni."),
    )
    depth_m = models.DecimalField(
        _("profondità (m)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("60"))],
    )
    default_layout = models.ForeignKey(
        "Layout",
        verbose_name=_("allestimento predefinito"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("spazio")
        verbose_name_plural = _("spazi")
        ordering = ["hub", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(width_m__isnull=True) | Q(width_m__gte=1, width_m__lte=60))
                & (Q(depth_m__isnull=True) | Q(depth_m__gte=1, depth_m__lte=60)),
                name="space_plan_size_range",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.hub})" if self.hub_id else self.name

    def clean(self):
        super().clean()
        # A new space has no layouts yet, so any chosen layout belongs to another room.
        if self.default_layout_id and self.default_layout.space_id != self.pk:
            raise ValidationError({"default_layout": _("L'allestimento deve appartenere a questo spazio.")})

    def amenity_labels(self) -> list[str]:
        labels = dict(self.Amenity.choices)
        return [labels.get(a, a) for a in self.amenities]


class Seat(models.Model):
    class Feature(models.TextChoices):
        WINDOW = "window", _("vicino alla finestra")
        MONITOR = "monitor", _("con monitor")
        ACCESSIBLE = "accessible", _("accessibile")
        STANDING = "standing", _("scrivania in piedi")

    space = models.ForeignKey(Space, verbose_name=_("spazio"), on_delete=models.CASCADE, related_name="seats")
    label = models.CharField(_("etichetta"), max_length=50)
    features = ArrayField(
        models.CharField(max_length=16, choices=Feature.choices),
        verbose_name=_("caratteristiche"),
        default=list,
        blank=True,
    )
    is_active = models.BooleanField(_("attiva"), default=True)

    class Meta:
        verbose_name = _("postazione")
        verbose_name_plural = _("postazioni")
        ordering = ["space", "label"]
        constraints = [models.UniqueConstraint(fields=["space", "label"], name="seat_label_unique_in_space")]

    def __str__(self):
        return f"{self.label} · {self.space.name}" if self.space_id else self.label

    def feature_labels(self) -> list[str]:
        labels = dict(self.Feature.choices)
        return [labels.get(f, f) for f in self.features]


class Layout(models.Model):
    """A named arrangement of a space's movable furniture: which seats exist while it is active."""

    space = models.ForeignKey(Space, verbose_name=_("spazio"), on_delete=models.CASCADE, related_name="layouts")
    name = models.CharField(_("nome"), max_length=200)
    seats = models.ManyToManyField(Seat, verbose_name=_("postazioni"), blank=True, related_name="layouts")
    whole_room_only = models.BooleanField(
        _("solo sala intera"),
        default=False,
        help_text=_("Con questo allestimento non si prenotano singole postazioni."),
    )

    class Meta:
        verbose_name = _("allestimento")
        verbose_name_plural = _("allestimenti")
        ordering = ["space", "name"]

    def __str__(self):
        return self.name


class SeatPlacement(models.Model):
    """Where a seat stands in a layout: its centre, in metres from the room's top-left corner, and
    its rotation in degrees (clockwise). A seat of the layout with no placement is drawn where
    the plan's automatic arrangement puts it."""

    layout = models.ForeignKey(
        Layout, verbose_name=_("allestimento"), on_delete=models.CASCADE, related_name="placements"
    )
    seat = models.ForeignKey(Seat, verbose_name=_("postazione"), on_delete=models.CASCADE, related_name="placements")
    x = models.DecimalField(_("x (m)"), max_digits=4, decimal_places=2, validators=[MinValueValidator(0)])
    y = models.DecimalField(_("y (m)"), max_digits=4, decimal_places=2, validators=[MinValueValidator(0)])
    rotation = models.PositiveSmallIntegerField(
        _("rotazione (gradi)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(359)]
    )

    class Meta:
        verbose_name = _("posizione della postazione")
        verbose_name_plural = _("posizioni delle postazioni")
        constraints = [
            models.UniqueConstraint(fields=["layout", "seat"], name="seat_placed_once_per_layout"),
            models.CheckConstraint(
                condition=Q(x__gte=0, y__gte=0, rotation__gte=0, rotation__lte=359), name="seat_placement_range"
            ),
        ]

    def __str__(self):
        return f"{self.seat.label} ({self.x}, {self.y})"


class LayoutSchedule(models.Model):
    """A layout for one date, overriding the space's default layout that day."""

    space = models.ForeignKey(Space, verbose_name=_("spazio"), on_delete=models.CASCADE, related_name="layout_schedule")
    layout = models.ForeignKey(Layout, verbose_name=_("allestimento"), on_delete=models.CASCADE, related_name="+")
    date = models.DateField(_("data"))

    class Meta:
        verbose_name = _("allestimento programmato")
        verbose_name_plural = _("allestimenti programmati")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["space", "date"], name="one_layout_per_space_and_date")]

    def __str__(self):
        return f"{self.date}: {self.layout}"

    def clean(self):
        super().clean()
        if self.layout_id and self.space_id and self.layout.space_id != self.space_id:
            raise ValidationError({"layout": _("L'allestimento deve appartenere a questo spazio.")})


class HubOperator(models.Model):
    """The hubs an operator (cooperative staff) works in: their scope inside the comune."""

    hub = models.ForeignKey(Hub, verbose_name=_("hub"), on_delete=models.CASCADE, related_name="operators")
    # A tenant table may reference the shared user table; never the other way round.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("persona"),
        on_delete=models.CASCADE,
        related_name="hub_assignments",
    )

    class Meta:
        verbose_name = _("operatore dell'hub")
        verbose_name_plural = _("operatori degli hub")
        constraints = [models.UniqueConstraint(fields=["hub", "user"], name="hub_operator_once")]

    def __str__(self):
        return f"{self.user} · {self.hub}"
