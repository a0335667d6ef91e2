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

        # Who is an employee at all (User.firm_employee), kept with every change of an enrolment.
        from django.db.models.signals import post_delete, post_save, pre_save

        from tenants.firms.models import Enrolment

        pre_save.connect(coverage.enrolment_before_save, sender=Enrolment, dispatch_uid="firms-employee-before")
        post_save.connect(coverage.enrolment_changed, sender=Enrolment, dispatch_uid="firms-employee-saved")
        post_delete.connect(coverage.enrolment_changed, sender=Enrolment, dispatch_uid="firms-employee-deleted")

        # What firms owe each comune for a month (src/payments draws the monthly statements).
        from tenants.firms import billing
        from tenants.identity.agreements import agreement_bills_register

        agreement_bills_register(bills=billing.bills)
