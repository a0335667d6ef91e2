"""Payment providers as plug-ins: each module registers an implementation of `base.Provider`.

The interface speaks of orders, payments and refunds, not of sessions, intents, debt
positions or carts: those are each provider's own business (stripe.py, pagopa.py).
"""

from src.payments.providers.base import (
    Checkout,
    Provider,
    ProviderUnavailable,
    RefundOutcome,
    RemoteState,
    provider_for,
    provider_register,
)

__all__ = [
    "Checkout",
    "Provider",
    "ProviderUnavailable",
    "RefundOutcome",
    "RemoteState",
    "provider_for",
    "provider_register",
]
