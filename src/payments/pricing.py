"""What a place costs a person: the comune's price list, the person's categories, their passes.

The most specific active price wins: a hub's own over the comune's, a kind of space over
"any". A seat pays the half day up to `half_day_max_hours`, else the day pass (or the
hourly rate if that is all the list has); a whole room pays by the hour. Each category the
person belongs to may reduce it, to zero too; the lowest amount applies. Free stays the
default: no price, no payment.

Categories are taken only from what the platform can trust:
- residents: the person's home comune in their profile is this comune;
- under 35: the birth date in the fiscal code verified by SPID/CIE (never a typed one);
- public employees and people covered by an agreement: from the firms' agreements, when a
  booking's agreement covers it (not before the firms app is in).
"""

import math
from dataclasses import dataclass, replace
from datetime import date, datetime

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _

from src.common.cache import cached
from src.common.charging import FREE, Quote
from src.common.errors import DomainError
from src.common.time import ROME
from src.hubs.models import Space
from src.payments.models import Category, Creditor, Pass, PaymentSettings, Price, Product, euro
from src.payments.providers import ProviderUnavailable, provider_for
from tenants.comuni.models import Municipality
from tenants.identity.selectors import card_creditor_organisations

HOLD_MARGIN_MINUTES = 5


def settings_get() -> PaymentSettings:
    return PaymentSettings.objects.get_or_create(pk=1)[0]


def municipality_current() -> Municipality | None:
    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, Municipality):
        return tenant
    return Municipality.objects.filter(schema_name=connection.schema_name).first()


# --- categories ---------------------------------------------------------------------------------

_MONTHS = "ABCDEHLMPRST"
_OMOCODIA = str.maketrans("LMNPQRSTUV", "0123456789")


def birth_date(fiscal_code: str, *, today: date) -> date | None:
    """The birth date in an Italian fiscal code (omocodia included); None if it cannot be read."""
    code = (fiscal_code or "").upper()
    if len(code) != 16:
        return None
    digits = lambda text: text.translate(_OMOCODIA)  # noqa: E731
    try:
        yy = int(digits(code[6:8]))
        month = _MONTHS.index(code[8]) + 1
        day = int(digits(code[9:11])) % 40  # women: day + 40
        year = 2000 + yy if 2000 + yy <= today.year else 1900 + yy
        return date(year, month, day)
    except (ValueError, IndexError):
        return None


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def categories_of(person, *, day: date) -> set[str]:
    found = set()
    municipality = municipality_current()
    if municipality is not None and getattr(person, "home_municipality_id", None) == municipality.pk:
        found.add(Category.RESIDENT)
    born = birth_date(getattr(person, "fiscal_code_verified", "") or "", today=day)
    if born is not None and age_on(born, day) < 35:
        found.add(Category.UNDER_35)
    return found


# --- prices ---------------------------------------------------------------------------------------


def price_for(*, hub, space_kind: str, product: str) -> Price | None:
    """The most specific active price of `product` for a space of `space_kind` in `hub`."""
    candidates = list(
        Price.objects.filter(Q(hub=hub) | Q(hub__isnull=True) if hub is not None else Q(hub__isnull=True))
        .filter(is_active=True, product=product, creditor__is_active=True, space_kind__in=[space_kind, ""])
        .select_related("creditor", "hub")
        .prefetch_related("reductions")
    )
    candidates.sort(key=lambda p: (p.hub_id is None, p.space_kind == ""))
    return candidates[0] if candidates else None


@dataclass(frozen=True)
class Priced:
    price: Price
    product: str
    amount_cents: int  # before reductions
    category: str
    final_cents: int


def _reduced(price: Price, amount: int, person, day: date, multiplier: float = 1.0) -> tuple[str, int]:
    categories = categories_of(person, day=day)
    best_category, best = "", amount
    for reduction in price.reductions.all():
        if reduction.category in categories:
            reduced = math.ceil(reduction.amount_cents * multiplier)
            if reduced < best:
                best_category, best = reduction.category, reduced
    return best_category, best


PRICES_NAMESPACE = "payments-prices"


def products_priced() -> frozenset[str]:
    """The products the comune has an active price for, from the cache (dropped by the prices'
    and creditors' signals, src/payments/apps.py): a comune that charges nothing, most of them,
    pays no price query on the booking path."""
    return cached(
        PRICES_NAMESPACE,
        "products",
        lambda: frozenset(
            Price.objects.filter(is_active=True, creditor__is_active=True).values_list("product", flat=True)
        ),
    )


def booking_price(*, person, space: Space, seat, start: datetime, end: datetime) -> Priced | None:
    priced_products = products_priced()
    if not priced_products:
        return None
    hours = (end - start).total_seconds() / 3600
    day = start.astimezone(ROME).date()
    hub = space.hub
    options = []
    if seat is None:
        options = [(Product.HOURLY, hours)]
    else:
        if Product.HALF_DAY in priced_products and hours <= settings_get().half_day_max_hours:
            options.append((Product.HALF_DAY, 1))
        options += [(Product.DAY, 1), (Product.HOURLY, hours)]
    for product, multiplier in options:
        if product not in priced_products:
            continue
        price = price_for(hub=hub, space_kind=space.kind, product=product)
        if price is None:
            continue
        amount = math.ceil(price.amount_cents * multiplier)
        category, final = _reduced(price, amount, person, day, multiplier)
        return Priced(price=price, product=product, amount_cents=amount, category=category, final_cents=final)
    return None


