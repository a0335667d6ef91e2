from django.apps import AppConfig


class FirmsConfig(AppConfig):
    name = "tenants.firms"
    label = "firms"
    verbose_name = "Aziende e convenzioni"

    def ready(self):
        # Bookings in every comune ask through tenants.identity.agreements (src/ may import only
        # identity and comuni): the firms app answers, registered here at start-up.
        from tenants.firms import coverage
        from tenants.identity.agreements import agreements_register

        agreements_register(take=coverage.cover_take, release=coverage.cover_release, enrolled=coverage.enrolled)

        # What firms owe each comune for a month (src/payments draws the monthly statements).
        from tenants.firms import billing
        from tenants.identity.agreements import agreement_bills_register

        agreement_bills_register(bills=billing.bills)
