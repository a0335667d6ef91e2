"""Money in a comune: who is paid (creditors), what things cost (prices and reduced categories),
what a person owes (orders), what came in (payments) and went back (refunds), carnets and
memberships (passes), and the providers' events we have already applied.

All in the comune's own schema: a comune's creditor, prices and orders are its own, and no
row here can point at another comune's creditor. Money never lands elsewhere because the
destination (a Stripe Connect account or the comune's fiscal code for pagoPA) is taken from
the order's creditor, snapshotted on the order, and compared with what the provider reports
when the payment arrives (src/payments/services.py).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from src.hubs.models import Space

FISCAL_CODE_11 = RegexValidator(r"^\d{11}$", _("Il codice fiscale di un ente è di 11 cifre."))
SEGREGATION_CODE = RegexValidator(r"^\d{2}$", _("Il codice di segregazione è di 2 cifre."))
STRIPE_ACCOUNT = RegexValidator(r"^acct_[A-Za-z0-9]{6,}$", _("Un account Stripe Connect inizia con «acct_»."))
IBAN = RegexValidator(r"^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$", _("IBAN non valido (lettere maiuscole, senza spazi)."))
KEY_NAME = RegexValidator(r"^[A-Z0-9_]{1,40}$", _("Solo lettere maiuscole, cifre e trattini bassi."))


class PaymentSettings(models.Model):
    """The comune's rules about money: one row, edited by the comune's administrator."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    half_day_max_hours = models.PositiveIntegerField(
        _("mezza giornata: fino a quante ore"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("Una prenotazione di una postazione fino a queste ore paga la mezza giornata, oltre la giornata."),
    )
    refund_full_hours = models.PositiveIntegerField(
        _("rimborso totale se si annulla almeno (ore prima)"), default=48, validators=[MaxValueValidator(24 * 30)]
    )
    refund_partial_hours = models.PositiveIntegerField(
        _("rimborso parziale se si annulla almeno (ore prima)"), default=2, validators=[MaxValueValidator(24 * 30)]
    )
    refund_partial_percent = models.PositiveIntegerField(
        _("percentuale del rimborso parziale"), default=50, validators=[MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("regole dei pagamenti")
        verbose_name_plural = _("regole dei pagamenti")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="payment_settings_single_row"),
            models.CheckConstraint(
                condition=Q(refund_partial_hours__lte=models.F("refund_full_hours")),
                name="payment_settings_partial_before_full",
            ),
        ]

    def __str__(self):
        return str(_("Regole dei pagamenti"))

    def clean(self):
        super().clean()
        if self.refund_partial_hours > self.refund_full_hours:
            raise ValidationError(
                {"refund_partial_hours": _("Il rimborso parziale non può valere oltre quello totale.")}
            )


