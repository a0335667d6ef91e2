"""Writes of the payments app: orders, their checkout, what arrives (payments), what goes back
(refunds), passes, and the charging side of src/common/charging.py.

The one rule that keeps money from being lost: whatever tells us something happened (a Stripe
webhook, the person coming back from pagoPA, the reconciliation job), we read the order's
state again from its provider (`order_sync`) under a row lock on the order, and act on that:

- paid, and the payment is new (unique per provider id): record it, then settle the order;
  a booking is confirmed through `charging.booking_paid` (held, or lapsed with the place
  still free), and if the place went to someone else meanwhile the payment is refunded in
  full at once; a second payment of a paid order is refunded too;
- will never be paid: the order expires;
- still open: nothing.

Refunds are written in the caller's transaction and sent after it commits (and retried by
the job until the provider says yes), with an idempotency key from the refund's id.
"""

import logging
import math
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context
from psycopg2 import errorcodes

from src.common import charging
from src.common.codes import code_new
from src.common.errors import Conflict, DomainError
from src.common.time import ROME
from src.payments import notifications
from src.payments.models import (
    Creditor,
    Order,
    Pass,
    PassUse,
    Payment,
    Price,
    Product,
    Provider,
    Refund,
)
from src.payments.notices import notice_number_make
from src.payments.pricing import creditor_destination, settings_get
from src.payments.providers import ProviderUnavailable, RemoteState, provider_for
from src.payments.providers.pagopa import iupd_for

logger = logging.getLogger(__name__)

State = Order.State


# --- orders -------------------------------------------------------------------------------------


def order_create(
    *,
    kind: str,
    creditor: Creditor,
    amount_cents: int,
    description: str,
    now: datetime,
    expires_at: datetime | None,
    person=None,
    booking_id: int | None = None,
    hub=None,
    price: Price | None = None,
    category: str = "",
    product: str = "",
    payer_fiscal_code: str = "",
    payer_name: str = "",
    payer_email: str = "",
) -> Order:
    """An open order to `creditor`: its destination is the creditor's, now and for good."""
    if person is not None:
        payer_fiscal_code = payer_fiscal_code or (person.fiscal_code_verified or "")
        payer_name = payer_name or person.get_full_name() or person.email
        payer_email = payer_email or person.email
    order = Order(
        kind=kind,
        person=person,
        creditor=creditor,
        provider=creditor.provider,
        destination=creditor_destination(creditor),
        payer_fiscal_code=payer_fiscal_code,
        payer_name=payer_name[:140],
        payer_email=payer_email,
        description=description[:140],
        amount_cents=amount_cents,
        category=category,
        product=product,
        price=price,
        booking_id=booking_id,
        hub=hub,
        created_at=now,
        expires_at=expires_at,
    )
    for _attempt in range(5):
        order.reference = code_new()
        try:
            with transaction.atomic():
                order.save(force_insert=True)
            break
        except IntegrityError as exc:
            if getattr(exc.__cause__, "pgcode", None) != errorcodes.UNIQUE_VIOLATION or "reference" not in str(exc):
                raise
            order.pk = None
    else:
        raise DomainError(_("Non è stato possibile registrare l'ordine: riprova."))
    if order.provider == Provider.PAGOPA:
        # The position's identifiers are ours: the notice can be printed before anyone pays.
        order.notice_number, order.iuv = notice_number_make(
            segregation_code=creditor.segregation_code, sequence=order.pk
        )
        order.external_id = iupd_for(order)
        order.save(update_fields=["notice_number", "iuv", "external_id"])
    return order


def order_lock(order: Order) -> Order:
    """The order again, locked until the transaction ends (with its creditor)."""
    return Order.objects.select_for_update(of=("self",)).select_related("creditor").get(pk=order.pk)


