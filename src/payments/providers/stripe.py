"""Card payments through Stripe: Checkout Sessions as destination charges to the creditor's
Connect account, refunds with the transfer reversed.

- The session's PaymentIntent carries `transfer_data.destination` = the order's snapshot of
  its creditor's account: the money goes to that account and nowhere else.
- The session expires when the booking's hold does (`expires_at`; Stripe takes 30 minutes to
  24 hours, so a paid booking is held at least 30 minutes: `min_hold_minutes`).
- Every write carries an idempotency key derived from our ids (comune schema, order id,
  refund id), so a retry after a timeout never creates a second session or refund.
- `remote_state` reads the session again (with its PaymentIntent): webhooks only say
  which order to look at (src/payments/webhooks.py).
"""

import logging
from datetime import UTC, datetime

import stripe
from django.conf import settings
from django.db import connection

from src.payments.providers.base import (
    Checkout,
    Provider,
    ProviderUnavailable,
    RefundOutcome,
    RemotePayment,
    RemoteState,
    provider_register,
)

logger = logging.getLogger(__name__)


def stripe_client() -> stripe.StripeClient:
    if not settings.STRIPE_SECRET_KEY:
        raise ProviderUnavailable()
    base = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, base_addresses=base, max_network_retries=2)


def _call(function, *args, **kwargs):
    """A Stripe call; an outage or a refusal of ours becomes ProviderUnavailable (503)."""
    try:
        return function(*args, **kwargs)
    except (stripe.APIConnectionError, stripe.RateLimitError, stripe.AuthenticationError) as error:
        logger.warning("Stripe unreachable: %s", type(error).__name__)
        raise ProviderUnavailable() from error
    except stripe.StripeError as error:
        # A refusal of a request we built: logged for us, a 503 for the person (nothing was charged).
        logger.error("Stripe refused a request: %s %s", type(error).__name__, getattr(error, "code", ""))
        raise ProviderUnavailable() from error


def order_metadata(order) -> dict:
    """What every Stripe object of an order carries: the webhook routes events by it."""
    return {"comune": connection.schema_name, "order": order.reference, "order_id": str(order.pk)}


class StripeProvider(Provider):
    name = "stripe"
    min_hold_minutes = 30

    def configured(self, creditor) -> bool:
        return bool(settings.STRIPE_SECRET_KEY and creditor.stripe_account_id and creditor.charges_enabled)

    def checkout_start(self, *, order, return_url: str) -> Checkout:
        metadata = order_metadata(order)
        expires_at = int(order.expires_at.timestamp()) if order.expires_at else None
        params = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": "eur",
                        "unit_amount": order.amount_cents,
                        "product_data": {"name": order.description},
                    },
                }
            ],
            "payment_intent_data": {
                "transfer_data": {"destination": order.destination},
                "description": order.description,
                "metadata": metadata,
            },
            "client_reference_id": f"{metadata['comune']}:{order.pk}",
            "metadata": metadata,
            "success_url": f"{return_url}?esito=ok",
            "cancel_url": f"{return_url}?esito=annullato",
            "locale": "it",
        }
        if expires_at:
            params["expires_at"] = expires_at
        if order.payer_email:
            params["customer_email"] = order.payer_email
        # Derived from our ids: the same order and expiry always give the same session.
        key = f"{metadata['comune']}-order-{order.pk}-checkout-{expires_at or 0}"
        session = _call(stripe_client().v1.checkout.sessions.create, params, {"idempotency_key": key})
        return Checkout(url=session.url, external_id=session.id)

    def remote_state(self, *, order) -> RemoteState:
        if not order.external_id:
            return RemoteState(RemoteState.OPEN)
        session = _call(
            stripe_client().v1.checkout.sessions.retrieve, order.external_id, {"expand": ["payment_intent"]}
        )
        if session.status == "complete" and session.payment_status == "paid":
            intent = session.payment_intent
            transfer = getattr(intent, "transfer_data", None)
            received = datetime.fromtimestamp(getattr(intent, "created", None) or session.created, tz=UTC)
            payment = RemotePayment(
                external_id=intent.id,
                amount_cents=int(session.amount_total),
                destination=getattr(transfer, "destination", "") or "",
                received_at=received,
            )
            return RemoteState(RemoteState.PAID, (payment,))
        if session.status == "expired":
            return RemoteState(RemoteState.CLOSED)
        return RemoteState(RemoteState.OPEN)

    def close(self, *, order) -> None:
        if not order.external_id:
            return
        try:
            stripe_client().v1.checkout.sessions.expire(order.external_id)
        except stripe.InvalidRequestError:
            pass  # already expired or complete: remote_state tells which
        except stripe.StripeError as error:
            logger.warning("Stripe session not expired: %s", type(error).__name__)

    def refund(self, *, refund) -> RefundOutcome:
        payment = refund.payment
        params = {
            "payment_intent": payment.external_id,
            "amount": refund.amount_cents,
            # Destination charge: take the money back from the connected account too.
            "reverse_transfer": True,
            "metadata": {**order_metadata(payment.order), "refund_id": str(refund.pk)},
        }
        key = f"{connection.schema_name}-refund-{refund.pk}"
        result = _call(stripe_client().v1.refunds.create, params, {"idempotency_key": key})
        return RefundOutcome(external_id=result.id)


provider_register(StripeProvider())
