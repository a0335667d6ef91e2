"""Firms, their mobility managers, agreements (convenzioni), enrolled employees and allowances.

All in the public schema: a firm's employees book in every comune of the union. Comune
rows may point here (a booking records the agreement that covers it, a foreign key from
each comune's bookings table); nothing here points into a comune's schema: the hubs an
agreement covers are stored as (comune, hub id) values.

Employees who leave keep the firm's statistics: their enrolment stays, without the person
(`user` and `email` emptied), and so do the allowance counters and uses that refer to it.
"""

import secrets

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.signals import setting_changed
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _

from tenants.firms.validators import normalize_tax_code, validate_tax_code
from tenants.reporting.commuting import workplace_choices

# Enrolment codes: no look-alike characters (0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def enrolment_code_new() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


class _PrivateFiles(FileSystemStorage):
    def url(self, name):
        return ""  # no public address: only the agreement's view hands the file out


class PrivateStorage(LazyObject):
    """Signed agreements: outside MEDIA_ROOT (never served by the web server), read only
    through the view that checks who asks (tenants/firms/views.py, `agreement_document`)."""

    def _setup(self):
        self._wrapped = _PrivateFiles(location=settings.FIRMS_PRIVATE_ROOT)


private_storage = PrivateStorage()


def private_files():
    """The storage of signed agreements, as a callable: migrations name it, not its folder."""
    return private_storage


@receiver(setting_changed)
def _private_root_changed(*, setting, **kwargs):
    if setting == "FIRMS_PRIVATE_ROOT":  # tests point it at a temporary folder
        private_storage._wrapped = empty