def order_checkout_start(*, order: Order, return_url: str, now: datetime | None = None) -> str:
    """Make the order payable at its provider; the address to send the person to."""
    now = now or timezone.now()
    provider = provider_for(order.provider)
    with transaction.atomic():
        order = order_lock(order)
        if order.state != State.OPEN:
            raise DomainError(
                _("L'ordine %(ref)s è %(state)s: non c'è nulla da pagare.")
                % {"ref": order.reference, "state": order.get_state_display()},
                code="order_not_open",
            )
        if order.expires_at is not None and order.expires_at <= now:
            raise DomainError(
                _("Il tempo per pagare l'ordine %(ref)s è scaduto: prenota di nuovo.") % {"ref": order.reference},
                code="order_expired",
            )
        if order.payment_url and order.provider == Provider.STRIPE:
            return order.payment_url  # the session is good until the hold lapses
        minimum = timedelta(minutes=provider.min_hold_minutes)
        if order.expires_at is not None and order.expires_at - now < minimum:
            # A provider's shortest window (Stripe: 30 minutes): the hold waits that long.
            order.expires_at = now + minimum + timedelta(minutes=1)
            order.save(update_fields=["expires_at"])
            if order.booking_id:
                charging.booking_hold_extend(booking_id=order.booking_id, until=order.expires_at)
        checkout = provider.checkout_start(order=order, return_url=return_url)
        order.external_id = checkout.external_id
        order.payment_url = checkout.url
        order.save(update_fields=["external_id", "payment_url"])
    return checkout.url


def order_cancel(*, order: Order, now: datetime) -> None:
    """An open order nobody will pay: closed here, and at the provider after the commit."""
    if order.state != State.OPEN:
        return
    order.state = State.CANCELLED
    order.closed_at = now
    order.save(update_fields=["state", "closed_at"])
    schema, pk = connection.schema_name, order.pk

    def close():
        with schema_context(schema):
            provider_for(order.provider).close(order=Order.objects.select_related("creditor").get(pk=pk))

    transaction.on_commit(close, robust=True)


def order_sync(*, order: Order, now: datetime | None = None) -> Order:
    """Read the order's state again from its provider and act on it (see the module's docstring).

    Raises ProviderUnavailable when the provider cannot be asked: nothing is changed."""
    now = now or timezone.now()
    provider = provider_for(order.provider)
    with transaction.atomic():
        order = order_lock(order)
        remote = provider.remote_state(order=order)
        order_apply(order=order, remote=remote, now=now)
    return order


def order_apply(*, order: Order, remote: RemoteState, now: datetime) -> None:
    """Inside the caller's transaction, with `order` locked."""
    if remote.state == RemoteState.PAID:
        for remote_payment in remote.payments:
            payment_record(order=order, remote=remote_payment, now=now)
    elif remote.state == RemoteState.CLOSED and order.state == State.OPEN:
        order.state = State.EXPIRED
        order.closed_at = now
        order.save(update_fields=["state", "closed_at"])


def payment_record(*, order: Order, remote, now: datetime) -> Payment | None:
    """A payment the provider reports: recorded once, then the order is settled."""
    payment, created = Payment.objects.get_or_create(
        provider=order.provider,
        external_id=remote.external_id,
        defaults={
            "order": order,
            "amount_cents": remote.amount_cents,
            "destination": remote.destination,
            "received_at": remote.received_at,
            "recorded_at": now,
        },
    )
    if not created:
        return None
    if payment.order_id != order.pk:  # never: the provider's id of another order's payment
        logger.error("Payment %s reported for order %s belongs to order %s", payment.pk, order.pk, payment.order_id)
        return None
    if payment.destination != order.destination:
        # Shown as a difference on the reconciliation page; our requests name the destination.
        logger.error("Payment %s landed at another destination than its order's", payment.pk)
    notifications.payment_received_later(payment)
    if order.state == State.PAID:
        # Paid twice (a notice paid again, say): the second goes back.
        refund_create(payment=payment, amount_cents=payment.amount_cents, reason=Refund.Reason.DUPLICATE, now=now)
        return payment
    was = order.state
    order.state = State.PAID
    order.paid_at = payment.received_at
    order.save(update_fields=["state", "paid_at"])
    if order.kind == Order.Kind.BOOKING:
        try:
            revived = charging.booking_paid(
                booking_id=order.booking_id, now=now, note=f"pagato: ordine {order.reference}"
            )
        except charging.PlaceTaken:
            # The hold lapsed and the place went to someone else (or the booking was cancelled,
            # or its time is over): the money goes back at once, all of it.
            payment.late = True
            payment.save(update_fields=["late"])
            refund_create(payment=payment, amount_cents=payment.amount_cents, reason=Refund.Reason.PLACE_TAKEN, now=now)
            return payment
        if revived or was != State.OPEN:
            payment.late = True
            payment.save(update_fields=["late"])
    elif order.kind == Order.Kind.PASS:
        pass_create(order=order, now=now)
    elif order.kind == Order.Kind.STATEMENT:
        from src.payments.statements import statement_paid_by_notice

        statement_paid_by_notice(order=order, now=now)
    return payment


