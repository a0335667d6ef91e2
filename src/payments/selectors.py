"""Reads of the payments app: a person's orders and passes, what a booking paid or owes, the
price list on sale, and the reconciliation of orders, payments and refunds for staff."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from src.common.charging import BookingMoney
from src.payments.models import Order, Pass, PassUse, Payment, Price, Product, Refund, euro

LIVE_REFUNDS = ~Q(state=Refund.State.FAILED)


def orders_for_person(person):
    return (
        Order.objects.filter(person=person)
        .select_related("creditor")
        .prefetch_related(Prefetch("payments", queryset=Payment.objects.prefetch_related("refunds")))
    )


def order_for_person(person, reference: str) -> Order | None:
    """One of the person's own orders in this comune; None for anyone else's, or none."""
    if not getattr(person, "is_authenticated", False):
        return None
    return orders_for_person(person).filter(reference=(reference or "").upper()).first()


def passes_for_person(person, *, today: date):
    return Pass.objects.filter(person=person, valid_until__gte=today).select_related("hub")


def passes_on_sale():
    return (
        Price.objects.filter(is_active=True, creditor__is_active=True, product__in=[Product.CARNET, Product.MONTHLY])
        .select_related("hub", "creditor")
        .order_by("hub__name", "product")
    )


@dataclass
class OrderMoney:
    paid_cents: int = 0
    refunded_cents: int = 0
    refunds_owed_cents: int = 0  # pagoPA refunds waiting for the comune's bank transfer

    @property
    def net_cents(self) -> int:
        return self.paid_cents - self.refunded_cents


def order_money(order: Order) -> OrderMoney:
    money = OrderMoney()
    for payment in order.payments.all():
        money.paid_cents += payment.amount_cents
        for refund in payment.refunds.all():
            if refund.state == Refund.State.DONE:
                money.refunded_cents += refund.amount_cents
            elif refund.state in (Refund.State.MANUAL, Refund.State.PENDING):
                money.refunds_owed_cents += refund.amount_cents
    return money


def booking_money(booking_ids: list[int]) -> dict[int, BookingMoney]:
    """The charging side's `booking_money`: for "le mie prenotazioni" and a booking's page."""
    now = timezone.now()
    result: dict[int, BookingMoney] = {}
    orders = Order.objects.filter(booking_id__in=booking_ids).prefetch_related("payments__refunds")
    for order in orders:
        money = order_money(order)
        url = reverse("payments:order", args=[order.reference])
        owed = order.amount_cents if order.state == Order.State.OPEN and (order.expires_at or now) >= now else 0
        if owed:
            label = _("Da pagare: %(amount)s") % {"amount": euro(owed)}
        elif money.refunded_cents or money.refunds_owed_cents:
            label = _("Pagato %(paid)s, rimborsato %(refunded)s") % {
                "paid": euro(money.paid_cents),
                "refunded": euro(money.refunded_cents + money.refunds_owed_cents),
            }
        elif money.paid_cents:
            label = _("Pagato: %(amount)s") % {"amount": euro(money.paid_cents)}
        else:
            label = _("Pagamento %(state)s") % {"state": order.get_state_display()}
        result[order.booking_id] = BookingMoney(
            paid_cents=money.paid_cents,
            owed_cents=owed,
            refunded_cents=money.refunded_cents + money.refunds_owed_cents,
            label=label,
            pay_url=url if owed else "",
            order_url=url,
        )
    for use in PassUse.objects.filter(booking_id__in=booking_ids).select_related("pass_used"):
        if use.booking_id not in result:
            label = _("Coperta dal tuo %(pass)s") % {"pass": use.pass_used.get_product_display()}
            if use.returned_at:
                label = _("Ingresso restituito al tuo %(pass)s") % {"pass": use.pass_used.get_product_display()}
            result[use.booking_id] = BookingMoney(label=label)
    return result


# --- reconciliation -----------------------------------------------------------------------------


@dataclass
class ReconciliationRow:
    order: Order
    money: OrderMoney
    problems: list[str] = field(default_factory=list)

    @property
    def kept_cents(self) -> int:
        """What the creditor keeps: paid, less refunded or still owed back."""
        return self.money.paid_cents - self.money.refunded_cents - self.money.refunds_owed_cents


def reconciliation(*, start: datetime, end: datetime, only_problems: bool = False) -> list[ReconciliationRow]:
    """Orders created in [start, end), with their payments and refunds, and what does not add up."""
    orders = (
        Order.objects.filter(Q(created_at__gte=start, created_at__lt=end) | Q(payments__received_at__gte=start))
        .filter(created_at__lt=end)
        .distinct()
        .select_related("creditor", "person")
        .prefetch_related(Prefetch("payments", queryset=Payment.objects.prefetch_related("refunds")))
        .order_by("-created_at")
    )
    rows = []
    for order in orders:
        money = order_money(order)
        problems = []
        payments = list(order.payments.all())
        for payment in payments:
            if payment.destination != order.destination:
                problems.append(
                    _("accreditato a %(dest)s, non al beneficiario dell'ordine") % {"dest": payment.destination}
                )
            if payment.amount_cents != order.amount_cents:
                problems.append(
                    _("pagato %(paid)s invece di %(due)s")
                    % {"paid": euro(payment.amount_cents), "due": euro(order.amount_cents)}
                )
            for refund in payment.refunds.all():
                if refund.state == Refund.State.MANUAL:
                    problems.append(
                        _("rimborso di %(amount)s da fare con bonifico") % {"amount": euro(refund.amount_cents)}
                    )
                elif refund.state in (Refund.State.PENDING, Refund.State.FAILED):
                    problems.append(
                        _("rimborso di %(amount)s %(state)s")
                        % {"amount": euro(refund.amount_cents), "state": refund.get_state_display()}
                    )
        if order.state == Order.State.PAID and not payments:
            problems.append(_("segnato pagato senza un pagamento"))
        if order.state != Order.State.PAID and payments and not any(p.refunds.all() for p in payments):
            problems.append(_("pagamento su un ordine %(state)s") % {"state": order.get_state_display()})
        row = ReconciliationRow(order=order, money=money, problems=problems)
        if only_problems and not problems:
            continue
        rows.append(row)
    return rows


def refunds_owed():
    """pagoPA refunds the comune still has to send by bank transfer."""
    return Refund.objects.filter(state=Refund.State.MANUAL).select_related("payment__order").order_by("created_at")
