"""What citizens tell the comune about its pages (the Designers Italia rating widget)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PageRating(models.Model):
    """One answer to "Quanto sono chiare le informazioni su questa pagina?".

    Anonymous on purpose: no user, no IP address. The free-text detail is
    short (200 characters, as in the Designers Italia model) and optional.
    """

    class Aspect(models.TextChoices):
        # The answers the Designers Italia model asks after a good rating (4-5 stars)...
        CLEAR = "clear", _("Le indicazioni erano chiare")
        COMPLETE = "complete", _("Le indicazioni erano complete")
        ON_TRACK = "on_track", _("Capivo sempre che stavo procedendo correttamente")
        NO_TECHNICAL_PROBLEMS = "no_technical_problems", _("Non ho avuto problemi tecnici")
        # ...and after a poor one (1-3 stars).
        NOT_CLEAR = "not_clear", _("A volte le indicazioni non erano chiare")
        NOT_COMPLETE = "not_complete", _("A volte le indicazioni non erano complete")
        NOT_ON_TRACK = "not_on_track", _("A volte non capivo se stavo procedendo correttamente")
        TECHNICAL_PROBLEMS = "technical_problems", _("Ho avuto problemi tecnici")
        OTHER = "other", _("Altro")

    POSITIVE_ASPECTS = (Aspect.CLEAR, Aspect.COMPLETE, Aspect.ON_TRACK, Aspect.NO_TECHNICAL_PROBLEMS, Aspect.OTHER)
    NEGATIVE_ASPECTS = (
        Aspect.NOT_CLEAR,
        Aspect.NOT_COMPLETE,
        Aspect.NOT_ON_TRACK,
        Aspect.TECHNICAL_PROBLEMS,
        Aspect.OTHER,
    )
    # Ratings above this are "positive" (the model's follow-up question changes).
    POSITIVE_ABOVE = 3

    path = models.CharField(_("pagina"), max_length=500)
    stars = models.PositiveSmallIntegerField(_("stelle"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    aspect = models.CharField(_("aspetto"), max_length=32, choices=Aspect.choices, blank=True)
    detail = models.CharField(_("dettaglio"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("inviata il"), auto_now_add=True)

    class Meta:
        verbose_name = _("valutazione di una pagina")
        verbose_name_plural = _("valutazioni delle pagine")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["path", "created_at"])]
        constraints = [models.CheckConstraint(condition=Q(stars__gte=1, stars__lte=5), name="page_rating_stars_1_to_5")]

    def __str__(self):
        return f"{self.path}: {self.stars}/5"

    @property
    def is_positive(self) -> bool:
        return self.stars > self.POSITIVE_ABOVE