# --- refunds ------------------------------------------------------------------------------------


def refund_create(*, payment: Payment, amount_cents: int, reason: str, now: datetime, actor=None) -> Refund | None:
    """A refund of up to what is left of `payment`, sent once the caller's transaction commits."""
    left = payment.amount_cents - sum(
        r.amount_cents for r in Refund.objects.filter(payment=payment).exclude(state=Refund.State.FAILED)
    )
    amount_cents = min(amount_cents, left)
    if amount_cents <= 0:
        return None
    refund = Refund.objects.create(
        payment=payment, amount_cents=amount_cents, reason=reason, created_at=now, done_by=actor
    )
    schema, pk = connection.schema_name, refund.pk

    def send():
        with schema_context(schema):
            try:
                refund_send(refund=Refund.objects.get(pk=pk))
            except ProviderUnavailable:
                pass  # the job tries again

    transaction.on_commit(send, robust=True)
    return refund


def refund_send(*, refund: Refund, now: datetime | None = None) -> Refund | None:
    """Ask the provider to refund (idempotent: the key is the refund's id). pagoPA: owed by bank transfer."""
    now = now or timezone.now()
    with transaction.atomic():
        refund = (
            Refund.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("payment", "payment__order", "payment__order__creditor")
            .filter(pk=refund.pk, state=Refund.State.PENDING)
            .first()
        )
        if refund is None:
            return None
        refund.attempts += 1
        try:
            outcome = provider_for(refund.payment.provider).refund(refund=refund)
        except ProviderUnavailable:
            refund.save(update_fields=["attempts"])
            raise
        refund.external_id = outcome.external_id
        refund.state = Refund.State.MANUAL if outcome.manual else Refund.State.DONE
        refund.done_at = None if outcome.manual else now
        refund.save(update_fields=["attempts", "external_id", "state", "done_at"])
        notifications.refund_later(refund)
    return refund


def refund_mark_transferred(*, refund: Refund, actor, now: datetime | None = None) -> Refund:
    """Comune staff: the money of a pagoPA refund went back by bank transfer."""
    now = now or timezone.now()
    with transaction.atomic():
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if refund.state != Refund.State.MANUAL:
            raise DomainError(_("Questo rimborso non è in attesa di bonifico."), code="bad_state")
        refund.state = Refund.State.DONE
        refund.done_at = now
        refund.done_by = actor
        refund.save(update_fields=["state", "done_at", "done_by"])
    return refund


def refund_percent(*, start: datetime, now: datetime, by_staff: bool) -> int:
    """How much of a booking's payment its cancellation gives back, by the comune's rules."""
    if by_staff:
        return 100  # the comune called it off: everything back
    rules = settings_get()
    ahead = start - now
    if ahead >= timedelta(hours=rules.refund_full_hours):
        return 100
    if ahead >= timedelta(hours=rules.refund_partial_hours):
        return rules.refund_partial_percent
    return 0


# --- passes -------------------------------------------------------------------------------------


def pass_order_create(*, person, price: Price, now: datetime | None = None) -> Order:
    """An order for a carnet or a monthly membership of the price list."""
    from src.payments.pricing import payer_check

    now = now or timezone.now()
    if price.product not in (Product.CARNET, Product.MONTHLY) or not price.is_active:
        raise DomainError(_("Questa tariffa non è un carnet o un abbonamento in vendita."), code="not_a_pass")
    payer_check(price.creditor, person)
    where = price.hub.name if price.hub_id else _("tutti gli hub")
    return order_create(
        kind=Order.Kind.PASS,
        creditor=price.creditor,
        amount_cents=price.amount_cents,
        description=f"{price.label} · {where}",
        now=now,
        expires_at=now + timedelta(hours=2),
        person=person,
        hub=price.hub,
        price=price,
        product=price.product,
    )


