"""The cooperatives that run hubs for the comuni: the organisation, its service contracts, its staff.

Public schema: an organisation works for several comuni at once. Hubs live in each
comune's schema and public tables never reference tenant tables, so a contract names
its hubs by their ids in the comune's schema (checked against that schema when the
contract is written: tenants/operators/hubs.py), and a staff member's assignment names
a comune and a hub id the same way.

Who may operate which hub is decided in one place (src/hubs/permissions.py), which
reads these tables through tenants.identity.selectors (tenants/operators/access.py).
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tenants.identity.fiscal_code import normalize_fiscal_code
from tenants.operators.validators import (
    normalize_number,
    validate_organisation_fiscal_code,
    validate_payments_account,
    validate_vat_number,
)


class OperatorOrganisation(models.Model):
    """A cooperative (or firm) that runs the day-to-day of hubs under service contracts."""

    name = models.CharField(_("denominazione"), max_length=200)
    vat_number = models.CharField(_("partita IVA"), max_length=11, unique=True, validators=[validate_vat_number])
    fiscal_code = models.CharField(
        _("codice fiscale"),
        max_length=16,
        blank=True,
        validators=[validate_organisation_fiscal_code],
        help_text=_("Vuoto se coincide con la partita IVA."),
    )
    address = models.CharField(_("sede legale"), max_length=255, blank=True)
    email = models.EmailField(_("e-mail"))
    pec = models.EmailField(_("PEC"), blank=True)
    phone = models.CharField(_("telefono"), max_length=30, blank=True)
    contact_name = models.CharField(_("referente"), max_length=200, blank=True)
    # The creditor of card payments where a comune says so (the payments work uses it).
    payments_account_id = models.CharField(
        _("conto per i pagamenti con carta"),
        max_length=80,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_payments_account],
        help_text=_("Identificativo del conto Stripe Connect della cooperativa (acct_…), se incassa pagamenti."),
    )
    is_active = models.BooleanField(_("attiva"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cooperativa di gestione")
        verbose_name_plural = _("cooperative di gestione")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(vat_number__regex=r"^[0-9]{11}$"), name="organisation_vat_digits"),
            models.CheckConstraint(
                condition=Q(payments_account_id__isnull=True) | Q(payments_account_id__regex=r"^acct_[A-Za-z0-9]+$"),
                name="organisation_payments_account_shape",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        self.vat_number = normalize_number(self.vat_number)
        self.fiscal_code = normalize_fiscal_code(self.fiscal_code)
        self.payments_account_id = (self.payments_account_id or "").strip() or None

    @property
    def fiscal_code_or_vat(self) -> str:
        return self.fiscal_code or self.vat_number


class ServiceContractQuerySet(models.QuerySet):
    def active_on(self, day):
        """Approved contracts in force on `day` (a local date): from `valid_from`, until the day before `valid_until`."""
        return self.filter(
            status=ServiceContract.Status.APPROVED,
            organisation__is_active=True,
            valid_from__lte=day,
        ).filter(Q(valid_until__isnull=True) | Q(valid_until__gt=day))


class ServiceContract(models.Model):
    """A contract between a comune and an organisation to run some of its hubs, for a period.

    It gives power only once the comune's administrator approved it, from `valid_from`;
    `valid_until` is the first day without it (ending a contract sets it to today), so the
    power goes the same day.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("in attesa di approvazione")
        APPROVED = "approved", _("approvato")
        REJECTED = "rejected", _("respinto")

    organisation = models.ForeignKey(
        OperatorOrganisation, verbose_name=_("cooperativa"), on_delete=models.PROTECT, related_name="contracts"
    )
    municipality = models.ForeignKey(
        "comuni.Municipality", verbose_name=_("comune"), on_delete=models.PROTECT, related_name="service_contracts"
    )
    reference = models.CharField(
        _("riferimento"), max_length=100, blank=True, help_text=_("Numero di protocollo, determina o CIG.")
    )
    # Ids of hubs in the comune's schema (no foreign key across schemas): checked when written.
    hub_ids = ArrayField(models.BigIntegerField(), verbose_name=_("hub gestiti"))
    valid_from = models.DateField(_("in vigore dal"))
    valid_until = models.DateField(
        _("termina il"),
        null=True,
        blank=True,
        help_text=_("Da questo giorno il personale della cooperativa non gestisce più gli hub. Vuoto: senza scadenza."),
    )
    status = models.CharField(_("stato"), max_length=12, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deciso da"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_contracts_decided",
    )
    decided_at = models.DateTimeField(_("deciso il"), null=True, blank=True)
    decision_note = models.CharField(_("nota della decisione"), max_length=300, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chiuso da"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_contracts_ended",
    )
    ended_at = models.DateTimeField(_("chiuso il"), null=True, blank=True)
    # (Named reverse relations, not "+": erasing an account empties these through them,
    # tenants/account/erasure.py.)
    created_at = models.DateTimeField(_("registrato il"), auto_now_add=True)

    objects = ServiceContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("contratto di servizio")
        verbose_name_plural = _("contratti di servizio")
        ordering = ["municipality__name", "-valid_from", "id"]
        constraints = [
            models.CheckConstraint(
                # Equal only for a contract ended before it started (an empty period: no power).
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="contract_ends_after_start",
            ),
            models.CheckConstraint(condition=Q(hub_ids__len__gt=0), name="contract_covers_a_hub"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "rejected"]), name="contract_status_known"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} · {self.municipality} · {self.valid_from:%d/%m/%Y}"

    def clean(self):
        super().clean()
        if self.valid_until and self.valid_from and self.valid_until <= self.valid_from and not self.ended_at:
            raise ValidationError(
                {"valid_until": _("Il contratto deve terminare dopo il giorno in cui entra in vigore.")}
            )

    def is_active_on(self, day) -> bool:
        return (
            self.status == self.Status.APPROVED
            and self.valid_from <= day
            and (self.valid_until is None or day < self.valid_until)
        )