def pass_covering(*, person, space: Space, seat, day: date) -> Pass | None:
    """A valid carnet (with entries left) or membership of the person that covers a seat of `space`."""
    if seat is None:
        return None  # passes cover seats, not whole rooms
    passes = list(
        Pass.objects.filter(Q(hub_id=space.hub_id) | Q(hub__isnull=True))
        .filter(person=person, valid_from__lte=day, valid_until__gte=day, space_kind__in=["", space.kind])
        .exclude(entries_left=0)
    )
    # A membership before a carnet: it costs nothing more to use.
    passes.sort(key=lambda p: (p.product != Product.MONTHLY, p.valid_until, p.pk))
    return passes[0] if passes else None


def creditor_destination(creditor: Creditor) -> str:
    """Where the creditor's money lands now. For the cooperative, its own Connect account, read
    again from its record (tenants/operators, through identity): while its contract with this
    comune is in force and it takes card payments; otherwise nothing is charged."""
    if creditor.kind != Creditor.Kind.CARD or not creditor.operator_id:
        return creditor.destination
    municipality = municipality_current()
    accounts = {pk: account for pk, _name, account in card_creditor_organisations(municipality)} if municipality else {}
    account = accounts.get(creditor.operator_id)
    if not account:
        raise ProviderUnavailable(
            _("La cooperativa che incassa questo servizio non ha più un contratto attivo: riprova più tardi.")
        )
    if account != creditor.stripe_account_id:
        creditor.stripe_account_id = account
        Creditor.objects.filter(pk=creditor.pk).update(stripe_account_id=account)
    return account


def payer_check(creditor: Creditor, person) -> None:
    """Refuse, before anything is written, a payment that cannot go through."""
    provider = provider_for(creditor.provider)
    creditor_destination(creditor)
    if creditor.kind == Creditor.Kind.PAGOPA and not getattr(person, "fiscal_code_verified", ""):
        raise DomainError(
            _(
                "Questo pagamento va al Comune con pagoPA, che chiede il codice fiscale verificato: "
                "accedi con SPID o CIE (o collegali al tuo account dal profilo) e riprova."
            ),
            code="identity_required",
        )
    if not provider.configured(creditor):
        raise ProviderUnavailable(
            _("I pagamenti online per questo servizio non sono attivi in questo momento: riprova più tardi.")
        )


def booking_quote(*, person, space, seat, start: datetime, end: datetime, channel: str) -> Quote:
    """The charging side's `booking_quote` (src/common/charging.py)."""
    priced = booking_price(person=person, space=space, seat=seat, start=start, end=end)
    if priced is None:
        return FREE
    day = start.astimezone(ROME).date()
    covering = pass_covering(person=person, space=space, seat=seat, day=day)
    if covering is not None:
        return Quote(
            amount_cents=priced.final_cents,
            label=_("Coperta dal tuo %(pass)s") % {"pass": covering.label},
            covered_by=covering.label,
            data={"pass_id": covering.pk},
        )
    if priced.final_cents == 0:
        return Quote(label=_("Gratuita (%(category)s)") % {"category": Category(priced.category).label})
    creditor = priced.price.creditor
    problem = None
    try:
        payer_check(creditor, person)
    except DomainError as error:
        problem = error
    label = f"{priced.price.get_product_display().capitalize()}: {euro(priced.final_cents)}"
    if priced.category:
        label += " · " + _("tariffa %(category)s") % {"category": Category(priced.category).label}
    return Quote(
        amount_cents=priced.final_cents,
        label=label,
        # A few minutes over the provider's shortest window, for the way to the payment page.
        hold_minutes=provider_for(creditor.provider).min_hold_minutes + HOLD_MARGIN_MINUTES,
        data={
            "price_id": priced.price.pk,
            "creditor_id": creditor.pk,
            "category": priced.category,
            "product": priced.product,
            "full_cents": priced.amount_cents,
        },
        problem=problem,
    )


def quote_covered(*, quote: Quote, terms: dict) -> Quote:
    """The charging side's `booking_quote_covered`: the agreement's terms applied to the quote.

    - the firm pays (per day or a monthly fee): nothing to pay now; the day is on the firm's
      monthly statement (src/payments/statements.py);
    - a discount paid by the employee: the lower of the discount on the full price and any
      other reduction the person has."""
    if quote.amount_cents <= 0 and not quote.covered_by:
        return quote
    firm = terms.get("firm") or ""
    if terms.get("payer") == "firm":
        return Quote(label=_("Coperta dalla convenzione %(firm)s") % {"firm": firm}, covered_by="agreement")
    percent = terms.get("discount_percent") or 0
    if quote.covered_by or not percent or not quote.data.get("full_cents"):
        return quote
    discounted = math.ceil(quote.data["full_cents"] * (100 - percent) / 100)
    if discounted >= quote.amount_cents:
        return quote
    if discounted == 0:
        return Quote(label=_("Gratuita con la convenzione %(firm)s") % {"firm": firm}, covered_by="agreement")
    label = f"{euro(discounted)} · " + _("sconto del %(percent)d%% della convenzione %(firm)s") % {
        "percent": percent,
        "firm": firm,
    }
    return replace(quote, amount_cents=discounted, label=label, data={**quote.data, "category": Category.AGREEMENT})