class Creditor(models.Model):
    """Who a price's money goes to: the comune through pagoPA, or a card creditor (Stripe Connect)."""

    class Kind(models.TextChoices):
        PAGOPA = "pagopa", _("pagoPA (ente creditore)")
        CARD = "card", _("carta (Stripe Connect)")

    name = models.CharField(_("nome"), max_length=140, help_text=_("Come compare sulla ricevuta e sull'avviso."))
    kind = models.CharField(_("tipo"), max_length=8, choices=Kind.choices)
    # pagoPA: the creditor body (ente creditore) and its intermediary's station.
    fiscal_code = models.CharField(
        _("codice fiscale dell'ente"), max_length=11, blank=True, validators=[FISCAL_CODE_11]
    )
    iban = models.CharField(_("IBAN di accredito"), max_length=34, blank=True, validators=[IBAN])
    segregation_code = models.CharField(
        _("codice di segregazione"),
        max_length=2,
        blank=True,
        validators=[SEGREGATION_CODE],
        help_text=_("La stazione dell'intermediario (aux digit 3): le prime due cifre dello IUV."),
    )
    broker_fiscal_code = models.CharField(
        _("codice fiscale dell'intermediario"), max_length=11, blank=True, validators=[FISCAL_CODE_11]
    )
    station_id = models.CharField(_("stazione dell'intermediario"), max_length=35, blank=True)
    taxonomy = models.CharField(
        _("codice di tassonomia"),
        max_length=140,
        blank=True,
        default="9/0101108TS/",
        help_text=_("La categoria del versamento nella tassonomia pagoPA."),
    )
    key_name = models.CharField(
        _("nome delle chiavi"),
        max_length=40,
        blank=True,
        validators=[KEY_NAME],
        help_text=_(
            "Le chiavi delle API pagoPA si leggono dall'ambiente: PAGOPA_<NOME>_GPD_KEY e PAGOPA_<NOME>_CHECKOUT_KEY."
        ),
    )
    # Card: the connected account destination charges are transferred to.
    stripe_account_id = models.CharField(
        _("account Stripe Connect"), max_length=64, blank=True, validators=[STRIPE_ACCOUNT]
    )
    # The cooperative that runs the comune's hubs (tenants/operators, public schema: its id, no
    # foreign key from a comune's table into the operators' app): its own Connect account is
    # the destination, read again from its record whenever an order is written.
    operator_id = models.BigIntegerField(
        _("cooperativa di gestione"),
        null=True,
        blank=True,
        help_text=_("La cooperativa con contratto nel comune che incassa con carta; l'account è il suo."),
    )
    charges_enabled = models.BooleanField(
        _("incassi attivi"), default=True, help_text=_("Aggiornato dagli eventi dell'account Stripe.")
    )
    is_active = models.BooleanField(_("attivo"), default=True)

    class Meta:
        verbose_name = _("beneficiario dei pagamenti")
        verbose_name_plural = _("beneficiari dei pagamenti")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="pagopa")
                | (
                    Q(fiscal_code__regex=r"^\d{11}$")
                    & Q(segregation_code__regex=r"^\d{2}$")
                    & ~Q(iban="")
                    & Q(stripe_account_id="")
                ),
                name="creditor_pagopa_complete",
            ),
            models.CheckConstraint(
                condition=~Q(kind="card") | Q(stripe_account_id__regex=r"^acct_"),
                name="creditor_card_has_account",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()})"

    def clean(self):
        super().clean()
        if self.kind == self.Kind.PAGOPA:
            missing = {
                name: _("Obbligatorio per pagoPA.")
                for name in ("fiscal_code", "iban", "segregation_code")
                if not getattr(self, name)
            }
            if self.stripe_account_id:
                missing["stripe_account_id"] = _("Un beneficiario pagoPA non ha un account Stripe.")
            if missing:
                raise ValidationError(missing)
        if self.kind == self.Kind.CARD and not self.stripe_account_id:
            raise ValidationError({"stripe_account_id": _("Obbligatorio per i pagamenti con carta.")})

    @property
    def provider(self) -> str:
        return "pagopa" if self.kind == self.Kind.PAGOPA else "stripe"

    @property
    def destination(self) -> str:
        """Where the money lands: the connected account, or the creditor body's fiscal code."""
        return self.fiscal_code if self.kind == self.Kind.PAGOPA else self.stripe_account_id


class Product(models.TextChoices):
    HOURLY = "hourly", _("tariffa oraria")
    HALF_DAY = "half_day", _("mezza giornata")
    DAY = "day", _("giornata intera")
    CARNET = "carnet", _("carnet di ingressi")
    MONTHLY = "monthly", _("abbonamento mensile")


# What a booking can be charged as; carnets and memberships are bought, then cover bookings.
BOOKING_PRODUCTS = (Product.HOURLY, Product.HALF_DAY, Product.DAY)
PASS_PRODUCTS = (Product.CARNET, Product.MONTHLY)


