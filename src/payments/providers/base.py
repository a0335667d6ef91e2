"""The provider interface. A provider knows how to:

- `checkout_start(order, return_url)`: make the order payable, give the address the person
  goes to, and the provider's own reference for it;
- `remote_state(order)`: read again, from the provider, whether the order was paid (and by
  which payment, how much, to whom), is still open, or will never be paid. Every path that
  learns something (a webhook, the person coming back, the reconciliation job) calls this
  and acts on what it returns, never on what the message said: so events may arrive twice,
  late or out of order;
- `close(order)`: stop taking money for an order nobody will pay (cancelled, expired);
- `refund(refund)`: give money back (or say that it must go back by bank transfer).

Providers raise `ProviderUnavailable` (HTTP 503 for a person) when the service cannot be
reached or is not configured.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from src.common.errors import DomainError


class ProviderUnavailable(DomainError):
    status = 503
    code = "payment_provider_unavailable"
    default_message = _("Il servizio di pagamento non risponde in questo momento: riprova tra qualche minuto.")


@dataclass(frozen=True)
class Checkout:
    url: str
    external_id: str
    fields: dict = field(default_factory=dict)  # other references to keep on the order (notice number...)


@dataclass(frozen=True)
class RemotePayment:
    external_id: str
    amount_cents: int
    destination: str
    received_at: datetime


@dataclass(frozen=True)
class RemoteState:
    OPEN = "open"
    PAID = "paid"
    CLOSED = "closed"  # will never be paid (expired, invalidated)

    state: str
    payments: tuple[RemotePayment, ...] = ()


@dataclass(frozen=True)
class RefundOutcome:
    external_id: str = ""
    manual: bool = False  # no refund call exists: the creditor sends it back by bank transfer


class Provider:
    name: str = ""
    # The shortest time a payment may stay open (Stripe Checkout: 30 minutes).
    min_hold_minutes: int = 0

    def configured(self, creditor) -> bool:
        raise NotImplementedError

    def checkout_start(self, *, order, return_url: str) -> Checkout:
        raise NotImplementedError

    def remote_state(self, *, order) -> RemoteState:
        raise NotImplementedError

    def close(self, *, order) -> None:
        raise NotImplementedError

    def refund(self, *, refund) -> RefundOutcome:
        raise NotImplementedError


_registry: dict[str, Provider] = {}


def provider_register(provider: Provider) -> Provider:
    _registry[provider.name] = provider
    return provider


def provider_for(name: str) -> Provider:
    try:
        return _registry[name]
    except KeyError:
        raise ProviderUnavailable() from None