class OrganisationStaff(models.Model):
    """A person working for an organisation. With no assignment they run every hub its active
    contracts cover; with assignments (larger teams), only those hubs."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("coordinatore")
        OPERATOR = "operator", _("operatore")

    organisation = models.ForeignKey(
        OperatorOrganisation, verbose_name=_("cooperativa"), on_delete=models.CASCADE, related_name="staff"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("persona"),
        on_delete=models.CASCADE,
        related_name="organisation_memberships",
    )
    role = models.CharField(_("ruolo"), max_length=16, choices=Role.choices, default=Role.OPERATOR)
    is_active = models.BooleanField(_("in servizio"), default=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("personale della cooperativa")
        verbose_name_plural = _("personale della cooperativa")
        ordering = ["organisation__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="organisation_staff_once"),
            models.CheckConstraint(condition=Q(role__in=["coordinator", "operator"]), name="organisation_role_known"),
        ]

    def __str__(self):
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"


class StaffAssignment(models.Model):
    """One hub (in one comune) a staff member is assigned to, inside what the contracts cover."""

    staff = models.ForeignKey(
        OrganisationStaff, verbose_name=_("persona"), on_delete=models.CASCADE, related_name="assignments"
    )
    municipality = models.ForeignKey(
        "comuni.Municipality", verbose_name=_("comune"), on_delete=models.CASCADE, related_name="+"
    )
    hub_id = models.BigIntegerField(_("hub"))

    class Meta:
        verbose_name = _("hub assegnato")
        verbose_name_plural = _("hub assegnati")
        constraints = [
            models.UniqueConstraint(fields=["staff", "municipality", "hub_id"], name="staff_assignment_once"),
        ]

    def __str__(self):
        return f"{self.staff_id} · {self.municipality_id}:{self.hub_id}"

    def clean(self):
        super().clean()
        if self.staff_id is None or self.municipality_id is None or self.hub_id is None:
            return
        covered = ServiceContract.objects.filter(
            organisation_id=self.staff.organisation_id,
            municipality_id=self.municipality_id,
            hub_ids__contains=[self.hub_id],
        ).exclude(status=ServiceContract.Status.REJECTED)
        if not covered.exists():
            raise ValidationError(
                {"hub_id": _("La cooperativa non ha un contratto per questo hub in questo comune.")},
                code="hub_not_covered",
            )