class Category(models.TextChoices):
    RESIDENT = "resident", _("residenti nel comune")
    UNDER_35 = "under_35", _("under 35")
    PUBLIC_EMPLOYEE = "public_employee", _("dipendenti pubblici")
    AGREEMENT = "agreement", _("coperti da una convenzione")


class Price(models.Model):
    """A price of the comune's list: for a hub (or every hub), a kind of space (or any), a product."""

    creditor = models.ForeignKey(
        Creditor, verbose_name=_("beneficiario"), on_delete=models.PROTECT, related_name="prices"
    )
    hub = models.ForeignKey(
        "hubs.Hub",
        verbose_name=_("hub"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="prices",
        help_text=_("Vuoto: tutti gli hub del comune."),
    )
    space_kind = models.CharField(
        _("tipo di spazio"), max_length=20, blank=True, choices=Space.Kind.choices, help_text=_("Vuoto: ogni tipo.")
    )
    product = models.CharField(_("prodotto"), max_length=10, choices=Product.choices)
    amount_cents = models.PositiveIntegerField(_("importo (centesimi)"), validators=[MinValueValidator(1)])
    entries = models.PositiveIntegerField(
        _("ingressi del carnet"), null=True, blank=True, validators=[MinValueValidator(2), MaxValueValidator(100)]
    )
    is_active = models.BooleanField(_("in vigore"), default=True)

    class Meta:
        verbose_name = _("tariffa")
        verbose_name_plural = _("tariffe")
        ordering = ["hub", "space_kind", "product"]
        constraints = [
            models.UniqueConstraint(
                fields=["hub", "space_kind", "product"],
                condition=Q(is_active=True),
                nulls_distinct=False,
                name="price_one_active_per_scope",
            ),
            models.CheckConstraint(
                condition=(Q(product="carnet") & Q(entries__gte=2)) | (~Q(product="carnet") & Q(entries__isnull=True)),
                name="price_carnet_has_entries",
            ),
            models.CheckConstraint(condition=Q(amount_cents__gte=1), name="price_positive"),
        ]

    def __str__(self):
        where = self.hub.name if self.hub_id else _("tutti gli hub")
        kind = self.get_space_kind_display() if self.space_kind else _("ogni spazio")
        return f"{self.get_product_display()} · {where} · {kind}: {euro(self.amount_cents)}"

    def clean(self):
        super().clean()
        if self.product == Product.CARNET and not self.entries:
            raise ValidationError({"entries": _("Quanti ingressi comprende il carnet?")})
        if self.product != Product.CARNET and self.entries:
            raise ValidationError({"entries": _("Solo un carnet ha un numero di ingressi.")})

    @property
    def label(self) -> str:
        if self.product == Product.CARNET:
            return _("Carnet di %(n)d ingressi") % {"n": self.entries}
        return str(self.get_product_display()).capitalize()


class PriceReduction(models.Model):
    """A reduced (or zero) amount of a price for a category of people."""

    price = models.ForeignKey(Price, on_delete=models.CASCADE, related_name="reductions")
    category = models.CharField(_("categoria"), max_length=20, choices=Category.choices)
    amount_cents = models.PositiveIntegerField(_("importo ridotto (centesimi)"), help_text=_("0: gratuito."))

    class Meta:
        verbose_name = _("riduzione")
        verbose_name_plural = _("riduzioni")
        constraints = [models.UniqueConstraint(fields=["price", "category"], name="reduction_once_per_category")]

    def __str__(self):
        return f"{self.get_category_display()}: {euro(self.amount_cents)}"

    def clean(self):
        super().clean()
        if self.price_id and self.amount_cents is not None and self.amount_cents >= self.price.amount_cents:
            raise ValidationError({"amount_cents": _("La riduzione deve costare meno della tariffa intera.")})


class Provider(models.TextChoices):
    STRIPE = "stripe", _("carta (Stripe)")
    PAGOPA = "pagopa", _("pagoPA")


class Order(models.Model):
    """Something a person owes a creditor: a booking, a carnet or a membership."""

    class Kind(models.TextChoices):
        BOOKING = "booking", _("prenotazione")
        PASS = "pass", _("carnet o abbonamento")
        STATEMENT = "statement", _("rendiconto di una convenzione")

    class State(models.TextChoices):
        OPEN = "open", _("da pagare")
        PAID = "paid", _("pagato")
        EXPIRED = "expired", _("scaduto")
        CANCELLED = "cancelled", _("annullato")

    reference = models.CharField(_("riferimento"), max_length=8, unique=True, editable=False)
    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("persona"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
    )
    creditor = models.ForeignKey(Creditor, verbose_name=_("beneficiario"), on_delete=models.PROTECT, related_name="+")
    provider = models.CharField(_("canale di pagamento"), max_length=8, choices=Provider.choices)
    # Snapshots: where the money must land, and who pays (pagoPA needs the verified fiscal code).
    destination = models.CharField(_("destinazione"), max_length=64)
    payer_fiscal_code = models.CharField(_("codice fiscale del pagatore"), max_length=16, blank=True)
    payer_name = models.CharField(_("pagatore"), max_length=140, blank=True)
    payer_email = models.EmailField(_("e-mail del pagatore"), blank=True)
    description = models.CharField(_("causale"), max_length=140)
    amount_cents = models.PositiveIntegerField(_("importo (centesimi)"))
    category = models.CharField(_("categoria"), max_length=20, blank=True, choices=Category.choices)
    product = models.CharField(_("prodotto"), max_length=10, blank=True, choices=Product.choices)
    price = models.ForeignKey(Price, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # What it pays for. No foreign key to bookings: payments and bookings are siblings.
    booking_id = models.BigIntegerField(_("prenotazione"), null=True, blank=True, editable=False)
    hub = models.ForeignKey("hubs.Hub", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    state = models.CharField(_("stato"), max_length=10, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(_("creato il"), default=timezone.now)
    expires_at = models.DateTimeField(_("da pagare entro"), null=True, blank=True)
    paid_at = models.DateTimeField(_("pagato il"), null=True, blank=True)
    closed_at = models.DateTimeField(_("chiuso il"), null=True, blank=True)
    # The provider's side: a Checkout Session id, or the debt position's IUPD; where to pay.
    external_id = models.CharField(_("riferimento del canale"), max_length=80, blank=True)
    payment_url = models.URLField(_("indirizzo di pagamento"), max_length=500, blank=True)
    iuv = models.CharField(_("IUV"), max_length=17, blank=True)
    notice_number = models.CharField(_("codice avviso"), max_length=18, blank=True)

    class Meta:
        verbose_name = _("ordine")
        verbose_name_plural = _("ordini")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["person", "state"], name="order_person_state"),
            models.Index(fields=["state", "expires_at"], name="order_state_expiry"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount_cents__gte=1), name="order_positive"),
            # One order per booking: its payment is what confirms it.
            models.UniqueConstraint(fields=["booking_id"], name="order_one_per_booking"),
            models.UniqueConstraint(fields=["iuv"], condition=~Q(iuv=""), name="order_iuv_unique"),
            models.CheckConstraint(condition=~Q(kind="booking") | Q(booking_id__isnull=False), name="order_booking"),
            models.CheckConstraint(
                condition=~Q(provider="pagopa") | Q(payer_fiscal_code__regex=r"^[A-Z0-9]{11,16}$"),
                name="order_pagopa_has_payer",
            ),
        ]

    def __str__(self):
        return f"{self.reference} · {self.description}"

    @property
    def amount(self) -> str:
        return euro(self.amount_cents)


class Payment(models.Model):
    """Money that arrived for an order, as the provider reports it (a Stripe PaymentIntent, a pagoPA receipt)."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(max_length=8, choices=Provider.choices)
    external_id = models.CharField(_("riferimento del pagamento"), max_length=80)
    amount_cents = models.PositiveIntegerField(_("importo (centesimi)"))
    destination = models.CharField(_("accreditato a"), max_length=64)
    received_at = models.DateTimeField(_("ricevuto il"))
    recorded_at = models.DateTimeField(_("registrato il"), default=timezone.now)
    # Arrived after the booking's hold lapsed (re-confirmed, or refunded).
    late = models.BooleanField(_("arrivato dopo la scadenza"), default=False)

    class Meta:
        verbose_name = _("pagamento")
        verbose_name_plural = _("pagamenti")
        ordering = ["-received_at"]
        constraints = [
            # The provider's id of a payment is recorded once, whatever path reports it (webhook, return, job).
            models.UniqueConstraint(fields=["provider", "external_id"], name="payment_once"),
        ]

    def __str__(self):
        return f"{self.external_id}: {euro(self.amount_cents)}"

    @property
    def refunded_cents(self) -> int:
        return sum(r.amount_cents for r in self.refunds.all() if r.state != Refund.State.FAILED)


class Refund(models.Model):
    class Reason(models.TextChoices):
        CANCELLED = "cancelled", _("prenotazione annullata")
        PLACE_TAKEN = "place_taken", _("pagamento arrivato dopo la scadenza, posto non più libero")
        DUPLICATE = "duplicate", _("pagamento doppio")
        STAFF = "staff", _("deciso dal comune")

    class State(models.TextChoices):
        PENDING = "pending", _("in corso")
        DONE = "done", _("rimborsato")
        # pagoPA has no refund call: the comune sends it back by bank transfer and marks it here.
        MANUAL = "manual", _("da restituire con bonifico")
        FAILED = "failed", _("non riuscito")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount_cents = models.PositiveIntegerField(_("importo (centesimi)"), validators=[MinValueValidator(1)])
    reason = models.CharField(_("motivo"), max_length=12, choices=Reason.choices)
    state = models.CharField(_("stato"), max_length=8, choices=State.choices, default=State.PENDING)
    external_id = models.CharField(_("riferimento del rimborso"), max_length=80, blank=True)
    created_at = models.DateTimeField(_("chiesto il"), default=timezone.now)
    done_at = models.DateTimeField(_("fatto il"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+"
    )

    class Meta:
        verbose_name = _("rimborso")
        verbose_name_plural = _("rimborsi")
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(amount_cents__gte=1), name="refund_positive")]

    def __str__(self):
        return f"{euro(self.amount_cents)} ({self.get_state_display()})"


class ProviderEvent(models.Model):
    """A provider's event (a Stripe webhook) already applied: stored with its effect, in one transaction."""

    provider = models.CharField(max_length=8, choices=Provider.choices)
    event_id = models.CharField(max_length=80)
    type = models.CharField(max_length=80)
    account = models.CharField(max_length=64, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("evento di un canale di pagamento")
        verbose_name_plural = _("eventi dei canali di pagamento")
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="provider_event_once")]

    def __str__(self):
        return f"{self.provider}:{self.event_id}"


