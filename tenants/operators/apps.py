from django.apps import AppConfig


class OperatorsConfig(AppConfig):
    name = "tenants.operators"
    label = "operators"
    verbose_name = "Cooperative che gestiscono gli hub"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from tenants.identity import second_factor
        from tenants.operators.models import OrganisationStaff

        # Joining or leaving a cooperative changes what a person may do: their sessions rotate
        # and ask the second factor again, as for a role granted or revoked.
        post_save.connect(second_factor.on_role_changed, sender=OrganisationStaff, dispatch_uid="operators.staff_saved")
        post_delete.connect(
            second_factor.on_role_changed, sender=OrganisationStaff, dispatch_uid="operators.staff_deleted"
        )
