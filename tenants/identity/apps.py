from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "tenants.identity"
    label = "identity"
    verbose_name = "Identità"

    def ready(self):
        # The API's security schemes in the OpenAPI schema (drf-spectacular registers
        # extensions when their module is imported).
        # Staff sessions (second_factor.py): a role granted or revoked, by any path (admin,
        # services, tests), stamps the person; every sign-in starts under the current stamp.
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete, post_save

        from tenants.identity import (
            openapi,  # noqa: F401
            second_factor,
        )
        from tenants.identity.models import Role

        post_save.connect(second_factor.on_role_changed, sender=Role, dispatch_uid="identity.roles_changed_save")
        post_delete.connect(second_factor.on_role_changed, sender=Role, dispatch_uid="identity.roles_changed_delete")
        user_logged_in.connect(second_factor.on_signed_in, dispatch_uid="identity.signed_in_stamp")