def pass_create(*, order: Order, now: datetime) -> Pass:
    price = order.price
    today = now.astimezone(ROME).date()
    if order.product == Product.MONTHLY:
        until = _add_month(today) - timedelta(days=1)
        entries = None
    else:
        until = today + timedelta(days=365)
        entries = price.entries if price is not None else 10
    return Pass.objects.create(
        person=order.person,
        order=order,
        product=order.product,
        hub=order.hub,
        space_kind=price.space_kind if price is not None else "",
        entries_total=entries,
        entries_left=entries,
        valid_from=today,
        valid_until=until,
        created_at=now,
    )


def _add_month(day):
    month = day.month % 12 + 1
    year = day.year + (day.month == 12)
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue


def pass_consume(*, pass_id: int, booking_id: int, day, now: datetime) -> PassUse:
    """One entry of a pass for a booking, under a row lock on the pass: two bookings at once
    never take the last entry twice."""
    held = Pass.objects.select_for_update().filter(pk=pass_id).first()
    if held is None or not (held.valid_from <= day <= held.valid_until):
        raise Conflict(_("Il tuo carnet o abbonamento non copre più questa data."), code="pass_invalid")
    if held.entries_left is not None:
        if held.entries_left <= 0:
            raise Conflict(_("Il tuo carnet non ha più ingressi: prenota di nuovo per pagare."), code="pass_used_up")
        held.entries_left -= 1
        held.save(update_fields=["entries_left"])
    return PassUse.objects.create(pass_used=held, booking_id=booking_id, used_at=now)


# --- the charging side of src/common/charging.py ------------------------------------------------


def booking_charge(*, booking, quote: charging.Quote, now: datetime) -> None:
    """Inside the booking's transaction: one entry of the pass, or the order the hold waits for."""
    if quote.covered_by and "pass_id" not in quote.data:
        return  # the firm's agreement: on its monthly statement
    if quote.covered_by:
        pass_consume(
            pass_id=quote.data["pass_id"], booking_id=booking.pk, day=booking.start.astimezone(ROME).date(), now=now
        )
        return
    data = quote.data
    price = Price.objects.select_related("creditor").get(pk=data["price_id"])
    when = booking.start.astimezone(ROME)
    description = _("%(product)s %(hub)s, %(place)s, %(day)s") % {
        "product": price.get_product_display().capitalize(),
        "hub": booking.hub.name,
        "place": booking.place_label,
        "day": when.strftime("%d/%m/%Y %H:%M"),
    }
    if quote.problem is not None:
        raise quote.problem  # e.g. pagoPA without a verified identity: nothing is written
    order_create(
        kind=Order.Kind.BOOKING,
        creditor=price.creditor,
        amount_cents=quote.amount_cents,
        description=description,
        now=now,
        expires_at=booking.hold_expires_at,
        person=booking.person,
        booking_id=booking.pk,
        hub=booking.hub,
        price=price,
        category=data.get("category", ""),
        product=data.get("product", ""),
    )


def booking_cancelled(*, booking, now: datetime, by_staff: bool) -> None:
    """Inside the cancel's transaction: the pass entry comes back (before the start), an open
    order closes, a paid one is refunded as the comune's rules say."""
    use = PassUse.objects.select_for_update().filter(booking_id=booking.pk, returned_at__isnull=True).first()
    if use is not None and (booking.start > now or by_staff):
        held = Pass.objects.select_for_update().get(pk=use.pass_used_id)
        if held.entries_left is not None:
            held.entries_left = min(held.entries_left + 1, held.entries_total)
            held.save(update_fields=["entries_left"])
        use.returned_at = now
        use.save(update_fields=["returned_at"])
    order = Order.objects.select_for_update(of=("self",)).filter(booking_id=booking.pk).first()
    if order is None:
        return
    if order.state == State.OPEN:
        order_cancel(order=order, now=now)
        return
    if order.state != State.PAID:
        return
    percent = refund_percent(start=booking.start, now=now, by_staff=by_staff)
    if percent <= 0:
        return
    for payment in order.payments.all():
        refund_create(
            payment=payment,
            amount_cents=math.floor(payment.amount_cents * percent / 100),
            reason=Refund.Reason.CANCELLED,
            now=now,
        )
