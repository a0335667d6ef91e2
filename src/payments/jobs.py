"""The payments' periodic jobs (src/common/jobs.py): reconcile orders with their providers,
send the refunds that are still pending.

`payments_reconciled` asks the provider about the orders that may have changed without us
hearing: open orders (a pagoPA notice can be paid anywhere, and GPD calls nobody back; a
Stripe webhook may be late or lost), and orders that expired or were cancelled recently (a
payment that arrives after the hold lapsed re-confirms the booking if the place is still
free, else it is refunded: never lost). It runs after the bookings' `holds_expired` (10),
so a hold that lapsed is released before its late payment is looked at.
"""

import logging
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from src.common.jobs import job
from src.payments.models import Order, Refund
from src.payments.providers import ProviderUnavailable
from src.payments.services import order_sync, refund_send

logger = logging.getLogger(__name__)

# How long after it closed an order is still asked about (late pagoPA receipts, late webhooks).
LOOK_BACK = timedelta(days=3)
BATCH = 200


@job("payments_reconciled", order=15)
def payments_reconcile(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    due = (
        Order.objects.filter(
            Q(state=Order.State.OPEN)
            | Q(state__in=[Order.State.EXPIRED, Order.State.CANCELLED], closed_at__gte=now - LOOK_BACK)
        )
        .exclude(external_id="")
        .order_by("created_at")[:BATCH]
    )
    changed = 0
    for order in list(due):
        before = order.state
        try:
            after = order_sync(order=order, now=now)
        except ProviderUnavailable:
            logger.warning("Order %s not reconciled: provider unavailable", order.pk)
            continue
        changed += after.state != before
    # Open orders nobody started paying (no provider reference), past their time: expired.
    changed += Order.objects.filter(state=Order.State.OPEN, external_id="", expires_at__lte=now).update(
        state=Order.State.EXPIRED, closed_at=now
    )
    return changed


@job("refunds_sent", order=16)
def refunds_send(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    sent = 0
    for refund in list(Refund.objects.filter(state=Refund.State.PENDING).order_by("created_at")[:BATCH]):
        try:
            sent += refund_send(refund=refund, now=now) is not None
        except ProviderUnavailable:
            continue
    return sent
