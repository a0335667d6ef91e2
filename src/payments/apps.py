from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "src.payments"
    label = "payments"
    verbose_name = "Pagamenti"

    def ready(self):
        # Providers are plug-ins: each registers itself when imported.
        # The charging side of src/common/charging.py: bookings ask through it, never importing us.
        from src.common.charging import charging_register
        from src.payments import pricing, selectors, services
        from src.payments.providers import pagopa, stripe  # noqa: F401

        charging_register(
            quote=pricing.booking_quote,
            covered=pricing.quote_covered,
            charge=services.booking_charge,
            cancelled=services.booking_cancelled,
            money=selectors.booking_money,
        )
