"""What reporting needs to know about a person's commute, in the public schema.

The identity model (`tenants.identity.User`) has the home comune but nothing
about work. Rather than widen the shared identity model for one report, the
commute lives here, one-to-one with the person, optional: people who never
fill it in simply do not count in "commuting avoided". The person fills it in from
their personal area (tenants/account/), with explicit consent: a profile without
consent (`consented_at` empty) is not used by any report. When firms and
agreements land, the firm employee category will come from the agreement's
enrolment, not from here.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.reporting.commuting import workplace_choices


class CommuteProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("persona"), on_delete=models.CASCADE, related_name="commute_profile"
    )
    workplace_istat_code = models.CharField(
        _("comune del luogo di lavoro abituale"),
        max_length=6,
        choices=workplace_choices,
        blank=True,
        help_text=_("Dove si andrebbe a lavorare se non si lavorasse in un hub."),
    )
    commute_km = models.PositiveSmallIntegerField(
        _("km casa-lavoro dichiarati (sola andata)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(1000)],
        help_text=_("Se indicati, sostituiscono la distanza tra comuni della tabella dell'Unione."),
    )
    is_public_employee = models.BooleanField(_("dipendente pubblico"), default=False)
    # When the person agreed to the profile's use for the union's statistics; empty: no
    # consent, and the reports leave the profile out (sql/measures.py, CONSENTED).
    consented_at = models.DateTimeField(_("consenso all'uso per le statistiche dato il"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("profilo di spostamento casa-lavoro")
        verbose_name_plural = _("profili di spostamento casa-lavoro")

    def __str__(self):
        return f"{self.user} · {self.get_workplace_istat_code_display() or '-'}"
