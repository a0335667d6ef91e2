from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "src.payments"
    label = "payments"
    verbose_name = "Pagamenti"

    def ready(self):
        # Providers are plug-ins: each registers itself when imported.
        # The charging side of src/common/charging.py: bookings ask through it, never importing us.
        # Prices are read from the cache on the booking path: a change to a price or a creditor drops it.
        from django.db.models.signals import post_delete, post_save

        from src.common.cache import namespace_changed
        from src.common.charging import charging_register
        from src.payments import pricing, selectors, services
        from src.payments.models import Creditor, Price
        from src.payments.providers import pagopa, stripe  # noqa: F401

        def prices_changed(**kwargs):
            namespace_changed(pricing.PRICES_NAMESPACE)

        for model in (Price, Creditor):
            post_save.connect(
                prices_changed, sender=model, dispatch_uid=f"payments.prices.{model.__name__}.save", weak=False
            )
            post_delete.connect(
                prices_changed, sender=model, dispatch_uid=f"payments.prices.{model.__name__}.delete", weak=False
            )

        charging_register(
            quote=pricing.booking_quote,
            covered=pricing.quote_covered,
            charge=services.booking_charge,
            cancelled=services.booking_cancelled,
            money=selectors.booking_money,
        )