class Pass(models.Model):
    """A carnet of entries or a monthly membership a person bought: it covers seat bookings."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+")
    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="pass_bought")
    product = models.CharField(_("prodotto"), max_length=10, choices=Product.choices)
    hub = models.ForeignKey(
        "hubs.Hub", null=True, blank=True, on_delete=models.CASCADE, related_name="+", help_text=_("Vuoto: ogni hub.")
    )
    space_kind = models.CharField(max_length=20, blank=True, choices=Space.Kind.choices)
    entries_total = models.PositiveIntegerField(null=True, blank=True)
    entries_left = models.PositiveIntegerField(null=True, blank=True)
    valid_from = models.DateField(_("valido dal"))
    valid_until = models.DateField(_("valido fino al"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("carnet o abbonamento")
        verbose_name_plural = _("carnet e abbonamenti")
        ordering = ["valid_until", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(entries_left__isnull=True) | Q(entries_left__lte=models.F("entries_total")),
                name="pass_entries_within_total",
            ),
        ]

    def __str__(self):
        return f"{self.get_product_display()} · {self.valid_from:%d/%m/%Y}–{self.valid_until:%d/%m/%Y}"

    @property
    def label(self) -> str:
        if self.product == Product.CARNET:
            return _("carnet (restano %(left)d ingressi su %(total)d)") % {
                "left": self.entries_left,
                "total": self.entries_total,
            }
        return _("abbonamento mensile fino al %(day)s") % {"day": self.valid_until.strftime("%d/%m/%Y")}


class PassUse(models.Model):
    """An entry of a pass used by a booking (given back when the booking is cancelled in time)."""

    pass_used = models.ForeignKey(Pass, on_delete=models.PROTECT, related_name="uses")
    booking_id = models.BigIntegerField(unique=True)
    used_at = models.DateTimeField(default=timezone.now)
    returned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("ingresso usato")
        verbose_name_plural = _("ingressi usati")

    def __str__(self):
        return f"{self.pass_used_id}: {self.booking_id}"


class Statement(models.Model):
    """A firm's monthly statement under an agreement, in this comune: its employees' days here
    at the agreed price (or the monthly fee). Paid by the pagoPA notice of its order, or by bank
    transfer, which the comune's staff mark. The agreement and firm live in the public schema
    (tenants/firms): referred to by id, with what the statement shows copied at issue."""

    class State(models.TextChoices):
        ISSUED = "issued", _("emesso, da pagare")
        PAID = "paid", _("pagato")

    class Method(models.TextChoices):
        PAGOPA = "pagopa", _("avviso pagoPA")
        BANK_TRANSFER = "bank_transfer", _("bonifico")

    agreement_id = models.BigIntegerField(_("convenzione"))
    month = models.DateField(_("mese"))  # its first day
    title = models.CharField(_("convenzione"), max_length=200)
    firm_name = models.CharField(_("azienda"), max_length=200)
    firm_tax_code = models.CharField(_("partita IVA o codice fiscale"), max_length=16)
    terms = models.CharField(_("condizioni"), max_length=16)
    price_per_day_cents = models.PositiveIntegerField(_("importo per giornata (centesimi)"), null=True, blank=True)
    flat_month_cents = models.PositiveIntegerField(_("canone mensile (centesimi)"), null=True, blank=True)
    days = models.PositiveIntegerField(_("giornate"))
    employees = models.PositiveIntegerField(_("dipendenti"))
    total_cents = models.PositiveIntegerField(_("totale (centesimi)"))
    lines = models.JSONField(_("giornate per giorno"), default=list)
    state = models.CharField(_("stato"), max_length=8, choices=State.choices, default=State.ISSUED)
    method = models.CharField(_("pagato con"), max_length=16, choices=Method.choices, blank=True)
    order = models.OneToOneField(
        Order, null=True, blank=True, on_delete=models.PROTECT, related_name="statement", verbose_name=_("avviso")
    )
    issued_at = models.DateTimeField(_("emesso il"), default=timezone.now)
    paid_at = models.DateTimeField(_("pagato il"), null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+"
    )

    class Meta:
        verbose_name = _("rendiconto mensile di una convenzione")
        verbose_name_plural = _("rendiconti mensili delle convenzioni")
        ordering = ["-month", "firm_name"]
        constraints = [models.UniqueConstraint(fields=["agreement_id", "month"], name="statement_once_a_month")]

    def __str__(self):
        return f"{self.firm_name} · {self.month:%m/%Y}"


def euro(cents: int | None) -> str:
    """12,50 € (Italian notation)."""
    cents = int(cents or 0)
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole:,}".replace(",", ".") + f",{part:02d} €"