class Firm(models.Model):
    class Kind(models.TextChoices):
        PRIVATE = "private", _("azienda")
        PUBLIC = "public", _("ente pubblico")

    class SizeBand(models.TextChoices):
        MICRO = "1-9", _("da 1 a 9 dipendenti")
        SMALL = "10-49", _("da 10 a 49 dipendenti")
        MEDIUM = "50-99", _("da 50 a 99 dipendenti")
        LARGE = "100-249", _("da 100 a 249 dipendenti")
        XL = "250+", _("250 dipendenti o più")

    class State(models.TextChoices):
        APPLIED = "applied", _("domanda da esaminare")
        ACTIVE = "active", _("attiva")
        REJECTED = "rejected", _("domanda respinta")

    name = models.CharField(_("ragione sociale"), max_length=200)
    tax_code = models.CharField(
        _("partita IVA o codice fiscale"), max_length=16, unique=True, validators=[validate_tax_code]
    )
    kind = models.CharField(_("tipo"), max_length=8, choices=Kind.choices, default=Kind.PRIVATE)
    size_band = models.CharField(_("dimensione"), max_length=8, choices=SizeBand.choices)
    # The comune that onboarded the firm (its administrators manage it too); empty: the union.
    municipality = models.ForeignKey(
        "comuni.Municipality",
        verbose_name=_("comune di riferimento"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="firms",
        help_text=_("Il comune che segue l'azienda; vuoto: l'Unione."),
    )
    email_domain = models.CharField(
        _("dominio e-mail aziendale richiesto"),
        max_length=100,
        blank=True,
        help_text=_(
            "Se indicato (es. «azienda.it»), si iscrivono solo persone con un indirizzo verificato di quel dominio."
        ),
    )
    enrolment_code = models.CharField(
        _("codice di iscrizione"), max_length=8, unique=True, default=enrolment_code_new, editable=False
    )
    state = models.CharField(_("stato"), max_length=10, choices=State.choices, default=State.ACTIVE)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("domanda presentata da"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    application_note = models.TextField(_("note della domanda"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("esaminata da"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("esaminata il"), null=True, blank=True)
    created_at = models.DateTimeField(_("creata il"), default=timezone.now)

    class Meta:
        verbose_name = _("azienda")
        verbose_name_plural = _("aziende")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        self.tax_code = normalize_tax_code(self.tax_code)
        self.email_domain = self.email_domain.strip().lower().lstrip("@")


class WorkSite(models.Model):
    """A place where the firm's employees work: their usual workplace in the commuting figures."""

    firm = models.ForeignKey(Firm, verbose_name=_("azienda"), on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(_("nome della sede"), max_length=100)
    address = models.CharField(_("indirizzo"), max_length=200)
    istat_code = models.CharField(
        _("comune della sede"),
        max_length=6,
        choices=workplace_choices,
        help_text=_("Il comune della sede: da qui si calcolano i km casa-lavoro evitati."),
    )

    class Meta:
        verbose_name = _("sede")
        verbose_name_plural = _("sedi")
        ordering = ["firm", "name"]

    def __str__(self):
        return f"{self.name} ({self.get_istat_code_display()})"


class FirmManager(models.Model):
    """A mobility manager of one firm: the firm scope of the `mobility_manager` role."""

    firm = models.ForeignKey(Firm, verbose_name=_("azienda"), on_delete=models.CASCADE, related_name="managers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("persona"), on_delete=models.CASCADE, related_name="firm_roles"
    )
    granted_at = models.DateTimeField(_("dal"), default=timezone.now)

    class Meta:
        verbose_name = _("mobility manager")
        verbose_name_plural = _("mobility manager")
        constraints = [models.UniqueConstraint(fields=["firm", "user"], name="firm_manager_once")]

    def __str__(self):
        return f"{self.user} · {self.firm}"


class Agreement(models.Model):
    """A convenzione between a firm (or a public employer, for its own staff) and the union or one comune."""

    class State(models.TextChoices):
        DRAFT = "draft", _("bozza")
        ACTIVE = "active", _("attiva")
        SUSPENDED = "suspended", _("sospesa")
        ENDED = "ended", _("conclusa")

    class Terms(models.TextChoices):
        FIRM_PER_DAY = "firm_per_day", _("gratuita per il dipendente, a carico dell'azienda per giornata")
        FIRM_FLAT = "firm_flat", _("gratuita per il dipendente, canone mensile a carico dell'azienda")
        DISCOUNT = "discount", _("sconto sul prezzo pubblico, pagato dal dipendente")

    firm = models.ForeignKey(Firm, verbose_name=_("azienda"), on_delete=models.PROTECT, related_name="agreements")
    # The other party: one comune, or the union (empty). A comune's agreement covers its hubs only.
    municipality = models.ForeignKey(
        "comuni.Municipality",
        verbose_name=_("con il comune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreements",
        help_text=_("Vuoto: convenzione con l'Unione, per gli hub di tutti i comuni."),
    )
    title = models.CharField(_("titolo"), max_length=200)
    valid_from = models.DateField(_("valida dal"))
    valid_to = models.DateField(_("valida fino al"), null=True, blank=True)
    state = models.CharField(_("stato"), max_length=10, choices=State.choices, default=State.DRAFT)
    all_hubs = models.BooleanField(
        _("tutti gli hub"), default=True, help_text=_("Altrimenti solo gli hub dell'elenco.")
    )
    all_employees = models.BooleanField(
        _("tutti gli iscritti"), default=True, help_text=_("Altrimenti solo gli iscritti delle sedi indicate.")
    )
    sites = models.ManyToManyField(WorkSite, verbose_name=_("sedi coperte"), blank=True, related_name="agreements")
    allowance_days = models.PositiveSmallIntegerField(
        _("giorni al mese per dipendente"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=_("Vuoto: senza limite."),
    )
    terms = models.CharField(_("condizioni"), max_length=16, choices=Terms.choices, default=Terms.FIRM_PER_DAY)
    price_per_day_cents = models.PositiveIntegerField(_("importo per giornata (centesimi)"), null=True, blank=True)
    flat_month_cents = models.PositiveIntegerField(_("canone mensile (centesimi)"), null=True, blank=True)
    discount_percent = models.PositiveSmallIntegerField(
        _("sconto (%)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    document = models.FileField(
        _("convenzione firmata (PDF)"), storage=private_files, upload_to="agreements/%Y/", blank=True
    )
    created_at = models.DateTimeField(_("creata il"), default=timezone.now)

    class Meta:
        verbose_name = _("convenzione")
        verbose_name_plural = _("convenzioni")
        ordering = ["firm", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="agreement_dates_in_order",
            ),
            models.CheckConstraint(
                condition=~Q(terms="discount") | Q(discount_percent__isnull=False),
                name="agreement_discount_has_percent",
            ),
        ]

    def __str__(self):
        return f"{self.firm} · {self.title}"

    @property
    def counterpart_label(self) -> str:
        return self.municipality.name if self.municipality_id else str(_("Unione Valle del Savio"))

    @property
    def payer(self) -> str:
        return "employee" if self.terms == self.Terms.DISCOUNT else "firm"


class AgreementHub(models.Model):
    """One hub an agreement covers, when it does not cover them all: a comune and the hub's id
    in that comune's schema (a value, not a foreign key: public rows never point into a comune)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="hubs")
    municipality = models.ForeignKey("comuni.Municipality", verbose_name=_("comune"), on_delete=models.PROTECT)
    hub_id = models.BigIntegerField(_("id dell'hub"))
    hub_name = models.CharField(_("nome dell'hub"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("hub coperto")
        verbose_name_plural = _("hub coperti")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "municipality", "hub_id"], name="agreement_hub_once")
        ]

    def __str__(self):
        return f"{self.municipality} · {self.hub_name or self.hub_id}"


class Enrolment(models.Model):
    """A person enrolled as employee of a firm: invited by e-mail or by the firm's code, then
    accepted by the person; on leaving, the row stays for the statistics without the person."""

    class State(models.TextChoices):
        INVITED = "invited", _("invitato")
        ACTIVE = "active", _("iscritto")
        LEFT = "left", _("ha lasciato")
        REMOVED = "removed", _("rimosso")

    LIVE = (State.INVITED, State.ACTIVE)

    firm = models.ForeignKey(Firm, verbose_name=_("azienda"), on_delete=models.CASCADE, related_name="enrolments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("persona"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enrolments",
    )
    email = models.EmailField(_("e-mail dell'invito"), blank=True)
    site = models.ForeignKey(
        WorkSite, verbose_name=_("sede"), null=True, blank=True, on_delete=models.PROTECT, related_name="enrolments"
    )
    state = models.CharField(_("stato"), max_length=8, choices=State.choices, default=State.INVITED)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(_("invitato il"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("iscritto il"), null=True, blank=True)
    ended_at = models.DateTimeField(_("uscito il"), null=True, blank=True)

    class Meta:
        verbose_name = _("iscrizione")
        verbose_name_plural = _("iscrizioni")
        ordering = ["firm", "-accepted_at", "-invited_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["firm", "user"], condition=Q(state__in=["invited", "active"]), name="enrolment_live_once"
            ),
            models.UniqueConstraint(
                fields=["firm", "email"],
                condition=Q(state="invited") & ~Q(email=""),
                name="enrolment_invite_once",
            ),
            # An ended enrolment names nobody. (An active one loses its person only when the
            # account is erased, tenants/account/erasure.py: the lists leave it out.)
            models.CheckConstraint(
                condition=Q(state__in=["left", "removed"], user__isnull=True, email="")
                | Q(state__in=["invited", "active"]),
                name="enrolment_identity_matches_state",
            ),
        ]

    def __str__(self):
        return f"{self.firm} · {self.user or self.email or _('ex dipendente')}"


class AllowanceMonth(models.Model):
    """Days of one month used by one employee under one agreement: the row locked while a
    booking takes or gives back a day, so concurrent bookings never exceed the allowance."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="allowance_months")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="allowance_months")
    month = models.DateField(_("mese"))  # its first day
    days_used = models.PositiveSmallIntegerField(_("giorni usati"), default=0)

    class Meta:
        verbose_name = _("giorni usati nel mese")
        verbose_name_plural = _("giorni usati nel mese")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "enrolment", "month"], name="allowance_month_once"),
            models.CheckConstraint(condition=Q(month__day=1), name="allowance_month_first_day"),
        ]

    def __str__(self):
        return f"{self.agreement_id} · {self.enrolment_id} · {self.month:%Y-%m}: {self.days_used}"


class AgreementUse(models.Model):
    """A booking covered by an agreement, in any comune: the ledger of what is owed and by whom.

    The booking is named by its comune and code (values: public rows never point into a
    comune's schema); the comune's booking points back here through its `agreement`.
    `counts_day`: this booking is the one that took its day from the allowance (two bookings
    on one day take one day). `released_at`: cancelled, the day given back.
    """

    class Payer(models.TextChoices):
        FIRM = "firm", _("azienda")
        EMPLOYEE = "employee", _("dipendente")

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="uses")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="uses")
    municipality = models.ForeignKey("comuni.Municipality", on_delete=models.PROTECT, related_name="+")
    booking_code = models.CharField(max_length=8)
    hub_id = models.BigIntegerField()
    day = models.DateField()
    counts_day = models.BooleanField(default=False)
    payer = models.CharField(max_length=8, choices=Payer.choices)
    terms = models.CharField(max_length=16, choices=Agreement.Terms.choices)
    amount_cents = models.PositiveIntegerField(null=True, blank=True)
    discount_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    # What the commuting figures need, fixed when the day was used: the enrolment's site and
    # the employee's home comune then, so the firm's history needs no person.
    site = models.ForeignKey(WorkSite, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    home_istat_code = models.CharField(max_length=6, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("uso della convenzione")
        verbose_name_plural = _("usi della convenzione")
        indexes = [models.Index(fields=["agreement", "enrolment", "day"], name="agreement_use_day")]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "booking_code"],
                condition=Q(released_at__isnull=True),
                name="agreement_use_once_per_booking",
            ),
            # At most one live use per employee, agreement and day takes the day.
            models.UniqueConstraint(
                fields=["agreement", "enrolment", "day"],
                condition=Q(counts_day=True, released_at__isnull=True),
                name="agreement_use_one_day",
            ),
        ]

    def __str__(self):
        return f"{self.municipality_id}:{self.booking_code} · {self.day}"
