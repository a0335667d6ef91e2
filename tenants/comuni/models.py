"""The comune (tenant) and its hostnames. Lives in the public schema."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

# The slug becomes a subdomain (a DNS label) and, with "-" as "_", the schema's name
# (tenants/comuni/sql.py checks every schema name against the same shape).
SLUG_SHAPE = RegexValidator(
    r"^[a-z][a-z0-9-]{0,40}[a-z0-9]$",
    _("Solo lettere minuscole senza accenti, cifre e trattini (non all'inizio o alla fine), da 2 a 42 caratteri."),
)
RESERVED_SLUGS = {"public", "comune_template", "information_schema", "www", "api", "admin", "static", "media"}


def slug_not_reserved(value: str) -> None:
    if value.replace("-", "_") in RESERVED_SLUGS or value.startswith("pg-"):
        raise ValidationError(_("«%(slug)s» è un nome riservato: scegline un altro.") % {"slug": value})


class Municipality(TenantMixin):
    """A comune of the union: one PostgreSQL schema, named after its slug."""

    name = models.CharField(_("nome"), max_length=100)
    slug = models.SlugField(
        _("slug"),
        unique=True,
        validators=[SLUG_SHAPE, slug_not_reserved],
        help_text=_("Sottodominio della piattaforma, ad esempio «sarsina»."),
    )
    istat_code = models.CharField(_("codice ISTAT"), max_length=6, unique=True, validators=[RegexValidator(r"^\d{6}$")])
    province = models.CharField(_("provincia"), max_length=2, validators=[RegexValidator(r"^[A-Z]{2}$")])
    created_at = models.DateTimeField(auto_now_add=True)

    # The schema is dropped only by an explicit, deliberate delete.
    auto_drop_schema = False
    auto_create_schema = True

    class Meta:
        verbose_name = _("comune")
        verbose_name_plural = _("comuni")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def primary_domain(self) -> str | None:
        # Iterates a prefetched `domains` rather than querying again.
        return next((d.domain for d in self.domains.all() if d.is_primary), None)


class Domain(DomainMixin):
    """A hostname served by a comune: the platform subdomain, or an institutional one."""

    class Meta:
        verbose_name = _("dominio")
        verbose_name_plural = _("domini")

    def __str__(self):
        return self.domain
